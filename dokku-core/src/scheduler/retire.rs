//! The retire registry: `data/scheduler-docker-local/dead-containers`, one
//! `APP CID <unix time>` line per container to stop and remove once that time passes
//! (`scheduler-register-retired`, `scheduler-retire`, run by `ps:retire`).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::deploy::{DeployError, Host};
use crate::lock::DeployLock;
use crate::paths::Layout;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn registry_lock(layout: &Layout) -> Result<DeployLock, DeployError> {
    let path = layout
        .plugin_data_dir(super::PLUGIN)
        .join(".dead-containers.lock");
    DeployLock::acquire(&path, || {}).map_err(|e| DeployError::fail(e.to_string()))
}

/// Registers `cid` of `app` to be retired `wait` seconds from now.
pub fn register_retired(
    layout: &Layout,
    app: &str,
    cid: &str,
    wait: u64,
) -> Result<(), DeployError> {
    let _lock = registry_lock(layout)?;
    let path = layout.dead_containers();
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    if text
        .lines()
        .any(|l| l.split_whitespace().nth(1) == Some(cid))
    {
        return Ok(());
    }
    text.push_str(&format!("{app} {cid} {}\n", now() + wait));
    crate::fs::write_atomic(&path, text.as_bytes(), 0o644).map_err(DeployError::io("write", &path))
}

/// `scheduler-retire [APP]`: stops and removes every registered container whose time
/// has come (only `app`'s when given). Containers already gone just leave the list.
pub fn retire(host: &dyn Host, app: Option<&str>) {
    let layout = host.layout();
    let Ok(_lock) = registry_lock(layout) else {
        return;
    };
    let path = layout.dead_containers();
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let now = now();
    let docker = host.docker();
    let mut keep = String::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [owner, cid, due] = fields[..] else {
            continue;
        };
        let due: u64 = due.parse().unwrap_or(0);
        if app.is_some_and(|a| a != owner) || due > now {
            keep.push_str(line);
            keep.push('\n');
            continue;
        }
        if docker.container_inspect(cid).is_some() {
            docker.container_no_restart(cid);
            let timeout = crate::ps::stop_timeout(&host.properties(), owner);
            if docker.container_stop(cid, Some(timeout)).is_err()
                && docker.container_kill(cid, None).is_err()
            {
                let _ = host.fire("retire-container-failed", &[owner, cid]);
            }
            docker.container_rm_force(&[cid.to_string()]);
        }
    }
    let _ = crate::fs::write_atomic(&path, keep.as_bytes(), 0o644);
}

/// Takes `cids` off the retire registry: a deploy that rolled back keeps them.
pub(super) fn unregister_retired(layout: &Layout, cids: &[String]) -> Result<(), DeployError> {
    let _lock = registry_lock(layout)?;
    let path = layout.dead_containers();
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(());
    };
    let kept: String = text
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .nth(1)
                .is_none_or(|cid| !cids.iter().any(|c| c == cid))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    if kept == text {
        return Ok(());
    }
    crate::fs::write_atomic(&path, kept.as_bytes(), 0o644).map_err(DeployError::io("write", &path))
}
