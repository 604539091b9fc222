//! Dokku's `builder-pack` core plugin: the `pack` builder (Cloud Native Buildpacks through the `pack` program), claiming a
//! source tree with a `project.toml` (at `projecttoml-path` if set). Its rules live in
//! `dokku_core::builder::file_builder`; its `builder-build` fails fast with what the
//! host lacks (`dokku_core::builder::unavailable_builder`).

dokku_plugin_common::file_builder_plugin! {
    /// The `builder-pack` core plugin.
    BuilderPack = "builder-pack",
    spec: dokku_core::builder::file_builder::PACK,
    commands: ["builder-pack:report", "builder-pack:set"],
}
