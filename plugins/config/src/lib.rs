//! Dokku's `config` core plugin: `config`, `config:show`, `config:get`, `config:set`,
//! `config:unset`, `config:clear`, `config:export`, `config:keys`, `config:bundle`,
//! `config:import`, the `dokku __core config ...` helpers of the bash library
//! ([`run_core`]), and the plugin's triggers (`config-get`, `config-set`, app
//! lifecycle, the pre-0.38 `ENV` migration).
//!
//! Each subcommand file parses its arguments and calls `dokku_core::config`; the rules
//! (file format, log lines, `post-config-update`, restarts) live there.

mod bundle;
mod clear;
mod commands;
mod export;
mod get;
mod host;
mod import;
mod keys;
mod set;
mod show;
mod triggers;
mod unset;

use dokku_host::{CmdResult, Context};

/// `dokku __core config <set|unset|get|keys|clear|bundle|export|import> ARGS`: the bash
/// library's `config_*` helpers. Arguments are those of the matching `config:*`
/// command; empty arguments count as not given.
pub fn run_core(ctx: &Context, args: &[String]) -> CmdResult {
    commands::run_core(ctx, args)
}

dokku_plugin_common::core_plugin! {
    /// The `config` core plugin.
    Config = "config",
    commands: [
        ("config", commands::run),
        ("config:bundle", commands::run),
        ("config:clear", commands::run),
        ("config:export", commands::run),
        ("config:get", commands::run),
        ("config:import", commands::run),
        ("config:keys", commands::run),
        ("config:show", commands::run),
        ("config:set", commands::run),
        ("config:unset", commands::run),
    ],
    triggers: [
        ("config-export", triggers::run),
        ("config-get", triggers::run),
        ("config-get-global", triggers::run),
        ("config-set", triggers::run),
        ("config-unset", triggers::run),
        ("post-create", triggers::run),
        ("post-delete", triggers::run),
        ("post-app-clone-setup", triggers::run),
        ("post-app-rename-setup", triggers::run),
        ("install", triggers::run),
        ("config-migrate-env", triggers::run),
    ],
}
