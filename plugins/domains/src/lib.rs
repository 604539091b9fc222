//! Dokku's `domains` core plugin: the vhost domain names of each app and the global
//! ones, for the proxy (logic in `dokku_core::domains`). `functions` beside this
//! crate (`get_app_domains`, ...) is for bash plugins to source.

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `domains` core plugin.
    Domains = "domains",
    commands: [
        ("domains:add", commands::run),
        ("domains:add-global", commands::run),
        ("domains:clear", commands::run),
        ("domains:clear-global", commands::run),
        ("domains:disable", commands::run),
        ("domains:enable", commands::run),
        ("domains:remove", commands::run),
        ("domains:remove-global", commands::run),
        ("domains:report", commands::run),
        ("domains:reset", commands::run),
        ("domains:setup", commands::run),
        ("domains:set", commands::run),
        ("domains:set-global", commands::run),
    ],
    triggers: [
        ("post-create", triggers::trigger),
        ("domains-setup", triggers::trigger),
        ("domains-list", triggers::trigger),
        ("domains-urls", triggers::trigger),
        ("domains-vhost-enabled", triggers::trigger),
        ("domains-add", triggers::trigger),
        ("domains-enable", triggers::trigger),
        ("domains-disable", triggers::trigger),
        ("report", triggers::trigger),
        ("post-app-clone-setup", triggers::trigger),
        ("post-app-rename-setup", triggers::trigger),
    ],
}
