//! Dokku's `logs` core plugin: `logs` shows (or follows) an app's output through its
//! scheduler, `logs:failed` the output of the containers of failed deploys,
//! `logs:set`/`logs:report` the log settings (`max-size` for the app's containers,
//! vector sinks), kept in `vector.json` for the vector container
//! (`logs:vector-start|stop|logs`).

mod answers;
mod logs;
mod settings;
mod triggers;
mod vector;

dokku_plugin_common::core_plugin! {
    /// The `logs` core plugin.
    Logs = "logs",
    commands: [
        ("logs", logs::run),
        ("logs:failed", logs::run),
        ("logs:report", logs::run),
        ("logs:set", logs::run),
        ("logs:vector-logs", logs::run),
        ("logs:vector-start", logs::run),
        ("logs:vector-stop", logs::run),
    ],
    triggers: [
        ("docker-args-process-deploy", answers::trigger),
        ("install", triggers::trigger),
        ("logs-get-property", answers::trigger),
        ("post-app-clone-setup", triggers::trigger),
        ("post-app-rename", triggers::trigger),
        ("post-app-rename-setup", triggers::trigger),
        ("post-delete", triggers::trigger),
    ],
}
