//! `dokku-host`: the one host object.
//!
//! [`Context`] is what everything calls back into: the dispatcher runs with it, core
//! plugins (linked into the binary) reach it through the SDK's
//! [`dokku_plugin_sdk::Host::linked`], native plugin libraries through its named
//! services ([`services::ServiceHost`]), and `dokku-core`'s deploy pipeline and config
//! operations through the traits it implements. It owns Dokku's environment (settings
//! files and exports), the output rules (quiet, trace), plugin discovery and the
//! trigger bus.
//!
//! An embedder builds one with [`Context::from_process`], [`Context::from_vars`] or
//! [`Context::with_env`], hands it the binary's plugin registry (or its own) with
//! [`Context::with_handlers`], and calls `dokku-core` with it; or it uses
//! `dokku_platform::Platform`, which does all of that and runs the commands' own
//! handlers.
#![deny(missing_docs)]

pub mod command_error;
pub mod context;
pub mod images;
pub mod output;
pub mod pipeline;
pub mod services;

pub use crate::command_error::{CmdResult, CommandError};
pub use crate::context::{Context, NativeHandlers};
