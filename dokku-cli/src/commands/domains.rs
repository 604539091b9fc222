//! The `domains` core plugin: `domains:*` and the `domains-*` triggers
//! (logic in `dokku_core::domains`).

use std::io::Write;

use dokku_core::domains;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use super::core_plugin::run_report;
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{arg, cli_error, existing_app, trigger_status};

/// The arguments after the app (flags dropped).
fn rest(args: &[String]) -> Vec<String> {
    args.iter()
        .filter(|a| !a.starts_with("--"))
        .skip(1)
        .cloned()
        .collect()
}

fn words(args: &[String]) -> Vec<String> {
    args.iter()
        .filter(|a| !a.starts_with("--"))
        .cloned()
        .collect()
}

/// Runs one `domains:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let host = &*ctx;
    let result = match command {
        "domains:add" | "domains:remove" | "domains:set" => {
            let app = existing_app(ctx, args)?;
            let list = rest(args);
            match command {
                "domains:add" => domains::add(&host, &app, &list),
                "domains:remove" => domains::remove(&host, &app, &list),
                _ => domains::set(&host, &app, &list),
            }
        }
        "domains:clear" => domains::clear(&host, &existing_app(ctx, args)?),
        "domains:reset" => domains::reset(&host, &existing_app(ctx, args)?),
        "domains:enable" => domains::enable(&host, &existing_app(ctx, args)?),
        "domains:disable" => domains::disable(&host, &existing_app(ctx, args)?),
        "domains:setup" => domains::setup(&host, &existing_app(ctx, args)?, true),
        "domains:add-global" => domains::add_global(&host, &words(args)),
        "domains:remove-global" => domains::remove_global(&host, &words(args)),
        "domains:set-global" => domains::set_global(&host, &words(args)),
        "domains:clear-global" => domains::clear_global(&host),
        "domains:report" | "domains" => {
            return run_report(ctx, domains::PLUGIN, args, |app| {
                Ok(domains::report(&ctx.layout, app))
            })
        }
        other => {
            return Err(CommandError::fail(format!(
                "`{other}` is not a dokku command."
            )))
        }
    };
    result.map_err(cli_error)?;
    Ok(0)
}

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = &*ctx;
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
        "domains-urls" => {
            let props = PropertyStore::new(&layout.lib_root);
            let urls = if arg(args, 1) == "url" {
                domains::url(layout, &props, app).into_iter().collect()
            } else {
                domains::urls(layout, &props, app)
            };
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

/// A plugin's answer to `report APP` (`dokku report`): its report in the text layout.
pub(crate) fn report_trigger(ctx: &Context, report: dokku_core::report::Report) {
    if let Ok(rendered) = report.render(&dokku_core::report::ReportArgs::default()) {
        super::core_plugin::print_report(ctx, rendered);
    }
}
