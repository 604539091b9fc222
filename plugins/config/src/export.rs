//! `config:export [--format FORMAT] [--merged] (<app>|--global)`.

use dokku_core::config::{format, ops, ExportFormat};

use crate::commands::{fail, go_list, target};
use crate::host::PluginHost;
use dokku_host::command_error::{CmdResult, CommandError};

/// Prints the env in `--format` (default `exports`) followed by a newline, or by a
/// single space for `shell`.
pub(crate) fn run(host: &PluginHost<'_>, args: &[String]) -> CmdResult {
    let (scope, rest, flags) = target(host, args, &["merged"], &["format"])?;
    if !rest.is_empty() {
        return Err(CommandError::fail(format!(
            "Trailing argument(s): {}",
            go_list(&rest)
        )));
    }
    let env = ops::load_merged(host, &scope, flags.has("merged")).map_err(fail)?;
    let format: ExportFormat = flags
        .value("format")
        .unwrap_or("exports")
        .parse()
        .map_err(fail)?;
    let suffix = if format == ExportFormat::Shell {
        " "
    } else {
        "\n"
    };
    host.write_stdout(format!("{}{suffix}", format::export(&env, format)).as_bytes());
    Ok(0)
}
