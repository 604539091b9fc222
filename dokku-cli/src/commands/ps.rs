//! The `ps` core plugin: process scale, the Procfile around a deploy, and the
//! `ps:*` commands.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use dokku_core::deploy::{self, DeployError, Host};
use dokku_core::log::{Level, Stream};
use dokku_core::process::parallel::{self, Job};
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::ps;
use dokku_core::scheduler;
use dokku_core::trigger::TriggerError;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{arg, cli_error, existing_app, trigger_status};

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
        "ps:report" => super::ps_report::run(ctx, args),
        "ps:restore" => restore(ctx, args),
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
        let current = ps::scale(&props, &app).map_err(|e| CommandError::fail(e.to_string()))?;
        if format == "json" {
            let rows: Vec<serde_json::Value> = current
                .iter()
                .map(|(t, n)| serde_json::json!({"process_type": t, "quantity": n}))
                .collect();
            dokku_host::output::println(&serde_json::Value::Array(rows).to_string());
            return Ok(0);
        }
        ctx.log(Level::Info1, &format!("Scaling for {app}"));
        ctx.log(Level::Quiet, "proctype: qty");
        ctx.log(Level::Quiet, "--------: ---");
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

fn stop(ctx: &Context, app: &str) -> Result<(), CommandError> {
    let host = &*ctx;
    let scheduler = deploy::scheduler_of(&host.properties(), app);
    ctx.log(Level::Info1, &format!("Stopping {app}"));
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
fn start_app(ctx: &Context, app: &str, in_place: bool) -> Result<(), CommandError> {
    if !is_deployed(ctx, app) {
        ctx.log(Level::Warn, &format!("App {app} has not been deployed"));
        return Ok(());
    }
    let host = &*ctx;
    host.fire_checked("pre-start", &[app]).map_err(cli_error)?;
    let release = |host: &Context| {
        host.fire_checked("release-and-deploy", &[app, "latest"])
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
                release(&host)?;
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
                release(&host)?;
            }
        }
    }
    host.fire_checked("proxy-build-config", &[app])
        .map_err(cli_error)
}

/// `ps:restore [--all|<app>] [--parallel N]`: after a reboot, starts the apps that
/// were running (those whose `restore` property is not `false`). Without an app it
/// restores them all, as Dokku does (the boot entry point; see docs/operations.md).
fn restore(ctx: &mut Context, args: &[String]) -> CmdResult {
    let parallel = parallel_flag(args);
    let named = positional(args);
    let all = args.iter().any(|a| a == "--all");
    if all || named.is_empty() {
        if !all {
            ctx.log(Level::Warn, "Restore specified without app, assuming --all");
        }
        return restore_all(ctx, parallel.as_deref());
    }
    let app = existing_app(ctx, &named)?;
    let host = &*ctx;
    host.fire_checked("pre-restore", &[]).map_err(cli_error)?;
    restore_app(ctx, &app, true)
}

/// `--parallel N` or `--parallel=N`.
fn parallel_flag(args: &[String]) -> Option<String> {
    args.iter().enumerate().find_map(|(i, a)| {
        if a == "--parallel" {
            Some(args.get(i + 1).cloned().unwrap_or_default())
        } else {
            a.strip_prefix("--parallel=").map(str::to_string)
        }
    })
}

/// Dokku's per-app `Restore`: `scheduler-pre-restore`, the app's proxy config
/// cleared (`clear`; a restore of every app cleared them all first), then the app
/// started unless it was never deployed or its `restore` property is `false`.
fn restore_app(ctx: &Context, app: &str, clear: bool) -> CmdResult {
    let host = &*ctx;
    let props = host.properties();
    let scheduler = deploy::scheduler_of(&props, app);
    host.fire_checked("scheduler-pre-restore", &[&scheduler, app])
        .map_err(cli_error)?;
    if clear {
        ctx.log(
            Level::Info1,
            "Clearing potentially invalid proxy configuration",
        );
        if let Err(err) = host.fire_checked("proxy-clear-config", &[app]) {
            ctx.log(Level::Warn, &format!("Error clearing proxy config: {err}"));
        }
    }
    if let Some(reason) = skip_reason(ctx, &props, app) {
        ctx.log(Level::Warn, &reason);
        return Ok(0);
    }
    ctx.log(Level::Info1, "Starting app");
    start_app(ctx, app, true)?;
    Ok(0)
}

/// Why ps:restore leaves `app` alone, in Dokku's words: never deployed, or stopped
/// on purpose (`restore` false, which `ps:stop` sets).
fn skip_reason(ctx: &Context, props: &PropertyStore, app: &str) -> Option<String> {
    if !is_deployed(ctx, app) {
        return Some(format!("App {app} has not been deployed"));
    }
    let restore = props.get(ps::PLUGIN, app, "restore").ok().flatten();
    (restore.as_deref() == Some("false"))
        .then(|| format!("Skipping ps:restore for {app} as restore property is false"))
}

/// `dokku __core ps-restore-app APP`: one app of a restore of them all, run by
/// [`restore_all`] in a child process whose output it prefixes.
pub(crate) fn restore_worker(ctx: &mut Context, args: &[String]) -> CmdResult {
    if !ctx.has_tty() {
        ctx.quiet = true;
    }
    let app = existing_app(ctx, args)?;
    restore_app(ctx, &app, false)
}

