//! `<plugin>:help` for a manifest plugin, and `column -t -s,`: the table layout of
//! Dokku's help output. The host renders help for `<plugin>:help` itself; a core plugin
//! whose manifest declares its bare name (`docker-options`) prints the same help.
//!
//! [`columnize`]: each line is split at the separator (runs of separators count as one), every column
//! but the last is padded to its widest cell, columns are joined by two spaces, and
//! cells are not trimmed — so `    name, desc` keeps its leading indent and the space
//! after the comma, exactly as util-linux `column` prints it.

use dokku_core::plugin::Plugin;
use dokku_host::{output, CmdResult, Context};

/// The name a manifest plugin's commands live under: the part before `:` of its first
/// command (`events` for the `20_events` directory), else the plugin's name.
pub fn command_namespace(plugin: &Plugin) -> &str {
    plugin
        .manifest
        .as_ref()
        .and_then(|m| m.command.first())
        .map(|c| c.name.split(':').next().unwrap_or(&c.name))
        .unwrap_or(&plugin.name)
}

/// `<plugin>:help` for a manifest plugin, in the layout of Dokku's bash plugins.
pub fn plugin_help(ctx: &Context, plugin: &Plugin) -> CmdResult {
    let Some(manifest) = &plugin.manifest else {
        return Ok(0);
    };
    let description = manifest
        .plugin
        .help
        .as_deref()
        .unwrap_or(&manifest.plugin.description);
    output::println(&format!(
        "Usage: dokku {}[:COMMAND]",
        command_namespace(plugin)
    ));
    output::println("");
    output::println(description);
    output::println("");
    output::println("Additional commands:");
    let mut lines: Vec<String> = manifest
        .command
        .iter()
        .filter(|c| !c.help.is_empty())
        .map(|c| format!("    {}, {}", c.usage.as_deref().unwrap_or(&c.name), c.help))
        .collect();
    lines.sort();
    for line in columnize(&lines, ',') {
        output::println(&line);
    }
    let _ = ctx;
    Ok(0)
}

/// The help of the installed plugin `name` (its folder name), if it is enabled;
/// nothing otherwise.
pub fn installed_plugin_help(ctx: &Context, name: &str) -> CmdResult {
    match ctx.plugins().get(name) {
        Some(plugin) => plugin_help(ctx, plugin),
        None => Ok(0),
    }
}

/// Lays out `lines` as a table split at `sep` (empty lines and cells dropped).
pub fn columnize(lines: &[String], sep: char) -> Vec<String> {
    let rows: Vec<Vec<&str>> = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(sep).filter(|c| !c.is_empty()).collect())
        .collect();
    crate::columns::align(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_util_linux_column() {
        let lines = vec![
            "    plugin, Manage installed plugins".to_string(),
            "    hello <app>, Says \"Hello <app>\"".to_string(),
        ];
        assert_eq!(
            columnize(&lines, ','),
            vec![
                "    plugin        Manage installed plugins",
                "    hello <app>   Says \"Hello <app>\""
            ]
        );
    }
}
