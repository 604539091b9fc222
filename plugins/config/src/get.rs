//! `config:get [--quoted] (<app>|--global) KEY`.

use dokku_core::config::{format, ops};

use crate::commands::{fail, go_list, target};
use crate::host::PluginHost;
use dokku_host::command_error::{CmdResult, CommandError};

/// Prints the value and a newline; an unset key (or an invalid key name) prints
/// nothing and exits 1, as in Dokku.
pub(crate) fn run(host: &PluginHost<'_>, args: &[String]) -> CmdResult {
    let (scope, keys, flags) = target(host, args, &["quoted"], &[])?;
    if keys.len() > 1 {
        return Err(CommandError::fail(format!(
            "Unexpected argument(s): {}",
            go_list(&keys[1..])
        )));
    }
    let Some(key) = keys.first() else {
        return Err(CommandError::fail("Expected: key"));
    };
    let mut env = ops::load(host, &scope).map_err(fail)?;
    let Some(value) = env.remove(key.as_str()) else {
        return Err(CommandError::silent(1));
    };
    let text = if flags.has("quoted") {
        format::shell_quote(&value)
    } else {
        value
    };
    host.write_stdout(format!("{text}\n").as_bytes());
    Ok(0)
}
