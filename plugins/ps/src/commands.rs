//! The `ps:*` commands: scale, stop, start, restart, rebuild, retire, inspect and
//! set (`ps:restore` is in [`crate::restore`], `ps:report` in [`crate::report`]).

use dokku_core::deploy::{self, Host};
use dokku_core::log::Level;
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::ps;
use dokku_core::scheduler;

use dokku_plugin_common::{cli_error, existing_app, CmdResult, CommandError, Context};

/// Runs one `ps:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "ps:retire" => {
            let app = args
                .iter()
                .find(|a| !a.starts_with("--"))
                .map(String::as_str);
            ctx.log(Level::Info1, "Retiring old containers and images");
            scheduler::retire(&&*ctx, app);
            // As Dokku: the expired run and cron containers of every app go too.
            ctx.log(Level::Info1, "Retiring expired run and cron containers");
            let host = &*ctx;
            host.fire_checked("scheduler-run-retire", &[])
                .map_err(cli_error)?;
            Ok(0)
        }
        "ps:scale" => scale(ctx, args),
        "ps:stop" => each_app(ctx, args, stop),
        "ps:start" => each_app(ctx, args, start),
        "ps:restart" => restart(ctx, args),
        "ps:rebuild" => {
            if !args.iter().any(|a| a == "--all") {
                let app = existing_app(ctx, args)?;
                if let Some(result) = dokku_plugin_common::build_capture::capture(
                    ctx,
                    &app,
                    "ps:rebuild",
                    command,
                    args,
                ) {
                    return result;
                }
            }
            rebuild(ctx, args)
        }
        "ps:report" => crate::report::run(ctx, args),
        "ps:restore" => crate::restore::restore(ctx, args),
        "ps:inspect" => {
            let app = existing_app(ctx, args)?;
            let host = &*ctx;
            let scheduler = deploy::scheduler_of(&host.properties(), &app);
            host.fire_checked("scheduler-inspect", &[&scheduler, &app])
                .map_err(cli_error)?;
            Ok(0)
        }
        "ps:set" => set(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// `--all` runs the command for every app, else for the named one.
fn each_app(
    ctx: &mut Context,
    args: &[String],
    f: impl Fn(&Context, &str) -> Result<(), CommandError>,
) -> CmdResult {
    let apps = if args.iter().any(|a| a == "--all") {
        dokku_core::app::list(&ctx.layout.dokku_root)
            .map_err(|e| CommandError::fail(e.to_string()))?
    } else {
        vec![existing_app(ctx, args)?]
    };
    for app in apps {
        f(ctx, &app)?;
    }
    Ok(0)
}

pub(crate) fn is_deployed(ctx: &Context, app: &str) -> bool {
    deploy::is_deployed(&ctx, app)
}

pub(crate) fn positional(args: &[String]) -> Vec<String> {
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
        let current = ps::scale(&props, &app).map_err(|e| CommandError::fail(e.to_string()))?;
        if format == "json" {
            let rows: Vec<serde_json::Value> = current
                .iter()
                .map(|(t, n)| serde_json::json!({"process_type": t, "quantity": n}))
                .collect();
            dokku_host::output::println(&serde_json::Value::Array(rows).to_string());
            return Ok(0);
        }
        ctx.log_as_plugin(Level::Info1Quiet, &format!("Scaling for {app}"));
        // Dokku prints the header with the rows, on stdout, unless quiet.
        if ctx.var(dokku_core::env::DOKKU_QUIET_OUTPUT).is_none() {
            dokku_host::output::println("proctype: qty");
            dokku_host::output::println("--------: ---");
        }
        for (t, n) in current {
            dokku_host::output::println(&format!("{:<5} {n}", format!("{t}:")));
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
        return Err(CommandError::fail(format!("App {app} contains an app.json file with a formations key and cannot be manually scaled")));
    }
    let request = ps::parse_scale_args(&tuples).map_err(|e| CommandError::fail(e.to_string()))?;
    let pid = ctx.var(dokku_core::env::DOKKU_PID).map(str::to_string);
    let procfile = ps::current_procfile(&ctx.layout, &app, pid.as_deref())
        .map_err(|e| CommandError::fail(e.to_string()))?;
    ps::check_scale_types(&request, procfile.as_deref())
        .map_err(|e| CommandError::fail(e.to_string()))?;
    let shown: Vec<String> = request.iter().map(|(t, n)| format!("{t}={n}")).collect();
    ctx.log(
        Level::Info1,
        &format!("Scaling {app} processes: {}", shown.join(" ")),
    );
    let changed =
        ps::apply_scale(&props, &app, &request).map_err(|e| CommandError::fail(e.to_string()))?;
    if skip_deploy || !is_deployed(ctx, &app) {
        return Ok(0);
    }
    let host = &*ctx;
    for t in changed {
        host.fire_checked("deploy", &[&app, "latest", &t])
            .map_err(cli_error)?;
    }
    Ok(0)
}

/// Dokku's `Stop`: a never-deployed app is left alone (and keeps `restore`, so a
/// later deploy is restored at boot); otherwise `scheduler-stop` then `post-stop`.
fn stop(ctx: &Context, app: &str) -> Result<(), CommandError> {
    let host = ctx;
    if !is_deployed(ctx, app) {
        ctx.log_as_plugin(Level::Warn, &format!("App {app} has not been deployed"));
        return Ok(());
    }
    let scheduler = deploy::scheduler_of(&host.properties(), app);
    ctx.log_as_plugin(Level::Info1Quiet, &format!("Stopping {app}"));
    host.fire_checked("scheduler-stop", &[&scheduler, app])
        .map_err(cli_error)?;
    host.fire_checked("post-stop", &[app]).map_err(cli_error)
}

fn start(ctx: &Context, app: &str) -> Result<(), CommandError> {
    start_app(ctx, app, false)
}

/// Dokku's `Start`: `pre-start`, then the app is released and deployed unless it
/// runs, then `proxy-build-config`. With `in_place` (ps:restore) a docker-local
/// app's existing containers are started where they stand instead, when they are
/// what the app runs (`scheduler::start_in_place`); otherwise it is released.
pub(crate) fn start_app(ctx: &Context, app: &str, in_place: bool) -> Result<(), CommandError> {
    if !is_deployed(ctx, app) {
        ctx.log(Level::Warn, &format!("App {app} has not been deployed"));
        return Ok(());
    }
    let host = ctx;
    host.fire_checked("pre-start", &[app]).map_err(cli_error)?;
    let release = |host: &Context| {
        host.fire_checked("release-and-deploy", &[app, "latest", "ps:start"])
            .map_err(cli_error)
    };
    let scheduler = deploy::scheduler_of(&host.properties(), app);
    if in_place && scheduler == "docker-local" {
        match scheduler::start_in_place(&host, app) {
            Ok(scheduler::InPlace::AlreadyRunning) => {
                ctx.log(Level::Warn, &format!("App {app} already running"));
            }
            Ok(scheduler::InPlace::Started(n)) => {
                let noun = if n == 1 { "container" } else { "containers" };
                ctx.log(
                    Level::Info1,
                    &format!("Started {n} existing {noun} of {app}"),
                );
            }
            Err(reason) => {
                ctx.log(
                    Level::Warn,
                    &format!("Cannot start the existing containers: {reason}; releasing"),
                );
                release(host)?;
            }
        }
    } else {
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
                release(host)?;
            }
        }
    }
    host.fire_checked("proxy-build-config", &[app])
        .map_err(cli_error)
}

