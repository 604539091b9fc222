//! Dokku's `builder-herokuish` core plugin: the `herokuish` buildpack builder. It needs images
//! that cannot be pulled here, so it claims its builds and fails them with a clear
//! message (see `dokku_core::builder::unavailable_builder`).

mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `builder-herokuish` core plugin.
    BuilderHerokuish = "builder-herokuish",
    commands: [],
    triggers: [
        ("builder-build", triggers::trigger),
    ],
}
