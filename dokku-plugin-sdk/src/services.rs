//! The host as a plugin sees it: output, Dokku-style logging and typed wrappers over the
//! string-named host services (`docs/contracts/host-services.md`).

use std::any::Any;
use std::io;
use std::path::Path;

use abi_stable::std_types::{RResult, RSlice, RStr};

use dokku_protocol::log::Level;

use crate::abi::{self, HostRef};
use crate::error::HostError;

/// The app argument that addresses global settings (`config:get --global`).
pub const GLOBAL: &str = "--global";

/// Host service names. Each is a string on the wire, so a new service never changes the ABI;
/// argument and answer conventions are in `docs/contracts/host-services.md`. Defined in
/// [`dokku_protocol::service`], which `dokku` answers from.
pub use dokku_protocol::service;

/// An output stream of the command being run; the same type as `dokku_core::log::Stream`
/// (defined in [`dokku_protocol::log`]).
pub use dokku_protocol::log::Stream;

/// Dokku's log levels (`dokku_log_*` in bash, `Log*` in Go); see
/// `dokku-core-behaviour.md` §4.1 for the exact strings.
///
/// The prefixes, streams and quiet and trace rules are those of `dokku_core::log::Level`,
/// defined once in [`dokku_protocol::log::Level`]. This type stays separate because it is
/// part of ABI 1: it has no `fail` levels (a plugin fails by returning an error) and keeps
/// an unknown level number as [`LogLevel::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogLevel {
    /// `-----> msg` on stdout.
    Info1,
    /// `-----> msg` on stdout, suppressed in quiet mode.
    Info1Quiet,
    /// `=====> msg` on stdout.
    Info2,
    /// `=====> msg` on stdout, suppressed in quiet mode.
    Info2Quiet,
    /// Seven spaces then msg, on stdout.
    Verbose,
    /// Seven spaces then msg, on stdout, suppressed in quiet mode.
    VerboseQuiet,
    /// ` !     msg` on stdout.
    Exclaim,
    /// ` !     msg` on stdout, suppressed in quiet mode.
    ExclaimQuiet,
    /// ` !     msg` on stderr.
    Warn,
    /// ` !     msg` on stderr, suppressed in quiet mode.
    WarnQuiet,
    /// The raw message on stderr.
    Stderr,
    /// The raw message on stdout, suppressed in quiet mode.
    Quiet,
    /// ` ?     msg` on stderr, only with `--trace` (`DOKKU_TRACE=1`).
    Debug,
    /// A level number this SDK does not know (sent by a newer plugin); hosts print it like
    /// [`LogLevel::Stderr`].
    Other(u8),
}

impl LogLevel {
    /// The number that travels across the ABI.
    pub const fn code(self) -> u8 {
        use abi::log_level as l;
        match self {
            LogLevel::Info1 => l::INFO1,
            LogLevel::Info1Quiet => l::INFO1_QUIET,
            LogLevel::Info2 => l::INFO2,
            LogLevel::Info2Quiet => l::INFO2_QUIET,
            LogLevel::Verbose => l::VERBOSE,
            LogLevel::VerboseQuiet => l::VERBOSE_QUIET,
            LogLevel::Exclaim => l::EXCLAIM,
            LogLevel::ExclaimQuiet => l::EXCLAIM_QUIET,
            LogLevel::Warn => l::WARN,
            LogLevel::WarnQuiet => l::WARN_QUIET,
            LogLevel::Stderr => l::STDERR,
            LogLevel::Quiet => l::QUIET,
            LogLevel::Debug => l::DEBUG,
            LogLevel::Other(code) => code,
        }
    }

    /// Reads a number from the ABI.
    pub const fn from_code(code: u8) -> Self {
        use abi::log_level as l;
        match code {
            l::INFO1 => LogLevel::Info1,
            l::INFO1_QUIET => LogLevel::Info1Quiet,
            l::INFO2 => LogLevel::Info2,
            l::INFO2_QUIET => LogLevel::Info2Quiet,
            l::VERBOSE => LogLevel::Verbose,
            l::VERBOSE_QUIET => LogLevel::VerboseQuiet,
            l::EXCLAIM => LogLevel::Exclaim,
            l::EXCLAIM_QUIET => LogLevel::ExclaimQuiet,
            l::WARN => LogLevel::Warn,
            l::WARN_QUIET => LogLevel::WarnQuiet,
            l::STDERR => LogLevel::Stderr,
            l::QUIET => LogLevel::Quiet,
            l::DEBUG => LogLevel::Debug,
            other => LogLevel::Other(other),
        }
    }

