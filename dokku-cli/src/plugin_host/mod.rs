//! The plugin host: runs legacy executables and native plugins (compiled in, or
//! opened from a library on demand) behind one interface.

pub(crate) mod builtin;
pub(crate) mod legacy;
pub(crate) mod native;

use std::io::Write;

use dokku_core::plugin::Plugin;
use dokku_core::trigger::{NativeTriggers, TriggerError};

use crate::context::Context;
use crate::exit::{CliError, CmdResult};

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
        None => Err(CliError::fail(format!(
            "plugin {} is not a native plugin",
            plugin.name
        ))),
    }
}

/// Native trigger handlers for the trigger bus.
pub(crate) struct NativeHost<'a> {
    ctx: &'a Context,
}

impl<'a> NativeHost<'a> {
    pub(crate) fn new(ctx: &'a Context) -> NativeHost<'a> {
        NativeHost { ctx }
    }
}

impl NativeTriggers for NativeHost<'_> {
    fn run(
        &self,
        plugin: &Plugin,
        trigger: &str,
        args: &[String],
        stdout: &mut dyn Write,
    ) -> Result<i32, TriggerError> {
        let native = plugin
            .manifest
            .as_ref()
            .and_then(|m| m.plugin.native.as_ref());
        match native {
            Some(n) if n.builtin => builtin::run_trigger(self.ctx, plugin, trigger, args, stdout),
            _ => {
                let env = dokku_core::trigger::config_exports(
                    plugin,
                    self.ctx.plugn_config(),
                    &self.ctx.env,
                );
                match native::trigger(self.ctx, plugin, trigger, args, &env, stdout) {
                    Ok(status) => Ok(status),
                    // The chain stops here, as for a failing legacy hook: print the
                    // error and hand back a failure status.
                    Err(err) => Ok(crate::dispatch::report(Some(self.ctx), err).max(1)),
                }
            }
        }
    }
}
