//! `ps:restore`: after a reboot, the apps that were running are started again, one
//! app or all of them side by side (each in its own `dokku __core ps-restore-app`).

use std::time::{Duration, Instant};

use dokku_core::deploy::{self, Host};
use dokku_core::log::{Level, Stream};
use dokku_core::process::parallel::{self, Job};
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::ps;

use dokku_plugin_common::{cli_error, existing_app, CmdResult, CommandError, Context};

use crate::commands::{is_deployed, positional, start_app};

/// `ps:restore [--all|<app>] [--parallel N]`: after a reboot, starts the apps that
/// were running (those whose `restore` property is not `false`). Without an app it
/// restores them all, as Dokku does (the boot entry point; see docs/operations.md).
pub(crate) fn restore(ctx: &mut Context, args: &[String]) -> CmdResult {
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
    let host = ctx;
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
/// `ps:restore` in a child process whose output it prefixes.
pub fn restore_worker(ctx: &mut Context, args: &[String]) -> CmdResult {
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
    let host = ctx;
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
