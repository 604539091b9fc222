//! How a command ends: an exit code, and maybe one error to print.

use std::fmt;

/// An error that ends the command with `code`. The message (if any) is printed once by
/// the dispatcher as ` !     <message>` plus an optional `hint:` line.
#[derive(Debug)]
pub struct CommandError {
    /// What went wrong, printed as ` !     <message>`; `None` when already printed.
    pub message: Option<String>,
    /// How to fix it, printed as a `hint:` line.
    pub hint: Option<String>,
    /// The exit code.
    pub code: i32,
}

impl CommandError {
    /// Fail with Dokku's default code 1.
    pub fn fail(message: impl Into<String>) -> CommandError {
        CommandError {
            message: Some(message.into()),
            hint: None,
            code: 1,
        }
    }

    /// Fail with a specific code.
    pub fn with_code(message: impl Into<String>, code: i32) -> CommandError {
        CommandError {
            message: Some(message.into()),
            hint: None,
            code,
        }
    }

    /// End with `code` and print nothing (the child already printed).
    pub fn silent(code: i32) -> CommandError {
        CommandError {
            message: None,
            hint: None,
            code,
        }
    }

    /// Adds a `hint:` line telling how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> CommandError {
        self.hint = Some(hint.into());
        self
    }
}

impl CommandError {
    /// Prints the error as Dokku does (` !     <message>` per line on stderr, then the
    /// `hint:` line) and returns the exit code.
    pub fn report(&self) -> i32 {
        if let Some(message) = &self.message {
            let mut text = String::new();
            for line in message.lines() {
                text.push_str(&dokku_core::log::line(dokku_core::log::Level::Fail, line));
            }
            if let Some(hint) = &self.hint {
                text.push_str(&format!("       hint: {hint}\n"));
            }
            crate::output::write(dokku_core::log::Stream::Stderr, &text);
        }
        self.code
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message.as_deref().unwrap_or(""))
    }
}

impl From<dokku_core::app::AppError> for CommandError {
    fn from(err: dokku_core::app::AppError) -> CommandError {
        CommandError::with_code(err.to_string(), err.exit_code())
    }
}

impl From<dokku_core::app::AppNameError> for CommandError {
    fn from(err: dokku_core::app::AppNameError) -> CommandError {
        CommandError::fail(err.to_string())
    }
}

/// The result of a command: its exit code.
pub type CmdResult = Result<i32, CommandError>;
