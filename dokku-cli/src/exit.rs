//! How a command ends: an exit code, and maybe one error to print.

use std::fmt;

/// An error that ends the command with `code`. The message (if any) is printed once by
/// the dispatcher as ` !     <message>` plus an optional `hint:` line.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) message: Option<String>,
    pub(crate) hint: Option<String>,
    pub(crate) code: i32,
}

impl CliError {
    /// Fail with Dokku's default code 1.
    pub(crate) fn fail(message: impl Into<String>) -> CliError {
        CliError {
            message: Some(message.into()),
            hint: None,
            code: 1,
        }
    }

    /// Fail with a specific code.
    pub(crate) fn with_code(message: impl Into<String>, code: i32) -> CliError {
        CliError {
            message: Some(message.into()),
            hint: None,
            code,
        }
    }

    /// End with `code` and print nothing (the child already printed).
    pub(crate) fn silent(code: i32) -> CliError {
        CliError {
            message: None,
            hint: None,
            code,
        }
    }

    /// Adds a `hint:` line telling how to fix it.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message.as_deref().unwrap_or(""))
    }
}

impl From<dokku_core::app::AppError> for CliError {
    fn from(err: dokku_core::app::AppError) -> CliError {
        CliError::with_code(err.to_string(), err.exit_code())
    }
}

impl From<dokku_core::app::AppNameError> for CliError {
    fn from(err: dokku_core::app::AppNameError) -> CliError {
        CliError::fail(err.to_string())
    }
}

/// The result of a command: its exit code.
pub(crate) type CmdResult = Result<i32, CliError>;
