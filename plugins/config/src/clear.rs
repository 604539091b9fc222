//! `config:clear [--no-restart] (<app>|--global)`.

use dokku_core::config::ops::{self, Restart};

use crate::commands::{fail, target, Caller};
use crate::host::PluginHost;
use dokku_host::command_error::CmdResult;

/// Removes every var.
pub(crate) fn run(host: &PluginHost<'_>, args: &[String], caller: Caller) -> CmdResult {
    let (scope, _, flags) = target(host, args, &["no-restart"], &[])?;
    let restart = Restart::unless(flags.has("no-restart"));
    ops::clear(host, &scope, caller.global_arg(), restart).map_err(fail)?;
    Ok(0)
}
