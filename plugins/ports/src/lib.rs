//! Dokku's `ports` core plugin: an app's port mappings (`scheme:host-port:container-port`)
//! for the proxy (logic in `dokku_core::ports`).

mod answers;
mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `ports` core plugin.
    Ports = "ports",
    commands: [
        ("ports:add", commands::run),
        ("ports:clear", commands::run),
        ("ports:list", commands::run),
        ("ports:remove", commands::run),
        ("ports:report", commands::run),
        ("ports:set", commands::run),
    ],
    triggers: [
        ("ports-get", triggers::trigger),
        ("ports-get-property", triggers::trigger),
        ("post-certs-update", triggers::trigger),
        ("post-certs-remove", triggers::trigger),
        ("report", triggers::trigger),
        ("ports-clear", answers::trigger),
        ("ports-configure", answers::trigger),
        ("ports-get-available", answers::trigger),
    ],
}
