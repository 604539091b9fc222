//! Dokku's `checks` core plugin: zero-downtime deploy checks per app and process type
//! (`checks:disable`, `checks:enable`, `checks:skip`), the `wait-to-retire` delay
//! (`checks:set`), and their report. The rules live in `dokku_core::checks`.

mod answers;
mod commands;
mod report;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `checks` core plugin.
    Checks = "checks",
    commands: [
        ("checks:disable", commands::run),
        ("checks:enable", commands::run),
        ("checks:report", commands::run),
        ("checks:set", commands::run),
        ("checks:skip", commands::run),
    ],
    triggers: [
        ("install", triggers::trigger),
        ("report", triggers::trigger),
        ("checks-get-property", answers::trigger),
    ],
}
