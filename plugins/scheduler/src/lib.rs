//! Dokku's `scheduler` core plugin: which scheduler runs an app (`selected`, default
//! `docker-local`) and the `shell` of `enter`, with `scheduler:set` and
//! `scheduler:report` (rules in `dokku_core::scheduler::selection`).

mod commands;

dokku_plugin_common::core_plugin! {
    /// The `scheduler` core plugin.
    Scheduler = "scheduler",
    commands: [
        ("scheduler:report", commands::run),
        ("scheduler:set", commands::run),
    ],
    triggers: [
        ("scheduler-detect", commands::trigger),
        ("scheduler-uses-host-cron", commands::trigger),
    ],
}
