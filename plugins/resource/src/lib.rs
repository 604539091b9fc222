//! Dokku's `resource` core plugin: resource limits and reservations (cpu, memory,
//! network, GPUs) per app and process type, passed to docker on deploy. The rules
//! live in `dokku_core::resource`.

mod answers;
mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `resource` core plugin.
    Resource = "resource",
    commands: [
        ("resource:limit", commands::run),
        ("resource:limit-clear", commands::run),
        ("resource:report", commands::run),
        ("resource:reserve", commands::run),
        ("resource:reserve-clear", commands::run),
    ],
    triggers: [
        ("docker-args-process-deploy", triggers::trigger),
        ("docker-args-process-build", triggers::trigger),
        ("post-delete", triggers::trigger),
        ("report", triggers::trigger),
        ("resource-get-property", answers::trigger),
    ],
}
