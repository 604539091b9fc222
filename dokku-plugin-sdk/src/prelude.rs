//! What a plugin glob-imports: `use dokku_plugin_sdk::prelude::*;`.
//!
//! Only names an author uses in nearly every plugin; adding a name here in a minor release
//! could clash with an author's own item, so the list grows rarely.

pub use crate::command::CommandContext;
pub use crate::error::{ErrorKind, HostError, PluginError};
pub use crate::export_plugin;
pub use crate::manifest::Manifest;
pub use crate::plugin::{Plugin, NOT_IMPLEMENTED_EXIT};
pub use crate::services::{Host, LogLevel, Restart, GLOBAL};
pub use crate::trigger::TriggerContext;
