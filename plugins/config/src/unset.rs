//! `config:unset [--no-restart] (<app>|--global) KEY...`.

use dokku_core::config::ops::{self, Restart};

use crate::commands::{fail, target, Caller};
use crate::host::PluginHost;
use dokku_host::command_error::CmdResult;

/// Unsets the keys (all validated first).
pub(crate) fn run(host: &PluginHost<'_>, args: &[String], caller: Caller) -> CmdResult {
    let (scope, keys, flags) = target(host, args, &["no-restart"], &[])?;
    let restart = Restart::unless(flags.has("no-restart"));
    ops::unset(host, &scope, caller.global_arg(), &keys, restart).map_err(fail)?;
    Ok(0)
}
