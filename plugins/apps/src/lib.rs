//! Dokku's `apps` core plugin: creating, listing, renaming, cloning, locking and
//! destroying apps (`apps:*`), and the triggers that answer for an app's existence,
//! its deploy source, its report and its state carried over on clone and rename.
//! The rules live in `dokku_core::app`.

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `apps` core plugin.
    Apps = "apps",
    commands: [
        ("apps:create", commands::run),
        ("apps:clone", commands::run),
        ("apps:destroy", commands::run),
        ("apps:exists", commands::run),
        ("apps:list", commands::run),
        ("apps:lock", commands::run),
        ("apps:locked", commands::run),
        ("apps:rename", commands::run),
        ("apps:report", commands::run),
        ("apps:set", commands::run),
        ("apps:unlock", commands::run),
    ],
    triggers: [
        ("app-create", triggers::trigger),
        ("app-destroy", triggers::trigger),
        ("app-list", triggers::trigger),
        ("app-maybe-create", triggers::trigger),
        ("app-exists", triggers::trigger),
        ("deploy-source-set", triggers::trigger),
        ("install", triggers::trigger),
        ("post-create", triggers::trigger),
        ("post-app-clone-setup", triggers::trigger),
        ("post-app-rename-setup", triggers::trigger),
        ("report", triggers::trigger),
    ],
}
