//! `config:keys [--merged] (<app>|--global)`.

use dokku_core::config::ops;

use crate::commands::{fail, go_list, target};
use crate::host::PluginHost;
use dokku_host::command_error::{CmdResult, CommandError};

/// Prints the keys, sorted, one per line.
pub(crate) fn run(host: &PluginHost<'_>, args: &[String]) -> CmdResult {
    let (scope, rest, flags) = target(host, args, &["merged"], &[])?;
    if !rest.is_empty() {
        return Err(CommandError::fail(format!(
            "Trailing argument(s): {}",
            go_list(&rest)
        )));
    }
    let env = ops::load_merged(host, &scope, flags.has("merged")).map_err(fail)?;
    let mut text = String::new();
    for key in env.keys() {
        text.push_str(key.as_str());
        text.push('\n');
    }
    host.write_stdout(text.as_bytes());
    Ok(0)
}
