//! The `apps` plugin's trigger handlers: `app-create`, `app-destroy`, `app-list`,
//! `app-maybe-create`, `app-exists`,
//! `deploy-source-set`, `install`, `post-create`, `post-app-clone-setup`,
//! `post-app-rename-setup` and `report`.

use std::io::Write;

use dokku_core::app::{self, lifecycle, transfer};
use dokku_core::deploy::DeployError;
use dokku_core::log::Level;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};
use dokku_plugin_common::report::print_report;

/// The `apps` plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx.as_plugin();
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        // APP: `apps:create APP`.
        "app-create" => trigger_status(
            ctx,
            lifecycle::create(&host, arg(args, 0), true).map(|_| ()),
        ),
        // APP: `apps:destroy APP`, confirmed unless DOKKU_APPS_FORCE_DELETE=1.
        "app-destroy" => Ok(match destroy(ctx, arg(args, 0)) {
            Ok(()) => 0,
            Err(err) => err.report(),
        }),
        // [FILTER]: the apps, one a line; `user-auth-app` filters them unless FILTER
        // is given and is not `true` (Dokku's common plugin answers it there).
        "app-list" => {
            let unfiltered = !matches!(arg(args, 0), "" | "true");
            match app::visible::list(&host, unfiltered) {
                Ok(apps) => {
                    for app in apps {
                        let _ = writeln!(stdout, "{app}");
                    }
                    Ok(0)
                }
                Err(err) => trigger_status(ctx, Err(err)),
            }
        }
        "app-maybe-create" => trigger_status(ctx, lifecycle::maybe_create(&host, arg(args, 0))),
        "app-exists" => Ok(
            if app::verify(&ctx.layout.dokku_root, arg(args, 0)).is_ok() {
                0
            } else {
                20
            },
        ),
        "deploy-source-set" => {
            let app = arg(args, 0);
            let result = props
                .write(lifecycle::PLUGIN, app, "deploy-source", arg(args, 1))
                .and_then(|()| {
                    props.write(
                        lifecycle::PLUGIN,
                        app,
                        "deploy-source-metadata",
                        arg(args, 2),
                    )
                })
                .map_err(Into::into);
            trigger_status(ctx, result)
        }
        "install" => trigger_status(ctx, app::install::install(&host)),
        "post-create" => {
            let dir = ctx.layout.app_data_dir(lifecycle::PLUGIN, arg(args, 0));
            trigger_status(
                ctx,
                std::fs::create_dir_all(&dir).map_err(DeployError::io("create", &dir)),
            )
        }
        "post-app-clone-setup" | "post-app-rename-setup" => trigger_status(
            ctx,
            transfer::carry_over(
                &host,
                arg(args, 0),
                arg(args, 1),
                trigger == "post-app-rename-setup",
            ),
        ),
        "report" => {
            let app = arg(args, 0);
            if app::verify(&ctx.layout.dokku_root, app).is_err() {
                return Ok(0);
            }
            let rendered = app::report::report(&ctx.layout, &props, app)
                .render(&dokku_core::report::ReportArgs::default());
            match rendered {
                Ok(rendered) => print_report(ctx, rendered),
                Err(e) => ctx.log(Level::Fail, &e.to_string()),
            }
            Ok(0)
        }
        _ => Ok(0),
    }
}

/// `app-destroy APP`: as `apps:destroy APP`, forced only by the dispatcher's
/// `DOKKU_APPS_FORCE_DELETE=1`.
fn destroy(ctx: &Context, name: &str) -> Result<(), dokku_host::CommandError> {
    let app = app::verify(&ctx.layout.dokku_root, name)?;
    let forced = ctx.var(dokku_core::env::DOKKU_APPS_FORCE_DELETE) == Some("1");
    if !forced {
        crate::commands::confirm(ctx, app.as_str())?;
    }
    lifecycle::destroy(&ctx.as_plugin(), app.as_str(), forced)
        .map_err(dokku_host::pipeline::cli_error)
}
