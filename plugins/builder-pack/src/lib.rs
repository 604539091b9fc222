//! Dokku's `builder-pack` core plugin: the `pack` buildpack builder. It needs images
//! that cannot be pulled here, so it claims its builds and fails them with a clear
//! message (see `dokku_core::builder::unavailable_builder`).

mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `builder-pack` core plugin.
    BuilderPack = "builder-pack",
    commands: [],
    triggers: [
        ("builder-build", triggers::trigger),
    ],
}
