//! The `ps` core plugin: process scale, the Procfile around a deploy, and the
//! `ps:*` commands.

use std::io::Write;
use std::path::Path;

use dokku_core::deploy::{self, DeployError, Host};
use dokku_core::log::Level;
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::ps;
use dokku_core::scheduler;
use dokku_core::trigger::TriggerError;

use super::host::{arg, cli_error, existing_app, trigger_status, CliHost};
use crate::context::Context;
use crate::exit::{CliError, CmdResult};

/// Runs one `ps:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "ps:retire" => {
            let app = args
                .iter()
                .find(|a| !a.starts_with("--"))
                .map(String::as_str);
            ctx.log(Level::Info1, "Retiring old containers and images");
            scheduler::retire(&CliHost::new(ctx), app);
            Ok(0)
        }
        "ps:scale" => scale(ctx, args),
        "ps:stop" => each_app(ctx, args, stop),
        "ps:start" => each_app(ctx, args, start),
        "ps:restart" => restart(ctx, args),
        "ps:rebuild" => {
            if !args.iter().any(|a| a == "--all") {
                let app = existing_app(ctx, args)?;
                if let Some(result) =
                    super::build_capture::capture(ctx, &app, "ps:rebuild", command, args)
                {
                    return result;
                }
            }
            rebuild(ctx, args)
        }
        "ps:report" => super::ps_report::run(ctx, args),
        "ps:restore" => restore(ctx, args),
        "ps:inspect" => {
            let app = existing_app(ctx, args)?;
            let host = CliHost::new(ctx);
            let scheduler = deploy::scheduler_of(&host.properties(), &app);
            host.fire_checked("scheduler-inspect", &[&scheduler, &app])
                .map_err(cli_error)?;
            Ok(0)
        }
        "ps:set" => set(ctx, args),
        other => Err(CliError::fail(format!("`{other}` is not a dokku command."))),
    }
}

/// `--all` runs the command for every app, else for the named one.
fn each_app(
    ctx: &mut Context,
    args: &[String],
    f: impl Fn(&Context, &str) -> Result<(), CliError>,
) -> CmdResult {
    let apps = if args.iter().any(|a| a == "--all") {
        dokku_core::app::list(&ctx.layout.dokku_root).map_err(|e| CliError::fail(e.to_string()))?
    } else {
        vec![existing_app(ctx, args)?]
    };
    for app in apps {
        f(ctx, &app)?;
    }
    Ok(0)
}

fn is_deployed(ctx: &Context, app: &str) -> bool {
    dokku_core::config::ops::is_deployed(&ctx.layout.lib_root, app)
}

fn positional(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if a == "--format" || a == "--parallel" {
            skip = true;
            continue;
        }
        if !a.starts_with("--") {
            out.push(a.clone());
        }
    }
    out
}

fn scale(ctx: &mut Context, args: &[String]) -> CmdResult {
    let app = existing_app(ctx, args)?;
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let skip_deploy = args.iter().any(|a| a == "--skip-deploy");
    let format = args
        .windows(2)
        .find(|w| w[0] == "--format")
        .map(|w| w[1].clone())
        .unwrap_or_else(|| "stdout".into());
    let tuples: Vec<String> = positional(args).into_iter().skip(1).collect();
    if tuples.is_empty() {
        let current = ps::scale(&props, &app).map_err(|e| CliError::fail(e.to_string()))?;
        if format == "json" {
            let rows: Vec<serde_json::Value> = current
                .iter()
                .map(|(t, n)| serde_json::json!({"process_type": t, "quantity": n}))
                .collect();
            crate::output::println(&serde_json::Value::Array(rows).to_string());
            return Ok(0);
        }
        ctx.log(Level::Info1, &format!("Scaling for {app}"));
        ctx.log(Level::Quiet, "proctype: qty");
        ctx.log(Level::Quiet, "--------: ---");
        for (t, n) in current {
            crate::output::println(&format!("{:<5} {n}", format!("{t}:")));
        }
        return Ok(0);
    }
    if props
        .get(ps::PLUGIN, &app, "can-scale")
        .ok()
        .flatten()
        .as_deref()
        == Some("false")
    {
        return Err(CliError::fail(format!("App {app} contains an app.json file with a formations key and cannot be manually scaled")));
    }
    let request = ps::parse_scale_args(&tuples).map_err(|e| CliError::fail(e.to_string()))?;
    let pid = ctx.var(dokku_core::env::DOKKU_PID).map(str::to_string);
    let procfile = ps::current_procfile(&ctx.layout, &app, pid.as_deref())
        .map_err(|e| CliError::fail(e.to_string()))?;
    ps::check_scale_types(&request, procfile.as_deref())
        .map_err(|e| CliError::fail(e.to_string()))?;
    let shown: Vec<String> = request.iter().map(|(t, n)| format!("{t}={n}")).collect();
    ctx.log(
        Level::Info1,
        &format!("Scaling {app} processes: {}", shown.join(" ")),
    );
    let changed =
        ps::apply_scale(&props, &app, &request).map_err(|e| CliError::fail(e.to_string()))?;
    if skip_deploy || !is_deployed(ctx, &app) {
        return Ok(0);
    }
    let host = CliHost::new(ctx);
    for t in changed {
        host.fire_checked("deploy", &[&app, "latest", &t])
            .map_err(cli_error)?;
    }
    Ok(0)
}

