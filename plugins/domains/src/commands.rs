//! The `domains:*` commands: an app's and the global domain names, and vhost
//! support on or off.

use dokku_core::domains;

use dokku_plugin_common::report::run_report;
use dokku_plugin_common::{cli_error, existing_app, CmdResult, CommandError, Context};

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
        "domains:setup" => domains::setup_command(&host, &existing_app(ctx, args)?),
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
