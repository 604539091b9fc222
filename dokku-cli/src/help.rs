//! `dokku help`, `dokku help --all` and `<plugin>:help` for manifest plugins.
//!
//! Legacy plugins print their own help lines from `commands help`; native plugins are
//! rendered from their manifests into the same `    name, description` lines, so both
//! go through one sort-filter-columnize pipeline, as Dokku's
//! `sort | sed | column -c2 -t -s,`.

use dokku_core::env;
use dokku_core::log::Level;
use dokku_core::plugin::Plugin;

pub(crate) use dokku_plugin_common::help::plugin_help;
use dokku_plugin_common::help::{columnize, command_namespace};

use crate::plugin_host::legacy;
use dokku_host::command_error::CmdResult;
use dokku_host::context::Context;
use dokku_host::output;

const USAGE: &str =
    "Usage: dokku [--quiet|--trace|--force] COMMAND <app> [command-specific-options]";

/// `dokku help [--all]`.
pub(crate) fn run(ctx: &mut Context, args: &[String]) -> CmdResult {
    let all = args.iter().skip(1).any(|a| a == "--all");
    for line in [
        USAGE,
        "",
        "Primary help options, type \"dokku COMMAND:help\" for more details, or dokku help --all to see all commands.",
        "",
        "Commands:",
        "",
    ] {
        ctx.log(Level::Quiet, line);
    }
    let (mut core, mut community) = (Vec::new(), Vec::new());
    let plugins = ctx.plugins().plugins.clone();
    for plugin in &plugins {
        let lines = help_lines(ctx, plugin, all)?;
        if plugin.core {
            core.extend(lines);
        } else {
            community.extend(lines);
        }
    }
    core.sort();
    if !all {
        core = core
            .into_iter()
            .filter(|l| !l.contains(':'))
            .map(|l| strip_arguments(&l))
            .collect();
    }
    for line in columnize(&core, ',') {
        output::println(&line);
    }
    if all || !community.is_empty() {
        community.sort();
        ctx.log(Level::Quiet, "");
        ctx.log(Level::Quiet, "Community plugin commands:");
        ctx.log(Level::Quiet, "");
        for line in columnize(&community, ',') {
            output::println(&line);
        }
    }
    Ok(0)
}

/// One plugin's help lines: `commands help` output for legacy plugins, or the manifest
/// for native ones (the summary line, or every command with `--all`).
fn help_lines(
    ctx: &Context,
    plugin: &Plugin,
    all: bool,
) -> Result<Vec<String>, dokku_host::command_error::CommandError> {
    if plugin.is_native() {
        let Some(manifest) = &plugin.manifest else {
            return Ok(Vec::new());
        };
        if manifest.command.iter().all(|c| c.help.is_empty()) {
            return Ok(Vec::new());
        }
        // `--all`, or a plugin without a summary line (like Dokku's 00_dokku-standard,
        // whose commands are top-level): every command.
        if all || manifest.plugin.help.is_none() {
            return Ok(manifest
                .command
                .iter()
                .filter(|c| !c.help.is_empty())
                .map(|c| format!("    {}, {}", c.usage.as_deref().unwrap_or(&c.name), c.help))
                .collect());
        }
        let summary = manifest
            .plugin
            .help
            .as_deref()
            .unwrap_or(&manifest.plugin.description);
        return Ok(vec![format!(
            "    {}, {summary}",
            command_namespace(plugin)
        )]);
    }
    let commands = plugin.file("commands");
    if !legacy::is_executable(&commands) {
        return Ok(Vec::new());
    }
    let extra: &[(&str, &str)] = if all {
        &[(env::DOKKU_HELP_ALL, "1")]
    } else {
        &[]
    };
    let text = legacy::capture(ctx, &commands, &["help".to_string()], extra)?;
    Ok(text.lines().map(str::to_string).collect())
}

/// Dokku's `sed -e 's/\s[\[\<\-\(].*,/,/'`: drops argument text (from the first space
/// followed by `[`, `<`, `-` or `(` up to the last comma).
fn strip_arguments(line: &str) -> String {
    let Some(last_comma) = line.rfind(',') else {
        return line.to_string();
    };
    let bytes = line.as_bytes();
    for i in 0..last_comma {
        if bytes[i].is_ascii_whitespace() && i + 1 < last_comma && b"[<-(".contains(&bytes[i + 1]) {
            return format!("{},{}", &line[..i], &line[last_comma + 1..]);
        }
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_arguments_matches_dokku_sed() {
        assert_eq!(
            strip_arguments("    apps:list [--format json], List apps"),
            "    apps:list, List apps"
        );
        assert_eq!(
            strip_arguments("    hello <app>, Says hello"),
            "    hello, Says hello"
        );
        assert_eq!(
            strip_arguments("    plugin, Manage plugins"),
            "    plugin, Manage plugins"
        );
    }
}
