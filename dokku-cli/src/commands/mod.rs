//! Commands built into the binary: `version`, the `plugin` core plugin's commands, and
//! the internal `__core` helpers the bash library calls.

pub(crate) mod core_helper;
pub(crate) mod core_prop;
pub(crate) mod plugin;
pub(crate) mod version;
