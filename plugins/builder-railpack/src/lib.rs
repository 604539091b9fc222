//! Dokku's `builder-railpack` core plugin: the `railpack` builder (railpack), claiming a
//! source tree with a `railpack.json` (at `railpackjson-path` if set). Its rules live in
//! `dokku_core::builder::file_builder`; its `builder-build` fails fast with what the
//! host lacks (`dokku_core::builder::unavailable_builder`).

dokku_plugin_common::file_builder_plugin! {
    /// The `builder-railpack` core plugin.
    BuilderRailpack = "builder-railpack",
    spec: dokku_core::builder::file_builder::RAILPACK,
    commands: ["builder-railpack:report", "builder-railpack:set"],
}
