//! `check-deploy APP CID TYPE PORT IP [INDEX]` for docker-local: the checks a new
//! container passes before it replaces the old one.
//!
//! The process type's `app.json` healthchecks run in order. A type without any gets
//! the default check: for `web` (with a container address) the readiness check of
//! `checks::readiness` unless `default-mode` is `uptime`, else the uptime check
//! (`checks default-wait` seconds, default 10). A failure stops the container,
//! prints its output and the failed check, and fails.

use crate::checks::readiness::{self, DefaultMode};
use crate::checks::{self, healthcheck, Healthcheck};
use crate::deploy::{DeployError, Host};
use crate::log::Level;

/// The arguments of one `check-deploy` call.
#[derive(Debug, Clone)]
pub struct CheckRequest<'a> {
    /// App name.
    pub app: &'a str,
    /// The new container.
    pub cid: &'a str,
    /// Its process type.
    pub proc_type: &'a str,
    /// Its `PORT` (empty for non-web types).
    pub port: &'a str,
    /// Its address.
    pub ip: &'a str,
    /// Its index (`1` when not given).
    pub index: &'a str,
}

/// Runs the checks; `Err(DeployError::Exit)` after reporting a failure.
pub fn check_deploy(host: &dyn Host, req: &CheckRequest<'_>) -> Result<(), DeployError> {
    let props = host.properties();
    let dyno = format!("{}.{}", req.proc_type, req.index);
    if checks::is_skipped(&props, req.app, req.proc_type) {
        host.log(
            Level::Info2,
            &format!("Zero downtime checks have been skipped ({dyno})"),
        );
        return Ok(());
    }
    let pid = host.var(crate::env::DOKKU_PID).map(str::to_string);
    let doc = crate::appjson::current(host.layout(), req.app, pid.as_deref())
        .map_err(|e| DeployError::fail(e.to_string()))?;
    let mut list = healthcheck::for_process(&doc, req.proc_type)
        .map_err(|e| DeployError::fail(e.to_string()))?;
    if req.proc_type == "web" {
        if let Some(text) = checks::legacy::current(host.layout(), req.app, pid.as_deref()) {
            host.log(Level::Warn, "Deprecated: Usage of the CHECKS file is deprecated in favor of healthchecks in app.json");
            host.log(Level::Warn, "Please move your healthchecks to app.json.");
            list.extend(checks::legacy::parse(&text));
        }
    }
    let default_readiness = list.is_empty()
        && req.proc_type == "web"
        && !req.ip.is_empty()
        && readiness::default_mode(&props, req.app) == DefaultMode::Readiness;
    if list.is_empty() && !default_readiness {
        list.push(Healthcheck {
            kind: "startup".into(),
            name: "default".into(),
            uptime: Some(checks::default_wait(&props)),
            ..Healthcheck::default()
        });
    }
    let port: u16 = req.port.parse().unwrap_or(5000);
    let vhost =
        std::fs::read_to_string(host.layout().app_file(req.app, "VHOST")).unwrap_or_default();
    let host_header = vhost
        .lines()
        .map(str::trim)
        .find(|d| !d.is_empty() && *d != "localhost" && !d.contains('*'));
    let target = healthcheck::Target {
        cid: req.cid,
        ip: req.ip,
        port,
        host_header,
    };
    let docker = host.docker();
    let mut failed: Vec<String> = Vec::new();
    let mut hint: Option<String> = None;
    if default_readiness {
        if let Err(fix) = readiness_check(host, &target, req.app, &dyno) {
            failed.push("default".into());
            hint = fix;
        }
    }
    for check in &list {
        host.log(
            Level::Verbose,
            &format!("Running healthcheck {}", check.describe()),
        );
        let mut progress = |line: &str| host.log(Level::Verbose, line);
        match check.run(docker, &target, &mut progress) {
            Ok(()) => host.log(
                Level::Verbose,
                &format!("Healthcheck succeeded name='{}'", check.name),
            ),
            Err(reason) if check.warn => {
                host.log(
                    Level::Warn,
                    &format!(
                        "Healthcheck failed (warning only) name='{}': {reason}",
                        check.name
                    ),
                );
            }
            Err(reason) => {
                host.log(
                    Level::Warn,
                    &format!("Healthcheck failed name='{}': {reason}", check.name),
                );
                failed.push(check.name.clone());
            }
        }
    }
    if failed.is_empty() && req.proc_type == "web" && !req.ip.is_empty() {
        let listening = Healthcheck {
            name: "port listening check".into(),
            listening: true,
            attempts: Some(1),
            timeout: Some(2),
            ..Default::default()
        };
        if let Err(reason) = listening.run(docker, &target, &mut |_| {}) {
            host.log(
                Level::Warn,
                &format!("Healthcheck failed (warning only) name='port listening check': {reason}"),
            );
        }
    }
    if failed.is_empty() {
        host.log(Level::Verbose, &format!("All checks successful ({dyno})"));
        return Ok(());
    }
    docker.container_no_restart(req.cid);
    let _ = docker.container_stop(req.cid, Some(0));
    let short: String = req.cid.chars().take(12).collect();
    host.log(
        Level::Info2,
        &format!("Start of {} container output ({short} {dyno})", req.app),
    );
    for line in docker.container_logs(req.cid, Some(100)).lines() {
        host.log(Level::Verbose, line);
    }
    host.log(
        Level::Info2,
        &format!("End of {} container output ({short} {dyno})", req.app),
    );
    host.log(
        Level::Warn,
        &format!(
            "Could not start due to {} failed checks ({dyno})",
            failed.len()
        ),
    );
    if let Some(hint) = hint {
        host.log(Level::Stderr, &format!("       hint: {hint}"));
    }
    Err(DeployError::Exit { code: 1 })
}

