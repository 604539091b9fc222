//! The `proxy` core plugin: `proxy:*` and the `proxy-*` triggers (logic in
//! `dokku_core::proxy`; the nginx side answers `proxy-build-config`).

use std::io::Write;

use dokku_core::deploy::Host;
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::proxy;
use dokku_core::trigger::TriggerError;

use super::core_plugin::run_report;
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{arg, cli_error, existing_app, trigger_status};

/// `--all` or one app: the apps a `proxy:build-config` / `proxy:clear-config` acts on.
fn targets(ctx: &Context, args: &[String]) -> Result<Vec<String>, CommandError> {
    if args.iter().any(|a| a == "--all") {
        return dokku_core::app::list(&ctx.layout.dokku_root)
            .map_err(|e| CommandError::fail(e.to_string()));
    }
    let positional: Vec<String> = {
        let mut out = Vec::new();
        let mut skip = false;
        for a in args {
            if skip {
                skip = false;
                continue;
            }
            if a == "--parallel" {
                skip = true;
                continue;
            }
            if !a.starts_with("--") {
                out.push(a.clone());
            }
        }
        out
    };
    Ok(vec![existing_app(ctx, &positional)?])
}

/// Runs one `proxy:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let host = &*ctx;
    match command {
        "proxy:enable" => proxy::enable(&host, &existing_app(ctx, args)?).map_err(cli_error)?,
        "proxy:disable" => proxy::disable(&host, &existing_app(ctx, args)?).map_err(cli_error)?,
        "proxy:build-config" | "proxy:clear-config" => {
            let trigger = if command == "proxy:build-config" {
                "proxy-build-config"
            } else {
                "proxy-clear-config"
            };
            for app in targets(ctx, args)? {
                host.fire_checked(trigger, &[&app]).map_err(cli_error)?;
            }
        }
        "proxy:set" => {
            let scope = args.first().map(String::as_str).unwrap_or("");
            let app = if scope == GLOBAL {
                GLOBAL.to_string()
            } else {
                existing_app(ctx, args)?
            };
            proxy::set_type(&host, &app, args.get(1).map(String::as_str)).map_err(cli_error)?;
        }
        "proxy:report" | "proxy" => {
            let props = host.properties();
            return run_report(ctx, proxy::PLUGIN, args, |app| {
                Ok(proxy::report(&props, app))
            });
        }
        other => {
            return Err(CommandError::fail(format!(
                "`{other}` is not a dokku command."
            )))
        }
    }
    Ok(0)
}

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let app = arg(args, 0);
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        "proxy-is-enabled" => {
            let _ = writeln!(stdout, "{}", proxy::is_enabled(&props, app));
            Ok(0)
        }
        "proxy-type" => {
            let _ = writeln!(stdout, "{}", proxy::proxy_type(&props, app));
            Ok(0)
        }
        "post-delete" => trigger_status(ctx, props.destroy(proxy::PLUGIN, app).map_err(Into::into)),
        "report" => {
            super::domains::report_trigger(ctx, proxy::report(&props, app));
            Ok(0)
        }
        _ => Ok(0),
    }
}
