//! The `scheduler` plugin's properties: which scheduler runs an app (`selected`,
//! default `docker-local`) and the `shell` `enter` uses; and the docker-local
//! scheduler's own (`init-process`, `parallel-schedule-count`).

use crate::property::command::{scoped_report, value};
use crate::property::{PropertyStore, GLOBAL};
use crate::report::Report;

/// The `scheduler` plugin's property namespace.
pub const SELECTION_PLUGIN: &str = "scheduler";

/// The scheduler an app runs on when none is selected.
pub const DEFAULT_SCHEDULER: &str = "docker-local";

/// The properties `scheduler:set` takes; all may be set globally.
pub const SELECTION_PROPERTIES: &[&str] = &["selected", "shell"];

/// The properties `scheduler-docker-local:set` takes; all may be set globally.
pub const DOCKER_LOCAL_PROPERTIES: &[&str] = &["init-process", "parallel-schedule-count"];

/// `scheduler:report` of `app` (or `--global`): `selected` (computed default
/// `docker-local`) and `shell`, each raw, global and computed.
pub fn selection_report(props: &PropertyStore, app: &str) -> Report {
    scoped_report(
        props,
        SELECTION_PLUGIN,
        app,
        &[("selected", DEFAULT_SCHEDULER), ("shell", "")],
    )
}

/// `scheduler-docker-local:report` of `app` (or `--global`): `init-process`
/// (computed default `true`) and `parallel-schedule-count` (computed default `1`).
pub fn docker_local_report(props: &PropertyStore, app: &str) -> Report {
    scoped_report(
        props,
        super::PLUGIN,
        app,
        &[("init-process", "true"), ("parallel-schedule-count", "1")],
    )
}

/// The scheduler configured globally (`scheduler:set --global selected`), else
/// `docker-local`.
pub fn global_scheduler(props: &PropertyStore) -> String {
    Some(value(props, SELECTION_PLUGIN, GLOBAL, "selected"))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_SCHEDULER.to_string())
}

/// Whether `scheduler` writes its cron tasks to the host crontab (Dokku's
/// `scheduler-uses-host-cron`): only docker-local does.
pub fn uses_host_cron(scheduler: &str) -> bool {
    scheduler == DEFAULT_SCHEDULER
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::ReportArgs;

    fn json(report: &Report) -> serde_json::Value {
        let args = ReportArgs::parse("x", &["--format".into(), "json".into()]).expect("args");
        match report.render(&args).expect("render") {
            crate::report::Rendered::Json(text) => serde_json::from_str(&text).expect("json"),
            _ => panic!("not json"),
        }
    }

    #[test]
    fn selection_defaults_to_docker_local_and_global_omits_the_app_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        let app = json(&selection_report(&props, "a"));
        assert_eq!(app["computed-selected"], "docker-local");
        assert_eq!(app["scheduler-selected"], "");
        props
            .write(SELECTION_PLUGIN, GLOBAL, "shell", "sh")
            .expect("write");
        props
            .write(SELECTION_PLUGIN, "a", "shell", "bash")
            .expect("write");
        let app = json(&selection_report(&props, "a"));
        assert_eq!(app["scheduler-computed-shell"], "bash");
        assert_eq!(app["global-shell"], "sh");
        let global = json(&selection_report(&props, GLOBAL));
        assert!(global.get("scheduler-selected").is_none());
        assert_eq!(global["scheduler-computed-shell"], "sh");
    }

    #[test]
    fn docker_local_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        let app = json(&docker_local_report(&props, "a"));
        assert_eq!(app["computed-init-process"], "true");
        assert_eq!(app["computed-parallel-schedule-count"], "1");
        props
            .write(super::super::PLUGIN, GLOBAL, "parallel-schedule-count", "4")
            .expect("write");
        let app = json(&docker_local_report(&props, "a"));
        assert_eq!(app["computed-parallel-schedule-count"], "4");
        assert_eq!(app["parallel-schedule-count"], "");
    }

    #[test]
    fn only_docker_local_uses_host_cron() {
        assert!(uses_host_cron("docker-local"));
        assert!(!uses_host_cron("k3s"));
        assert!(!uses_host_cron("null"));
        assert!(!uses_host_cron(""));
    }
}
