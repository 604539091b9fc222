//! `config:set [--encoded] [--no-restart] (<app>|--global) KEY=VALUE...`.

use dokku_core::config::ops::{self, Restart};
use dokku_core::config::parse_pairs;

use crate::commands::{fail, target, Caller};
use crate::host::PluginHost;
use dokku_host::command_error::CmdResult;

/// Validates every pair (split at the first `=`, `--encoded` values base64-decoded,
/// then the keys) before anything is written.
pub(crate) fn run(host: &PluginHost<'_>, args: &[String], caller: Caller) -> CmdResult {
    let (scope, rest, flags) = target(host, args, &["encoded", "no-restart"], &[])?;
    let pairs = parse_pairs(&rest, flags.has("encoded")).map_err(fail)?;
    let restart = Restart::unless(flags.has("no-restart"));
    ops::set(host, &scope, caller.global_arg(), &pairs, restart).map_err(fail)?;
    Ok(0)
}
