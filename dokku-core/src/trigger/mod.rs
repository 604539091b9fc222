//! The trigger bus, with plugn's semantics.
//!
//! A trigger walks the enabled plugins in name order. For each plugin, a native
//! handler declared in its manifest runs in-process; otherwise an executable file named
//! after the trigger runs with the dispatcher's environment plus the plugin's
//! `CONFIG_*` variables. The first handler that exits non-zero stops the chain and its
//! status is the trigger's status. A trigger file that is not executable is skipped
//! with plugn's warning. Stdin is one stream shared by the chain, as in plugn (what a
//! hook reads the next does not see); native handlers get what is left of it as bytes
//! (the rules are in `input.rs`, [`TriggerBus::with_input`] gives the stream). Stdout is
//! streamed or captured as the caller asks, stderr always streams.
//!
//! With [`crate::env::DOKKU_TRIGGER_TIMEOUT`] set, each executable hook runs in its own
//! process group (lent the terminal when we hold it) and is ended with everything it
//! started once over the limit; the trigger then fails with
//! [`TriggerError::TimedOut`].

mod config_export;
mod input;

pub use config_export::{config_exports, PlugnConfig};
pub use input::PEEK_LIMIT;

use input::Input;

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::process::{ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::env::DOKKU_TRIGGER_TIMEOUT;
use crate::plugin::Plugin;
use crate::process::{Cmd, Foreground, ProcessGroup};
use crate::settings::EnvMap;

/// Runs native (in-process) trigger handlers. The CLI implements it over the plugin
/// loader; the core never sees ABI types.
pub trait NativeTriggers {
    /// Runs `plugin`'s handler for `trigger` with `stdin` (what is left of the
    /// trigger's input at this handler's turn, see [`TriggerBus::with_input`]), writing
    /// its stdout to `stdout`. Returns the handler's exit status.
    fn run(
        &self,
        plugin: &Plugin,
        trigger: &str,
        args: &[String],
        stdin: &[u8],
        stdout: &mut (dyn Write + Send),
    ) -> Result<i32, TriggerError>;
}

/// What to do with handlers' stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdoutMode {
    /// Write straight to our stdout.
    Inherit,
    /// Collect it and return it in [`TriggerOutcome::stdout`].
    Capture,
}

/// The result of firing a trigger.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TriggerOutcome {
    /// 0, or the status of the handler that stopped the chain.
    pub status: i32,
    /// Captured stdout (empty with [`StdoutMode::Inherit`]).
    pub stdout: Vec<u8>,
    /// How many handlers ran.
    pub handlers_run: usize,
}

impl TriggerOutcome {
    /// Captured stdout as text.
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// A trigger could not be run at all (as opposed to a handler exiting non-zero).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TriggerError {
    /// A handler could not be started.
    #[error("trigger {trigger} of plugin {plugin} could not run: {message}")]
    Handler {
        /// Plugin name.
        plugin: String,
        /// Trigger name.
        trigger: String,
        /// Why.
        message: String,
    },
    /// A legacy hook was still running at the `DOKKU_TRIGGER_TIMEOUT` limit: it was
    /// ended with its whole process group.
    #[error("trigger {trigger} of plugin {plugin} did not finish within {} (DOKKU_TRIGGER_TIMEOUT) and was killed", seconds(*limit))]
    TimedOut {
        /// Plugin name.
        plugin: String,
        /// Trigger name.
        trigger: String,
        /// The limit.
        limit: Duration,
    },
    /// `DOKKU_TRIGGER_TIMEOUT` is not a whole number of seconds.
    #[error("invalid DOKKU_TRIGGER_TIMEOUT '{value}': expected a whole number of seconds")]
    BadTimeLimit {
        /// The value found.
        value: String,
    },
}

fn seconds(limit: Duration) -> String {
    match limit.as_secs() {
        1 => "1 second".to_string(),
        n => format!("{n} seconds"),
    }
}

impl TriggerError {
    /// How to fix it, when known (printed as a `hint:` line).
    pub fn hint(&self) -> Option<String> {
        match self {
            TriggerError::Handler { .. } => None,
            TriggerError::TimedOut { trigger, .. } => Some(format!(
                "raise {DOKKU_TRIGGER_TIMEOUT} (0 turns the limit off) or fix the plugin's {trigger} hook so it returns"
            )),
            TriggerError::BadTimeLimit { .. } => Some(format!(
                "set {DOKKU_TRIGGER_TIMEOUT} to a number of seconds, or to 0 or nothing for no limit"
            )),
        }
    }
}

/// How long a hook over its limit gets to exit after `SIGTERM` before `SIGKILL`.
const KILL_GRACE: Duration = Duration::from_secs(2);

