//! Dokku's `run` core plugin: one-off containers from the app's current image (`run`,
//! `run:detached`) through `dokku_core::scheduler`, and `run:list` through the app's
//! scheduler (`scheduler-run-list`).

mod run;

dokku_plugin_common::core_plugin! {
    /// The `run` core plugin.
    Run = "run",
    commands: [
        ("run", run::run),
        ("run:detached", run::run),
        ("run:list", run::run),
    ],
    triggers: [],
}
