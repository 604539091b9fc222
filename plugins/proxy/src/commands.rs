//! The `proxy:*` commands: the proxy on or off and its type, an app's proxy config
//! built or cleared (the proxy's own plugin answers the trigger), and `proxy:report`.

use dokku_core::deploy::Host;
use dokku_core::log::Level;
use dokku_core::proxy;

use dokku_plugin_common::report::run_report;
use dokku_plugin_common::{cli_error, existing_app, CmdResult, CommandError, Context};
use dokku_plugin_common::{log, properties};

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
            let (app, rest) = properties::scoped(ctx, args)?;
            let key = rest.first().map(String::as_str).unwrap_or("");
            let value = rest.get(1..).map(|v| v.join(" ")).unwrap_or_default();
            let (key, value) = proxy::set_words(key, &value).map_err(|e| {
                if e == proxy::SetError::PortMapping {
                    log(ctx, Level::Warn, proxy::PORT_MAPPING_WARNING);
                }
                CommandError::fail(e.to_string())
            })?;
            return properties::set_value(
                ctx,
                proxy::PLUGIN,
                &app,
                &key,
                &value,
                proxy::SET_KEYS,
                proxy::GLOBAL_SET_KEYS,
            );
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
