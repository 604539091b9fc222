//! Dokku's `registry` core plugin: where an app's images are named and pushed, and
//! the registry credentials of the host or of one app (logic in
//! `dokku_core::registry`).

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `registry` core plugin.
    Registry = "registry",
    commands: [
        ("registry", commands::run),
        ("registry:login", commands::run),
        ("registry:logout", commands::run),
        ("registry:report", commands::run),
        ("registry:set", commands::run),
    ],
    triggers: [
        ("deployed-app-image-repo", triggers::trigger),
        ("deployed-app-image-tag", triggers::trigger),
        ("deployed-app-repository", triggers::trigger),
        ("install", triggers::trigger),
        ("post-create", triggers::trigger),
        ("post-app-clone-setup", triggers::trigger),
        ("post-app-rename-setup", triggers::trigger),
        ("post-delete", triggers::trigger),
        ("post-release-builder", triggers::trigger),
        ("report", triggers::trigger),
    ],
}
