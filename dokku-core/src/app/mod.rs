//! Apps: name rules, existence and listing.
//!
//! An app exists iff `$DOKKU_ROOT/<app>` is a directory; that is Dokku's rule and the
//! only state needed to answer `apps:exists`. One addition is ours: a directory that
//! holds the [`pending::MARKER`] of an unfinished `apps:create` or `apps:rename` is
//! not an app (yet, or any more).

pub mod install;
pub mod lifecycle;
pub mod name;
pub mod pending;
pub mod report;
pub mod transfer;
pub mod visible;

pub use name::{AppName, AppNameError, NameRule};

use std::path::Path;

use thiserror::Error;

/// Why an app cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AppError {
    /// The name breaks the naming rule.
    #[error(transparent)]
    InvalidName(#[from] AppNameError),
    /// No such app (`verify_app_name` exits 20 with this).
    #[error("App {app} does not exist")]
    NotFound {
        /// The name asked for.
        app: String,
    },
    /// There are no apps at all.
    #[error("You haven't deployed any applications yet")]
    NoApps,
    /// The app has a deploy lock (`apps:lock`, or a deploy in progress), so it may not
    /// be destroyed or renamed.
    #[error("App {app} is locked: a deploy may be in progress")]
    Locked {
        /// The app.
        app: String,
    },
}

impl AppError {
    /// Dokku's exit code for this error: 20 for a missing app, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::NotFound { .. } => dokku_protocol::exit::APP_NOT_FOUND_EXIT,
            _ => dokku_protocol::exit::FAIL_EXIT,
        }
    }
}

/// Whether `name` is an existing app under `dokku_root`: valid by the new or the
/// legacy rule, and a directory not marked as unfinished ([`pending`]).
pub fn verify(dokku_root: &Path, name: &str) -> Result<AppName, AppError> {
    let app = AppName::parse_existing(name)?;
    let dir = dokku_root.join(app.as_str());
    if dir.is_dir() && !pending::is_hidden(&dir) {
        Ok(app)
    } else {
        Err(AppError::NotFound {
            app: name.to_string(),
        })
    }
}

/// Every app under `dokku_root`, sorted: directories (symlinks followed) whose name
/// does not start with `.` or an uppercase letter (Dokku's `UnfilteredDokkuApps`),
/// and that are not marked as unfinished ([`pending`]).
pub fn list(dokku_root: &Path) -> std::io::Result<Vec<String>> {
    let mut apps = Vec::new();
    let entries = match std::fs::read_dir(dokku_root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(apps),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let first = name.chars().next().unwrap_or('.');
        if first == '.' || first.is_ascii_uppercase() {
            continue;
        }
        // `is_dir` on the path follows symlinks, as Dokku's test does.
        if entry.path().is_dir() && !pending::is_hidden(&entry.path()) {
            apps.push(name);
        }
    }
    apps.sort();
    Ok(apps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_skips_dot_and_uppercase_and_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        for d in ["b", "a", ".ssh", "Upper"] {
            std::fs::create_dir(dir.path().join(d)).expect("mkdir");
        }
        std::fs::write(dir.path().join("VHOST"), "x").expect("write");
        std::fs::write(dir.path().join("file"), "x").expect("write");
        assert_eq!(list(dir.path()).expect("list"), vec!["a", "b"]);
    }

    #[test]
    fn verify_missing_app_is_exit_20() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = verify(dir.path(), "nope").expect_err("missing");
        assert_eq!(err.to_string(), "App nope does not exist");
        assert_eq!(err.exit_code(), 20);
    }
}
