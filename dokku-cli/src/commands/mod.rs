//! Commands built into the binary: `version`, the `plugin` core plugin's commands, and
//! the internal `__core` helpers the bash library calls.

pub(crate) mod app_json;
pub(crate) mod apps;

pub(crate) mod builder;
pub(crate) mod checks;
pub(crate) mod config;
pub(crate) mod core_helper;
pub(crate) mod core_plugin;
pub(crate) mod core_prop;
pub(crate) mod docker_options;
pub(crate) mod enter;
pub(crate) mod events;
pub(crate) mod git;

pub(crate) mod logs;
pub(crate) mod plugin;

pub(crate) mod resource;
pub(crate) mod run;
pub(crate) mod ssh_keys;
pub(crate) mod standard;
pub(crate) mod storage;
pub(crate) mod version;
