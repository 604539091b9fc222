//! `events [-t]`, `events:list`, `events:on`, `events:off`, `events:help`, and the
//! trigger handler that logs every trigger it listens to while `DOKKU_EVENTS` is set.

use std::io::Write;

use dokku_core::env;
use dokku_core::events;
use dokku_core::log::Level;
use dokku_core::process::Cmd;
use dokku_core::trigger::TriggerError;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_plugin_common::help::installed_plugin_help;
use dokku_plugin_common::log;

/// The plugin's directory name (dispatch maps `events*` to it).
const PLUGIN_DIR: &str = "20_events";

/// Runs one `events` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let ctx = &*ctx;
    match command {
        "events" => show(ctx, args),
        // The host answers `events:help` before reaching here; kept for direct calls.
        "events:help" => installed_plugin_help(ctx, PLUGIN_DIR),
        "events:on" => {
            output::println("Enabling dokku events logger");
            events::enable(&ctx.layout.dokku_root, env::DOKKU_EVENTS).map_err(io_fail)?;
            Ok(0)
        }
        "events:off" => {
            output::println("Disabling dokku events logger");
            events::disable(&ctx.layout.dokku_root, env::DOKKU_EVENTS).map_err(io_fail)?;
            Ok(0)
        }
        "events:list" => {
            if ctx.var(env::DOKKU_EVENTS).is_none() {
                log(ctx, Level::Warn, "Events logger disabled");
                return Ok(0);
            }
            if !ctx.plugin_quiet() {
                output::println(&format!(
                    "{:<6} {:<18} {:<25} {:<25} {:<25}",
                    "=====>", "Events currently logged", "", "", ""
                ));
            }
            let mut names: Vec<&str> = events::TRIGGERS.to_vec();
            names.sort_unstable();
            for name in names {
                output::println(&format!("{name:<25} {:<25} {:<25} {:<25}", "", "", ""));
            }
            Ok(0)
        }
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// `events [-t]`: the last 100 lines of the events log, or `tail -F` with `-t`.
fn show(ctx: &Context, args: &[String]) -> CmdResult {
    let logfile = logfile(ctx);
    if !logfile.is_file() {
        return Ok(0);
    }
    if args.first().map(String::as_str) == Some("-t") {
        let status = Cmd::new("tail")
            .arg("-F")
            .arg(&logfile)
            .status()
            .map_err(|e| CommandError::fail(e.to_string()))?;
        return Ok(dokku_core::trigger::exit_code(status));
    }
    if let Some(text) = events::tail(&logfile, events::TAIL_LINES).map_err(io_fail)? {
        output::write(dokku_core::log::Stream::Stdout, &text);
    }
    Ok(0)
}

/// The events log of this installation ([`events::logfile`]).
fn logfile(ctx: &Context) -> std::path::PathBuf {
    events::logfile(ctx.var(env::DOKKU_EVENTS_LOGFILE), &ctx.layout.logs_dir)
}

fn io_fail(err: std::io::Error) -> CommandError {
    CommandError::fail(err.to_string())
}

/// The events plugin's trigger handler: `install` prepares the log, and every trigger
/// is logged while `DOKKU_EVENTS` is set. It prints nothing and never fails a chain.
pub(crate) fn run_trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let logfile = logfile(ctx);
    if trigger == "install" {
        if let Err(e) = events::install(&ctx.layout.logs_dir, &logfile) {
            log(
                ctx,
                Level::Warn,
                &format!(
                    "Unable to prepare the events log {}: {e}",
                    logfile.display()
                ),
            );
        }
    }
    if ctx.var(env::DOKKU_EVENTS).is_some() {
        let message = events::event_message_from_env(trigger, args, &ctx.env);
        if let Err(e) = events::record(&logfile, &message) {
            log(
                ctx,
                Level::Warn,
                &format!("Unable to write the events log {}: {e}", logfile.display()),
            );
        }
    }
    Ok(0)
}
