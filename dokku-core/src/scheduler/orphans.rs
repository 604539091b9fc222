//! Containers an interrupted deploy left behind.
//!
//! A deploy starts each new container as `APP.TYPE.N.upcoming-R` and records it in
//! `CONTAINER.TYPE.N` only once its checks pass; `core-post-deploy` then renames it to
//! `APP.TYPE.N`, and a failed check stops it and registers it for retirement. A deploy
//! killed in between (`kill -9`, or SIGHUP when its ssh session drops) does neither:
//! the container runs on, recorded nowhere, so nothing would ever stop it.
//!
//! Such an orphan is recognised by what the deploy gave it: the labels
//! `com.dokku.app-name=APP` and `com.dokku.container-type=deploy`, the name
//! `APP.TYPE.N.upcoming-R`, and no `CONTAINER.*` file of the app naming it. That is only
//! conclusive when no deploy of the app is running, since a running one has such
//! containers too. So every scheduler deploy holds a shared `flock` on
//! `data/scheduler-docker-local/APP/.deploying.lock` for its whole run (the kernel
//! drops it when the process dies, however it dies), and the sweep takes that lock
//! exclusively without waiting: when it cannot, a deploy is running and the sweep
//! leaves the app alone. Each deploy sweeps before it starts (`begin_deploy`), and
//! `dokku cleanup` sweeps too ([`sweep`], [`sweep_all`]).

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use crate::deploy::{self, DeployError, Host};
use crate::lock::{flock, Flock};
use crate::log::Level;
use crate::paths::Layout;

/// Held by a running deploy of the app: a shared lock on its deploying file.
#[derive(Debug)]
pub(crate) struct DeployGuard {
    _file: File,
}

fn lock_path(layout: &Layout, app: &str) -> PathBuf {
    layout
        .app_data_dir(super::PLUGIN, app)
        .join(".deploying.lock")
}

fn open(layout: &Layout, app: &str) -> std::io::Result<File> {
    let path = lock_path(layout, app);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .open(path)
}

/// Marks a deploy of `app` as running until the guard is dropped. When no other
/// deploy of the app runs, the orphans of interrupted ones are removed first.
pub(crate) fn begin_deploy(host: &dyn Host, app: &str) -> Result<DeployGuard, DeployError> {
    let path = lock_path(host.layout(), app);
    let io = |e| DeployError::io("lock", &path)(e);
    let file = open(host.layout(), app).map_err(io)?;
    if flock(&file, Flock::ExclusiveNow).map_err(io)? {
        remove_orphans(host, app);
    }
    // Shared from here on (a conversion when the sweep ran): deploys of the same app
    // may overlap, as in Dokku; only a sweep waits for them all.
    flock(&file, Flock::Shared).map_err(io)?;
    Ok(DeployGuard { _file: file })
}

/// Removes the orphaned `upcoming` containers of `app` unless one of its deploys is
/// running. Returns the names removed.
pub fn sweep(host: &dyn Host, app: &str) -> Vec<String> {
    if !host.layout().app_root(app).is_dir() {
        return Vec::new();
    }
    let Ok(file) = open(host.layout(), app) else {
        return Vec::new();
    };
    match flock(&file, Flock::ExclusiveNow) {
        Ok(true) => remove_orphans(host, app),
        _ => Vec::new(),
    }
}

/// [`sweep`] for every app that has an `upcoming` container not recorded anywhere.
pub fn sweep_all(host: &dyn Host) -> Vec<String> {
    let docker = host.docker();
    let mut apps: Vec<String> = docker
        .container_ls(
            &[
                "label=com.dokku.container-type=deploy".into(),
                "name=upcoming".into(),
            ],
            true,
        )
        .iter()
        .filter_map(|id| docker.container_inspect(id))
        .filter_map(|info| info.labels.get("com.dokku.app-name").cloned())
        .filter(|app| crate::app::AppName::parse_existing(app).is_ok())
        .collect();
    apps.sort();
    apps.dedup();
    apps.iter().flat_map(|app| sweep(host, app)).collect()
}

/// Whether `name` is one of `app`'s deploy containers before its rename:
/// `APP.TYPE.N.upcoming-R`.
pub(crate) fn is_upcoming_name(app: &str, name: &str) -> bool {
    let Some(rest) = name.strip_prefix(app).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    let Some((dyno, random)) = rest.rsplit_once(".upcoming-") else {
        return false;
    };
    let Some((proc_type, index)) = dyno.rsplit_once('.') else {
        return false;
    };
    !proc_type.is_empty()
        && !index.is_empty()
        && index.bytes().all(|b| b.is_ascii_digit())
        && !random.is_empty()
        && random.bytes().all(|b| b.is_ascii_digit())
}

