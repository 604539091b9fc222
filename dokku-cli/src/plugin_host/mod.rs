//! The plugin host: runs legacy executables, and compiled plugins (core plugins linked
//! into this binary, `registry.rs`; libraries opened on demand, `native.rs`) through
//! one call path.

pub(crate) mod legacy;
pub(crate) mod native;
pub(crate) mod registry;

use std::io::Write;
use std::sync::Arc;

use dokku_core::plugin::Plugin;
use dokku_core::trigger::TriggerError;
use dokku_host::services::ServiceHost;
use dokku_host::NativeHandlers;
use dokku_plugin_sdk::host::LoadedPlugin;

use crate::help;

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

/// A compiled plugin, ready to call: linked into this binary, or a library opened once.
enum Compiled {
    Linked(&'static dokku_plugin_common::linked::CorePlugin),
    Library(Arc<LoadedPlugin>),
}

impl Compiled {
    /// The compiled plugin behind `plugin`'s manifest.
    fn of(ctx: &Context, plugin: &Plugin) -> Result<Compiled, CommandError> {
        let native = plugin
            .manifest
            .as_ref()
            .and_then(|m| m.plugin.native.as_ref());
        match native {
            Some(n) if n.builtin => registry::find(&plugin.name)
                .map(Compiled::Linked)
                .ok_or_else(|| {
                    CommandError::fail(format!(
                        "plugin {} is declared built in, but this dokku binary does not provide it",
                        plugin.name
                    ))
                    .hint("reinstall dokku so the installed core plugins match the binary")
                }),
            Some(_) => native::load(ctx, plugin).map(Compiled::Library),
            None => Err(CommandError::fail(format!(
                "plugin {} is not a native plugin",
                plugin.name
            ))),
        }
    }
}

/// Runs a linked or library plugin's command and returns its exit code (10 = not
/// mine). Both kinds are called the same way: the SDK's contexts over one
/// [`ServiceHost`]; a linked plugin also gets the context itself.
pub(crate) fn run_native_command(ctx: &mut Context, plugin: &Plugin, args: &[String]) -> CmdResult {
    let command = args[0].as_str();
    let builtin = plugin
        .manifest
        .as_ref()
        .and_then(|m| m.plugin.native.as_ref())
        .is_some_and(|n| n.builtin);
    if builtin
        && (is_help(plugin, command) || command == plugin.name && !declares_own(plugin, command))
    {
        return help::plugin_help(ctx, plugin);
    }
    let compiled = Compiled::of(ctx, plugin)?;
    let host = ServiceHost::command(ctx);
    let env = native::call_env(ctx);
    let result = match &compiled {
        Compiled::Linked(core) => core.plugin.command(&host, &*ctx, command, &args[1..], &env),
        Compiled::Library(loaded) => loaded.command(&host, command, &args[1..], &env),
    };
    result.map_err(|e| CommandError::with_code(e.message().to_string(), e.exit_code()))
}

/// Whether a core plugin's manifest declares its bare name as a command of its own
/// (`plugin` lists installed plugins; other core plugins show their help).
fn declares_own(plugin: &Plugin, command: &str) -> bool {
    plugin
        .manifest
        .as_ref()
        .is_some_and(|m| m.command.iter().any(|c| c.name == command))
        && plugin.name != "plugin"
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
        let env = dokku_core::trigger::config_exports(plugin, ctx.plugn_config(), &ctx.env);
        let result = Compiled::of(ctx, plugin).and_then(|compiled| {
            let host = ServiceHost::trigger(ctx, stdout);
            match &compiled {
                Compiled::Linked(core) => core.plugin.trigger(&host, ctx, trigger, args, &env, &[]),
                Compiled::Library(loaded) => loaded.trigger(&host, trigger, args, &env, &[]),
            }
            .map_err(|e| CommandError::with_code(e.message().to_string(), e.exit_code()))
        });
        // A failure stops the chain, as a failing legacy hook does: print the error
        // and hand back a failure status.
        Ok(result.unwrap_or_else(|err| err.report().max(1)))
    }
}
