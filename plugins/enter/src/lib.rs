//! Dokku's `enter` core plugin: a command in (or a shell on) one of an app's running
//! containers, through the app's scheduler (`scheduler-enter`).

mod enter;

dokku_plugin_common::core_plugin! {
    /// The `enter` core plugin.
    Enter = "enter",
    commands: [("enter", enter::run)],
    triggers: [],
}