    /// The level of Dokku's log family with the same rules (prefix, stream, quiet and
    /// trace); `None` for [`LogLevel::Other`].
    const fn rules(self) -> Option<Level> {
        Some(match self {
            LogLevel::Info1 => Level::Info1,
            LogLevel::Info1Quiet => Level::Info1Quiet,
            LogLevel::Info2 => Level::Info2,
            LogLevel::Info2Quiet => Level::Info2Quiet,
            LogLevel::Verbose => Level::Verbose,
            LogLevel::VerboseQuiet => Level::VerboseQuiet,
            LogLevel::Exclaim => Level::Exclaim,
            LogLevel::ExclaimQuiet => Level::ExclaimQuiet,
            LogLevel::Warn => Level::Warn,
            LogLevel::WarnQuiet => Level::WarnQuiet,
            LogLevel::Stderr => Level::Stderr,
            LogLevel::Quiet => Level::Quiet,
            LogLevel::Debug => Level::Debug,
            LogLevel::Other(_) => return None,
        })
    }

    /// The prefix Dokku prints before the message.
    pub const fn prefix(self) -> &'static str {
        match self.rules() {
            Some(level) => level.prefix(),
            None => "",
        }
    }

    /// The stream Dokku prints this level on.
    pub const fn stream(self) -> Stream {
        match self.rules() {
            Some(level) => level.stream(),
            None => Stream::Stderr,
        }
    }

    /// Whether quiet mode (`--quiet`, `DOKKU_QUIET_OUTPUT`) suppresses this level.
    pub const fn suppressed_when_quiet(self) -> bool {
        match self.rules() {
            Some(level) => level.suppressed_when_quiet(),
            None => false,
        }
    }

    /// Whether this level is shown only with `--trace`.
    pub const fn trace_only(self) -> bool {
        match self.rules() {
            Some(level) => level.trace_only(),
            None => false,
        }
    }

    /// The line Dokku prints for `msg` at this level, newline included.
    pub fn format(self, msg: &str) -> String {
        format!("{}{msg}\n", self.prefix())
    }
}

/// Whether `config_set` / `config_unset` restart the app (Dokku's `--no-restart`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Restart {
    /// Restart the app if it is deployed (Dokku's default).
    #[default]
    Yes,
    /// Do not restart (`--no-restart`).
    No,
}

/// The outcome of [`Host::trigger_capture`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerOutput {
    /// The exit status of the trigger chain (first failure stops it, like plugn).
    pub status: i32,
    /// Everything the handlers wrote to stdout.
    pub stdout: String,
}

/// The host during one command or trigger call: output, logging and host services.
///
/// Every service method is a thin wrapper over [`Host::call`]; a service this dokku does
/// not provide answers an [`crate::ErrorKind::UnsupportedService`] error instead of
/// crashing, so a plugin can degrade gracefully on an older dokku.
pub struct Host<'a> {
    obj: HostRef<'a>,
    /// The host's own object, for plugins linked into the `dokku` binary (see
    /// [`Host::linked`]); `None` across the library boundary.
    linked: Option<&'a (dyn Any + Sync)>,
}

impl<'a> Host<'a> {
    pub(crate) fn new(obj: HostRef<'a>, linked: Option<&'a (dyn Any + Sync)>) -> Self {
        Host { obj, linked }
    }

