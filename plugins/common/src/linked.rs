//! Core plugins are plugins: each implements [`dokku_plugin_sdk::Plugin`] (manifest,
//! commands, triggers) like any native plugin, and the `dokku` binary links it in and
//! calls it through the same contexts and host adapter as a library
//! ([`dokku_plugin_sdk::host::LinkedPlugin`]). Being linked, a core plugin may also
//! reach the host's own [`Context`] ([`dokku_plugin_sdk::Host::linked`]) and call
//! `dokku-core` directly for its rules.
//!
//! A plugin declares its routes in code, next to the handlers:
//!
//! ```ignore
//! dokku_plugin_common::core_plugin! {
//!     /// The `trace` core plugin.
//!     Trace = "trace",
//!     commands: [("trace", trace::run), ("trace:on", trace::run), ("trace:off", trace::run)],
//!     triggers: [],
//! }
//! ```
//!
//! The registry test in `dokku-cli` proves that these routes and the plugin's
//! `plugin.toml` (which the dispatcher routes by, and which supplies help) name the same
//! commands and triggers.

use std::io::Write;

use dokku_core::trigger::TriggerError;
use dokku_host::{CmdResult, Context};
use dokku_plugin_sdk::{CommandContext, Manifest, PluginError, TriggerContext};

/// A command handler: the command word and the words after it.
pub type CommandFn = fn(&mut Context, &str, &[String]) -> CmdResult;

/// A trigger handler: the trigger name, its arguments, and its stdout.
pub type TriggerFn = fn(&Context, &str, &[String], &mut dyn Write) -> Result<i32, TriggerError>;

/// What a core plugin answers, declared in code.
pub struct Routes {
    /// `(command, handler)`, one entry per command the plugin's manifest lists.
    pub commands: &'static [(&'static str, CommandFn)],
    /// `(trigger, handler)`, one entry per trigger the plugin's manifest lists.
    pub triggers: &'static [(&'static str, TriggerFn)],
}

impl Routes {
    /// The command names, in declaration order.
    pub fn command_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.commands.iter().map(|(name, _)| *name)
    }

    /// The trigger names, in declaration order.
    pub fn trigger_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.triggers.iter().map(|(name, _)| *name)
    }

    /// Runs a command: the handler declared for it, with the host's context. A failure
    /// is printed here (` !     message` and its `hint:`) and its code returned, exactly
    /// as the dispatcher prints its own.
    pub fn command(&self, call: &CommandContext<'_>) -> Result<i32, PluginError> {
        let ctx = context(call.host())?;
        let args: Vec<String> = call.args().iter().map(|a| a.to_string()).collect();
        match self.call(ctx, call.name(), &args) {
            None => Ok(dokku_plugin_sdk::NOT_IMPLEMENTED_EXIT),
            Some(Ok(code)) => Ok(code),
            Some(Err(err)) => Ok(err.report()),
        }
    }

    /// Runs the handler declared for `command` with a copy of `ctx` and hands back its
    /// result unprinted; `None` when the plugin declares no such command. The one way
    /// a core plugin's command is run: [`Routes::command`] (the `dokku` binary) prints
    /// the error, `dokku_platform::Platform` (an embedder) returns it typed.
    pub fn call(&self, ctx: &Context, command: &str, args: &[String]) -> Option<CmdResult> {
        let (_, handler) = self.commands.iter().find(|(n, _)| *n == command)?;
        // Commands may adjust their own context (`--quiet` for a sub-step, an export
        // for the triggers they fire); the caller's stays as it was.
        let mut ctx = ctx.clone();
        Some(handler(&mut ctx, command, args))
    }

    /// Runs a trigger handler; its stdout goes where the bus wants it (passed on, or
    /// captured for `$(plugn trigger ...)`). A trigger the plugin does not handle is a
    /// success, as for a bash plugin without that hook file.
    pub fn trigger(&self, call: &TriggerContext<'_>) -> Result<i32, PluginError> {
        let ctx = context(call.host())?;
        let Some((_, handler)) = self.triggers.iter().find(|(n, _)| *n == call.name()) else {
            return Ok(0);
        };
        let args: Vec<String> = call.args().iter().map(|a| a.to_string()).collect();
        let mut stdout = call.host().stdout();
        let status = handler(ctx, call.name(), &args, &mut stdout);
        let _ = stdout.flush();
        status.map_err(|e| PluginError::failed(e.to_string()))
    }
}

/// The host's context, which only a linked plugin can reach.
fn context<'a>(host: &dokku_plugin_sdk::Host<'a>) -> Result<&'a Context, PluginError> {
    host.linked::<Context>()
        .ok_or_else(|| PluginError::failed("a core plugin runs only linked into the dokku binary"))
}

/// Parses a core plugin's `plugin.toml` (compiled in with `include_str!`).
///
/// # Panics
/// When the manifest is malformed, which the registry test catches before a release.
pub fn manifest(text: &str) -> Manifest {
    match Manifest::parse(text) {
        Ok(manifest) => manifest,
        Err(err) => panic!("a core plugin's plugin.toml does not parse: {err}"),
    }
}

/// A core plugin as the `dokku` binary's registry holds it.
pub struct CorePlugin {
    /// The plugin's folder name (Dokku's plugin name: `00_dokku-standard`, `nginx-vhosts`).
    pub name: &'static str,
    /// Its `plugin.toml`, as compiled in.
    pub manifest: &'static str,
    /// Its routes.
    pub routes: &'static Routes,
    /// The plugin, called through the SDK's interface.
    pub plugin: dokku_plugin_sdk::host::LinkedPlugin,
}

/// Declares a core plugin: a unit type implementing [`dokku_plugin_sdk::Plugin`] with
/// the given routes, its manifest read from the crate's `plugin.toml`, and a `PLUGIN`
/// static for the binary's registry.
#[macro_export]
macro_rules! core_plugin {
    (
        $(#[$meta:meta])*
        $ty:ident = $name:literal,
        commands: [$(($cmd:literal, $cmd_fn:path)),* $(,)?],
        triggers: [$(($trig:literal, $trig_fn:path)),* $(,)?] $(,)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Default, Clone, Copy)]
        pub struct $ty;

        /// What this plugin answers, declared next to the handlers.
        pub static ROUTES: $crate::linked::Routes = $crate::linked::Routes {
            commands: &[$(($cmd, $cmd_fn as $crate::linked::CommandFn)),*],
            triggers: &[$(($trig, $trig_fn as $crate::linked::TriggerFn)),*],
        };

        /// The plugin as the `dokku` binary's registry holds it.
        pub static PLUGIN: $crate::linked::CorePlugin = $crate::linked::CorePlugin {
            name: $name,
            manifest: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/plugin.toml")),
            routes: &ROUTES,
            plugin: dokku_plugin_sdk::host::LinkedPlugin::new(&$ty),
        };

        impl dokku_plugin_sdk::Plugin for $ty {
            fn manifest() -> dokku_plugin_sdk::Manifest {
                $crate::linked::manifest(PLUGIN.manifest)
            }

            fn command(
                &self,
                call: &dokku_plugin_sdk::CommandContext<'_>,
            ) -> Result<i32, dokku_plugin_sdk::PluginError> {
                ROUTES.command(call)
            }

            fn trigger(
                &self,
                call: &dokku_plugin_sdk::TriggerContext<'_>,
            ) -> Result<i32, dokku_plugin_sdk::PluginError> {
                ROUTES.trigger(call)
            }
        }
    };
}
