//! What the pipeline needs from whoever runs it, and how it fails.

use std::path::PathBuf;

use thiserror::Error;

use crate::docker::{Docker, DockerError};
use crate::log::Level;
use crate::paths::Layout;
use crate::process::ProcessError;
use crate::property::{PropertyError, PropertyStore};
use crate::settings::EnvMap;

/// The pipeline's view of its caller: layout and environment, Docker, the trigger
/// bus, and where log lines go. The CLI implements it over its context; tests use a
/// recording fake.
pub trait Host {
    /// The installation's layout.
    fn layout(&self) -> &Layout;
    /// The dispatcher's environment (what children run with).
    fn env(&self) -> &EnvMap;
    /// Docker, through `$DOCKER_BIN`.
    fn docker(&self) -> &Docker;
    /// Writes one Dokku log line.
    fn log(&self, level: Level, msg: &str);
    /// Fires `trigger`, streaming handlers' stdout; returns the chain's status.
    fn fire(&self, trigger: &str, args: &[&str]) -> Result<i32, DeployError>;
    /// Fires `trigger` and returns handlers' stdout (fails on a non-zero status).
    fn fire_capture(&self, trigger: &str, args: &[&str]) -> Result<String, DeployError>;
    /// Whether a plugin other than those in `exclude` handles `trigger`.
    fn has_trigger(&self, trigger: &str, exclude: &[&str]) -> bool;
    /// The `dokku` binary, for background work that outlives this process.
    fn dokku_bin(&self) -> PathBuf;

    /// The value of an environment variable, empty counting as unset.
    fn var(&self, key: &str) -> Option<&str> {
        self.env()
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The property store.
    fn properties(&self) -> PropertyStore {
        PropertyStore::new(&self.layout().lib_root)
    }

    /// Fires `trigger` and turns a non-zero status into [`DeployError::Exit`] (the
    /// failing handler has already said why).
    fn fire_checked(&self, trigger: &str, args: &[&str]) -> Result<(), DeployError> {
        match self.fire(trigger, args)? {
            0 => Ok(()),
            code => Err(DeployError::Exit { code }),
        }
    }
}

/// A reference to a host is a host, so `&ctx` works where `&dyn Host` is wanted
/// whatever the number of `&` in front of it.
impl<H: Host + ?Sized> Host for &H {
    fn layout(&self) -> &Layout {
        (**self).layout()
    }
    fn env(&self) -> &EnvMap {
        (**self).env()
    }
    fn docker(&self) -> &Docker {
        (**self).docker()
    }
    fn log(&self, level: Level, msg: &str) {
        (**self).log(level, msg)
    }
    fn fire(&self, trigger: &str, args: &[&str]) -> Result<i32, DeployError> {
        (**self).fire(trigger, args)
    }
    fn fire_capture(&self, trigger: &str, args: &[&str]) -> Result<String, DeployError> {
        (**self).fire_capture(trigger, args)
    }
    fn has_trigger(&self, trigger: &str, exclude: &[&str]) -> bool {
        (**self).has_trigger(trigger, exclude)
    }
    fn dokku_bin(&self) -> PathBuf {
        (**self).dokku_bin()
    }
}

/// Why a pipeline step failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DeployError {
    /// Dokku's `dokku_log_fail`: print ` !     MESSAGE` and exit with `code`.
    #[error("{message}")]
    Fail {
        /// The message, without the ` !     ` prefix.
        message: String,
        /// Exit code.
        code: i32,
    },
    /// [`DeployError::Fail`] with a known fix (refused input such as an app's
    /// Procfile or app.json, a trigger past its time limit): ` !     MESSAGE`, then a
    /// `hint:` line.
    #[error("{message}")]
    Hinted {
        /// The message, without the ` !     ` prefix.
        message: String,
        /// How to fix it.
        hint: String,
        /// Exit code.
        code: i32,
    },
    /// A step already reported its failure; exit with `code`.
    #[error("exited with status {code}")]
    Exit {
        /// Exit code.
        code: i32,
    },
    /// A docker call failed.
    #[error(transparent)]
    Docker(#[from] DockerError),
    /// A helper process failed.
    #[error(transparent)]
    Process(#[from] ProcessError),
    /// A property could not be read or written.
    #[error(transparent)]
    Property(#[from] PropertyError),
    /// A state file could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done (`write`, `create`, ...).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

impl DeployError {
    /// A `dokku_log_fail` with exit code 1.
    pub fn fail(message: impl Into<String>) -> DeployError {
        DeployError::Fail {
            message: message.into(),
            code: 1,
        }
    }

    /// Refused input, with a hint telling how to fix it (exit code 1).
    pub fn refused(message: impl Into<String>, hint: impl Into<String>) -> DeployError {
        DeployError::Hinted {
            message: message.into(),
            hint: hint.into(),
            code: 1,
        }
    }

    /// The exit code to end with.
    pub fn exit_code(&self) -> i32 {
        match self {
            DeployError::Fail { code, .. }
            | DeployError::Hinted { code, .. }
            | DeployError::Exit { code } => *code,
            _ => 1,
        }
    }

    /// The `hint:` line to print after the message, if any.
    pub fn hint(&self) -> Option<&str> {
        match self {
            DeployError::Hinted { hint, .. } => Some(hint),
            _ => None,
        }
    }

    /// A closure wrapping an `io::Error` for `map_err`.
    pub fn io(
        action: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> DeployError {
        let path = path.to_path_buf();
        move |source| DeployError::Io {
            action,
            path,
            source,
        }
    }
}