/// The sweep itself; the caller holds the deploying lock exclusively.
fn remove_orphans(host: &dyn Host, app: &str) -> Vec<String> {
    let docker = host.docker();
    let recorded: Vec<String> = super::slots(host.layout(), app)
        .into_iter()
        .map(|s| s.cid)
        .collect();
    let candidates = docker.container_ls(
        &[
            deploy::app_label_filter(app),
            "label=com.dokku.container-type=deploy".into(),
            "name=upcoming".into(),
        ],
        true,
    );
    let mut removed = Vec::new();
    for id in candidates {
        if recorded
            .iter()
            .any(|c| c.starts_with(id.as_str()) || id.starts_with(c.as_str()))
        {
            // Recorded by a deploy that got past its checks: core-post-deploy did
            // not rename it yet, but it is the app's container now.
            continue;
        }
        let Some(info) = docker.container_inspect(&id) else {
            continue;
        };
        if info.labels.get("com.dokku.app-name").map(String::as_str) != Some(app)
            || !is_upcoming_name(app, &info.name)
        {
            continue;
        }
        let short: String = id.chars().take(12).collect();
        host.log(
            Level::Verbose,
            &format!(
                "Removing container {} ({short}) left by an interrupted deploy",
                info.name
            ),
        );
        docker.container_rm_force(std::slice::from_ref(&id));
        removed.push(info.name);
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    #[test]
    fn upcoming_names_belong_to_one_app() {
        assert!(is_upcoming_name("web", "web.web.1.upcoming-123"));
        assert!(is_upcoming_name("web", "web.worker-x.12.upcoming-7"));
        assert!(is_upcoming_name("a.b", "a.b.web.1.upcoming-7"));
        for no in [
            "web.web.1",
            "web.web.1.1700000000",
            "web.web.x.upcoming-1",
            "web.web.1.upcoming-",
            "web.web.1.upcoming-1a",
            "webx.web.1.upcoming-1",
            "other.web.1.upcoming-1",
            "web.1.upcoming-1",
        ] {
            assert!(!is_upcoming_name("web", no), "{no}");
        }
    }

    fn inspect(id: &str, name: &str, app: &str) -> String {
        format!(
            r#"[{{"Id":"{id}","Name":"/{name}","State":{{"Running":true,"Status":"running"}},"Config":{{"Labels":{{"com.dokku.app-name":"{app}","com.dokku.container-type":"deploy"}}}},"NetworkSettings":{{"Networks":{{}}}}}}]"#
        )
    }

    #[test]
    fn only_unrecorded_upcoming_containers_of_the_app_are_removed() {
        let host = FakeHost::new();
        host.mkapp("web");
        std::fs::write(host.layout.container_file("web", "web", 1), "kept\n").expect("slot");
        host.fake
            .respond_ok(&["container", "ls"], "orphan\nkept\nrenamed\nforeign\n");
        host.fake.respond_ok(
            &["container", "inspect", "orphan"],
            &inspect("orphan", "web.web.1.upcoming-42", "web"),
        );
        host.fake.respond_ok(
            &["container", "inspect", "renamed"],
            &inspect("renamed", "web.web.1", "web"),
        );
        host.fake.respond_ok(
            &["container", "inspect", "foreign"],
            &inspect("foreign", "web.web.1.upcoming-9", "other"),
        );
        assert_eq!(sweep(&host, "web"), vec!["web.web.1.upcoming-42"]);
        let calls = host.fake.calls();
        let removed: Vec<&String> = calls.iter().filter(|c| c.contains(" rm ")).collect();
        assert_eq!(removed, ["container rm --force orphan"]);
        assert!(calls.contains(&"container ls --quiet --no-trunc --all --filter label=com.dokku.app-name=web --filter label=com.dokku.container-type=deploy --filter name=upcoming".to_string()), "{calls:?}");
        assert_eq!(
            host.log_text(),
            "       Removing container web.web.1.upcoming-42 (orphan) left by an interrupted deploy\n"
        );
    }

    #[test]
    fn nothing_is_swept_while_a_deploy_of_the_app_runs() {
        let host = FakeHost::new();
        host.mkapp("web");
        host.fake.respond_ok(&["container", "ls"], "orphan\n");
        host.fake.respond_ok(
            &["container", "inspect", "orphan"],
            &inspect("orphan", "web.web.1.upcoming-42", "web"),
        );
        let running = begin_deploy(&host, "web").expect("deploy");
        assert_eq!(
            host.fake
                .calls()
                .iter()
                .filter(|c| c.contains(" rm "))
                .count(),
            1,
            "the deploy swept first"
        );
        assert!(sweep(&host, "web").is_empty(), "a deploy runs");
        // Another deploy of the same app may still start (shared), without a sweep.
        let second = begin_deploy(&host, "web").expect("second deploy");
        drop((running, second));
        assert_eq!(sweep(&host, "web"), vec!["web.web.1.upcoming-42"]);
    }
}
