//! The watch window: automatic rollback of a release that dies soon after its switch.
//!
//! With `checks:set APP watch-window SECONDS` (0, the default, turns it off), a full
//! deploy of an app that already runs keeps the previous containers running and on
//! standby instead of retiring them at the switch: nginx lists them as `backup`
//! servers (`DOKKU_APP_WEB_BACKUP_LISTENERS`, used by the built-in template), so a
//! request the new release cannot answer goes to the previous one. For the window,
//! the deploy command polls the new containers: one that stops or is restarted by
//! Docker, or fails an app.json `liveness` healthcheck `attempts` times in a row,
//! fails the release. The scheduler then puts the previous containers back in their
//! slots (the same step as any failed deploy), the previous release's state is made
//! current again ([`super::rollback::restored_after_watch`]), and the deploy fails
//! with one line saying so. When the window passes, the standby containers are
//! retired as usual. Nothing runs in the background: the deploy command itself
//! watches and returns when the window ends.

use std::time::{Duration, Instant};

use crate::checks::healthcheck::{self, Target};
use crate::deploy::Host;
use crate::log::Level;
use crate::property::PropertyStore;
use crate::scheduler::Slot;

/// The `checks` property holding the window, seconds.
pub const PROPERTY: &str = "watch-window";
/// The default window: off, so deploys take no longer unless asked.
pub const DEFAULT_WINDOW: u64 = 0;
/// The largest window accepted.
pub const MAX_WINDOW: u64 = 3600;
/// How often the new containers are looked at.
const TICK: Duration = Duration::from_millis(500);

/// `watch-window` (app, then global, then [`DEFAULT_WINDOW`]).
pub fn window(props: &PropertyStore, app: &str) -> u64 {
    crate::deploy::prop_app_or_global(props, crate::checks::PLUGIN, app, PROPERTY)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|n| n.min(MAX_WINDOW))
        .unwrap_or(DEFAULT_WINDOW)
}

/// Checks a `watch-window` value: whole seconds from 0 to [`MAX_WINDOW`].
pub fn check_window(value: &str) -> Result<u64, String> {
    match value.trim().parse::<u64>() {
        Ok(n) if n <= MAX_WINDOW => Ok(n),
        _ => Err(format!(
            "Invalid watch-window value '{}': whole seconds from 0 to {MAX_WINDOW}",
            crate::text::printable(value, Some(40), "...")
        )),
    }
}

/// `data/scheduler-docker-local/APP/standby`: `CID IP:PORT` per previous web
/// container kept as a backup during the window.
fn standby_file(host: &dyn Host, app: &str) -> std::path::PathBuf {
    host.layout()
        .app_data_dir(crate::scheduler::PLUGIN, app)
        .join("standby")
}

/// Records the previous web containers (from their slot files) as standby.
pub fn write_standby(host: &dyn Host, app: &str, old: &[Slot]) {
    let layout = host.layout();
    let read = |p: std::path::PathBuf| {
        std::fs::read_to_string(p)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let mut text = String::new();
    for slot in old.iter().filter(|s| s.proc_type == "web") {
        let Some(ip) = read(layout.ip_file(app, "web", slot.index)) else {
            continue;
        };
        let port = read(layout.port_file(app, "web", slot.index)).unwrap_or_else(|| "5000".into());
        text.push_str(&format!("{} {ip}:{port}\n", slot.cid));
    }
    let path = standby_file(host, app);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = crate::fs::write_atomic(&path, text.as_bytes(), 0o644) {
        host.log(Level::Warn, &format!("{}: {e}", path.display()));
    }
}

/// Ends the standby (the window passed, or the deploy failed).
pub fn clear_standby(host: &dyn Host, app: &str) {
    let _ = std::fs::remove_file(standby_file(host, app));
}

/// The `ip:port` of standby containers that still run and are not the app's
/// current containers: nginx's backup servers. Empty (and no docker call) outside a
/// watch window.
pub fn backup_listeners(host: &dyn Host, app: &str, current: &[String]) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(standby_file(host, app)) else {
        return Vec::new();
    };
    let entries: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| {
            let (cid, listener) = l.trim().split_once(' ')?;
            Some((cid.to_string(), listener.trim().to_string()))
        })
        .filter(|(_, l)| !current.contains(l))
        .collect();
    let ids: Vec<String> = entries.iter().map(|(c, _)| c.clone()).collect();
    let running: Vec<String> = host
        .docker()
        .containers_inspect(&ids)
        .into_iter()
        .filter(|c| c.running)
        .map(|c| c.id)
        .collect();
    entries
        .into_iter()
        .filter(|(cid, _)| {
            running
                .iter()
                .any(|r| r.starts_with(cid.as_str()) || cid.starts_with(r.as_str()))
        })
        .map(|(_, l)| l)
        .collect()
}

