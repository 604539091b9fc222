//! Commands that are the binary's own, not a plugin's: `version`, and the internal
//! `__core` helpers the bash library calls.

pub(crate) mod core_helper;
pub(crate) mod core_prop;
pub(crate) mod core_shell;
pub(crate) mod version;
