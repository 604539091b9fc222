//! One call path for compiled plugins: a core plugin linked into the binary
//! (`registry.rs`) or a library opened on demand (`library.rs`), both called through the
//! SDK's contexts over one [`ServiceHost`].

use std::io::Write;
use std::sync::Arc;

use dokku_core::plugin::Plugin;
use dokku_core::trigger::TriggerError;
use dokku_host::services::ServiceHost;
use dokku_host::{CommandError, Context, NativeHandlers};
use dokku_plugin_sdk::host::LoadedPlugin;

use crate::{library, registry};

/// A compiled plugin, ready to call: linked into this binary, or a library opened once.
pub(crate) enum Compiled {
    Linked(&'static dokku_plugin_common::linked::CorePlugin),
    Library(Arc<LoadedPlugin>),
}

impl Compiled {
    /// The compiled plugin behind `plugin`'s manifest.
    pub(crate) fn of(ctx: &Context, plugin: &Plugin) -> Result<Compiled, CommandError> {
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
            Some(_) => library::load(ctx, plugin).map(Compiled::Library),
            None => Err(CommandError::fail(format!(
                "plugin {} is not a native plugin",
                plugin.name
            ))),
        }
    }
}

/// Runs a compiled plugin's command (`args[0]` is the command word) and returns its
/// exit code (10 = not mine). A linked plugin also gets the context itself.
pub fn run_command(ctx: &Context, plugin: &Plugin, args: &[String]) -> Result<i32, CommandError> {
    let command = args[0].as_str();
    let compiled = Compiled::of(ctx, plugin)?;
    let host = ServiceHost::command(ctx);
    let env = call_env(ctx, &[]);
    let result = match &compiled {
        Compiled::Linked(core) => core.plugin.command(&host, ctx, command, &args[1..], &env),
        Compiled::Library(loaded) => loaded.command(&host, command, &args[1..], &env),
    };
    result.map_err(|e| CommandError::with_code(e.message().to_string(), e.exit_code()))
}

/// The handlers of linked core plugins and native libraries, for the trigger bus.
pub struct Handlers;

/// What every [`Context`] runs compiled handlers with: pass it to
/// [`Context::with_handlers`].
pub static HANDLERS: Handlers = Handlers;

impl NativeHandlers for Handlers {
    fn trigger(
        &self,
        ctx: &Context,
        plugin: &Plugin,
        trigger: &str,
        args: &[String],
        stdin: &[u8],
        stdout: &mut (dyn Write + Send),
    ) -> Result<i32, TriggerError> {
        let config = dokku_core::trigger::config_exports(plugin, ctx.plugn_config(), &ctx.env);
        let env = call_env(ctx, &config);
        let result = Compiled::of(ctx, plugin).and_then(|compiled| {
            let host = ServiceHost::trigger(ctx, stdout);
            match &compiled {
                Compiled::Linked(core) => {
                    core.plugin.trigger(&host, ctx, trigger, args, &env, stdin)
                }
                Compiled::Library(loaded) => loaded.trigger(&host, trigger, args, &env, stdin),
            }
            .map_err(|e| CommandError::with_code(e.message().to_string(), e.exit_code()))
        });
        // A failure stops the chain, as a failing legacy hook does: print the error
        // and hand back a failure status.
        Ok(result.unwrap_or_else(|err| err.report().max(1)))
    }
}

/// The per-call environment of a compiled plugin's command or trigger: exactly what a
/// legacy executable gets. That is the context's whole exported environment (Dokku's
/// exports, the operator's `dokkurc`, `DOKKU_APP_NAME` from `--app`, `DOKKU_TRACE`,
/// ...), then, for a trigger, the plugin's `CONFIG_*` exports (`extra`), which win
/// over a variable of the same name as they do for a hook.
fn call_env<'a>(ctx: &'a Context, extra: &'a [(String, String)]) -> Vec<(&'a str, &'a str)> {
    ctx.env
        .iter()
        .chain(extra.iter().map(|(k, v)| (k, v)))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}
