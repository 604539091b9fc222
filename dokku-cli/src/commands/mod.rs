//! Commands built into the binary: `version`, the `plugin` core plugin's commands, and
//! the internal `__core` helpers the bash library calls.

pub(crate) mod certs;
pub(crate) mod config;
pub(crate) mod core_helper;
pub(crate) mod core_plugin;
pub(crate) mod core_prop;
pub(crate) mod docker_options;
pub(crate) mod domains;
pub(crate) mod enter;
pub(crate) mod events;

pub(crate) mod logs;
pub(crate) mod network;
pub(crate) mod nginx_vhosts;
pub(crate) mod plugin;
pub(crate) mod ports;

pub(crate) mod proxy;
pub(crate) mod proxy_helpers;
pub(crate) mod ps;
pub(crate) mod ps_report;
pub(crate) mod run;
pub(crate) mod scheduler_docker_local;
pub(crate) mod ssh_keys;
pub(crate) mod version;
