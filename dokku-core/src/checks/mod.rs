//! Zero-downtime checks: the `checks` plugin's properties and the checks a new
//! container must pass before it replaces the old one.
//!
//! Properties (plugin `checks`): `disabled` and `skipped` (comma lists of process
//! types, or `_all_`), `wait-to-retire` (app, then global, default 60 seconds) and the
//! global-only `default-wait` (default 10): the uptime a container needs when its
//! process type has no healthchecks in `app.json`, and for `web` the most the
//! readiness check waits (`readiness`: `default-mode`, `uptime-guard`).

pub mod guard;
pub mod healthcheck;
pub mod http;
pub mod legacy;
pub mod readiness;

use std::time::{Duration, Instant};

use crate::docker::Docker;
use crate::property::{PropertyError, PropertyStore, GLOBAL};

pub use healthcheck::{Healthcheck, HealthcheckError};

/// The plugin name the properties live under.
pub const PLUGIN: &str = "checks";
/// The list value meaning every process type.
pub const ALL: &str = "_all_";
/// Default `wait-to-retire`, seconds.
pub const DEFAULT_WAIT_TO_RETIRE: u64 = 60;
/// Default `default-wait`, seconds.
pub const DEFAULT_UPTIME_WAIT: u64 = 10;

/// A comma-list property (`disabled`, `skipped`); missing is empty.
pub fn list(props: &PropertyStore, app: &str, key: &str) -> Result<Vec<String>, PropertyError> {
    Ok(split(&props.get(PLUGIN, app, key)?.unwrap_or_default()))
}

fn split(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn in_list(list: &[String], proc_type: &str) -> bool {
    list.iter().any(|t| t == ALL || t == proc_type)
}

/// Whether zero downtime is disabled for `proc_type` (old containers stop first).
pub fn is_disabled(props: &PropertyStore, app: &str, proc_type: &str) -> bool {
    list(props, app, "disabled")
        .map(|l| in_list(&l, proc_type))
        .unwrap_or(false)
}

/// Whether checks are skipped for `proc_type` (zero downtime kept, no checks).
pub fn is_skipped(props: &PropertyStore, app: &str, proc_type: &str) -> bool {
    list(props, app, "skipped")
        .map(|l| in_list(&l, proc_type))
        .unwrap_or(false)
}

/// `wait-to-retire`: app, then global, then 60.
pub fn wait_to_retire(props: &PropertyStore, app: &str) -> u64 {
    crate::deploy::prop_app_or_global(props, PLUGIN, app, "wait-to-retire")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_WAIT_TO_RETIRE)
}

/// The global `default-wait`: seconds of uptime the default check requires.
pub fn default_wait(props: &PropertyStore) -> u64 {
    props
        .get(PLUGIN, GLOBAL, "default-wait")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_UPTIME_WAIT)
}

/// Edits a comma list: `add` types go in, `remove` types go out, `_all_` is dropped
/// when specific types are given; an empty result deletes the property. The property's
/// lock is held from read to write, so parallel `checks:disable APP TYPE` calls keep
/// each other's types.
pub fn edit_list(
    props: &PropertyStore,
    app: &str,
    key: &str,
    add: &[String],
    remove: &[String],
) -> Result<(), PropertyError> {
    props.update(PLUGIN, app, key, |current| {
        let mut items: Vec<String> = split(current.unwrap_or_default())
            .into_iter()
            .filter(|t| t != ALL && !remove.contains(t))
            .collect();
        for t in add {
            if !items.contains(t) {
                items.push(t.clone());
            }
        }
        Ok::<_, PropertyError>((!items.is_empty()).then(|| items.join(",")))
    })?;
    Ok(())
}

/// `checks:disable` (`key` `disabled`, `other` `skipped`) and `checks:skip` (the
/// other way round): `types` go into `key` and out of `other`; no types means every
/// process type (`_all_`, and `other` is cleared).
///
/// Both properties change under the plugin's app lock, so a type that one call
/// disables while another skips it ends up in exactly one of the two lists.
pub fn put(
    props: &PropertyStore,
    app: &str,
    key: &str,
    other: &str,
    types: &[String],
) -> Result<(), PropertyError> {
    props.app_locked(PLUGIN, app, || {
        if types.is_empty() {
            props.write(PLUGIN, app, key, ALL)?;
            props.delete(PLUGIN, app, other)
        } else {
            edit_list(props, app, key, types, &[])?;
            edit_list(props, app, other, &[], types)
        }
    })
}

