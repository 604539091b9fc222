//! The `domains` plugin's triggers: the `domains-*` hooks other plugins ask, an
//! app's default domains at creation, clone and rename, and `report`.

use std::io::Write;

use dokku_core::domains;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::report::report_trigger;
use dokku_plugin_common::{arg, trigger_status, Context};

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    let app = arg(args, 0);
    let layout = &ctx.layout;
    match trigger {
        "post-create" | "domains-setup" => trigger_status(ctx, domains::setup(&host, app, false)),
        "domains-list" => {
            for d in domains::list(layout, app) {
                let _ = writeln!(stdout, "{d}");
            }
            Ok(0)
        }
        "domains-vhost-enabled" => Ok(if domains::app_enabled(layout, app) {
            0
        } else {
            1
        }),
        // APP TYPE: a plugin answering `app-urls APP TYPE` decides, as in Dokku.
        "domains-urls" => {
            let props = PropertyStore::new(&layout.lib_root);
            let answer = match dokku_core::deploy::Host::fire_capture(
                &host,
                "app-urls",
                &[app, arg(args, 1)],
            ) {
                Ok(answer) => answer,
                Err(err) => return trigger_status(ctx, Err(err)),
            };
            let urls = domains::urls_or_override(layout, &props, app, arg(args, 1), &answer);
            for u in urls {
                let _ = writeln!(stdout, "{u}");
            }
            Ok(0)
        }
        "domains-add" => {
            let list: Vec<String> = args.iter().skip(1).cloned().collect();
            trigger_status(ctx, domains::add(&host, app, &list))
        }
        "domains-enable" => trigger_status(ctx, domains::enable(&host, app)),
        "post-app-clone-setup" => {
            // The clone drops the original's names and gets its own defaults, as
            // `apps:create` gives them (Dokku's quiet `domains_setup`).
            let clone = arg(args, 1);
            domains::forget(layout, clone);
            trigger_status(ctx, domains::setup(&host, clone, false))
        }
        "post-app-rename-setup" => {
            trigger_status(ctx, domains::rename(layout, arg(args, 0), arg(args, 1)))
        }
        "domains-disable" => trigger_status(ctx, domains::disable(&host, app)),
        "report" => {
            report_trigger(ctx, domains::report(layout, app));
            Ok(0)
        }
        _ => Ok(0),
    }
}
