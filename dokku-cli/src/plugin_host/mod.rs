//! The plugin host: runs legacy executables (`legacy.rs`) and hands compiled plugins
//! (linked core plugins, libraries) to `dokku_platform`, after answering a core plugin's
//! help forms from its manifest.

pub(crate) mod legacy;

use dokku_core::plugin::Plugin;

use crate::help;

use dokku_host::command_error::CmdResult;
use dokku_host::context::Context;

/// Whether `plugin`'s manifest routes `command` to it: a declared command, or one of
/// a plugin's help forms when it has commands (`<ns>:help`, and for a core plugin the
/// bare namespace, `dokku ps`, as Dokku's core plugins answer it).
pub(crate) fn declares_command(plugin: &Plugin, command: &str) -> bool {
    plugin.is_native()
        && plugin.manifest.as_ref().is_some_and(|m| {
            m.command.iter().any(|c| c.name == command)
                || ((is_help(plugin, command)
                    || is_builtin(plugin) && is_namespace(plugin, command))
                    && !m.command.is_empty())
        })
}

/// The bare namespace of `plugin`'s commands (`ps`, `nginx` for `nginx-vhosts`).
fn is_namespace(plugin: &Plugin, command: &str) -> bool {
    !command.contains(':')
        && (command == plugin.name || crate::dispatch::plugin_dir_for(command) == plugin.name)
}

/// A core plugin linked into this binary (`[plugin.native] builtin = true`).
fn is_builtin(plugin: &Plugin) -> bool {
    plugin
        .manifest
        .as_ref()
        .and_then(|m| m.plugin.native.as_ref())
        .is_some_and(|n| n.builtin)
}

/// `<plugin>:help`, or `<namespace>:help` for a plugin whose commands live under
/// another namespace (`nginx:help` for `nginx-vhosts`, `events:help` for `20_events`).
pub(crate) fn is_help(plugin: &Plugin, command: &str) -> bool {
    command
        .strip_suffix(":help")
        .is_some_and(|ns| ns == plugin.name || crate::dispatch::plugin_dir_for(ns) == plugin.name)
}

/// Runs a linked or library plugin's command and returns its exit code (10 = not
/// mine); a core plugin's help forms are answered here from its manifest.
pub(crate) fn run_native_command(ctx: &mut Context, plugin: &Plugin, args: &[String]) -> CmdResult {
    let command = args[0].as_str();
    // Dokku's core plugins print their help for `<ns>:help`, for the bare namespace
    // unless it is a command of its own (`dokku config APP`), and for `<ns> --help`.
    let asks_help = args[1..].iter().any(|a| a == "--help" || a == "-h");
    if is_builtin(plugin)
        && (is_help(plugin, command)
            || is_namespace(plugin, command) && (asks_help || !declares_own(plugin, command)))
    {
        return help::plugin_help(ctx, plugin);
    }
    dokku_platform::run_command(ctx, plugin, args)
}

/// Whether a core plugin's manifest declares its bare name as a command of its own
/// (`plugin` lists installed plugins; other core plugins show their help).
fn declares_own(plugin: &Plugin, command: &str) -> bool {
    plugin
        .manifest
        .as_ref()
        .is_some_and(|m| m.command.iter().any(|c| c.name == command))
}
