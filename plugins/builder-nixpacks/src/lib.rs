//! Dokku's `builder-nixpacks` core plugin: the `nixpacks` builder (nixpacks), claiming a
//! source tree with a `nixpacks.toml` (at `nixpackstoml-path` if set). Its rules live in
//! `dokku_core::builder::file_builder`; its `builder-build` fails fast with what the
//! host lacks (`dokku_core::builder::unavailable_builder`).

dokku_plugin_common::file_builder_plugin! {
    /// The `builder-nixpacks` core plugin.
    BuilderNixpacks = "builder-nixpacks",
    spec: dokku_core::builder::file_builder::NIXPACKS,
    commands: ["builder-nixpacks:report", "builder-nixpacks:set"],
}
