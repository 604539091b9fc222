//! Dokku's log-line family: exact prefixes, the stream each goes to, and which lines
//! `--quiet` suppresses.
//!
//! The library builds lines; callers write them (the CLI through its printer, the bash
//! library with `printf`). The integration tests compare both byte for byte.

/// Where a log line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
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
    pub fn prefix(self) -> &'static str {
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
    pub fn stream(self) -> Stream {
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

    /// Whether the line is dropped when `DOKKU_QUIET_OUTPUT` is set.
    pub fn suppressed_when_quiet(self) -> bool {
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
    if level == Level::Debug && !trace {
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
    }
}
