//! `trace:on`, `trace:off` and the deprecated `trace on|off`.

use dokku_core::env;
use dokku_core::events;
use dokku_core::log::Level;
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::Context;
use dokku_plugin_common::help::installed_plugin_help;
use dokku_plugin_common::log;

/// Runs one `trace` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let ctx = &*ctx;
    let on = match command {
        "trace:on" => true,
        "trace:off" => false,
        "trace" => match args.first().map(String::as_str) {
            Some("on") => {
                log(
                    ctx,
                    Level::Warn,
                    "Deprecated: Please use trace:on or trace:off",
                );
                true
            }
            Some("off") => {
                log(
                    ctx,
                    Level::Warn,
                    "Deprecated: Please use trace:on or trace:off",
                );
                false
            }
            // A bare `trace` is the plugin's help, as `dokku trace:help` (Dokku 0.38).
            None => return installed_plugin_help(ctx, "trace"),
            _ => return Err(CommandError::fail("Valid trace options are [on/off]")),
        },
        other => {
            return Err(CommandError::fail(format!(
                "`{other}` is not a dokku command."
            )))
        }
    };
    let root = &ctx.layout.dokku_root;
    let done = if on {
        log(ctx, Level::Info1, "Enabling trace mode");
        events::enable(root, env::DOKKU_TRACE)
    } else {
        log(ctx, Level::Info1, "Disabling trace mode");
        events::disable(root, env::DOKKU_TRACE)
    };
    done.map_err(|e| CommandError::fail(e.to_string()))?;
    Ok(0)
}
