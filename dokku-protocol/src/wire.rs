//! The numbers that travel between `dokku` and a native plugin library for a stream and a
//! log level.
//!
//! They are part of the frozen plugin ABI 1: `dokku_plugin_sdk::abi::stream` and
//! `dokku_plugin_sdk::abi::log_level` re-export these modules, and the SDK's ABI tests
//! pin every value. Never change or reuse a number; a new level is a new number, which a
//! host that does not know it prints like [`log_level::STDERR`].

/// Output stream numbers (`HostObj::write` in the SDK's ABI).
pub mod stream {
    /// The command's standard output.
    pub const STDOUT: u8 = 1;
    /// The command's standard error.
    pub const STDERR: u8 = 2;
}

/// Log level numbers (`HostObj::log` in the SDK's ABI); the host formats and routes each
/// one like Dokku's `dokku_log_*` helpers (see [`crate::log::Level`]).
///
/// ABI 1 has no numbers for `dokku_log_fail`, `dokku_log_fail_quiet` and Go's `Log`: a
/// plugin fails by returning an error, and writes plain output with `write`.
pub mod log_level {
    /// `dokku_log_info1`: `-----> msg` on stdout.
    pub const INFO1: u8 = 1;
    /// `dokku_log_info1_quiet`: as `INFO1`, suppressed in quiet mode.
    pub const INFO1_QUIET: u8 = 2;
    /// `dokku_log_info2`: `=====> msg` on stdout.
    pub const INFO2: u8 = 3;
    /// `dokku_log_info2_quiet`: as `INFO2`, suppressed in quiet mode.
    pub const INFO2_QUIET: u8 = 4;
    /// `dokku_log_verbose`: seven spaces then msg, on stdout.
    pub const VERBOSE: u8 = 5;
    /// `dokku_log_verbose_quiet`: as `VERBOSE`, suppressed in quiet mode.
    pub const VERBOSE_QUIET: u8 = 6;
    /// `dokku_log_exclaim`: ` !     msg` on stdout.
    pub const EXCLAIM: u8 = 7;
    /// `dokku_log_exclaim_quiet`: as `EXCLAIM`, suppressed in quiet mode.
    pub const EXCLAIM_QUIET: u8 = 8;
    /// `dokku_log_warn`: ` !     msg` on stderr.
    pub const WARN: u8 = 9;
    /// `dokku_log_warn_quiet`: as `WARN`, suppressed in quiet mode.
    pub const WARN_QUIET: u8 = 10;
    /// `dokku_log_stderr`: the raw message on stderr.
    pub const STDERR: u8 = 11;
    /// `dokku_log_quiet`: the raw message on stdout, suppressed in quiet mode.
    pub const QUIET: u8 = 12;
    /// Go's `LogDebug`: ` ?     msg` on stderr, only with `--trace`.
    pub const DEBUG: u8 = 13;
}
