//! `config:import [--replace] [--no-restart] [--format envfile|json] (<app>|--global) [FILE|-]`.

use std::io::Read;

use dokku_core::config::ops::{self, ConfigHost, Restart};
use dokku_core::log::Level;

use crate::commands::{fail, go_list, target, Caller};
use crate::host::PluginHost;
use dokku_host::command_error::{CmdResult, CommandError};

/// Reads vars from FILE (a missing file is empty) or stdin (`-` or nothing) and sets
/// them as `config:set` does.
pub(crate) fn run(host: &PluginHost<'_>, args: &[String], caller: Caller) -> CmdResult {
    let (scope, rest, flags) = target(host, args, &["replace", "no-restart"], &["format"])?;
    if rest.len() > 1 {
        return Err(CommandError::fail(format!(
            "Trailing argument(s): {}",
            go_list(&rest[1..])
        )));
    }
    let format = flags.value("format").unwrap_or("envfile");
    // Refuse an unknown format before reading anything.
    ops::parse_import("", format).map_err(fail)?;
    let text = match rest.first().map(String::as_str) {
        None | Some("-") => {
            host.log(Level::Info1, "Reading config vars from stdin");
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| CommandError::fail(format!("Unable to read stdin: {e}")))?;
            text
        }
        Some(file) => match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(CommandError::fail(format!("Unable to read {file}: {e}"))),
        },
    };
    let imported = ops::parse_import(&text, format).map_err(fail)?;
    let restart = Restart::unless(flags.has("no-restart"));
    ops::import(
        host,
        &scope,
        caller.global_arg(),
        &imported,
        flags.has("replace"),
        restart,
    )
    .map_err(fail)?;
    Ok(0)
}
