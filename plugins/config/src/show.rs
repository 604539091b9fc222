//! `config` and `config:show`: the pretty table of an app's or the global vars.

use dokku_core::config::ops::ConfigHost;
use dokku_core::config::{format, ops, ConfigScope, ExportFormat};
use dokku_core::log::Level;

use crate::commands::{fail, target};
use crate::host::PluginHost;
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_plugin_common::flags::parse_bool;

const FLAGS: [&str; 3] = ["merged", "shell", "export"];

/// `config:show [--merged] (<app>|--global)` (pflag: flags anywhere).
pub(crate) fn run(host: &PluginHost<'_>, args: &[String]) -> CmdResult {
    let (scope, _, flags) = target(host, args, &FLAGS, &[])?;
    show(
        host,
        &scope,
        flags.has("merged"),
        flags.has("shell"),
        flags.has("export"),
    )
}

/// Bare `config [--global] [--merged] [--shell|--export] <app>`: Go's stdlib `flag`,
/// so flags (`-x` or `--x`) must come before the app.
pub(crate) fn run_bare(host: &PluginHost<'_>, args: &[String]) -> CmdResult {
    let mut set = std::collections::BTreeSet::new();
    let mut rest = args;
    while let Some((arg, tail)) = rest.split_first() {
        if arg == "--" {
            rest = tail;
            break;
        }
        let Some(body) = arg
            .strip_prefix("--")
            .or_else(|| arg.strip_prefix('-'))
            .filter(|b| !b.is_empty())
        else {
            break;
        };
        let (name, value) = body.split_once('=').map_or((body, "true"), |(n, v)| (n, v));
        if name != "global" && !FLAGS.contains(&name) {
            return Err(CommandError::with_code(
                format!("flag provided but not defined: -{name}"),
                2,
            ));
        }
        match parse_bool(value) {
            Some(true) => {
                set.insert(name.to_string());
            }
            Some(false) => {
                set.remove(name);
            }
            None => {
                return Err(CommandError::with_code(
                    format!("invalid boolean value \"{value}\" for -{name}: parse error"),
                    2,
                ))
            }
        }
        rest = tail;
    }
    let mut forwarded: Vec<String> = set.iter().map(|f| format!("--{f}")).collect();
    forwarded.extend(rest.first().cloned());
    let (scope, _, _) = target(host, &forwarded, &FLAGS, &[])?;
    let has = |f: &str| set.contains(f);
    show(host, &scope, has("merged"), has("shell"), has("export"))
}

fn show(
    host: &PluginHost<'_>,
    scope: &ConfigScope,
    merged: bool,
    shell: bool,
    export: bool,
) -> CmdResult {
    let env = ops::load_merged(host, scope, merged).map_err(fail)?;
    if shell && export {
        return Err(CommandError::fail(
            "Only one of --shell and --export can be given",
        ));
    }
    if shell {
        host.log(
            Level::Warn,
            "Deprecated: Use 'config:export --format shell' instead",
        );
        host.write_stdout(format::export(&env, ExportFormat::Shell).as_bytes());
    } else if export {
        host.log(
            Level::Warn,
            "Deprecated: Use 'config:export --format exports' instead",
        );
        host.write_stdout(format!("{}\n", format::export(&env, ExportFormat::Exports)).as_bytes());
    } else {
        let name = match scope {
            ConfigScope::App(app) => app.as_str(),
            ConfigScope::Global => "global",
        };
        host.log(Level::Info2Quiet, &format!("{name} env vars"));
        host.write_stdout(format!("{}\n", format::pretty(&env, "")).as_bytes());
    }
    Ok(0)
}
