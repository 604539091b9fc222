//! Dokku's `storage` core plugin: named storage entries (`storage:create`, `:info`,
//! `:list-entries`, `:set`, `:destroy`, `:exec`, `:wait`, annotations and labels),
//! their attachments to apps (`storage:mount APP NAME --container-dir DIR`, the legacy
//! `HOST:CONTAINER` form, `storage:unmount`, `storage:list`, `storage:report`), the
//! legacy `-v` migration (`storage:migrate`) and `storage:ensure-directory`
//! (deprecated). The rules live in `dokku_core::storage`.

mod answers;
mod commands;
mod entries;
mod metadata;

dokku_plugin_common::core_plugin! {
    /// The `storage` core plugin.
    Storage = "storage",
    commands: [
        ("storage:annotations:report", metadata::run),
        ("storage:annotations:set", metadata::run),
        ("storage:create", entries::run),
        ("storage:destroy", entries::run),
        ("storage:ensure-directory", commands::run),
        ("storage:exec", entries::run),
        ("storage:info", entries::run),
        ("storage:labels:report", metadata::run),
        ("storage:labels:set", metadata::run),
        ("storage:list", commands::run),
        ("storage:list-entries", entries::run),
        ("storage:migrate", commands::run),
        ("storage:mount", commands::run),
        ("storage:report", commands::run),
        ("storage:set", entries::run),
        ("storage:unmount", commands::run),
        ("storage:wait", entries::run),
    ],
    triggers: [
        ("install", answers::trigger),
        ("post-app-clone-setup", answers::trigger),
        ("post-app-rename-setup", answers::trigger),
        ("post-delete", answers::trigger),
        ("storage-app-mounts", answers::trigger),
        ("storage-list", answers::trigger),
    ],
}
