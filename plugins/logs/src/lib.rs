//! Dokku's `logs` core plugin: `logs` shows (or follows) an app's output through its
//! scheduler, `logs:failed` the output of the containers of failed deploys.

mod answers;
mod logs;

dokku_plugin_common::core_plugin! {
    /// The `logs` core plugin.
    Logs = "logs",
    commands: [
        ("logs", logs::run),
        ("logs:failed", logs::run),
    ],
    triggers: [
        ("logs-get-property", answers::trigger),
    ],
}
