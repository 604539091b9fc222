//! Dokku's `ps` core plugin: process scale, the Procfile around a deploy, the
//! `ps:*` commands (`ps:restore` brings the apps back after a reboot) and
//! `ps:report`.

mod answers;
mod commands;
mod report;
mod restore;
mod triggers;

pub use restore::restore_worker;

dokku_plugin_common::core_plugin! {
    /// The `ps` core plugin.
    Ps = "ps",
    commands: [
        ("ps:retire", commands::run),
        ("ps:rebuild", commands::run),
        ("ps:report", commands::run),
        ("ps:restart", commands::run),
        ("ps:scale", commands::run),
        ("ps:set", commands::run),
        ("ps:start", commands::run),
        ("ps:stop", commands::run),
        ("ps:inspect", commands::run),
        ("ps:restore", commands::run),
    ],
    triggers: [
        ("post-create", triggers::trigger),
        ("core-post-extract", triggers::trigger),
        ("post-release-builder", triggers::trigger),
        ("core-post-deploy", triggers::trigger),
        ("post-stop", triggers::trigger),
        ("ps-current-scale", triggers::trigger),
        ("report", triggers::trigger),
        ("app-restart", answers::trigger),
        ("docker-args-process-deploy", answers::trigger),
        ("procfile-get-command", answers::trigger),
        ("procfile-exists", answers::trigger),
        ("ps-can-scale", answers::trigger),
        ("ps-set-scale", answers::trigger),
    ],
}
