//! The host's named services (`docs/contracts/host-services.md`) as the SDK's
//! [`HostServices`]: what a plugin reaches through `dokku_plugin_sdk::Host`, whether it
//! is linked into the binary or loaded from a library. Every service runs in this
//! process, on the same [`Context`] the dispatcher and the bash helpers use.

use std::io::Write;
use std::sync::Mutex;

use dokku_core::app::{self, AppError, NameRule};
use dokku_core::config::ops::{self, Restart};
use dokku_core::config::{parse_pairs, ConfigScope, ConfigStore};
use dokku_core::property::PropertyStore;
use dokku_core::trigger::StdoutMode;
use dokku_plugin_sdk::host::HostServices;
use dokku_plugin_sdk::service as name;
use dokku_plugin_sdk::{HostError, LogLevel, Stream};
use dokku_protocol::exit::APP_NOT_FOUND_EXIT;

use crate::command_error::CommandError;
use crate::context::Context;
use crate::images;

/// Where a call's stdout goes.
pub enum Sink<'a> {
    /// The process's stdout (a command).
    Stdout,
    /// A trigger handler's stdout, which the bus passes on or captures.
    Writer(Mutex<&'a mut (dyn Write + Send)>),
}

/// The host side of one plugin call: the context, plus where the call's stdout goes.
pub struct ServiceHost<'a> {
    ctx: &'a Context,
    sink: Sink<'a>,
}

impl<'a> ServiceHost<'a> {
    /// A host for a command: output to the process's stdout and stderr.
    pub fn command(ctx: &'a Context) -> ServiceHost<'a> {
        ServiceHost {
            ctx,
            sink: Sink::Stdout,
        }
    }

    /// A host for a trigger handler whose stdout goes to `stdout`.
    pub fn trigger(ctx: &'a Context, stdout: &'a mut (dyn Write + Send)) -> ServiceHost<'a> {
        ServiceHost {
            ctx,
            sink: Sink::Writer(Mutex::new(stdout)),
        }
    }

    /// The context behind this host.
    pub fn context(&self) -> &'a Context {
        self.ctx
    }
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
        let ctx = self.ctx;
        let arg = |i: usize| args.get(i).copied().unwrap_or("");
        let opt = |i: usize| args.get(i).copied().filter(|s| !s.is_empty());
        let failed = |e: CommandError| match e.code {
            APP_NOT_FOUND_EXIT => HostError::app_not_found(arg(0)),
            _ => HostError::failed(e.message.unwrap_or_default()),
        };
        let one = |s: String| vec![s];
        match service {
            name::APP_EXISTS => Ok(one(images::app_exists(ctx, arg(0)).to_string())),
            name::IS_VALID_APP_NAME => app::name::check(arg(0), NameRule::Current)
                .map(|()| Vec::new())
                .map_err(|e| HostError::invalid_arguments(e.to_string())),
            name::VERIFY_APP_NAME => match app::verify(&ctx.layout.dokku_root, arg(0)) {
                Ok(_) => Ok(Vec::new()),
                Err(AppError::NotFound { app }) => Err(HostError::app_not_found(&app)),
                Err(e) => Err(HostError::invalid_arguments(e.to_string())),
            },
            name::IMAGE_REPO => images::image_repo(arg(0)).map(one).map_err(failed),
            name::IMAGE_NAME => images::image_name(ctx, arg(0), opt(1), opt(2))
                .map(one)
                .map_err(failed),
            name::RUNNING_IMAGE_TAG => images::running_image_tag(ctx, arg(0), opt(1))
                .map(one)
                .map_err(failed),
            name::DEPLOYING_IMAGE_NAME => images::deploying_image_name(ctx, arg(0), opt(1), opt(2))
                .map(one)
                .map_err(failed),
            name::COPY_FROM_IMAGE => {
                images::copy_from_image(ctx, false, arg(0), arg(1), arg(2), arg(3))
                    .map(|()| Vec::new())
                    .map_err(failed)
            }
            name::CONFIG_GET => ConfigStore::new(&ctx.layout.lib_root)
                .get(&ConfigScope::from_arg(arg(0)), arg(1))
                .map(|v| v.into_iter().collect())
                .map_err(|e| HostError::failed(e.to_string())),
            name::CONFIG_SET | name::CONFIG_UNSET => {
                config_change(ctx, service == name::CONFIG_SET, args).map(|()| Vec::new())
            }
            name::PROPERTY_GET => PropertyStore::new(&ctx.layout.lib_root)
                .get(arg(0), arg(1), arg(2))
                .map(|v| v.into_iter().collect())
                .map_err(|e| HostError::failed(e.to_string())),
            name::PROPERTY_SET => PropertyStore::new(&ctx.layout.lib_root)
                .write(arg(0), arg(1), arg(2), arg(3))
                .map(|()| Vec::new())
                .map_err(|e| HostError::failed(e.to_string())),
            name::PROPERTY_DELETE => PropertyStore::new(&ctx.layout.lib_root)
                .delete(arg(0), arg(1), arg(2))
                .map(|()| Vec::new())
                .map_err(|e| HostError::failed(e.to_string())),
            name::TRIGGER | name::TRIGGER_CAPTURE => {
                let (trigger, rest) = args
                    .split_first()
                    .ok_or_else(|| HostError::invalid_arguments("trigger needs a name"))?;
                let rest: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
                let capture = service == name::TRIGGER_CAPTURE;
                let mode = if capture {
                    StdoutMode::Capture
                } else {
                    StdoutMode::Inherit
                };
                let outcome = ctx.fire(trigger, &rest, mode).map_err(failed)?;
                let mut answer = vec![outcome.status.to_string()];
                if capture {
                    answer.push(outcome.stdout_text());
                }
                Ok(answer)
            }
            other => Err(HostError::unsupported(other, &self.host_version())),
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

/// `config-set [--no-restart] APP|--global KEY=VALUE...` and
/// `config-unset [--no-restart] APP|--global KEY...`, in process: the same
/// `dokku_core::config::ops` calls (triggers, restart) as the `config:*` commands.
fn config_change(ctx: &Context, set: bool, args: &[&str]) -> Result<(), HostError> {
    let no_restart = args.contains(&"--no-restart");
    let mut rest = args.iter().copied().filter(|a| *a != "--no-restart");
    let target = rest.next().unwrap_or("");
    let scope = if target == dokku_plugin_sdk::GLOBAL {
        ConfigScope::Global
    } else {
        match app::verify(&ctx.layout.dokku_root, target) {
            Ok(app) => ConfigScope::app(app.as_str()),
            Err(AppError::NotFound { app }) => return Err(HostError::app_not_found(&app)),
            Err(e) => return Err(HostError::invalid_arguments(e.to_string())),
        }
    };
    let words: Vec<String> = rest.map(str::to_string).collect();
    let restart = Restart::unless(no_restart);
    let done = if set {
        let pairs =
            parse_pairs(&words, false).map_err(|e| HostError::invalid_arguments(e.to_string()))?;
        ops::set(ctx, &scope, dokku_plugin_sdk::GLOBAL, &pairs, restart)
    } else {
        ops::unset(ctx, &scope, dokku_plugin_sdk::GLOBAL, &words, restart)
    };
    done.map_err(|e| HostError::failed(e.to_string()))
}
