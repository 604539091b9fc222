//! `config:bundle [--merged] (<app>|--global)`.

use dokku_core::config::{bundle_tar, ops};

use crate::commands::{fail, go_list, target};
use crate::host::PluginHost;
use dokku_host::command_error::{CmdResult, CommandError};

/// Writes the env as an uncompressed tar on stdout: one file per key.
pub(crate) fn run(host: &PluginHost<'_>, args: &[String]) -> CmdResult {
    let (scope, rest, flags) = target(host, args, &["merged"], &[])?;
    if !rest.is_empty() {
        return Err(CommandError::fail(format!(
            "Trailing argument(s): {}",
            go_list(&rest)
        )));
    }
    let env = ops::load_merged(host, &scope, flags.has("merged")).map_err(fail)?;
    host.write_stdout(&bundle_tar(&env));
    Ok(0)
}
