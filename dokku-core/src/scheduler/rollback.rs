//! A deploy that fails part-way puts the app back as it was.
//!
//! Traffic switches to a process type's new containers as soon as they pass their
//! checks (`scheduler-post-deploy-process`), before the other types are deployed and
//! before `core-post-deploy` and `post-deploy` run. A failure after that point used
//! to leave nginx on the new containers, the old ones still running past their retire
//! time, and reports naming containers that were gone. Instead, the deploy records
//! the app's container state first ([`Snapshot::take`]) and on any failure
//! [`Snapshot::restore`]s it: the new containers are removed, the old ones keep
//! (or get back) their slots, names and life, and nginx is rebuilt to point at them.
//! One set of containers, nginx on it, reports telling the truth.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::deploy::Host;
use crate::log::Level;

/// The app's slot files (`CONTAINER.*`, `IP.*`, `PORT.*`) as they were.
pub(super) struct Snapshot {
    app: String,
    files: BTreeMap<PathBuf, Vec<u8>>,
    cids: Vec<String>,
}

/// Whether `name` is one of the files that say which container serves a slot.
fn is_slot_file(name: &str) -> bool {
    ["CONTAINER", "IP", "PORT"]
        .iter()
        .any(|kind| name == *kind || name.starts_with(&format!("{kind}.")))
}

fn slot_files(host: &dyn Host, app: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(host.layout().app_root(app)) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(is_slot_file))
        .map(|e| e.path())
        .collect()
}

impl Snapshot {
    /// Records the app's slots before anything changes.
    pub(super) fn take(host: &dyn Host, app: &str) -> Snapshot {
        let files = slot_files(host, app)
            .into_iter()
            .filter_map(|path| std::fs::read(&path).ok().map(|bytes| (path, bytes)))
            .collect();
        let cids = super::slots(host.layout(), app)
            .into_iter()
            .map(|s| s.cid)
            .collect();
        Snapshot {
            app: app.to_string(),
            files,
            cids,
        }
    }

    /// Puts the slots back, removes the containers this deploy recorded, revives and
    /// renames the old ones, and rebuilds the proxy config. Best effort: each step
    /// that fails is logged and the others still run.
    pub(super) fn restore(&self, host: &dyn Host) {
        let app = self.app.as_str();
        let docker = host.docker();
        let new: Vec<String> = super::slots(host.layout(), app)
            .into_iter()
            .map(|s| s.cid)
            .filter(|cid| !self.cids.contains(cid))
            .collect();
        if new.is_empty() && slot_files(host, app).len() == self.files.len() {
            // Nothing was recorded yet: the old containers never lost their slots.
            let _ = super::retire::unregister_retired(host.layout(), &self.cids);
            return;
        }
        host.log(
            Level::Warn,
            &format!("Deploy failed after its first containers went live, putting {app} back on its previous containers"),
        );
        for path in slot_files(host, app) {
            if !self.files.contains_key(&path) {
                let _ = std::fs::remove_file(path);
            }
        }
        for (path, bytes) in &self.files {
            if let Err(e) = crate::fs::write_atomic(path, bytes, 0o644) {
                host.log(
                    Level::Warn,
                    &format!("cannot restore {}: {e}", path.display()),
                );
            }
        }
        if let Err(e) = super::retire::unregister_retired(host.layout(), &self.cids) {
            host.log(Level::Warn, &e.to_string());
        }
        for cid in &self.cids {
            // Containers a checks-disabled deploy stopped come back.
            if docker.container_inspect(cid).is_some_and(|c| !c.running) {
                let _ = docker.container_start(cid);
            }
        }
        docker.container_rm_force(&new);
        if let Err(e) = super::name_containers(host, app) {
            host.log(Level::Warn, &e.to_string());
        }
        // This deploy's nginx template is not the old containers' (it may be what
        // nginx refused at the switch).
        let pid = host
            .var(crate::env::DOKKU_PID)
            .map(str::to_string)
            .unwrap_or_else(|| std::process::id().to_string());
        crate::nginx::discard_pending(host.layout(), app, &pid);
        match host.fire("proxy-build-config", &[app]) {
            Ok(0) => {}
            Ok(code) => host.log(
                Level::Warn,
                &format!("proxy-build-config exited {code} while rolling back {app}"),
            ),
            Err(e) => host.log(Level::Warn, &e.to_string()),
        }
    }
}