/// `ps:rebuild`: `receive-app APP` (a full build of the deploy branch) per app.
fn rebuild(ctx: &mut Context, args: &[String]) -> CmdResult {
    each_app(ctx, args, |ctx, app| {
        let host = ctx;
        host.fire_checked("receive-app", &[app]).map_err(cli_error)
    })
}

fn restart(ctx: &mut Context, args: &[String]) -> CmdResult {
    let positional = positional(args);
    let all = args.iter().any(|a| a == "--all");
    if !all {
        let app = existing_app(ctx, args)?;
        if let Some(result) =
            dokku_plugin_common::build_capture::capture(ctx, &app, "ps:restart", "ps:restart", args)
        {
            return result;
        }
    }
    if all && !positional.is_empty() {
        return Err(CommandError::fail(
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
        let host = ctx;
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
    "restore",
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
        return Err(CommandError::fail(format!(
            "Invalid property specified, valid properties include: {}",
            SET_KEYS.join(", ")
        )));
    }
    let value = args.get(2..).map(|v| v.join(" ")).unwrap_or_default();
    if key == "restart-policy" && !value.is_empty() && !valid_restart_policy(&value) {
        return Err(CommandError::fail("Invalid restart-policy specified"));
    }
    if key == "restore" && !value.is_empty() && value != "true" && value != "false" {
        return Err(CommandError::fail(
            "Invalid restore value specified, use true or false",
        ));
    }
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let result = if value.is_empty() {
        ctx.log(Level::Info2, &format!("Unsetting {key}"));
        props.delete(ps::PLUGIN, &app, key)
    } else {
        ctx.log(Level::Info2, &format!("Setting {key} to {value}"));
        props.write(ps::PLUGIN, &app, key, &value)
    };
    result.map_err(|e| CommandError::fail(e.to_string()))?;
    Ok(0)
}

fn valid_restart_policy(value: &str) -> bool {
    matches!(value, "no" | "always" | "unless-stopped" | "on-failure")
        || value
            .strip_prefix("on-failure:")
            .is_some_and(|n| n.parse::<u32>().is_ok())
}
