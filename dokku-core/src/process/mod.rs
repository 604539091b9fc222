//! The one place that spawns processes.
//!
//! [`Cmd`] wraps `std::process::Command` so every spawn can print itself (for
//! `--trace`) and fails with a [`ProcessError`] that names the command, its exit code
//! and what it wrote to stderr.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};

use thiserror::Error;

mod group;
pub mod parallel;

pub use group::{Foreground, ProcessGroup};

/// A command to run: program, arguments, environment and working directory.
#[derive(Debug, Clone)]
pub struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    env_clear: bool,
    envs: Vec<(OsString, OsString)>,
    cwd: Option<PathBuf>,
    own_group: bool,
}

/// A spawned command that could not run or exited non-zero.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProcessError {
    /// The program could not be started.
    #[error("could not run `{command}`: {source}")]
    Spawn {
        /// The command line.
        command: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The program ran and failed.
    #[error("`{command}` exited with {}{}", code.map_or("a signal".to_string(), |c| format!("status {c}")), fenced(stderr))]
    Failed {
        /// The command line.
        command: String,
        /// The exit code, `None` when killed by a signal.
        code: Option<i32>,
        /// What it wrote to stderr.
        stderr: String,
    },
}

fn fenced(stderr: &str) -> String {
    let trimmed = stderr.trim_end();
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("\n--- stderr\n{trimmed}")
    }
}

impl Cmd {
    /// A command running `program`.
    pub fn new(program: impl AsRef<OsStr>) -> Cmd {
        Cmd {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            env_clear: false,
            envs: Vec::new(),
            cwd: None,
            own_group: false,
        }
    }

    /// Adds one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Cmd {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Adds several arguments.
    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Starts from an empty environment instead of inheriting ours.
    pub fn env_clear(mut self) -> Cmd {
        self.env_clear = true;
        self
    }

    /// Sets one environment variable.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Cmd {
        self.envs
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Sets several environment variables.
    pub fn envs<I, K, V>(mut self, vars: I) -> Cmd
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.envs.extend(
            vars.into_iter()
                .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned())),
        );
        self
    }

    /// Runs in `dir`.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Cmd {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Starts the command as the leader of a new process group (its pid is the group
    /// id), so everything it starts can be ended at once with [`ProcessGroup::end`].
    /// Such a group is not the terminal's foreground group unless lent it with
    /// [`Foreground::lend`].
    pub fn own_process_group(mut self) -> Cmd {
        self.own_group = true;
        self
    }

    /// The program being run.
    pub fn program(&self) -> &OsStr {
        &self.program
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args);
        if self.env_clear {
            cmd.env_clear();
        }
        cmd.envs(self.envs.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        if self.own_group {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        cmd
    }

    fn spawn_error(&self, source: std::io::Error) -> ProcessError {
        ProcessError::Spawn {
            command: self.to_string(),
            source,
        }
    }

    /// Runs with inherited stdio and returns the exit status.
    pub fn status(&self) -> Result<ExitStatus, ProcessError> {
        self.command().status().map_err(|e| self.spawn_error(e))
    }

    /// Runs with stdin inherited and stdout/stderr captured.
    pub fn output(&self) -> Result<Output, ProcessError> {
        self.command()
            .stdin(Stdio::inherit())
            .output()
            .map_err(|e| self.spawn_error(e))
    }

    /// Runs with stdout captured and stderr inherited; stdin as given.
    pub fn capture_stdout(&self, stdin: Stdio) -> Result<Output, ProcessError> {
        self.command()
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| self.spawn_error(e))
    }

    /// Runs, capturing stdout, and fails unless the exit status is zero.
    pub fn read(&self) -> Result<String, ProcessError> {
        let out = self
            .command()
            .stdin(Stdio::null())
            .output()
            .map_err(|e| self.spawn_error(e))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(ProcessError::Failed {
                command: self.to_string(),
                code: out.status.code(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            })
        }
    }

    /// Starts the command with the given stdio and returns the child.
    pub fn spawn(&self, stdin: Stdio, stdout: Stdio, stderr: Stdio) -> Result<Child, ProcessError> {
        self.command()
            .stdin(stdin)
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .map_err(|e| self.spawn_error(e))
    }

    /// Replaces the current process with this command (Unix `exec`). Returns only on
    /// failure.
    pub fn exec(&self) -> ProcessError {
        use std::os::unix::process::CommandExt;
        let err = self.command().exec();
        self.spawn_error(err)
    }
}

/// Shell-style rendering, for trace output and error messages only (never executed).
impl fmt::Display for Cmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", quote(&self.program))?;
        for arg in &self.args {
            write!(f, " {}", quote(arg))?;
        }
        Ok(())
    }
}

fn quote(word: &OsStr) -> String {
    crate::shell::quote(&word.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_only_when_needed() {
        let cmd = Cmd::new("docker").args(["run", "a b", "it's"]);
        assert_eq!(cmd.to_string(), "docker run 'a b' 'it'\\''s'");
    }

    #[test]
    fn read_reports_failure_with_stderr() {
        let err = Cmd::new("sh")
            .args(["-c", "echo boom >&2; exit 3"])
            .read()
            .expect_err("fails");
        let text = err.to_string();
        assert!(text.contains("status 3"), "{text}");
        assert!(text.contains("boom"), "{text}");
    }
}
