//! Dokku's `builder-dockerfile` core plugin: the Dockerfile builder (detection, build
//! and release of an app with a `Dockerfile`, at `dockerfile-path` if set). The rules
//! live in `dokku_core::builder::dockerfile`.

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `builder-dockerfile` core plugin.
    BuilderDockerfile = "builder-dockerfile",
    commands: [
        ("builder-dockerfile:report", commands::run),
        ("builder-dockerfile:set", commands::run),
    ],
    triggers: [
        ("builder-detect", triggers::trigger),
        ("builder-build", triggers::trigger),
        ("builder-release", triggers::trigger),
        ("core-post-extract", triggers::trigger),
    ],
}
