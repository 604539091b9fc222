//! The plugin host: runs legacy executables and native plugins (compiled in, or
//! opened from a library on demand) behind one interface.

pub(crate) mod builtin;
pub(crate) mod legacy;
pub(crate) mod native;
pub(crate) mod registry;

use std::io::Write;

use dokku_core::plugin::Plugin;
use dokku_core::trigger::TriggerError;
use dokku_host::NativeHandlers;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;

/// Whether `plugin`'s manifest routes `command` to it.
pub(crate) fn declares_command(plugin: &Plugin, command: &str) -> bool {
    plugin.is_native()
        && plugin.manifest.as_ref().is_some_and(|m| {
            m.command.iter().any(|c| c.name == command)
                || (is_help(plugin, command) && !m.command.is_empty())
        })
}

/// `<plugin>:help`, or `<namespace>:help` for a plugin whose commands live under
/// another namespace (`nginx:help` for `nginx-vhosts`, `events:help` for `20_events`).
pub(crate) fn is_help(plugin: &Plugin, command: &str) -> bool {
    command
        .strip_suffix(":help")
        .is_some_and(|ns| ns == plugin.name || crate::dispatch::plugin_dir_for(ns) == plugin.name)
}

/// Runs a native plugin's command and returns its exit code.
pub(crate) fn run_native_command(ctx: &mut Context, plugin: &Plugin, args: &[String]) -> CmdResult {
    let native = plugin
        .manifest
        .as_ref()
        .and_then(|m| m.plugin.native.as_ref());
    match native {
        Some(n) if n.builtin => builtin::run_command(ctx, plugin, args),
        Some(_) => native::command(ctx, plugin, args),
        None => Err(CommandError::fail(format!(
            "plugin {} is not a native plugin",
            plugin.name
        ))),
    }
}

/// The handlers of linked core plugins and native libraries, for the trigger bus.
pub(crate) struct Handlers;

/// What every [`Context`] the dispatcher makes runs compiled handlers with.
pub(crate) static HANDLERS: Handlers = Handlers;

impl NativeHandlers for Handlers {
    fn trigger(
        &self,
        ctx: &Context,
        plugin: &Plugin,
        trigger: &str,
        args: &[String],
        stdout: &mut (dyn Write + Send),
    ) -> Result<i32, TriggerError> {
        let native = plugin
            .manifest
            .as_ref()
            .and_then(|m| m.plugin.native.as_ref());
        match native {
            Some(n) if n.builtin => builtin::run_trigger(ctx, plugin, trigger, args, stdout),
            _ => {
                let env = dokku_core::trigger::config_exports(plugin, ctx.plugn_config(), &ctx.env);
                match native::trigger(ctx, plugin, trigger, args, &env, stdout) {
                    Ok(status) => Ok(status),
                    // The chain stops here, as for a failing legacy hook: print the
                    // error and hand back a failure status.
                    Err(err) => Ok(err.report().max(1)),
                }
            }
        }
    }
}
