//! Dokku's `cron` core plugin: an app's app.json `cron` tasks (and the lines other
//! plugins inject through `cron-entries`) written to the system user's crontab, run
//! by the host's cron daemon as `dokku cron:run APP ID`; `cron:list`, `cron:run`,
//! `cron:suspend`, `cron:resume`, `cron:set` and `cron:report`. The rules live in
//! `dokku_core::cron`.

mod commands;
mod crontab;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `cron` core plugin.
    Cron = "cron",
    commands: [
        ("cron:list", commands::run),
        ("cron:report", commands::run),
        ("cron:resume", commands::run),
        ("cron:run", commands::run),
        ("cron:set", commands::run),
        ("cron:suspend", commands::run),
    ],
    triggers: [
        ("app-json-is-valid", triggers::trigger),
        ("cron-get-property", triggers::trigger),
        ("post-delete", triggers::trigger),
        ("post-deploy", triggers::trigger),
        ("scheduler-cron-write", triggers::trigger),
        ("scheduler-stop", triggers::trigger),
    ],
}