    /// The host's own object, for a plugin that is linked into the `dokku` binary (Dokku's
    /// core plugins): they may call the host's library directly instead of through named
    /// services. Always `None` for a plugin loaded from a library, where no Rust type
    /// crosses the ABI; such a plugin uses the services below.
    pub fn linked<T: Any>(&self) -> Option<&'a T> {
        self.linked
            .and_then(|obj| (obj as &dyn Any).downcast_ref::<T>())
    }

    // ----- output ------------------------------------------------------------------------

    /// Writes bytes to the command's stdout.
    pub fn write_stdout(&self, bytes: impl AsRef<[u8]>) {
        self.write(Stream::Stdout, bytes.as_ref());
    }

    /// Writes bytes to the command's stderr.
    pub fn write_stderr(&self, bytes: impl AsRef<[u8]>) {
        self.write(Stream::Stderr, bytes.as_ref());
    }

    /// Writes bytes to a stream.
    pub fn write(&self, stream: Stream, bytes: &[u8]) {
        self.obj.write(stream.code(), RSlice::from_slice(bytes));
    }

    /// An [`io::Write`] for stdout, for `writeln!(host.stdout(), ...)`.
    pub fn stdout(&self) -> HostWriter<'_, 'a> {
        HostWriter {
            host: self,
            stream: Stream::Stdout,
        }
    }

    /// An [`io::Write`] for stderr.
    pub fn stderr(&self) -> HostWriter<'_, 'a> {
        HostWriter {
            host: self,
            stream: Stream::Stderr,
        }
    }

    // ----- logging -----------------------------------------------------------------------

    /// Logs at any level; the host formats, routes and filters it.
    pub fn log(&self, level: LogLevel, msg: &str) {
        self.obj.log(level.code(), RStr::from_str(msg));
    }

    /// `dokku_log_info1`: `-----> msg`.
    pub fn log_info1(&self, msg: &str) {
        self.log(LogLevel::Info1, msg);
    }

    /// `dokku_log_info1_quiet`.
    pub fn log_info1_quiet(&self, msg: &str) {
        self.log(LogLevel::Info1Quiet, msg);
    }

    /// `dokku_log_info2`: `=====> msg`.
    pub fn log_info2(&self, msg: &str) {
        self.log(LogLevel::Info2, msg);
    }

    /// `dokku_log_info2_quiet`.
    pub fn log_info2_quiet(&self, msg: &str) {
        self.log(LogLevel::Info2Quiet, msg);
    }

    /// `dokku_log_verbose`: seven spaces then msg.
    pub fn log_verbose(&self, msg: &str) {
        self.log(LogLevel::Verbose, msg);
    }

    /// `dokku_log_verbose_quiet`.
    pub fn log_verbose_quiet(&self, msg: &str) {
        self.log(LogLevel::VerboseQuiet, msg);
    }

    /// `dokku_log_exclaim`: ` !     msg` on stdout.
    pub fn log_exclaim(&self, msg: &str) {
        self.log(LogLevel::Exclaim, msg);
    }

    /// `dokku_log_warn`: ` !     msg` on stderr.
    pub fn log_warn(&self, msg: &str) {
        self.log(LogLevel::Warn, msg);
    }

    /// `dokku_log_warn_quiet`.
    pub fn log_warn_quiet(&self, msg: &str) {
        self.log(LogLevel::WarnQuiet, msg);
    }

    /// `dokku_log_stderr`: the raw message on stderr.
    pub fn log_stderr(&self, msg: &str) {
        self.log(LogLevel::Stderr, msg);
    }

    /// `dokku_log_quiet`: the raw message on stdout unless quiet.
    pub fn log_quiet(&self, msg: &str) {
        self.log(LogLevel::Quiet, msg);
    }

    /// `LogDebug`: ` ?     msg`, only with `--trace`.
    pub fn log_debug(&self, msg: &str) {
        self.log(LogLevel::Debug, msg);
    }

    // ----- host information --------------------------------------------------------------

    /// The version of the `dokku` running the plugin.
    pub fn host_version(&self) -> String {
        self.obj.host_version().into_string()
    }

    /// The service names this host answers.
    pub fn services(&self) -> Vec<String> {
        self.obj
            .services()
            .into_iter()
            .map(|s| s.into_string())
            .collect()
    }

    /// Whether this host answers `service`.
    pub fn supports(&self, service: &str) -> bool {
        self.obj.services().iter().any(|s| s.as_str() == service)
    }

    // ----- services ----------------------------------------------------------------------

    /// Calls a host service by name. Prefer the typed wrappers below.
    pub fn call(&self, service: &str, args: &[&str]) -> Result<Vec<String>, HostError> {
        let args: Vec<RStr<'_>> = args.iter().map(|a| RStr::from_str(a)).collect();
        match self
            .obj
            .call(RStr::from_str(service), RSlice::from_slice(&args))
        {
            RResult::ROk(values) => Ok(values.into_iter().map(|v| v.into_string()).collect()),
            RResult::RErr(err) => Err(err),
        }
    }

    pub(crate) fn call_one(&self, service: &str, args: &[&str]) -> Result<String, HostError> {
        let mut values = self.call(service, args)?;
        if values.len() == 1 {
            Ok(values.remove(0))
        } else {
            Err(bad_answer(service, "one value", &values))
        }
    }

    pub(crate) fn call_optional(
        &self,
        service: &str,
        args: &[&str],
    ) -> Result<Option<String>, HostError> {
        let mut values = self.call(service, args)?;
        match values.len() {
            0 => Ok(None),
            1 => Ok(Some(values.remove(0))),
            _ => Err(bad_answer(service, "zero or one value", &values)),
        }
    }

    pub(crate) fn call_unit(&self, service: &str, args: &[&str]) -> Result<(), HostError> {
        self.call(service, args).map(drop)
    }

    /// Whether the app exists (no auth filtering, no failure for a missing app).
    pub fn app_exists(&self, app: &str) -> Result<bool, HostError> {
        let answer = self.call_one(service::APP_EXISTS, &[app])?;
        Ok(answer == "true")
    }

    /// Dokku's `is_valid_app_name`: fails with an [`crate::ErrorKind::InvalidArguments`]
    /// error carrying Dokku's message when the name is empty or malformed. Does not require
    /// the app to exist.
    pub fn is_valid_app_name(&self, app: &str) -> Result<(), HostError> {
        self.call_unit(service::IS_VALID_APP_NAME, &[app])
    }

    /// Dokku's `verify_app_name`: fails with an [`crate::ErrorKind::AppNotFound`] error
    /// (`App <app> does not exist`, exit 20) when the app is missing, or an
    /// [`crate::ErrorKind::InvalidArguments`] error when the name is invalid.
    pub fn verify_app_name(&self, app: &str) -> Result<(), HostError> {
        self.call_unit(service::VERIFY_APP_NAME, &[app])
    }

    /// Dokku's `get_app_image_repo`: `dokku/<app>`.
    pub fn get_app_image_repo(&self, app: &str) -> Result<String, HostError> {
        self.call_one(service::IMAGE_REPO, &[app])
    }

    /// Dokku's `get_app_image_name APP [TAG] [REPO]`.
    pub fn get_app_image_name(
        &self,
        app: &str,
        tag: Option<&str>,
        repo: Option<&str>,
    ) -> Result<String, HostError> {
        self.call_one(service::IMAGE_NAME, &app_tag_repo(app, tag, repo))
    }

    /// Dokku's `get_deploying_app_image_name APP [TAG] [REPO]`.
    pub fn get_deploying_app_image_name(
        &self,
        app: &str,
        tag: Option<&str>,
        repo: Option<&str>,
    ) -> Result<String, HostError> {
        self.call_one(service::DEPLOYING_IMAGE_NAME, &app_tag_repo(app, tag, repo))
    }

    /// Dokku's `get_running_image_tag APP [TAG]`.
    pub fn get_running_image_tag(&self, app: &str, tag: Option<&str>) -> Result<String, HostError> {
        match tag {
            Some(tag) => self.call_one(service::RUNNING_IMAGE_TAG, &[app, tag]),
            None => self.call_one(service::RUNNING_IMAGE_TAG, &[app]),
        }
    }

    /// Dokku's `copy_from_image`: copies `src` (relative paths are inside the image's work
    /// dir) out of `image` into the host file `dst`, on behalf of `app`.
    pub fn copy_from_image(
        &self,
        app: &str,
        image: &str,
        src: &str,
        dst: &Path,
    ) -> Result<(), HostError> {
        let dst = utf8_path("copy_from_image", dst)?;
        self.call_unit(service::COPY_FROM_IMAGE, &[app, image, src, dst])
    }

    /// Dokku's `copy_dir_from_image`: copies the directory `src` (relative paths are
    /// inside the image's work dir) out of `image` into the host directory `dst`, on
    /// behalf of `app` (`""` for none).
    pub fn copy_dir_from_image(
        &self,
        app: &str,
        image: &str,
        src: &str,
        dst: &Path,
    ) -> Result<(), HostError> {
        let dst = utf8_path("copy_dir_from_image", dst)?;
        self.call_unit(service::COPY_DIR_FROM_IMAGE, &[app, image, src, dst])
    }

    /// Reads a config var of an app (or [`GLOBAL`]); `None` when unset.
    pub fn config_get(&self, app: &str, key: &str) -> Result<Option<String>, HostError> {
        self.call_optional(service::CONFIG_GET, &[app, key])
    }

    /// Sets config vars of an app (or [`GLOBAL`]), restarting it or not.
    pub fn config_set(
        &self,
        app: &str,
        pairs: &[(&str, &str)],
        restart: Restart,
    ) -> Result<(), HostError> {
        let assignments: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut args: Vec<&str> = Vec::with_capacity(pairs.len() + 2);
        if restart == Restart::No {
            args.push("--no-restart");
        }
        args.push(app);
        args.extend(assignments.iter().map(String::as_str));
        self.call_unit(service::CONFIG_SET, &args)
    }

    /// Unsets config vars of an app (or [`GLOBAL`]), restarting it or not.
    pub fn config_unset(
        &self,
        app: &str,
        keys: &[&str],
        restart: Restart,
    ) -> Result<(), HostError> {
        let mut args: Vec<&str> = Vec::with_capacity(keys.len() + 2);
        if restart == Restart::No {
            args.push("--no-restart");
        }
        args.push(app);
        args.extend_from_slice(keys);
        self.call_unit(service::CONFIG_UNSET, &args)
    }

    /// Reads a plugin property (`fn-plugin-property-get`); `None` when unset.
    pub fn property_get(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
    ) -> Result<Option<String>, HostError> {
        self.call_optional(service::PROPERTY_GET, &[plugin, app, key])
    }

    /// Writes a plugin property (`fn-plugin-property-write`).
    pub fn property_set(
        &self,
        plugin: &str,
        app: &str,
        key: &str,
        value: &str,
    ) -> Result<(), HostError> {
        self.call_unit(service::PROPERTY_SET, &[plugin, app, key, value])
    }

    /// Deletes a plugin property (`fn-plugin-property-delete`); a missing one is fine.
    pub fn property_delete(&self, plugin: &str, app: &str, key: &str) -> Result<(), HostError> {
        self.call_unit(service::PROPERTY_DELETE, &[plugin, app, key])
    }

    /// Fires a trigger on every plugin (native and legacy, in plugn order), like
    /// `plugn trigger NAME ARGS...`; the handlers' output goes to this command's output.
    /// Returns the chain's exit status (non-zero is not an error here).
    pub fn trigger(&self, name: &str, args: &[&str]) -> Result<i32, HostError> {
        let mut call_args = Vec::with_capacity(args.len() + 1);
        call_args.push(name);
        call_args.extend_from_slice(args);
        let status = self.call_one(service::TRIGGER, &call_args)?;
        parse_status(service::TRIGGER, &status)
    }

    /// Fires a trigger and captures its stdout, like `$(plugn trigger NAME ARGS...)`.
    pub fn trigger_capture(&self, name: &str, args: &[&str]) -> Result<TriggerOutput, HostError> {
        let mut call_args = Vec::with_capacity(args.len() + 1);
        call_args.push(name);
        call_args.extend_from_slice(args);
        let values = self.call(service::TRIGGER_CAPTURE, &call_args)?;
        match values.as_slice() {
            [status, stdout] => Ok(TriggerOutput {
                status: parse_status(service::TRIGGER_CAPTURE, status)?,
                stdout: stdout.clone(),
            }),
            _ => Err(bad_answer(
                service::TRIGGER_CAPTURE,
                "two values (status, stdout)",
                &values,
            )),
        }
    }
}

