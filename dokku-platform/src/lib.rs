//! `dokku-platform`: Dokku as a library.
//!
//! It links every core plugin (`plugins/<name>/`) and loads native plugin libraries on
//! demand, and wires them to the one host object, [`dokku_host::Context`], so that a
//! trigger fired through it reaches core, native and legacy plugins exactly as the
//! `dokku` binary's do. The binary is its first user: it builds a context with
//! [`context_from_process`] and routes commands with [`run_command`].
//!
//! Another program embeds Dokku through [`Platform`] (`embed.rs`): open an install,
//! create apps, set config, deploy an image or an archive, list apps with their
//! state, through the same command handlers and constructors the binary uses.

#![deny(missing_docs)]

mod compiled;
mod embed;
mod library;
mod registry;

pub use crate::embed::{AppState, Archive, Error, Platform, Running};
pub use dokku_core::config::ops::Restart;

pub use crate::compiled::{run_command, Handlers, HANDLERS};
pub use crate::registry::{find as core_plugin, CORE_PLUGINS};

use dokku_host::{CommandError, Context};

/// The dispatcher's context (settings files, Dokku's exports) with every compiled
/// plugin's handlers on its trigger bus.
pub fn context_from_process() -> Result<Context, CommandError> {
    Context::from_process().map(|ctx| ctx.with_handlers(&HANDLERS))
}

/// The dispatcher's context built from `vars` instead of the process environment (see
/// [`Context::from_vars`]), with every compiled plugin's handlers on its trigger bus.
pub fn context_from_vars(vars: dokku_core::settings::EnvMap) -> Result<Context, CommandError> {
    Context::from_vars(vars).map(|ctx| ctx.with_handlers(&HANDLERS))
}

/// A context over an environment that already went through the settings files, with
/// every compiled plugin's handlers on its trigger bus.
pub fn context_with_env(env: dokku_core::settings::EnvMap) -> Context {
    Context::with_env(env).with_handlers(&HANDLERS)
}