fn stop(ctx: &Context, app: &str) -> Result<(), CliError> {
    let host = CliHost::new(ctx);
    let scheduler = deploy::scheduler_of(&host.properties(), app);
    ctx.log(Level::Info1, &format!("Stopping {app}"));
    host.fire_checked("scheduler-stop", &[&scheduler, app])
        .map_err(cli_error)?;
    host.fire_checked("post-stop", &[app]).map_err(cli_error)
}

fn start(ctx: &Context, app: &str) -> Result<(), CliError> {
    if !is_deployed(ctx, app) {
        ctx.log(Level::Warn, &format!("App {app} has not been deployed"));
        return Ok(());
    }
    let host = CliHost::new(ctx);
    host.fire_checked("pre-start", &[app]).map_err(cli_error)?;
    let (_, state) = scheduler::app_status(host.docker(), &ctx.layout, app);
    match state {
        "true" => ctx.log(Level::Warn, &format!("App {app} already running")),
        other => {
            if other == "mixed" {
                ctx.log(Level::Warn, "App is running in mixed mode, releasing");
            } else {
                ctx.log(
                    Level::Warn,
                    "App has been detected as not running, releasing",
                );
            }
            host.fire_checked("release-and-deploy", &[app, "latest"])
                .map_err(cli_error)?;
        }
    }
    host.fire_checked("proxy-build-config", &[app])
        .map_err(cli_error)
}

/// `ps:restore [--all|<app>]`: after a reboot, starts the apps that were running
/// (those whose `restore` property is not `false`).
fn restore(ctx: &mut Context, args: &[String]) -> CmdResult {
    let all = args.iter().any(|a| a == "--all");
    let apps = if all {
        dokku_core::app::list(&ctx.layout.dokku_root).map_err(|e| CliError::fail(e.to_string()))?
    } else {
        if positional(args).is_empty() {
            return Err(CliError::fail(
                "Please specify an app to run the command on",
            ));
        }
        vec![existing_app(ctx, args)?]
    };
    let host = CliHost::new(ctx);
    let props = host.properties();
    host.fire_checked("pre-restore", &[]).map_err(cli_error)?;
    let global_scheduler = deploy::scheduler_of(&props, GLOBAL);
    host.fire_checked("scheduler-pre-restore", &[&global_scheduler])
        .map_err(cli_error)?;
    ctx.log(
        Level::Info1,
        "Clearing potentially invalid proxy configuration",
    );
    host.fire_checked("proxy-clear-config", &["--all"])
        .map_err(cli_error)?;
    for app in apps {
        let scheduler = deploy::scheduler_of(&props, &app);
        host.fire_checked("scheduler-pre-restore", &[&scheduler, &app])
            .map_err(cli_error)?;
        let restore = props.get(ps::PLUGIN, &app, "restore").ok().flatten();
        if restore.as_deref() == Some("false") {
            ctx.log(
                Level::Warn,
                &format!("Skipping ps:restore for {app} as restore property is false"),
            );
            continue;
        }
        ctx.log(Level::Info1, "Starting app");
        start(ctx, &app)?;
    }
    Ok(0)
}

/// `ps:rebuild`: `receive-app APP` (a full build of the deploy branch) per app.
fn rebuild(ctx: &mut Context, args: &[String]) -> CmdResult {
    each_app(ctx, args, |ctx, app| {
        let host = CliHost::new(ctx);
        host.fire_checked("receive-app", &[app]).map_err(cli_error)
    })
}

