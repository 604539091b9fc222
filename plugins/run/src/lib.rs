//! Dokku's `run` core plugin: one-off containers from the app's current image (`run`,
//! `run:detached`) through `dokku_core::scheduler`, and `run:list`, `run:logs`,
//! `run:stop` and `run:retire` through the app's scheduler (`scheduler-run-*`).

mod manage;
mod run;

dokku_plugin_common::core_plugin! {
    /// The `run` core plugin.
    Run = "run",
    commands: [
        ("run", run::run),
        ("run:detached", run::run),
        ("run:list", run::run),
        ("run:logs", run::run),
        ("run:retire", run::run),
        ("run:stop", run::run),
    ],
    triggers: [],
}
