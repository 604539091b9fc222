//! Dokku's `00_dokku-standard` core plugin: `deploy`, `cleanup`, `report`, `url` and
//! `urls`, and the `release-and-deploy` / `deploy` triggers that hand a built image
//! to the scheduler.

mod commands;
mod report;
mod triggers;

pub use crate::commands::urls;

dokku_plugin_common::core_plugin! {
    /// The `00_dokku-standard` core plugin.
    DokkuStandard = "00_dokku-standard",
    commands: [
        ("deploy", commands::run),
        ("cleanup", commands::run),
        ("report", commands::run),
        ("url", commands::run),
        ("urls", commands::run),
    ],
    triggers: [
        ("release-and-deploy", triggers::trigger),
        ("deploy", triggers::trigger),
        ("core-post-deploy", triggers::trigger),
    ],
}
