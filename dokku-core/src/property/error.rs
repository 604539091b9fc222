//! `PropertyError`: everything the property store can refuse or fail at.

use std::io;
use std::path::PathBuf;

/// An error from the property store.
///
/// The messages of the variants Dokku also has are Dokku's own text, because bash plugins
/// match on them (`Index not found`, `Property not found, nothing was removed`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PropertyError {
    /// A plugin, app or property name cannot be used as a path component.
    #[error("Invalid {kind} name for a property: '{name}'")]
    InvalidName {
        /// Which part was bad: `plugin`, `app` or `property`.
        kind: &'static str,
        /// The rejected name.
        name: String,
    },

    /// `lindex` asked for a position past the end of the list.
    #[error("Index not found")]
    IndexNotFound {
        /// The property that was read.
        property: String,
        /// The 0-based index asked for.
        index: usize,
    },

    /// `lrem` / `lrem-by-prefix` matched no entry (or the list does not exist).
    #[error("Property not found, nothing was removed")]
    NothingRemoved {
        /// The property that was searched.
        property: String,
        /// The value (or prefix) that matched nothing.
        value: String,
    },

    /// The app's property path exists but is not a directory.
    #[error("Specified property path is not a directory: {path}")]
    NotADirectory {
        /// The offending path.
        path: PathBuf,
    },

    /// A property file does not hold UTF-8 text.
    #[error("Unable to read {plugin} property {app}.{property}: not valid UTF-8")]
    NotUtf8 {
        /// Plugin owning the property.
        plugin: String,
        /// App (or `--global`).
        app: String,
        /// Property name.
        property: String,
    },

    /// A map property does not hold a JSON object of strings.
    #[error("Unable to parse {plugin} map property {app}.{property}: {source}")]
    InvalidMap {
        /// Plugin owning the property.
        plugin: String,
        /// App (or `--global`).
        app: String,
        /// Property name.
        property: String,
        /// What the JSON parser said.
        #[source]
        source: serde_json::Error,
    },

    /// A filesystem operation failed.
    #[error("Unable to {action} {path}: {source}")]
    Io {
        /// What was being done (`read`, `write`, `remove`, `create directory`, `lock`, ...).
        action: &'static str,
        /// The path acted on.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl PropertyError {
    /// Builds a closure that wraps an `io::Error` with the action and path, for `map_err`.
    pub(crate) fn io(
        action: &'static str,
        path: &std::path::Path,
    ) -> impl FnOnce(io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| Self::Io {
            action,
            path,
            source,
        }
    }
}
