//! `ConfigError`: everything the config plugin's core can refuse or fail at.

use std::io;
use std::path::{Path, PathBuf};

use super::envfile::ParseError;

/// An error from config var handling.
///
/// Where Dokku has a message for the same failure, the text is Dokku's (the CLI prints
/// it as ` !     <message>`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A key does not match `^[a-zA-Z_][a-zA-Z0-9_]*$`.
    #[error("Invalid key name: '{key}'")]
    InvalidKey {
        /// The rejected key.
        key: String,
    },

    /// A `config:set` argument has no `=`.
    #[error("Invalid env pair: {pair}")]
    InvalidPair {
        /// The argument as given.
        pair: String,
    },

    /// `config:set` was given no pairs.
    #[error("At least one env pair must be given")]
    NoPairs,

    /// `config:unset` was given no keys.
    #[error("At least one key must be given")]
    NoKeys,

    /// A `--encoded` value is not standard base64; `offset` is Go's byte offset.
    #[error("illegal base64 data at input byte {offset} for key '{key}'")]
    InvalidBase64 {
        /// The key whose value failed to decode.
        key: String,
        /// Offset of the offending input byte, as Go's `CorruptInputError` reports it.
        offset: usize,
    },

    /// A `--encoded` value decodes to bytes that are not UTF-8 (Go would store them
    /// as-is; we keep config text-only).
    #[error("decoded value for key '{key}' is not valid UTF-8")]
    EncodedNotUtf8 {
        /// The key whose value failed to decode.
        key: String,
    },

    /// `config:export --format` named no known format.
    #[error("Unknown export format: {format}")]
    UnknownFormat {
        /// The format as given.
        format: String,
    },

    /// The config was saved, but the restart that should apply it failed; the
    /// release that was live keeps serving.
    #[error("Failure while restarting app: {reason}")]
    RestartFailed {
        /// `exit status N`, or why the trigger could not run.
        reason: String,
    },

    /// `config:import` found nothing to set.
    #[error("No config vars to set")]
    NothingToImport,

    /// `config:import --format` named neither `envfile` nor `json`.
    #[error("Unknown format: {format}")]
    UnknownImportFormat {
        /// The format as given.
        format: String,
    },

    /// `config:import` input does not parse in the format given.
    #[error("Unable to parse config vars: {message}")]
    ImportParse {
        /// The parser's complaint.
        message: String,
    },

    /// The config plugin's property directory could not be set up or removed.
    #[error("{message}")]
    Property {
        /// The property store's error.
        message: String,
    },

    /// An app name cannot be used as a directory under `config/`.
    #[error("Invalid app name for config: '{app}'")]
    InvalidApp {
        /// The rejected name.
        app: String,
    },

    /// An ENV file is not in godotenv syntax. (Dokku ignores this and treats the file as
    /// empty, so its next write silently wipes the file; we refuse instead.)
    #[error("Unable to parse {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// godotenv's complaint.
        #[source]
        source: ParseError,
    },

    /// An ENV file is not UTF-8.
    #[error("Unable to read {path}: not valid UTF-8")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },

    /// A filesystem operation failed.
    #[error("Unable to {action} {path}: {source}")]
    Io {
        /// What was being done (`read`, `write`, `lock`, `create directory`).
        action: &'static str,
        /// The path acted on.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl ConfigError {
    /// Builds a closure that wraps an `io::Error` with the action and path, for `map_err`.
    pub(crate) fn io(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| Self::Io {
            action,
            path,
            source,
        }
    }
}
