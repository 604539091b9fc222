//! `scheduler:set`, `scheduler:report` and the plugin's trigger answers.

use std::io::Write;

use dokku_core::property::PropertyStore;
use dokku_core::scheduler::selection::{self, SELECTION_PLUGIN, SELECTION_PROPERTIES};
use dokku_core::trigger::TriggerError;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::arg;
use dokku_plugin_common::properties;
use dokku_plugin_common::report::run_report;

/// Runs one `scheduler:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match command {
        "scheduler:set" => properties::set(
            ctx,
            SELECTION_PLUGIN,
            args,
            SELECTION_PROPERTIES,
            SELECTION_PROPERTIES,
        ),
        "scheduler:report" => run_report(ctx, SELECTION_PLUGIN, args, |app| {
            Ok(selection::selection_report(&props, app))
        }),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// `scheduler-detect APP` prints the app's scheduler (app, global, `docker-local`);
/// `scheduler-uses-host-cron SCHEDULER` answers `false` for Dokku's `k3s` and `null`
/// schedulers, whose own plugins answer it in Dokku and which this project does not
/// ship (docker-local answers for itself).
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        "scheduler-detect" => {
            let app = arg(args, 0);
            let scheduler = if app.is_empty() || app == dokku_core::property::GLOBAL {
                selection::global_scheduler(&props)
            } else {
                dokku_core::deploy::scheduler_of(&props, app)
            };
            let _ = writeln!(stdout, "{scheduler}");
        }
        "scheduler-uses-host-cron" => {
            if matches!(arg(args, 0), "k3s" | "null") {
                let _ = writeln!(stdout, "false");
            }
        }
        _ => {}
    }
    Ok(0)
}
