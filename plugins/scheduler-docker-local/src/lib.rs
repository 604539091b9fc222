//! Dokku's `scheduler-docker-local` core plugin: deploys, checks, renames, stops and
//! retires an app's containers on the local Docker daemon (logic in
//! `dokku_core::scheduler`); `scheduler-docker-local:set|report` for its
//! `init-process` and `parallel-schedule-count` properties.

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `scheduler-docker-local` core plugin.
    SchedulerDockerLocal = "scheduler-docker-local",
    commands: [
        ("scheduler-docker-local:report", commands::run),
        ("scheduler-docker-local:set", commands::run),
    ],
    triggers: [
        ("scheduler-deploy", triggers::trigger),
        ("check-deploy", triggers::trigger),
        ("core-post-deploy", triggers::trigger),
        ("scheduler-stop", triggers::trigger),
        ("scheduler-retire", triggers::trigger),
        ("scheduler-register-retired", triggers::trigger),
        ("scheduler-app-status", triggers::trigger),
        ("post-release-builder", triggers::trigger),
        ("core-post-extract", triggers::trigger),
        ("scheduler-enter", triggers::trigger),
        ("scheduler-inspect", triggers::trigger),
        ("scheduler-storage-exec", triggers::trigger),
        ("scheduler-run-list", triggers::trigger),
        ("scheduler-run", triggers::trigger),
        ("scheduler-logs", triggers::trigger),
        ("scheduler-logs-failed", triggers::trigger),
        ("scheduler-run-logs", triggers::trigger),
        ("scheduler-run-retire", triggers::trigger),
        ("scheduler-run-stop", triggers::trigger),
        ("scheduler-is-deployed", triggers::trigger),
        ("scheduler-uses-host-cron", triggers::trigger),
    ],
}