fn app_tag_repo<'s>(app: &'s str, tag: Option<&'s str>, repo: Option<&'s str>) -> Vec<&'s str> {
    let mut args = vec![app];
    if tag.is_some() || repo.is_some() {
        args.push(tag.unwrap_or(""));
    }
    if let Some(repo) = repo {
        args.push(repo);
    }
    args
}

pub(crate) fn parse_status(service: &str, status: &str) -> Result<i32, HostError> {
    status
        .parse()
        .map_err(|_| bad_answer(service, "an exit status", &[status.to_owned()]))
}

pub(crate) fn bad_answer(service: &str, expected: &str, got: &[String]) -> HostError {
    HostError::failed(format!(
        "host service `{service}` answered {got:?}, expected {expected}"
    ))
}

/// An [`io::Write`] over one of the host's streams (see [`Host::stdout`]).
pub struct HostWriter<'h, 'a> {
    host: &'h Host<'a>,
    stream: Stream,
}

impl io::Write for HostWriter<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.host.write(self.stream, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A path as a service argument: services travel as UTF-8 strings.
fn utf8_path<'p>(service: &str, path: &'p Path) -> Result<&'p str, HostError> {
    path.to_str().ok_or_else(|| {
        HostError::invalid_arguments(format!(
            "{service}: destination {} is not valid UTF-8",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_levels_round_trip_and_format_like_dokku() {
        for code in 0..=u8::MAX {
            assert_eq!(LogLevel::from_code(code).code(), code);
        }
        assert_eq!(LogLevel::Info1.format("Deploying"), "-----> Deploying\n");
        assert_eq!(LogLevel::Info2.format("Done"), "=====> Done\n");
        assert_eq!(LogLevel::Verbose.format("x"), "       x\n");
        assert_eq!(LogLevel::Warn.format("careful"), " !     careful\n");
        assert_eq!(LogLevel::Warn.stream(), Stream::Stderr);
        assert_eq!(LogLevel::Exclaim.stream(), Stream::Stdout);
        assert!(LogLevel::Info1Quiet.suppressed_when_quiet());
        assert!(!LogLevel::Info1.suppressed_when_quiet());
        let other = LogLevel::Other(200);
        assert_eq!(other.format("x"), "x\n");
        assert_eq!(other.stream(), Stream::Stderr);
        assert!(!other.suppressed_when_quiet() && !other.trace_only());
    }

    /// Every known level prints exactly as the core level of the same name.
    #[test]
    fn log_levels_follow_the_core_rules() {
        let names = [
            (LogLevel::Info1, "info1"),
            (LogLevel::Info1Quiet, "info1_quiet"),
            (LogLevel::Info2, "info2"),
            (LogLevel::Info2Quiet, "info2_quiet"),
            (LogLevel::Verbose, "verbose"),
            (LogLevel::VerboseQuiet, "verbose_quiet"),
            (LogLevel::Exclaim, "exclaim"),
            (LogLevel::ExclaimQuiet, "exclaim_quiet"),
            (LogLevel::Warn, "warn"),
            (LogLevel::WarnQuiet, "warn_quiet"),
            (LogLevel::Stderr, "stderr"),
            (LogLevel::Quiet, "quiet"),
            (LogLevel::Debug, "debug"),
        ];
        for (level, name) in names {
            let core = Level::from_name(name).expect("a core level");
            assert_eq!(level.rules(), Some(core));
            for (quiet, trace) in [(false, false), (true, false), (false, true)] {
                let dropped =
                    (level.suppressed_when_quiet() && quiet) || (level.trace_only() && !trace);
                let sdk = (!dropped).then(|| (level.stream(), level.format("m")));
                assert_eq!(sdk, dokku_protocol::log::render(core, "m", quiet, trace));
            }
        }
    }

    #[test]
    fn image_args_follow_dokku_positions() {
        assert_eq!(app_tag_repo("a", None, None), ["a"]);
        assert_eq!(app_tag_repo("a", Some("t"), None), ["a", "t"]);
        assert_eq!(app_tag_repo("a", None, Some("r")), ["a", "", "r"]);
    }
}