/// One new container under watch.
struct Watched {
    slot: Slot,
    restarts: u32,
    ip: String,
    checks: Vec<healthcheck::Healthcheck>,
    /// Consecutive failures per check.
    failures: Vec<u32>,
}

/// Watches `new` (the containers the deploy just switched to) for `seconds`.
/// `Err` names the first failure.
pub fn watch(host: &dyn Host, app: &str, new: &[Slot], seconds: u64) -> Result<(), String> {
    let docker = host.docker();
    let layout = host.layout();
    let pid = host.var(crate::env::DOKKU_PID).map(str::to_string);
    let doc = crate::appjson::current(layout, app, pid.as_deref()).unwrap_or_default();
    let network =
        crate::deploy::prop_app_or_global(&host.properties(), "network", app, "initial-network");
    let port: u16 = crate::ports::web_port(&host.properties(), app);
    let mut watched: Vec<Watched> = Vec::new();
    for slot in new {
        let info = docker.container_inspect(&slot.cid);
        let checks: Vec<_> = healthcheck::for_process(&doc, &slot.proc_type)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.kind == "liveness")
            .collect();
        watched.push(Watched {
            slot: slot.clone(),
            restarts: info.as_ref().map(|i| i.restart_count).unwrap_or(0),
            ip: info
                .as_ref()
                .and_then(|i| i.ip(network.as_deref()).map(str::to_string))
                .unwrap_or_default(),
            failures: vec![0; checks.len()],
            checks,
        });
    }
    host.log(
        Level::Info1,
        &format!("Watching {app} for {seconds} seconds (watch-window)"),
    );
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let started = Instant::now();
        for w in &mut watched {
            look(host, w, port)?;
        }
        if Instant::now() >= deadline {
            break;
        }
        let rest = deadline.saturating_duration_since(Instant::now());
        std::thread::sleep(TICK.saturating_sub(started.elapsed()).min(rest));
    }
    host.log(
        Level::Verbose,
        &format!("Watch window passed ({seconds} seconds)"),
    );
    Ok(())
}

/// One look at one container.
fn look(host: &dyn Host, w: &mut Watched, port: u16) -> Result<(), String> {
    let dyno = format!("{}.{}", w.slot.proc_type, w.slot.index);
    let short: String = w.slot.cid.chars().take(12).collect();
    let Some(info) = host.docker().container_inspect(&w.slot.cid) else {
        return Err(format!("container {dyno} ({short}) is gone"));
    };
    if !info.running || info.status == "restarting" {
        return Err(format!(
            "container {dyno} ({short}) stopped with exit code {}",
            info.exit_code
        ));
    }
    if info.restart_count > w.restarts {
        return Err(format!(
            "container {dyno} ({short}) was restarted after exit code {}",
            info.exit_code
        ));
    }
    let target = Target {
        cid: &w.slot.cid,
        ip: &w.ip,
        port,
        host_header: None,
    };
    for (i, check) in w.checks.iter().enumerate() {
        let once = healthcheck::Healthcheck {
            attempts: Some(1),
            initial_delay: None,
            ..check.clone()
        };
        match once.run(host.docker(), &target, &mut |_| {}) {
            Ok(()) => w.failures[i] = 0,
            Err(reason) => {
                w.failures[i] += 1;
                if w.failures[i] >= check.attempts.unwrap_or(3).max(1) {
                    return Err(format!(
                        "liveness check '{}' failed on {dyno}: {reason}",
                        check.name
                    ));
                }
            }
        }
    }
    Ok(())
}
