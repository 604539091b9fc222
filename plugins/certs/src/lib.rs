//! Dokku's `certs` core plugin: an app's TLS certificate and key, added, generated,
//! shown and removed (logic in `dokku_core::certs`). `functions` beside this crate
//! (`is_ssl_enabled`, `get_ssl_hostnames`) is for bash plugins to source.

mod answers;
mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `certs` core plugin.
    Certs = "certs",
    commands: [
        ("certs:add", commands::run),
        ("certs:generate", commands::run),
        ("certs:remove", commands::run),
        ("certs:report", commands::run),
        ("certs:show", commands::run),
        ("certs:update", commands::run),
    ],
    triggers: [
        ("certs-exists", triggers::trigger),
        ("report", triggers::trigger),
        ("post-app-clone-setup", triggers::trigger),
        ("certs-get", answers::trigger),
        ("certs-remove", answers::trigger),
        ("certs-set", answers::trigger),
    ],
}