/// Waits until the Docker daemon answers (at boot it may still be starting), at
/// most `DOKKU_RESTORE_DOCKER_WAIT` seconds (default 60).
fn wait_for_docker(ctx: &Context) -> Result<(), CommandError> {
    let limit: u64 = ctx
        .var(dokku_core::env::DOKKU_RESTORE_DOCKER_WAIT)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(60);
    let host = &*ctx;
    let probe = dokku_core::docker::Call::new(["version", "--format", "{{.Server.Version}}"]);
    let deadline = Instant::now() + Duration::from_secs(limit);
    let mut said = false;
    loop {
        if host.docker().run(&probe).is_ok_and(|r| r.code == 0) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(CommandError::fail(format!(
                "the Docker daemon did not answer within {limit} seconds; no app was restored"
            ))
            .hint(format!(
                "start Docker, then run `dokku ps:restore`; {} sets the wait",
                dokku_core::env::DOKKU_RESTORE_DOCKER_WAIT
            )));
        }
        if !said {
            ctx.log(
                Level::Info1,
                &format!("Waiting for the Docker daemon (up to {limit} seconds)"),
            );
            said = true;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// `ps:restore` of every app: the boot entry point. Proxy configs are cleared, then
/// the apps to restore are started side by side, at most `--parallel` /
/// `DOKKU_RESTORE_PARALLEL` / twice the CPU count at once, each in its own
/// `dokku __core ps-restore-app APP` whose lines are prefixed with the app's name.
/// Each app's nginx config is rebuilt once its containers run. One app failing
/// stops no other; the end is a summary line, and exit 1 when any app failed.
fn restore_all(ctx: &mut Context, parallel: Option<&str>) -> CmdResult {
    let began = Instant::now();
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let limit = ps::restore_parallelism(
        parallel,
        ctx.var(dokku_core::env::DOKKU_RESTORE_PARALLEL),
        cpus,
    )
    .map_err(CommandError::fail)?;
    wait_for_docker(ctx)?;
    let apps = dokku_core::app::list(&ctx.layout.dokku_root)
        .map_err(|e| CommandError::fail(e.to_string()))?;
    let host = &*ctx;
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

    let mut skipped = Vec::new();
    let mut jobs = Vec::new();
    let mut env = ctx.env.clone();
    // Each worker is a dokku of its own (its own deploy files, its own nginx stamp).
    env.remove(dokku_core::env::DOKKU_PID);
    for app in apps {
        if let Some(reason) = skip_reason(ctx, &props, &app) {
            let scheduler = deploy::scheduler_of(&props, &app);
            host.fire_checked("scheduler-pre-restore", &[&scheduler, &app])
                .map_err(cli_error)?;
            ctx.log(Level::Warn, &reason);
            skipped.push(app);
            continue;
        }
        let cmd = dokku_core::process::Cmd::new(&ctx.exe)
            .args(["__core", "ps-restore-app", &app])
            .env_clear()
            .envs(env.iter());
        jobs.push(Job { name: app, cmd });
    }
    if !jobs.is_empty() {
        let noun = if jobs.len() == 1 { "app" } else { "apps" };
        ctx.log(
            Level::Info1,
            &format!(
                "Restoring {} {noun}, up to {} at a time",
                jobs.len(),
                limit.min(jobs.len())
            ),
        );
    }
    let width = jobs
        .iter()
        .map(|j| j.name.chars().count())
        .max()
        .unwrap_or(0);
    let sink = |stream: Stream, line: &str| dokku_host::output::write(stream, line);
    let done = |f: &parallel::Finished| {
        let pre = parallel::prefix(&f.name, width);
        let secs = f.elapsed.as_secs_f64();
        if f.code == 0 {
            dokku_host::output::write(
                Stream::Stdout,
                &format!("{pre}=====> Restored in {secs:.1}s\n"),
            );
        } else {
            dokku_host::output::write(
                Stream::Stderr,
                &format!(
                    "{pre} !     Restore failed (exit status {}) after {secs:.1}s\n",
                    f.code
                ),
            );
        }
    };
    let results = parallel::run_prefixed(&jobs, limit, &sink, &done);
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| r.code != 0)
        .map(|r| r.name.as_str())
        .collect();
    let restored = results.len() - failed.len();
    ctx.log(
        Level::Info1,
        &format!(
            "ps:restore: {restored} restored, {} skipped, {} failed, in {:.1}s",
            skipped.len(),
            failed.len(),
            began.elapsed().as_secs_f64()
        ),
    );
    if failed.is_empty() {
        return Ok(0);
    }
    Err(CommandError::fail(format!(
        "ps:restore failed for {} of {} apps: {}",
        failed.len(),
        results.len(),
        failed.join(", ")
    ))
    .hint("the lines of each failed app above say why; `dokku ps:restore APP` retries one"))
}

/// `ps:rebuild`: `receive-app APP` (a full build of the deploy branch) per app.
fn rebuild(ctx: &mut Context, args: &[String]) -> CmdResult {
    each_app(ctx, args, |ctx, app| {
        let host = &*ctx;
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
        let host = &*ctx;
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
