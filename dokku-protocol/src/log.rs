//! Dokku's log-line family: exact prefixes, the stream each goes to, and which lines
//! `--quiet` and `--trace` drop.
//!
//! The library builds lines; callers write them (the CLI through its printer, the bash
//! library with `printf`, a native plugin's host through the SDK). The integration tests
//! compare them byte for byte. Re-exported as `dokku_core::log`; the SDK's `LogLevel`
//! takes its rules from [`Level`] (see the crate docs for why it is a type of its own).

use crate::wire;

/// An output stream of the command being run: where a log line or a plugin's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stream {
    /// Standard output: command data.
    Stdout,
    /// Standard error: warnings and errors.
    Stderr,
}

impl Stream {
    /// The number that travels across the plugin ABI ([`wire::stream`]).
    pub const fn code(self) -> u8 {
        match self {
            Stream::Stdout => wire::stream::STDOUT,
            Stream::Stderr => wire::stream::STDERR,
        }
    }

    /// Reads a number from the plugin ABI; anything but stdout goes to stderr.
    pub const fn from_code(code: u8) -> Self {
        match code {
            wire::stream::STDOUT => Stream::Stdout,
            _ => Stream::Stderr,
        }
    }
}

/// One member of the `dokku_log_*` family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Level {
    /// `dokku_log_info1`: `-----> msg` on stdout.
    Info1,
    /// `dokku_log_info1_quiet`.
    Info1Quiet,
    /// `dokku_log_info2`: `=====> msg` on stdout.
    Info2,
    /// `dokku_log_info2_quiet`.
    Info2Quiet,
    /// `dokku_log_verbose`: seven spaces then msg, on stdout.
    Verbose,
    /// `dokku_log_verbose_quiet`.
    VerboseQuiet,
    /// `dokku_log_exclaim`: ` !     msg` on **stdout**.
    Exclaim,
    /// `dokku_log_exclaim_quiet`.
    ExclaimQuiet,
    /// `dokku_log_warn`: ` !     msg` on stderr.
    Warn,
    /// `dokku_log_warn_quiet`.
    WarnQuiet,
    /// `dokku_log_fail`: ` !     msg` on stderr (the caller then exits non-zero).
    Fail,
    /// `dokku_log_fail_quiet`: as [`Level::Fail`], message suppressed when quiet.
    FailQuiet,
    /// `dokku_log_stderr`: the raw message on stderr.
    Stderr,
    /// `dokku_log_quiet`: the raw message on stdout, suppressed when quiet.
    Quiet,
    /// Go's `Log`: the raw message on stdout.
    Plain,
    /// Go's `LogDebug`: ` ?     msg` on stderr, only when tracing.
    Debug,
}

impl Level {
    /// The prefix put before the message.
    pub const fn prefix(self) -> &'static str {
        match self {
            Level::Info1 | Level::Info1Quiet => "-----> ",
            Level::Info2 | Level::Info2Quiet => "=====> ",
            Level::Verbose | Level::VerboseQuiet => "       ",
            Level::Exclaim
            | Level::ExclaimQuiet
            | Level::Warn
            | Level::WarnQuiet
            | Level::Fail
            | Level::FailQuiet => " !     ",
            Level::Debug => " ?     ",
            Level::Stderr | Level::Quiet | Level::Plain => "",
        }
    }

    /// The stream the line goes to.
    pub const fn stream(self) -> Stream {
        match self {
            Level::Warn
            | Level::WarnQuiet
            | Level::Fail
            | Level::FailQuiet
            | Level::Stderr
            | Level::Debug => Stream::Stderr,
            _ => Stream::Stdout,
        }
    }

    /// Whether the line is dropped when `DOKKU_QUIET_OUTPUT` is set (`--quiet`).
    pub const fn suppressed_when_quiet(self) -> bool {
        matches!(
            self,
            Level::Info1Quiet
                | Level::Info2Quiet
                | Level::VerboseQuiet
                | Level::ExclaimQuiet
                | Level::WarnQuiet
                | Level::FailQuiet
                | Level::Quiet
        )
    }

    /// Whether the line is shown only when tracing (`--trace`, `DOKKU_TRACE`).
    pub const fn trace_only(self) -> bool {
        matches!(self, Level::Debug)
    }

    /// Parses a level from its bash function suffix (`info1`, `warn_quiet`, ...), as
    /// used by the plugin SDK's `log` call and `dokku __core log`.
    pub fn from_name(name: &str) -> Option<Level> {
        Some(match name {
            "info1" => Level::Info1,
            "info1_quiet" => Level::Info1Quiet,
            "info2" => Level::Info2,
            "info2_quiet" => Level::Info2Quiet,
            "verbose" => Level::Verbose,
            "verbose_quiet" => Level::VerboseQuiet,
            "exclaim" => Level::Exclaim,
            "exclaim_quiet" => Level::ExclaimQuiet,
            "warn" => Level::Warn,
            "warn_quiet" => Level::WarnQuiet,
            "fail" => Level::Fail,
            "fail_quiet" => Level::FailQuiet,
            "stderr" => Level::Stderr,
            "quiet" => Level::Quiet,
            "plain" => Level::Plain,
            "debug" => Level::Debug,
            _ => return None,
        })
    }
}

/// The line for `msg` at `level`, with its trailing newline.
pub fn line(level: Level, msg: &str) -> String {
    format!("{}{}\n", level.prefix(), msg)
}

/// What to write for `msg` at `level`: `None` when quiet or tracing rules drop it.
pub fn render(level: Level, msg: &str, quiet: bool, trace: bool) -> Option<(Stream, String)> {
    if quiet && level.suppressed_when_quiet() {
        return None;
    }
    if level.trace_only() && !trace {
        return None;
    }
    Some((level.stream(), line(level, msg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_streams_match_dokku() {
        assert_eq!(
            line(Level::Info1, "Creating a..."),
            "-----> Creating a...\n"
        );
        assert_eq!(line(Level::Info2, "x"), "=====> x\n");
        assert_eq!(line(Level::Verbose, "x"), "       x\n");
        assert_eq!(line(Level::Fail, "x"), " !     x\n");
        assert_eq!(Level::Exclaim.stream(), Stream::Stdout);
        assert_eq!(Level::Warn.stream(), Stream::Stderr);
    }

    #[test]
    fn quiet_drops_only_quiet_variants() {
        assert!(render(Level::Info1Quiet, "x", true, false).is_none());
        assert!(render(Level::Info1, "x", true, false).is_some());
        assert!(render(Level::Debug, "x", false, false).is_none());
        assert!(render(Level::Debug, "x", false, true).is_some());
        assert!(render(Level::FailQuiet, "x", true, false).is_none());
        assert!(Level::Debug.trace_only() && !Level::Warn.trace_only());
    }

    #[test]
    fn streams_travel_as_their_abi_numbers() {
        assert_eq!(Stream::Stdout.code(), 1);
        assert_eq!(Stream::Stderr.code(), 2);
        for code in 0..=u8::MAX {
            let expected = if code == 1 {
                Stream::Stdout
            } else {
                Stream::Stderr
            };
            assert_eq!(Stream::from_code(code), expected);
        }
    }
}
