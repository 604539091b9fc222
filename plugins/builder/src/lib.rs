//! Dokku's `builder` core plugin: which builder builds an app (detected, or chosen
//! with `builder:set APP selected`), the `build-dir` a build starts from, and the
//! build images removed after a release. The rules live in `dokku_core::builder`.

mod answers;
mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `builder` core plugin.
    Builder = "builder",
    commands: [
        ("builder:report", commands::run),
        ("builder:set", commands::run),
    ],
    triggers: [
        ("builder-detect", triggers::trigger),
        ("builder-set-property", triggers::trigger),
        ("core-post-extract", triggers::trigger),
        ("post-release-builder", triggers::trigger),
        ("builder-get-property", answers::trigger),
        ("builder-image-is-cnb", answers::trigger),
        ("builder-image-is-herokuish", answers::trigger),
    ],
}
