//! The host's named services (`docs/contracts/host-services.md`) as the SDK's
//! [`HostServices`]: what a plugin reaches through `dokku_plugin_sdk::Host`, whether it
//! is linked into the binary or loaded from a library. Every service runs in this
//! process, on the same [`Context`] the dispatcher and the bash helpers use.
//!
//! One file per family of services, each answering the names it knows
//! (`Family::call`): `apps.rs` (apps, their domains and URLs), `images.rs`,
//! `config.rs`, `properties.rs`, `triggers.rs`, `proxy.rs`, `docker.rs`, `lock.rs` (the
//! deploy lock). `errors.rs` turns the core's errors into [`HostError`]s: the kind a
//! plugin can act on and the one-line message, never printed here.

mod apps;
mod config;
mod docker;
mod errors;
mod images;
mod lock;
mod properties;
mod proxy;
mod triggers;

use std::io::Write;
use std::sync::Mutex;

use dokku_core::trigger::StdoutMode;
use dokku_plugin_sdk::host::HostServices;
use dokku_plugin_sdk::service as name;
use dokku_plugin_sdk::{HostError, LogLevel, Stream};

use crate::context::Context;

/// Where a call's stdout goes.
pub enum Sink<'a> {
    /// The process's stdout (a command).
    Stdout,
    /// A trigger handler's stdout, which the bus passes on or captures.
    Writer(Mutex<&'a mut (dyn Write + Send)>),
}

/// The host side of one plugin call: the context, where the call's stdout goes, and
/// the deploy locks the call took (released when the call ends, see `lock.rs`).
pub struct ServiceHost<'a> {
    ctx: &'a Context,
    sink: Sink<'a>,
    locks: lock::HeldLocks,
}

impl<'a> ServiceHost<'a> {
    /// A host for a command: output to the process's stdout and stderr.
    pub fn command(ctx: &'a Context) -> ServiceHost<'a> {
        ServiceHost {
            ctx,
            sink: Sink::Stdout,
            locks: lock::HeldLocks::default(),
        }
    }

    /// A host for a trigger handler whose stdout goes to `stdout`.
    pub fn trigger(ctx: &'a Context, stdout: &'a mut (dyn Write + Send)) -> ServiceHost<'a> {
        ServiceHost {
            ctx,
            sink: Sink::Writer(Mutex::new(stdout)),
            locks: lock::HeldLocks::default(),
        }
    }

    /// The context behind this host.
    pub fn context(&self) -> &'a Context {
        self.ctx
    }

    /// Fires `trigger` with its handlers' stdout going where this call's stdout goes:
    /// streamed for a command, into the handler's own stdout for a trigger (so a
    /// captured trigger captures it too).
    fn fire_to_caller(
        &self,
        trigger: &str,
        args: &[String],
    ) -> Result<i32, crate::command_error::CommandError> {
        match &self.sink {
            Sink::Stdout => Ok(self.ctx.fire(trigger, args, StdoutMode::Inherit)?.status),
            Sink::Writer(_) => {
                let outcome = self.ctx.fire(trigger, args, StdoutMode::Capture)?;
                self.write(Stream::Stdout, &outcome.stdout);
                Ok(outcome.status)
            }
        }
    }
}

/// A call's arguments, read by position; a missing one reads as empty.
#[derive(Clone, Copy)]
struct Args<'a>(&'a [&'a str]);

impl<'a> Args<'a> {
    fn get(self, i: usize) -> &'a str {
        self.0.get(i).copied().unwrap_or("")
    }

    /// The argument, `None` when missing or empty.
    fn opt(self, i: usize) -> Option<&'a str> {
        self.0.get(i).copied().filter(|s| !s.is_empty())
    }

    fn from(self, i: usize) -> &'a [&'a str] {
        self.0.get(i..).unwrap_or_default()
    }
}

type Answer = Result<Vec<String>, HostError>;

/// One family of services: `None` for a name it does not serve.
trait Family {
    fn call(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Option<Answer>;
}

/// Every family, asked in turn.
fn serve(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Option<Answer> {
    apps::Apps::call(host, service, args)
        .or_else(|| images::Images::call(host, service, args))
        .or_else(|| config::Config::call(host, service, args))
        .or_else(|| properties::Properties::call(host, service, args))
        .or_else(|| triggers::Triggers::call(host, service, args))
        .or_else(|| proxy::Proxy::call(host, service, args))
        .or_else(|| docker::Docker::call(host, service, args))
        .or_else(|| lock::Lock::call(host, service, args))
}

/// Every service this host answers.
const SERVICES: &[&str] = name::ALL;

impl HostServices for ServiceHost<'_> {
    fn write(&self, stream: Stream, bytes: &[u8]) {
        match (stream, &self.sink) {
            (Stream::Stdout, Sink::Writer(out)) => {
                if let Ok(mut out) = out.lock() {
                    let _ = out.write_all(bytes);
                }
            }
            (Stream::Stdout, Sink::Stdout) => {
                let _ = std::io::stdout().lock().write_all(bytes);
            }
            _ => {
                let _ = std::io::stderr().lock().write_all(bytes);
            }
        }
    }

    fn log(&self, level: LogLevel, msg: &str) {
        if (level.trace_only() && !self.ctx.trace)
            || (level.suppressed_when_quiet() && self.ctx.quiet)
        {
            return;
        }
        self.write(level.stream(), level.format(msg).as_bytes());
    }

    fn call(&self, service: &str, args: &[&str]) -> Result<Vec<String>, HostError> {
        match serve(self, service, Args(args)) {
            Some(answer) => answer.map_err(errors::one_line),
            None => Err(HostError::unsupported(service, &self.host_version())),
        }
    }

    fn host_version(&self) -> String {
        self.ctx
            .installed_version()
            .unwrap_or_else(|| env!("CARGO_PKG_VERSION").into())
    }

    fn services(&self) -> Vec<String> {
        SERVICES.iter().map(|s| s.to_string()).collect()
    }
}

#[cfg(test)]
mod tests;
