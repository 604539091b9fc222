//! `plugin.toml`: Dokku's `[plugin]` table, plus the native-plugin extensions
//! (`[plugin.native]`, `[[command]]`, `[[trigger]]`).
//!
//! The schema is defined once in [`dokku_protocol::manifest`], which the plugin SDK's
//! author-facing `Manifest` reads too; the dispatcher reads it with [`Manifest::parse`]
//! and [`Manifest::read`].

pub use dokku_protocol::manifest::{
    CommandEntry, Manifest, ManifestError, NativeSection, PluginSection, TriggerEntry,
};
