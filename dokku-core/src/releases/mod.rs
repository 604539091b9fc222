//! Releases (ours; Dokku has none): every deploy that changes what runs is recorded
//! as release `vN`, and any recorded release can be deployed again
//! (`releases:rollback`).
//!
//! A release is one JSON file, `$DOKKU_LIB_ROOT/data/releases/APP/vN.json` (mode
//! `0600`: it holds the app's config), written atomically. Numbers only grow: the next
//! one is the highest on disk plus one, taken under `data/releases/APP/.lock`, so two
//! deploys never record the same `vN`. A file an operator broke is skipped with a
//! warning and never stops a deploy or the list.
//!
//! - [`capture`]: what a deploy records, and when (only when the image, config or
//!   formation differ from the latest release: `ps:restart` records nothing).
//! - [`keep`]: the images of the last `keep` releases (default 5) are held from
//!   cleanup by one never-started container each.
//! - [`rollback`]: putting a release's image, config, Procfile, app.json and
//!   formation back, then deploying it through the usual path.
//! - [`watch`]: the watch window after a deploy's switch (`checks:set APP
//!   watch-window N`), which puts the previous release back when the new one dies.

pub mod capture;
pub mod keep;
pub mod rollback;
pub mod watch;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::paths::Layout;
use crate::property::{PropertyStore, GLOBAL};

/// The plugin name (data directory and properties).
pub const PLUGIN: &str = "releases";
/// Releases whose images are kept from cleanup when `keep` is not set.
pub const DEFAULT_KEEP: usize = 5;
/// The largest `keep` accepted (each kept image costs disk).
pub const MAX_KEEP: usize = 100;

/// One recorded release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// `N` of `vN`, from 1.
    pub version: u64,
    /// When it was recorded (RFC 3339, UTC).
    pub created_at: String,
    /// What made it: `deploy`, `config change`, `scale`, `rollback to vN`, ...
    pub description: String,
    /// The image id (`sha256:...`) its containers run.
    pub image_id: String,
    /// The image name it was deployed as (`dokku/APP:latest`).
    pub image: String,
    /// Where the registry plugin pushed it, when push-on-release was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_image: Option<String>,
    /// The builder that made the image (`dockerfile`, `herokuish`, ...).
    #[serde(default)]
    pub builder: String,
    /// The deployed git revision (the app's `GIT_REV`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_rev: Option<String>,
    /// The build record of the command that deployed it (`builds:info`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_id: Option<String>,
    /// Who deployed it: the ssh key name, else the local user.
    #[serde(default)]
    pub user: String,
    /// The app's own config vars (not the global ones) as deployed.
    #[serde(default)]
    pub config: BTreeMap<String, String>,
    /// Process type to container count.
    #[serde(default)]
    pub formation: BTreeMap<String, u32>,
    /// The Procfile in force, `None` when the app had none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procfile: Option<String>,
    /// The app.json in force, `None` when the app had none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_json: Option<String>,
    /// The release this one deployed again, for a rollback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_of: Option<u64>,
}

impl Release {
    /// `vN`.
    pub fn name(&self) -> String {
        format!("v{}", self.version)
    }

    /// The image id shortened as `docker images` shows it.
    pub fn short_image(&self) -> String {
        let id = self
            .image_id
            .strip_prefix("sha256:")
            .unwrap_or(&self.image_id);
        id.chars().take(12).collect()
    }
}

/// Why releases could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReleasesError {
    /// Not `vN` / `N` with N a positive number.
    #[error("Invalid release '{0}'")]
    InvalidVersion(String),
    /// No release with that number.
    #[error("No release {version} for {app}")]
    NotFound {
        /// The app.
        app: String,
        /// `vN`.
        version: String,
    },
    /// A release file that is not valid JSON of a release.
    #[error("unreadable release file {}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or dir.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> ReleasesError + '_ {
    move |source| ReleasesError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads `vN`, `V7` or `7` as a release number.
pub fn parse_version(text: &str) -> Result<u64, ReleasesError> {
    let digits = text
        .strip_prefix('v')
        .or_else(|| text.strip_prefix('V'))
        .unwrap_or(text);
    match digits.parse::<u64>() {
        Ok(n) if n > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(ReleasesError::InvalidVersion(text.to_string())),
    }
}

/// Parses one release file's text. Anything an operator may have left there (not
/// JSON, wrong types, a number that does not match the file name) is an error,
/// never a panic.
pub fn parse_release(text: &str, path: &Path) -> Result<Release, ReleasesError> {
    let release: Release = serde_json::from_str(text).map_err(|e| ReleasesError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let named = path
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| parse_version(s).ok());
    if named.is_some_and(|n| n != release.version) || release.version == 0 {
        return Err(ReleasesError::Parse {
            path: path.to_path_buf(),
            message: format!("it says version {}", release.version),
        });
    }
    Ok(release)
}

/// The releases of one app.
#[derive(Debug, Clone)]
pub struct AppReleases {
    app: String,
    dir: PathBuf,
}

