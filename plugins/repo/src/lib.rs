//! Dokku's `repo` core plugin: `repo:gc` and `repo:purge-cache` (logic in
//! `dokku_core::git::repo`).

mod commands;

dokku_plugin_common::core_plugin! {
    /// The `repo` core plugin.
    Repo = "repo",
    commands: [
        ("repo:gc", commands::run),
        ("repo:purge-cache", commands::run),
    ],
    triggers: [],
}
