//! Dokku's `checks` core plugin: zero-downtime deploy checks per app and process type
//! (`checks:disable`, `checks:enable`, `checks:skip`), the `wait-to-retire` delay
//! (`checks:set`), their report, and `checks:run` against the running containers. The rules live in `dokku_core::checks`.

mod answers;
mod commands;
mod report;
mod run;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `checks` core plugin.
    Checks = "checks",
    commands: [
        ("checks:disable", commands::run),
        ("checks:enable", commands::run),
        ("checks:report", commands::run),
        ("checks:run", commands::run),
        ("checks:set", commands::run),
        ("checks:skip", commands::run),
    ],
    triggers: [
        ("install", triggers::trigger),
        ("report", triggers::trigger),
        ("checks-get-property", answers::trigger),
    ],
}
