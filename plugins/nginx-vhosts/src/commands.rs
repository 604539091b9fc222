//! The `nginx:*` commands: build, show and validate an app's nginx config, its
//! properties (`nginx:set`, `nginx:report`), its access and error logs, and the
//! project's nginx master (`nginx:start|stop|reload`).

use dokku_core::deploy::Host;
use dokku_core::log::Level;
use dokku_core::nginx::{self, props};
use dokku_core::property::{PropertyStore, GLOBAL};

use dokku_host::output;
use dokku_plugin_common::report::run_report;
use dokku_plugin_common::{cli_error, existing_app, CmdResult, CommandError, Context};

/// Runs one `nginx:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let host = &*ctx;
    match command {
        "nginx:build-config" => {
            let app = existing_app(ctx, args)?;
            host.fire_checked("proxy-build-config", &[&app])
                .map_err(cli_error)?;
        }
        "nginx:set" => set(ctx, host, args)?,
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
        "nginx:reload" => nginx::test_and_reload(&host).map_err(cli_error)?,
        "nginx:start" | "nginx:stop" => {
            service(host, command == "nginx:start")?;
        }
        "nginx:show-config" | "nginx:show-conf" => {
            let app = existing_app(ctx, args)?;
            let path = nginx::conf_path(&ctx.layout, &app);
            let text = std::fs::read_to_string(&path)
                .map_err(|_| CommandError::fail(format!("No nginx.conf exists for {app}")))?;
            output::write(dokku_core::log::Stream::Stdout, &text);
        }
        "nginx:validate-config" | "nginx:validate" => {
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
pub(crate) fn last_visited(
    props: &PropertyStore,
    app: &str,
    logs: &std::path::Path,
) -> Option<String> {
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

/// `nginx:start` / `nginx:stop` (`dokku_core::nginx::service`). As in Dokku, the
/// global `proxy-status` property records what was asked for.
fn service(host: &Context, start: bool) -> CmdResult {
    use dokku_core::nginx::service::Outcome;
    let status = if start { "started" } else { "stopped" };
    host.properties()
        .write(nginx::PLUGIN, GLOBAL, "proxy-status", status)
        .map_err(|e| CommandError::fail(e.to_string()))?;
    let control = nginx::Nginx::from_env(host.env());
    let outcome = if start {
        host.log(Level::Info1, "Starting nginx");
        control.start(host.env())
    } else {
        host.log(Level::Info1, "Stopping nginx");
        control.stop()
    };
    match outcome {
        Ok(Outcome::Done(pid)) => host.log(Level::Verbose, &format!("nginx {status} (pid {pid})")),
        Ok(Outcome::Unchanged(Some(pid))) => host.log(
            Level::Verbose,
            &format!("nginx is already running (pid {pid})"),
        ),
        Ok(Outcome::Unchanged(None)) => host.log(Level::Verbose, "nginx is not running"),
        Err(err) => {
            let mut failure = CommandError::fail(err.message);
            if let Some(hint) = err.hint {
                failure = failure.hint(hint);
            }
            return Err(failure);
        }
    }
    Ok(0)
}
