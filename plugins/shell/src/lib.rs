//! Dokku's `shell` core plugin: an interactive `dokku> ` prompt that runs each line as
//! a dokku command (`quit`/`exit` or end of input leave it, `clear` clears the
//! screen). It needs a terminal; without one it refuses with a hint, since a script
//! can call `dokku COMMAND` directly.

mod repl;

dokku_plugin_common::core_plugin! {
    /// The `shell` core plugin.
    Shell = "shell",
    commands: [
        ("shell", repl::run),
    ],
    triggers: [],
}