/// `checks:enable`: `types` leave both lists; no types clears both. Under the app
/// lock, as [`put`].
pub fn enable(props: &PropertyStore, app: &str, types: &[String]) -> Result<(), PropertyError> {
    props.app_locked(PLUGIN, app, || {
        for key in ["disabled", "skipped"] {
            if types.is_empty() {
                props.delete(PLUGIN, app, key)?;
            } else {
                edit_list(props, app, key, &[], types)?;
            }
        }
        Ok(())
    })
}

/// Waits until the container has been up for `seconds` without exiting or
/// restarting (docker-container-healthchecker's uptime check). Polls so that a
/// container that dies early fails at once.
pub fn uptime(docker: &Docker, cid: &str, seconds: u64) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    loop {
        let Some(info) = docker.container_inspect(cid) else {
            return Err("container no longer exists".into());
        };
        if let Some(reason) = down(&info) {
            return Err(reason);
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(());
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(500)));
    }
}

/// Why a container that should be up is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Down {
    /// It restarted (or is restarting): how many times, at least 1.
    Restarted(u32),
    /// It is not running: its exit code.
    Exited(i32),
}

/// What is wrong with a container that should be up; `None` while it runs and
/// never restarted. Each check words it its own way.
pub(crate) fn down_state(info: &crate::docker::ContainerInfo) -> Option<Down> {
    if info.restart_count > 0 || info.status == "restarting" {
        return Some(Down::Restarted(info.restart_count.max(1)));
    }
    (!info.running).then_some(Down::Exited(info.exit_code))
}

/// [`down_state`] in the words of the uptime check and the uptime guard.
fn down(info: &crate::docker::ContainerInfo) -> Option<String> {
    down_state(info).map(|d| match d {
        Down::Restarted(n) => format!("container has restarted {n} times"),
        Down::Exited(code) => format!("container is not running (exit code {code})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        assert!(!is_disabled(&props, "a", "web"));
        assert_eq!(wait_to_retire(&props, "a"), 60);
        assert_eq!(default_wait(&props), 10);
        props.write(PLUGIN, "a", "disabled", ALL).expect("write");
        assert!(is_disabled(&props, "a", "worker"));
        edit_list(&props, "a", "disabled", &["web".into()], &[]).expect("edit");
        assert_eq!(list(&props, "a", "disabled").expect("list"), vec!["web"]);
        edit_list(&props, "a", "disabled", &[], &["web".into()]).expect("edit");
        assert!(!props.exists(PLUGIN, "a", "disabled").expect("exists"));
        put(
            &props,
            "a",
            "skipped",
            "disabled",
            &["web".into(), "worker".into()],
        )
        .expect("skip");
        put(&props, "a", "disabled", "skipped", &["web".into()]).expect("disable");
        assert_eq!(list(&props, "a", "disabled").expect("list"), vec!["web"]);
        assert_eq!(list(&props, "a", "skipped").expect("list"), vec!["worker"]);
        put(&props, "a", "disabled", "skipped", &[]).expect("disable all");
        assert_eq!(list(&props, "a", "disabled").expect("list"), vec![ALL]);
        assert!(!props.exists(PLUGIN, "a", "skipped").expect("exists"));
        enable(&props, "a", &[]).expect("enable all");
        assert!(!props.exists(PLUGIN, "a", "disabled").expect("exists"));
        assert!(
            props.get_all(PLUGIN, "a").expect("all").is_empty(),
            "locks are not listed"
        );
        props
            .write(PLUGIN, GLOBAL, "wait-to-retire", "5")
            .expect("write");
        assert_eq!(wait_to_retire(&props, "a"), 5);
    }

    #[test]
    fn uptime_fails_fast_for_a_dead_container() {
        let fake = crate::docker::fake::FakeDocker::new();
        fake.respond_ok(
            &["container", "inspect"],
            r#"[{"Id":"c","Name":"/x","RestartCount":0,"State":{"Running":false,"Status":"exited","ExitCode":3,"StartedAt":""},"Config":{},"NetworkSettings":{}}]"#,
        );
        let err = uptime(&fake.docker(), "c", 30).expect_err("dead");
        assert!(err.contains("exit code 3"), "{err}");
        let ok = crate::docker::fake::FakeDocker::new();
        uptime(&ok.docker(), "c", 0).expect("running");
    }
}
