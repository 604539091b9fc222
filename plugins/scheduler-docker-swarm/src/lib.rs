//! The `scheduler-docker-swarm` core plugin: runs apps whose `scheduler selected`
//! is `docker-swarm` as Docker Swarm services (logic in `dokku_core::swarm`), and
//! `scheduler-docker-swarm:set|report` for its update, placement and timeout
//! properties.

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `scheduler-docker-swarm` core plugin.
    SchedulerDockerSwarm = "scheduler-docker-swarm",
    commands: [
        ("scheduler-docker-swarm:report", commands::run),
        ("scheduler-docker-swarm:set", commands::run),
    ],
    triggers: [
        ("scheduler-deploy", triggers::trigger),
        ("scheduler-stop", triggers::trigger),
        ("scheduler-post-delete", triggers::trigger),
        ("scheduler-app-status", triggers::trigger),
        ("scheduler-is-deployed", triggers::trigger),
        ("scheduler-inspect", triggers::trigger),
        ("scheduler-enter", triggers::trigger),
        ("scheduler-run", triggers::trigger),
        ("scheduler-run-list", triggers::trigger),
        ("scheduler-logs", triggers::trigger),
        ("scheduler-logs-failed", triggers::trigger),
        ("scheduler-uses-host-cron", triggers::trigger),
    ],
}