/// The default check of a web container: its port answers HTTP below 500 within
/// [`readiness::cap`], and it has been up for `uptime-guard` seconds since its start
/// (waiting only what is left of them). On failure,
/// returns the hint to print, if there is a known fix.
fn readiness_check(
    host: &dyn Host,
    target: &healthcheck::Target<'_>,
    app: &str,
    dyno: &str,
) -> Result<(), Option<String>> {
    let props = host.properties();
    let cap = readiness::cap(&props);
    let guard = readiness::uptime_guard(&props, app);
    let port = target.port;
    host.log(
        Level::Verbose,
        &format!(
            "Running healthcheck name='default' path='/' port={port} timeout={} type='readiness' uptime-guard={guard} wait=0.1",
            cap.as_secs()
        ),
    );
    let docker = host.docker();
    let ready = match readiness::wait_ready(docker, target, cap, readiness::POLL_INTERVAL) {
        Ok(ready) => ready,
        Err(not_ready) => {
            host.log(
                Level::Warn,
                &format!("Healthcheck failed name='default': {not_ready}"),
            );
            return Err(match not_ready {
                readiness::NotReady::NoAnswer { .. } => Some(format!(
                    "make the web process listen on port {port} (its PORT) and answer HTTP, raise the wait with `dokku checks:set --global default-wait N`, or keep Dokku's fixed wait with `dokku checks:set {app} default-mode uptime`"
                )),
                readiness::NotReady::Died { .. } => None,
            });
        }
    };
    host.log(
        Level::Verbose,
        &format!(
            "Port {port} answered HTTP {} after {:.2}s ({dyno})",
            ready.status,
            ready.after.as_secs_f64()
        ),
    );
    // The guard counts from the container's start (checks/guard.rs): the time the
    // process took to answer already counts towards it.
    let mut announce = |clock: checks::guard::GuardClock| {
        if guard == 0 {
            return;
        }
        let line = if clock.left.is_zero() {
            let up = clock.up.unwrap_or_default().as_secs_f64();
            format!("Up {up:.1} seconds already, past the {guard}s uptime guard ({dyno})")
        } else {
            format!(
                "Waiting for {:.1} more seconds of uptime ({dyno})",
                clock.left.as_secs_f64()
            )
        };
        host.log(Level::Verbose, &line);
    };
    let guard_time = std::time::Duration::from_secs(guard);
    if let Err(reason) = checks::guard::hold(docker, target.cid, guard_time, &mut announce) {
        host.log(
            Level::Warn,
            &format!(
                "Healthcheck failed name='default': port {port} answered, but within the {guard}s uptime guard: {reason}"
            ),
        );
        return Err(None);
    }
    host.log(Level::Verbose, "Healthcheck succeeded name='default'");
    Ok(())
}
