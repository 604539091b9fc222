//! The `ports` core plugin: `ports:*` and the `ports-*` triggers (logic in
//! `dokku_core::ports`).

use std::io::Write;

use dokku_core::deploy::Host;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;
use dokku_core::{ports, proxy};

use super::core_plugin::{quiet, run_report};
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{arg, cli_error, existing_app, trigger_status};

const HINT: &str = "use scheme:host-port:container-port, e.g. http:80:5000 (schemes: http https grpc grpcs tcp udp)";

/// Runs one `ports:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let host = &*ctx;
    let maps = || -> Vec<String> {
        args.iter()
            .filter(|a| !a.starts_with("--"))
            .skip(1)
            .cloned()
            .collect()
    };
    let result = match command {
        "ports:set" => ports::set(&host, &existing_app(ctx, args)?, &maps()),
        "ports:add" => ports::add(&host, &existing_app(ctx, args)?, &maps()),
        "ports:remove" => ports::remove(&host, &existing_app(ctx, args)?, &maps()),
        "ports:clear" => ports::clear(&host, &existing_app(ctx, args)?),
        "ports:list" | "ports" => ports::list(&host, &existing_app(ctx, args)?, quiet(ctx)),
        "ports:report" => {
            let props = host.properties();
            return run_report(ctx, ports::PLUGIN, args, |app| {
                Ok(ports::report(&props, app))
            });
        }
        other => {
            return Err(CommandError::fail(format!(
                "`{other}` is not a dokku command."
            )))
        }
    };
    result.map_err(|e| {
        let invalid = e.to_string().starts_with("Invalid port map");
        let err = cli_error(e);
        if invalid {
            err.hint(HINT)
        } else {
            err
        }
    })?;
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
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        "ports-get" => {
            for m in ports::effective(&ctx.layout, &props, app) {
                let _ = writeln!(stdout, "{m}");
            }
            Ok(0)
        }
        "ports-get-property" => {
            let value = match arg(args, 1) {
                "proxy-port" => proxy::http_port(&props, app).to_string(),
                "proxy-ssl-port" => proxy::ssl_port(&props, app).to_string(),
                _ => String::new(),
            };
            let _ = writeln!(stdout, "{value}");
            Ok(0)
        }
        "post-certs-update" => trigger_status(ctx, ports::after_certs_update(&host, app)),
        "post-certs-remove" => trigger_status(ctx, ports::after_certs_remove(&host, app)),
        "report" => {
            super::domains::report_trigger(ctx, ports::report(&props, app));
            Ok(0)
        }
        _ => Ok(0),
    }
}
