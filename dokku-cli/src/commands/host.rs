//! The deploy pipeline's [`Host`] over the CLI context, and the error conversions
//! every pipeline command and trigger handler shares.

use std::path::PathBuf;

use dokku_core::deploy::{DeployError, Host};
use dokku_core::docker::Docker;
use dokku_core::env;
use dokku_core::log::Level;
use dokku_core::paths::Layout;
use dokku_core::settings::EnvMap;
use dokku_core::trigger::{StdoutMode, TriggerError};

use crate::context::Context;
use crate::exit::CliError;

/// The pipeline's view of a [`Context`].
pub(crate) struct CliHost<'a> {
    ctx: &'a Context,
    docker: Docker,
}

impl<'a> CliHost<'a> {
    pub(crate) fn new(ctx: &'a Context) -> CliHost<'a> {
        let bin = ctx.var(env::DOCKER_BIN).unwrap_or("docker").to_string();
        CliHost {
            ctx,
            docker: Docker::cli(&bin, ctx.env.clone()),
        }
    }
}

fn to_deploy(err: CliError) -> DeployError {
    match (err.message, err.hint) {
        (Some(message), Some(hint)) => DeployError::Hinted {
            message,
            hint,
            code: err.code,
        },
        (Some(message), None) => DeployError::Fail {
            message,
            code: err.code,
        },
        (None, _) => DeployError::Exit { code: err.code },
    }
}

impl Host for CliHost<'_> {
    fn layout(&self) -> &Layout {
        &self.ctx.layout
    }

    fn env(&self) -> &EnvMap {
        &self.ctx.env
    }

    fn docker(&self) -> &Docker {
        &self.docker
    }

    fn log(&self, level: Level, msg: &str) {
        self.ctx.log(level, msg);
    }

    fn fire(&self, trigger: &str, args: &[&str]) -> Result<i32, DeployError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Ok(self
            .ctx
            .fire(trigger, &args, StdoutMode::Inherit)
            .map_err(to_deploy)?
            .status)
    }

    fn fire_capture(&self, trigger: &str, args: &[&str]) -> Result<String, DeployError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let outcome = self
            .ctx
            .fire(trigger, &args, StdoutMode::Capture)
            .map_err(to_deploy)?;
        if outcome.status != 0 {
            return Err(DeployError::Exit {
                code: outcome.status,
            });
        }
        Ok(outcome.stdout_text())
    }

    fn has_trigger(&self, trigger: &str, exclude: &[&str]) -> bool {
        self.ctx.trigger_exists(trigger, exclude)
    }

    fn dokku_bin(&self) -> PathBuf {
        self.ctx.exe.clone()
    }
}

/// A pipeline error as a command's error: `dokku_log_fail` messages are printed once
/// by the dispatcher; failures already reported end silently.
pub(crate) fn cli_error(err: DeployError) -> CliError {
    match err {
        DeployError::Exit { code } => CliError::silent(code),
        DeployError::Fail { message, code } => CliError::with_code(message, code),
        DeployError::Hinted {
            message,
            hint,
            code,
        } => CliError::with_code(message, code).hint(hint),
        other => CliError::fail(other.to_string()),
    }
}

/// A pipeline result as a trigger handler's status: the failure is printed here
/// (` !     msg` on stderr) and its code returned.
pub(crate) fn trigger_status(
    ctx: &Context,
    result: Result<(), DeployError>,
) -> Result<i32, TriggerError> {
    match result {
        Ok(()) => Ok(0),
        Err(DeployError::Exit { code }) => Ok(code),
        Err(err) => {
            let code = err.exit_code();
            for line in err.to_string().lines() {
                ctx.log(Level::Fail, line);
            }
            if let Some(hint) = err.hint() {
                ctx.log(Level::Stderr, &format!("       hint: {hint}"));
            }
            Ok(code)
        }
    }
}

/// The `n`th trigger argument, empty when missing.
pub(crate) fn arg(args: &[String], n: usize) -> &str {
    args.get(n).map(String::as_str).unwrap_or("")
}

/// The app named by a command's first argument, which must exist (exit 20 if not).
pub(crate) fn existing_app(ctx: &Context, args: &[String]) -> Result<String, CliError> {
    let name = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(String::as_str)
        .unwrap_or("");
    let app = dokku_core::app::verify(&ctx.layout.dokku_root, name)?;
    Ok(app.as_str().to_string())
}
