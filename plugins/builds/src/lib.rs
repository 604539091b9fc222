//! Dokku's `builds` core plugin: a record and a log per build or deploy
//! (`builds:list`, `builds:info`, `builds:output`, `builds:cancel`, `builds:prune`,
//! `builds:set`, `builds:report`), written by the `builds-record-*` triggers the
//! build capture fires. The rules live in `dokku_core::builds`.

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `builds` core plugin.
    Builds = "builds",
    commands: [
        ("builds", commands::run),
        ("builds:cancel", commands::run),
        ("builds:info", commands::run),
        ("builds:list", commands::run),
        ("builds:output", commands::run),
        ("builds:prune", commands::run),
        ("builds:report", commands::run),
        ("builds:set", commands::run),
    ],
    triggers: [
        ("builds-generate-id", triggers::trigger),
        ("builds-record-finalize", triggers::trigger),
        ("builds-record-start", triggers::trigger),
        ("install", triggers::trigger),
        ("post-app-rename-setup", triggers::trigger),
        ("post-delete", triggers::trigger),
    ],
}