fn restart(ctx: &mut Context, args: &[String]) -> CmdResult {
    let positional = positional(args);
    let all = args.iter().any(|a| a == "--all");
    if !all {
        let app = existing_app(ctx, args)?;
        if let Some(result) =
            super::build_capture::capture(ctx, &app, "ps:restart", "ps:restart", args)
        {
            return result;
        }
    }
    if all && !positional.is_empty() {
        return Err(CliError::fail(
            "Unable to restart all apps when specifying a process name",
        ));
    }
    let proc_type = if all {
        None
    } else {
        positional.get(1).cloned()
    };
    each_app(ctx, args, |ctx, app| {
        if !is_deployed(ctx, app) {
            ctx.log(Level::Warn, &format!("App {app} has not been deployed"));
            return Ok(());
        }
        let host = CliHost::new(ctx);
        let mut trigger_args = vec![app, "latest"];
        if let Some(p) = &proc_type {
            trigger_args.push(p);
        }
        host.fire_checked("deploy", &trigger_args)
            .map_err(cli_error)
    })
}

/// Keys `ps:set` accepts, and the ones that may only be set globally.
const SET_KEYS: &[&str] = &[
    "procfile-path",
    "restart-policy",
    "stop-timeout-seconds",
    "skip-deploy",
    "start-cmd",
    "dockerfile-start-cmd",
];

fn set(ctx: &mut Context, args: &[String]) -> CmdResult {
    let scope = args.first().map(String::as_str).unwrap_or("");
    let app = if scope == GLOBAL {
        GLOBAL.to_string()
    } else {
        existing_app(ctx, args)?
    };
    let key = args.get(1).map(String::as_str).unwrap_or("");
    if !SET_KEYS.contains(&key) {
        return Err(CliError::fail(format!(
            "Invalid property specified, valid properties include: {}",
            SET_KEYS.join(", ")
        )));
    }
    let value = args.get(2..).map(|v| v.join(" ")).unwrap_or_default();
    if key == "restart-policy" && !value.is_empty() && !valid_restart_policy(&value) {
        return Err(CliError::fail("Invalid restart-policy specified"));
    }
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let result = if value.is_empty() {
        ctx.log(Level::Info2, &format!("Unsetting {key}"));
        props.delete(ps::PLUGIN, &app, key)
    } else {
        ctx.log(Level::Info2, &format!("Setting {key} to {value}"));
        props.write(ps::PLUGIN, &app, key, &value)
    };
    result.map_err(|e| CliError::fail(e.to_string()))?;
    Ok(0)
}

fn valid_restart_policy(value: &str) -> bool {
    matches!(value, "no" | "always" | "unless-stopped" | "on-failure")
        || value
            .strip_prefix("on-failure:")
            .is_some_and(|n| n.parse::<u32>().is_ok())
}

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let pid = ctx
        .var(dokku_core::env::DOKKU_PID)
        .unwrap_or("0")
        .to_string();
    let app = arg(args, 0);
    match trigger {
        "post-create" => trigger_status(ctx, ps::init_scale(&props, app).map_err(Into::into)),
        "core-post-extract" => {
            let result =
                ps::extract_procfile(&props, &ctx.layout, app, Path::new(arg(args, 1)), &pid)
                    .map_err(|e| match e {
                        ps::ExtractError::Invalid(invalid) => {
                            DeployError::refused(invalid.to_string(), invalid.hint())
                        }
                        other => DeployError::fail(other.to_string()),
                    });
            trigger_status(ctx, result)
        }
        "post-release-builder" => {
            let app = arg(args, 1);
            let result = ps::current_procfile(&ctx.layout, app, Some(&pid))
                .map_err(|e| DeployError::fail(e.to_string()))
                .and_then(|procfile| {
                    ps::update_scale(&props, app, procfile.as_deref()).map_err(Into::into)
                });
            trigger_status(ctx, result)
        }
        "core-post-deploy" => {
            ps::promote_procfile(&ctx.layout, app, &pid);
            let _ = props.delete(ps::PLUGIN, app, "scale.old");
            let result = props
                .write(ps::PLUGIN, app, "restore", "true")
                .map_err(Into::into);
            trigger_status(ctx, result)
        }
        "post-stop" => trigger_status(
            ctx,
            props
                .write(ps::PLUGIN, app, "restore", "false")
                .map_err(Into::into),
        ),
        "report" => {
            super::ps_report::trigger(ctx, app);
            Ok(0)
        }
        "ps-current-scale" => match ps::scale(&props, app) {
            Ok(scale) => {
                for (t, n) in scale {
                    let _ = writeln!(stdout, "{t}={n}");
                }
                Ok(0)
            }
            Err(e) => trigger_status(ctx, Err(e.into())),
        },
        _ => Ok(0),
    }
}
