//! Commands built into the binary: `version`, the core plugins not yet moved into their
//! `plugins/<name>/` crates, and the internal `__core` helpers the bash library calls.

pub(crate) mod app_json;
pub(crate) mod apps;

pub(crate) mod builder;
pub(crate) mod checks;
pub(crate) mod core_helper;
pub(crate) mod core_plugin;
pub(crate) mod core_prop;
pub(crate) mod git;

pub(crate) mod resource;
pub(crate) mod standard;
pub(crate) mod storage;
pub(crate) mod version;
