//! The context as the deploy pipeline's [`Host`] and the config operations'
//! [`ConfigHost`], and the error conversions every pipeline command and trigger handler
//! shares.

use std::path::PathBuf;

use dokku_core::deploy::{DeployError, Host};
use dokku_core::docker::Docker;
use dokku_core::log::Level;
use dokku_core::paths::Layout;
use dokku_core::settings::EnvMap;
use dokku_core::trigger::{StdoutMode, TriggerError};

use dokku_core::config::ops::ConfigHost;

use crate::command_error::CommandError;
use crate::context::{Context, LogRule};

fn to_deploy(err: CommandError) -> DeployError {
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

impl Host for Context {
    fn layout(&self) -> &Layout {
        &self.layout
    }

    fn env(&self) -> &EnvMap {
        &self.env
    }

    fn docker(&self) -> &Docker {
        Context::docker(self)
    }

    fn log(&self, level: Level, msg: &str) {
        match self.log_rule {
            LogRule::Dispatcher => Context::log(self, level, msg),
            LogRule::Plugin => self.log_as_plugin(level, msg),
        }
    }

    fn fire(&self, trigger: &str, args: &[&str]) -> Result<i32, DeployError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Ok(Context::fire(self, trigger, &args, StdoutMode::Inherit)
            .map_err(to_deploy)?
            .status)
    }

    fn fire_capture(&self, trigger: &str, args: &[&str]) -> Result<String, DeployError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let outcome =
            Context::fire(self, trigger, &args, StdoutMode::Capture).map_err(to_deploy)?;
        if outcome.status != 0 {
            return Err(DeployError::Exit {
                code: outcome.status,
            });
        }
        Ok(outcome.stdout_text())
    }

    fn has_trigger(&self, trigger: &str, exclude: &[&str]) -> bool {
        self.trigger_exists(trigger, exclude)
    }

    fn dokku_bin(&self) -> PathBuf {
        self.exe.clone()
    }
}

/// A pipeline error as a command's error: `dokku_log_fail` messages are printed once
/// by the dispatcher; failures already reported end silently.
pub fn cli_error(err: DeployError) -> CommandError {
    match err {
        DeployError::Exit { code } => CommandError::silent(code),
        DeployError::Fail { message, code } => CommandError::with_code(message, code),
        DeployError::Hinted {
            message,
            hint,
            code,
        } => CommandError::with_code(message, code).hint(hint),
        other => CommandError::fail(other.to_string()),
    }
}

/// A pipeline result as a trigger handler's status: the failure is printed here
/// (` !     msg` on stderr) and its code returned.
pub fn trigger_status(ctx: &Context, result: Result<(), DeployError>) -> Result<i32, TriggerError> {
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
pub fn arg(args: &[String], n: usize) -> &str {
    args.get(n).map(String::as_str).unwrap_or("")
}

/// The app named by a command's first argument, which must exist (exit 20 if not).
pub fn existing_app(ctx: &Context, args: &[String]) -> Result<String, CommandError> {
    let name = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(String::as_str)
        .unwrap_or("");
    let app = dokku_core::app::verify(&ctx.layout.dokku_root, name)?;
    Ok(app.as_str().to_string())
}

impl ConfigHost for Context {
    fn lib_root(&self) -> &std::path::Path {
        &self.layout.lib_root
    }

    fn log(&self, level: Level, msg: &str) {
        self.log_as_plugin(level, msg);
    }

    fn fire(&self, trigger: &str, args: &[String]) -> Result<i32, String> {
        Context::fire(self, trigger, args, StdoutMode::Inherit)
            .map(|outcome| outcome.status)
            .map_err(|e| e.to_string())
    }
}
