//! Dokku's `proxy` core plugin: whether an app is proxied and by which proxy (logic
//! in `dokku_core::proxy`; the proxy's own plugin, such as `nginx-vhosts`, answers
//! `proxy-build-config`), and the `dokku __core` helpers behind the bash functions of
//! the proxy plugins ([`helpers`]).

mod commands;
pub mod helpers;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `proxy` core plugin.
    Proxy = "proxy",
    commands: [
        ("proxy:build-config", commands::run),
        ("proxy:clear-config", commands::run),
        ("proxy:disable", commands::run),
        ("proxy:enable", commands::run),
        ("proxy:report", commands::run),
        ("proxy:set", commands::run),
    ],
    triggers: [
        ("proxy-is-enabled", triggers::trigger),
        ("proxy-type", triggers::trigger),
        ("post-delete", triggers::trigger),
        ("report", triggers::trigger),
    ],
}
