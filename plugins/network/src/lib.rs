//! Dokku's `network` core plugin: docker networks created, listed and destroyed, and
//! an app's containers attached to its networks at creation and deploy (logic in
//! `dokku_core::network`).

mod answers;
mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `network` core plugin.
    Network = "network",
    commands: [
        ("network:create", commands::run),
        ("network:destroy", commands::run),
        ("network:exists", commands::run),
        ("network:info", commands::run),
        ("network:list", commands::run),
        ("network:report", commands::run),
        ("network:rebuild", commands::run),
        ("network:rebuildall", commands::run),
        ("network:set", commands::run),
    ],
    triggers: [
        ("docker-args-process-deploy", triggers::trigger),
        ("docker-args-process-run", triggers::trigger),
        ("post-container-create", triggers::trigger),
        ("core-post-deploy", triggers::trigger),
        ("post-delete", triggers::trigger),
        ("report", triggers::trigger),
        ("network-build-config", answers::trigger),
        ("network-config-exists", answers::trigger),
        ("network-get-ipaddr", answers::trigger),
        ("network-get-listeners", answers::trigger),
        ("network-get-property", answers::trigger),
        ("network-get-static-listeners", answers::trigger),
        ("network-write-ipaddr", answers::trigger),
        ("network-write-port", answers::trigger),
    ],
}
