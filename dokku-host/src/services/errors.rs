//! The core's errors as [`HostError`]s: the kind a plugin can act on (a missing app,
//! arguments it got wrong, anything else) and Dokku's message, on one line. Nothing
//! here prints: the plugin decides what to do with the error, and the host prints it
//! once if the plugin returns it.

use dokku_core::app::{self, AppError, AppName, NameRule};
use dokku_core::config::ConfigError;
use dokku_core::deploy::DeployError;
use dokku_core::property::PropertyError;
use dokku_plugin_sdk::{ErrorKind, HostError};
use dokku_protocol::exit::APP_NOT_FOUND_EXIT;

use crate::command_error::CommandError;
use crate::context::Context;

/// The message on one line: the lines of a multi-line message joined with `; `.
pub(super) fn one_line(err: HostError) -> HostError {
    if !err.message().contains('\n') {
        return err;
    }
    let text = err
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    HostError::from_raw(err.raw_kind(), text)
}

/// An app name error: `AppNotFound` for a missing app, `InvalidArguments` for a bad
/// or missing name, each with Dokku's message.
pub(super) fn app(err: AppError) -> HostError {
    match err {
        AppError::NotFound { app } => HostError::app_not_found(&app),
        AppError::InvalidName(e) => HostError::invalid_arguments(e.to_string()),
        other => HostError::failed(other.to_string()),
    }
}

/// `verify_app_name`: the app must exist.
pub(super) fn existing_app(ctx: &Context, name: &str) -> Result<AppName, HostError> {
    app::verify(&ctx.layout.dokku_root, name).map_err(app)
}

/// `is_valid_app_name`: the name must follow the rule; the app need not exist.
pub(super) fn valid_app_name(name: &str) -> Result<(), HostError> {
    app::name::check(name, NameRule::Current)
        .map_err(|e| HostError::invalid_arguments(e.to_string()))
}

/// A command helper's error: exit 20 is a missing app, anything else a failure; the
/// message is kept as it is (its `hint:` is for a person at a terminal, not here).
pub(super) fn command(err: CommandError) -> HostError {
    let message = err
        .message
        .unwrap_or_else(|| format!("failed with exit status {}", err.code));
    match err.code {
        APP_NOT_FOUND_EXIT => HostError::new(ErrorKind::AppNotFound, message),
        _ => HostError::failed(message),
    }
}

/// A pipeline error; one that was already reported by a trigger handler carries only
/// its exit status.
pub(super) fn deploy(err: DeployError, what: &str) -> HostError {
    match err {
        DeployError::Exit { code } => {
            HostError::failed(format!("{what} failed with exit status {code}"))
        }
        other => HostError::failed(other.to_string()),
    }
}

/// A property store error: bad names and indexes are the caller's arguments.
pub(super) fn property(err: PropertyError) -> HostError {
    match err {
        PropertyError::InvalidName { .. } | PropertyError::IndexNotFound { .. } => {
            HostError::invalid_arguments(err.to_string())
        }
        other => HostError::failed(other.to_string()),
    }
}

/// A config error: bad keys, pairs and values are the caller's arguments.
pub(super) fn config(err: ConfigError) -> HostError {
    match err {
        ConfigError::InvalidKey { .. }
        | ConfigError::InvalidPair { .. }
        | ConfigError::NoPairs
        | ConfigError::NoKeys
        | ConfigError::InvalidBase64 { .. }
        | ConfigError::EncodedNotUtf8 { .. }
        | ConfigError::InvalidApp { .. } => HostError::invalid_arguments(err.to_string()),
        other => HostError::failed(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_messages_become_one_line_and_keep_their_kind() {
        let err = one_line(HostError::invalid_arguments(
            "nginx -t failed:\n  line 1\n\n  line 2\n",
        ));
        assert_eq!(err.kind(), ErrorKind::InvalidArguments);
        assert_eq!(err.message(), "nginx -t failed:; line 1; line 2");
    }

    #[test]
    fn kinds_follow_what_the_plugin_can_act_on() {
        assert_eq!(
            config(ConfigError::InvalidKey { key: "1X".into() }).kind(),
            ErrorKind::InvalidArguments
        );
        let missing = app(AppError::NotFound {
            app: "ghost".into(),
        });
        assert_eq!(
            (missing.kind(), missing.message()),
            (ErrorKind::AppNotFound, "App ghost does not exist")
        );
        let not_removed = property(PropertyError::NothingRemoved {
            property: "p".into(),
            value: "v".into(),
        });
        assert_eq!(
            (not_removed.kind(), not_removed.message()),
            (ErrorKind::Failed, "Property not found, nothing was removed")
        );
        let gone = command(CommandError::with_code("App x does not exist", 20));
        assert_eq!(gone.kind(), ErrorKind::AppNotFound);
        assert_eq!(gone.message(), "App x does not exist");
    }
}