/// [`DOKKU_TRIGGER_TIMEOUT`] from `env`: `None` when unset, empty or `0`.
pub fn time_limit(env: &EnvMap) -> Result<Option<Duration>, TriggerError> {
    let Some(value) = env.get(DOKKU_TRIGGER_TIMEOUT) else {
        return Ok(None);
    };
    let text = value.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TriggerError::BadTimeLimit {
            value: value.clone(),
        });
    }
    match text.parse::<u64>() {
        Ok(0) => Ok(None),
        Ok(secs) => Ok(Some(Duration::from_secs(secs))),
        Err(_) => Err(TriggerError::BadTimeLimit {
            value: value.clone(),
        }),
    }
}

/// What the threads watching a hook report.
enum Watch {
    Exited(std::io::Result<ExitStatus>),
    Output(std::io::Result<Vec<u8>>),
}

/// Fires triggers over a fixed set of enabled plugins.
pub struct TriggerBus<'a> {
    plugins: &'a [Plugin],
    env: &'a EnvMap,
    config: PlugnConfig,
    native: Option<&'a dyn NativeTriggers>,
    on_trace: Option<&'a dyn Fn(&str)>,
    input: Option<&'a [u8]>,
}

impl<'a> TriggerBus<'a> {
    /// A bus over `plugins` (in plugn order), running executables with `env`.
    pub fn new(plugins: &'a [Plugin], env: &'a EnvMap, config: PlugnConfig) -> TriggerBus<'a> {
        TriggerBus {
            plugins,
            env,
            config,
            native: None,
            on_trace: None,
            input: None,
        }
    }

    /// Gives the handlers `input` on stdin, as `echo INPUT | plugn trigger ...` (Go's
    /// `PlugnTriggerInput.Stdin`) does, instead of our own stdin. The handlers share
    /// it as one stream, in plugn order: what a legacy hook reads, the handlers after
    /// it do not see; a native handler gets what is left, whole, and consumes nothing.
    pub fn with_input(mut self, input: &'a [u8]) -> TriggerBus<'a> {
        self.input = Some(input);
        self
    }

    /// Routes native plugins' handlers to `native`.
    pub fn with_native(mut self, native: &'a dyn NativeTriggers) -> TriggerBus<'a> {
        self.native = Some(native);
        self
    }

    /// Reports each handler invocation (for `--trace`).
    pub fn with_trace(mut self, on_trace: &'a dyn Fn(&str)) -> TriggerBus<'a> {
        self.on_trace = Some(on_trace);
        self
    }

    /// Whether any enabled plugin handles `trigger` (natively or with a file),
    /// ignoring `exclude` (Dokku ignores `20_events` for some checks).
    pub fn exists(&self, trigger: &str, exclude: &[&str]) -> bool {
        self.plugins
            .iter()
            .filter(|p| !exclude.contains(&p.name.as_str()))
            .any(|p| p.native_handles(trigger) || p.file(trigger).is_file())
    }

    /// Fires `trigger` with `args`. Warnings (non-executable trigger files) go to our
    /// stderr as plugn prints them.
    pub fn fire(
        &self,
        trigger: &str,
        args: &[String],
        mode: StdoutMode,
    ) -> Result<TriggerOutcome, TriggerError> {
        let limit = time_limit(self.env)?;
        let mut outcome = TriggerOutcome::default();
        let mut input = Input::new(self.input);
        for plugin in self.plugins {
            let status = if plugin.native_handles(trigger) {
                let Some(native) = self.native else { continue };
                self.trace(&format!(
                    "native {} {trigger} {}",
                    plugin.name,
                    args.join(" ")
                ));
                let stdin = input.for_native();
                match mode {
                    StdoutMode::Inherit => {
                        let mut stdout = std::io::stdout();
                        let status = native.run(plugin, trigger, args, stdin, &mut stdout)?;
                        let _ = stdout.flush();
                        status
                    }
                    StdoutMode::Capture => {
                        native.run(plugin, trigger, args, stdin, &mut outcome.stdout)?
                    }
                }
            } else {
                let path = plugin.file(trigger);
                let Ok(meta) = std::fs::metadata(&path) else {
                    continue;
                };
                if !meta.is_file() {
                    continue;
                }
                if meta.permissions().mode() & 0o111 == 0 {
                    eprintln_warning(&format!(
                        "Trigger '{trigger}' is not executable, skipping plugin ({})",
                        plugin.name
                    ));
                    continue;
                }
                // plugn runs hooks from bash, which runs a file without `#!` (execve's
                // ENOEXEC) as a bash script; do the same.
                let cmd = if needs_shell(&path) {
                    Cmd::new("/bin/bash").arg(&path)
                } else {
                    Cmd::new(&path)
                };
                let cmd = cmd
                    .args(args)
                    .env_clear()
                    .envs(self.env.iter())
                    .envs(config_exports(plugin, &self.config, self.env));
                self.trace(&cmd.to_string());
                let error = |e: std::io::Error| TriggerError::Handler {
                    plugin: plugin.name.clone(),
                    trigger: trigger.to_string(),
                    message: format!("its stdin: {e}"),
                };
                let (stdin, feed) = input.for_legacy().map_err(error)?;
                let status = match limit {
                    None => {
                        self.run_legacy(plugin, trigger, &cmd, stdin, mode, &mut outcome.stdout)?
                    }
                    Some(limit) => self.run_limited(
                        plugin,
                        trigger,
                        cmd,
                        (stdin, mode),
                        &mut outcome.stdout,
                        limit,
                    )?,
                };
                input.settle(feed).map_err(error)?;
                status
            };
            outcome.handlers_run += 1;
            if status != 0 {
                outcome.status = status;
                break;
            }
        }
        Ok(outcome)
    }

    fn run_legacy(
        &self,
        plugin: &Plugin,
        trigger: &str,
        cmd: &Cmd,
        stdin: Stdio,
        mode: StdoutMode,
        captured: &mut Vec<u8>,
    ) -> Result<i32, TriggerError> {
        let error = |message: String| TriggerError::Handler {
            plugin: plugin.name.clone(),
            trigger: trigger.to_string(),
            message,
        };
        let stdout = match mode {
            StdoutMode::Inherit => Stdio::inherit(),
            StdoutMode::Capture => Stdio::piped(),
        };
        let mut child = cmd
            .spawn(stdin, stdout, Stdio::inherit())
            .map_err(|e| error(e.to_string()))?;
        if let Some(mut out) = child.stdout.take() {
            out.read_to_end(captured)
                .map_err(|e| error(e.to_string()))?;
        }
        let status = child.wait().map_err(|e| error(e.to_string()))?;
        Ok(exit_code(status))
    }

    /// [`Self::run_legacy`] under a time limit. The hook leads its own process group;
    /// one thread waits for it and another (when captured) reads its stdout, so no
    /// pipe can block us past the limit. At the limit the group and the groups of
    /// everything it started are ended (`SIGTERM`, then `SIGKILL` after
    /// [`KILL_GRACE`]). With stdout captured, the hook is done when it has exited
    /// *and* its output is closed: a child left holding the pipe counts as the hook.
    fn run_limited(
        &self,
        plugin: &Plugin,
        trigger: &str,
        cmd: Cmd,
        (stdin, mode): (Stdio, StdoutMode),
        captured: &mut Vec<u8>,
        limit: Duration,
    ) -> Result<i32, TriggerError> {
        let error = |message: String| TriggerError::Handler {
            plugin: plugin.name.clone(),
            trigger: trigger.to_string(),
            message,
        };
        let stdout = match mode {
            StdoutMode::Inherit => Stdio::inherit(),
            StdoutMode::Capture => Stdio::piped(),
        };
        let deadline = Instant::now() + limit;
        let mut child = cmd
            .own_process_group()
            .spawn(stdin, stdout, Stdio::inherit())
            .map_err(|e| error(e.to_string()))?;
        let group = ProcessGroup::led_by(child.id());
        // Returned to us when dropped, on every path out of here.
        let _terminal = Foreground::lend(group);
        let (tx, rx) = mpsc::channel();
        let mut output_open = false;
        if let Some(mut out) = child.stdout.take() {
            output_open = true;
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let read = out.read_to_end(&mut buf).map(|_| buf);
                let _ = tx.send(Watch::Output(read));
            });
        }
        std::thread::spawn(move || {
            let _ = tx.send(Watch::Exited(child.wait()));
        });
        let mut status = None;
        while status.is_none() || output_open {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Watch::Exited(exited)) => {
                    status = Some(exited.map_err(|e| error(e.to_string()))?);
                }
                Ok(Watch::Output(read)) => {
                    captured.extend(read.map_err(|e| error(e.to_string()))?);
                    output_open = false;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    group.end(KILL_GRACE);
                    // Let the waiter reap the leader; a reader still blocked (a
                    // process that left the group holds the pipe) is left behind.
                    let until = Instant::now() + KILL_GRACE;
                    while let Ok(watch) =
                        rx.recv_timeout(until.saturating_duration_since(Instant::now()))
                    {
                        if matches!(watch, Watch::Exited(_)) {
                            break;
                        }
                    }
                    return Err(TriggerError::TimedOut {
                        plugin: plugin.name.clone(),
                        trigger: trigger.to_string(),
                        limit,
                    });
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(error("lost track of the hook".to_string()));
                }
            }
        }
        Ok(status.map(exit_code).unwrap_or(1))
    }

    fn trace(&self, line: &str) {
        if let Some(on_trace) = self.on_trace {
            on_trace(line);
        }
    }
}

/// A process status as a shell reports it: the code, or 128 + the signal.
pub fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

// plugn itself writes this warning to stderr; the bus is the plugn of this project.
#[allow(clippy::print_stderr)]
fn eprintln_warning(msg: &str) {
    eprintln!("{msg}");
}

/// Whether `path` is neither a `#!` script nor an ELF binary, so that execve would
/// refuse it and bash would run it as a script.
fn needs_shell(path: &std::path::Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 4];
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let n = file.read(&mut head).unwrap_or(0);
    !(head[..n].starts_with(b"#!") || head[..n].starts_with(b"\x7fELF"))
}

#[cfg(test)]
mod tests;