impl AppReleases {
    /// The releases of `app` (a checked app name).
    pub fn new(layout: &Layout, app: &str) -> AppReleases {
        AppReleases {
            app: app.to_string(),
            dir: layout.app_data_dir(PLUGIN, app),
        }
    }

    /// `data/releases/APP`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, version: u64) -> PathBuf {
        self.dir.join(format!("v{version}.json"))
    }

    /// The exclusive lock every change of this app's releases holds.
    pub(crate) fn lock(&self) -> Result<crate::property::lock::FileLock, ReleasesError> {
        std::fs::create_dir_all(&self.dir).map_err(io_err(&self.dir))?;
        let path = self.dir.join(".lock");
        crate::property::lock::FileLock::exclusive(&path).map_err(io_err(&path))
    }

    /// Release `version`.
    pub fn read(&self, version: u64) -> Result<Release, ReleasesError> {
        let path = self.path(version);
        match std::fs::read_to_string(&path) {
            Ok(text) => parse_release(&text, &path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(ReleasesError::NotFound {
                app: self.app.clone(),
                version: format!("v{version}"),
            }),
            Err(e) => Err(io_err(&path)(e)),
        }
    }

    /// Every readable release, oldest first, and the errors of unreadable files.
    pub fn list(&self) -> Result<(Vec<Release>, Vec<ReleasesError>), ReleasesError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
            Err(e) => return Err(io_err(&self.dir)(e)),
        };
        let mut releases = Vec::new();
        let mut skipped = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(version) = name
                .strip_suffix(".json")
                .and_then(|v| v.strip_prefix('v'))
                .and_then(|v| parse_version(v).ok())
            else {
                continue;
            };
            match self.read(version) {
                Ok(release) => releases.push(release),
                Err(e) => skipped.push(e),
            }
        }
        releases.sort_by_key(|r| r.version);
        Ok((releases, skipped))
    }

    /// The newest readable release.
    pub fn latest(&self) -> Option<Release> {
        self.list().ok().and_then(|(mut all, _)| all.pop())
    }

    /// The highest number used by any file, readable or not.
    fn highest(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        name.strip_suffix(".json")
                            .and_then(|v| v.strip_prefix('v'))
                            .and_then(|v| parse_version(v).ok())
                    })
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0)
    }

    /// Records `release` as the next version (its `version` is set here) and
    /// returns it. The caller holds [`AppReleases::lock`].
    pub(crate) fn append_locked(&self, mut release: Release) -> Result<Release, ReleasesError> {
        release.version = self.highest() + 1;
        let path = self.path(release.version);
        let mut body = serde_json::to_vec_pretty(&release).map_err(|e| ReleasesError::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        body.push(b'\n');
        crate::fs::write_atomic(&path, &body, 0o600).map_err(io_err(&path))?;
        Ok(release)
    }

    /// Appends one line to the app's release event log (`events.log`), best effort.
    pub fn log_event(&self, message: &str) {
        use std::io::Write;
        let _ = std::fs::create_dir_all(&self.dir);
        let line = format!(
            "{} {}\n",
            crate::builds::rfc3339_now(),
            message.replace('\n', " ")
        );
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("events.log"))
        {
            let _ = file.write_all(line.as_bytes());
        }
    }

    /// Removes every release of the app (`post-delete`).
    pub fn remove_all(&self) -> Result<(), ReleasesError> {
        match std::fs::remove_dir_all(&self.dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_err(&self.dir)(e)),
        }
    }
}

/// `keep` (app, then global, then [`DEFAULT_KEEP`]).
pub fn keep_count(props: &PropertyStore, app: &str) -> usize {
    crate::deploy::prop_app_or_global(props, PLUGIN, app, "keep")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .map(|n| n.min(MAX_KEEP))
        .unwrap_or(DEFAULT_KEEP)
}

/// Checks a `keep` value: a whole number from 0 to [`MAX_KEEP`].
pub fn check_keep(value: &str) -> Result<usize, String> {
    match value.trim().parse::<usize>() {
        Ok(n) if n <= MAX_KEEP => Ok(n),
        _ => Err(format!(
            "Invalid keep value '{}': a whole number from 0 to {MAX_KEEP}",
            crate::text::printable(value, Some(40), "...")
        )),
    }
}

/// The `releases:report` of one app, or the global values for `--global`.
pub fn report(layout: &Layout, props: &PropertyStore, app: &str) -> crate::report::Report {
    let get = |scope: &str| {
        props
            .get(PLUGIN, scope, "keep")
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let mut report = crate::report::Report::new(PLUGIN, app);
    report
        .flag(
            "--releases-computed-keep",
            keep_count(props, app).to_string(),
        )
        .flag("--releases-global-keep", get(GLOBAL));
    if app != GLOBAL {
        let list = AppReleases::new(layout, app).list().ok();
        let all = list.map(|(all, _)| all).unwrap_or_default();
        let current = all.last().map(Release::name).unwrap_or_default();
        report
            .flag("--releases-keep", get(app))
            .flag("--releases-count", all.len().to_string())
            .flag("--releases-current", current);
    }
    report
}

#[cfg(test)]
mod tests;
