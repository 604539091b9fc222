//! The `nginx-vhosts` core plugin: `nginx:*` and nginx's side of the proxy triggers
//! (logic in `dokku_core::nginx`).

use std::io::Write;

use dokku_core::deploy::Host;
use dokku_core::log::Level;
use dokku_core::nginx::{self, props};
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::trigger::TriggerError;

use super::core_plugin::run_report;
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_host::pipeline::{arg, cli_error, existing_app, trigger_status};

/// Runs one `nginx:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let host = &*ctx;
    match command {
        "nginx:build-config" => {
            let app = existing_app(ctx, args)?;
            host.fire_checked("proxy-build-config", &[&app])
                .map_err(cli_error)?;
        }
        "nginx:set" => set(ctx, &host, args)?,
        "nginx:report" => {
            let props = host.properties();
            let logs = nginx::log_root(&ctx.layout);
            return run_report(ctx, nginx::PLUGIN, args, |app| {
                Ok(props::report(
                    &props,
                    app,
                    &logs,
                    last_visited(&props, app, &logs),
                ))
            });
        }
        "nginx:show-config" => {
            let app = existing_app(ctx, args)?;
            let path = nginx::conf_path(&ctx.layout, &app);
            let text = std::fs::read_to_string(&path)
                .map_err(|_| CommandError::fail(format!("No nginx.conf exists for {app}")))?;
            output::write(dokku_core::log::Stream::Stdout, &text);
        }
        "nginx:validate-config" => {
            let clean = args.iter().any(|a| a == "--clean");
            let app = match args.iter().find(|a| !a.starts_with("--")) {
                Some(_) => Some(existing_app(ctx, args)?),
                None => None,
            };
            nginx::validate(&host, app.as_deref(), clean).map_err(cli_error)?;
        }
        "nginx:access-logs" | "nginx:error-logs" => {
            let app = existing_app(ctx, args)?;
            let key = if command == "nginx:access-logs" {
                "access-log-path"
            } else {
                "error-log-path"
            };
            let path =
                props::computed(&host.properties(), &app, key, &nginx::log_root(&ctx.layout));
            if path == "off" || path == "/dev/null" {
                let kind = key.trim_end_matches("-log-path");
                return Err(CommandError::fail(format!(
                    "{kind} logs are disabled for this app"
                )));
            }
            let follow = args.iter().any(|a| a == "-t" || a == "--tail");
            let cmd = dokku_core::process::Cmd::new("tail")
                .args(if follow { vec!["-F"] } else { vec!["-n", "20"] })
                .arg(&path);
            return Err(CommandError::fail(cmd.exec().to_string()));
        }
        other => {
            return Err(CommandError::fail(format!(
                "`{other}` is not a dokku command."
            )))
        }
    }
    Ok(0)
}

/// When the app's access log was last written (Unix seconds).
fn last_visited(props: &PropertyStore, app: &str, logs: &std::path::Path) -> Option<String> {
    if app == GLOBAL {
        return None;
    }
    let path = props::computed(props, app, "access-log-path", logs);
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let secs = modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(secs.to_string())
}

/// `nginx:set <app>|--global <property> [<value>]`.
fn set(ctx: &Context, host: &Context, args: &[String]) -> Result<(), CommandError> {
    let scope = args.first().map(String::as_str).unwrap_or("");
    let app = if scope == GLOBAL {
        GLOBAL.to_string()
    } else {
        existing_app(ctx, args)?
    };
    let key = args.get(1).map(String::as_str).unwrap_or("");
    if key.is_empty() {
        return Err(CommandError::fail("No property specified")
            .hint(format!("valid properties: {}", props::keys().join(", "))));
    }
    let value = args.get(2).map(String::as_str).unwrap_or("");
    let store = host.properties();
    let prop_err = |e: dokku_core::property::PropertyError| CommandError::fail(e.to_string());
    if value.is_empty() {
        props::check(key, "")
            .or_else(|e| {
                if e.starts_with("Invalid key") {
                    Err(e)
                } else {
                    Ok(())
                }
            })
            .map_err(CommandError::fail)?;
        host.log(Level::Info2, &format!("Unsetting {key}"));
        store.delete(nginx::PLUGIN, &app, key).map_err(prop_err)?;
    } else {
        props::check(key, value).map_err(CommandError::fail)?;
        host.log(Level::Info2, &format!("Setting {key} to {value}"));
        store
            .write(nginx::PLUGIN, &app, key, value)
            .map_err(prop_err)?;
    }
    Ok(())
}

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = &*ctx;
    let app = arg(args, 0);
    match trigger {
        "proxy-build-config"
        | "post-domains-update"
        | "post-proxy-ports-update"
        | "post-certs-remove"
        | "proxy-enable"
        | "proxy-disable" => trigger_status(ctx, nginx::build_config(&host, app)),
        "proxy-clear-config" if app == "--all" => {
            let apps = dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default();
            let result = apps
                .iter()
                .try_for_each(|app| nginx::clear_config(&host, app));
            trigger_status(ctx, result)
        }
        "proxy-clear-config" => trigger_status(ctx, nginx::clear_config(&host, app)),
        // We go further than Dokku: a stopped app is unrouted at once, not at the next
        // ps:restore, since Docker may give its addresses to another app's containers.
        "post-stop" => trigger_status(ctx, nginx::clear_config(&host, app)),
        "scheduler-post-deploy-process" => {
            if arg(args, 1) != "web" {
                return Ok(0);
            }
            let props = host.properties();
            if dokku_core::proxy::proxy_type(&props, app) != "nginx" {
                return Ok(0);
            }
            ctx.log(Level::Info2, "Triggering early nginx proxy rebuild");
            trigger_status(ctx, host.fire_checked("proxy-build-config", &[app]))
        }
        "core-post-deploy" => {
            let result = host.fire_checked("proxy-build-config", &[app]);
            if result.is_ok() {
                let pid = ctx
                    .var(dokku_core::env::DOKKU_PID)
                    .unwrap_or("0")
                    .to_string();
                nginx::promote(&ctx.layout, app, &pid);
            }
            trigger_status(ctx, result)
        }
        "core-post-extract" => trigger_status(
            ctx,
            nginx::extract(&host, app, std::path::Path::new(arg(args, 1))),
        ),
        "post-delete" => trigger_status(ctx, nginx::delete_app(&host, app)),
        // Dokku's nginx-vhosts: a clone starts without the original's config; a
        // renamed app's copied config names the old app, so it is cleared.
        "post-app-clone-setup" => {
            let _ = std::fs::remove_file(nginx::conf_path(&ctx.layout, arg(args, 1)));
            Ok(0)
        }
        // Copied, not moved: OLD stays whole until the rename switches names (its
        // copy goes with OLD's post-delete).
        "post-app-rename-setup" => {
            let (old, new) = (arg(args, 0), arg(args, 1));
            let from = nginx::app_template_dir(&ctx.layout, old);
            if from.is_dir() {
                let to = nginx::app_template_dir(&ctx.layout, new);
                let _ = dokku_core::app::transfer::copy_tree(&from, &to);
            }
            trigger_status(ctx, host.fire_checked("proxy-clear-config", &[new]))
        }
        "report" => {
            let props = host.properties();
            let logs = nginx::log_root(&ctx.layout);
            let visited = last_visited(&props, app, &logs);
            super::domains::report_trigger(ctx, props::report(&props, app, &logs, visited));
            Ok(0)
        }
        _ => Ok(0),
    }
}
