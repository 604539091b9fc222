//! Dokku's `storage` core plugin: bind mounts of host directories into an app's
//! containers (`storage:mount`, `storage:unmount`, `storage:list`) and the persistent
//! storage directories they usually name (`storage:ensure-directory`). The rules
//! live in `dokku_core::storage`.

mod answers;
mod commands;

dokku_plugin_common::core_plugin! {
    /// The `storage` core plugin.
    Storage = "storage",
    commands: [
        ("storage:ensure-directory", commands::run),
        ("storage:list", commands::run),
        ("storage:mount", commands::run),
        ("storage:unmount", commands::run),
    ],
    triggers: [
        ("storage-list", answers::trigger),
    ],
}
