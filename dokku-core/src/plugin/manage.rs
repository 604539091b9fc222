//! Installing, enabling, disabling, updating and removing plugins (plugn's verbs).
//!
//! Sources accepted by `install`: git URLs (`https:`, `git...`, `ssh:`, `file:`),
//! a local path to a git repository or to a plain directory, and a `.tar.gz` / `.tgz`
//! archive (local path or URL). Dokku accepts only URLs; local paths are our addition
//! because the machines this runs on may have no network.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::{check_plugin_name, Manifest};
use crate::paths::Layout;
use crate::process::Cmd;

/// A plugin-management failure, with Dokku's message where Dokku has one.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ManageError {
    /// Any refusal; the message is the line to print.
    #[error("{message}")]
    Refused {
        /// What to print.
        message: String,
        /// How to fix it, when known.
        hint: Option<String>,
        /// Exit code (Dokku exits 0 for a few "already done" cases).
        code: i32,
    },
}

impl ManageError {
    fn refused(message: impl Into<String>) -> ManageError {
        ManageError::Refused {
            message: message.into(),
            hint: None,
            code: 1,
        }
    }

    fn with_hint(message: impl Into<String>, hint: impl Into<String>) -> ManageError {
        ManageError::Refused {
            message: message.into(),
            hint: Some(hint.into()),
            code: 1,
        }
    }
}

/// One row of `plugin:list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginListing {
    /// Directory name.
    pub name: String,
    /// `[plugin] version`.
    pub version: String,
    /// Linked into `enabled/`.
    pub enabled: bool,
    /// A core plugin.
    pub core: bool,
    /// `[plugin] description`.
    pub description: String,
    /// The directory under `available/`.
    pub dir: PathBuf,
}

/// Every plugin under `$PLUGIN_PATH/available`, sorted by name.
pub fn list(layout: &Layout) -> Vec<PluginListing> {
    let available = layout.plugin_available();
    let Ok(entries) = std::fs::read_dir(&available) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter(|n| !n.starts_with('.'))
        .filter_map(|name| {
            let dir = available.join(&name);
            if !dir.is_dir() {
                return None;
            }
            let manifest = Manifest::read(&dir.join("plugin.toml")).ok().flatten();
            let (version, description) = manifest
                .map(|m| (m.plugin.version, m.plugin.description))
                .unwrap_or_default();
            Some(PluginListing {
                enabled: layout.plugin_enabled().join(&name).exists(),
                core: is_core(layout, &name),
                version,
                description,
                dir,
                name,
            })
        })
        .collect()
}

/// plugn's `list` line: `  %-20s %-5s %-10s %s`.
pub fn list_line(p: &PluginListing) -> String {
    let state = if p.enabled { "enabled" } else { "disabled" };
    format!(
        "  {:<20} {:<5} {:<10} {}",
        p.name, p.version, state, p.description
    )
}

/// Whether `name` is installed as a core plugin.
pub fn is_core(layout: &Layout, name: &str) -> bool {
    layout.core_available().join(name).exists()
}

/// Links `available/<name>` into `enabled/`.
pub fn enable(layout: &Layout, name: &str) -> Result<(), ManageError> {
    if name.is_empty() {
        return Err(ManageError::refused("Please specify a plugin to enable"));
    }
    check_plugin_name(name).map_err(ManageError::refused)?;
    let available = layout.plugin_available().join(name);
    if !available.is_dir() {
        return Err(ManageError::with_hint(
            "Plugin does not exist",
            "see `dokku plugin:list` for installed plugins",
        ));
    }
    let enabled = layout.plugin_enabled().join(name);
    if enabled.exists() {
        return Err(ManageError::refused("Plugin already enabled"));
    }
    std::fs::create_dir_all(layout.plugin_enabled()).map_err(io_err)?;
    let _ = std::fs::remove_file(&enabled); // a dangling link
    std::os::unix::fs::symlink(&available, &enabled).map_err(io_err)
}

/// Removes `enabled/<name>`.
pub fn disable(layout: &Layout, name: &str) -> Result<(), ManageError> {
    if name.is_empty() {
        return Err(ManageError::refused("Please specify a plugin to disable"));
    }
    check_plugin_name(name).map_err(ManageError::refused)?;
    if is_core(layout, name) {
        return Err(ManageError::refused("Cannot disable a core plugin"));
    }
    if !layout.plugin_available().join(name).is_dir() {
        return Err(ManageError::refused("Plugin does not exist"));
    }
    let enabled = layout.plugin_enabled().join(name);
    if std::fs::symlink_metadata(&enabled).is_err() {
        return Err(ManageError::refused("Plugin already disabled"));
    }
    std::fs::remove_file(&enabled).map_err(io_err)
}

/// The checks `plugin:uninstall` makes before firing the `uninstall` trigger.
pub fn check_uninstall(layout: &Layout, name: &str) -> Result<(), ManageError> {
    if name.is_empty() {
        return Err(ManageError::refused("Please specify a plugin to uninstall"));
    }
    check_plugin_name(name).map_err(ManageError::refused)?;
    if is_core(layout, name) {
        return Err(ManageError::refused("Cannot uninstall a core plugin"));
    }
    if !layout.plugin_available().join(name).exists() {
        return Err(ManageError::refused(format!(
            "Plugin ({name}) is not currently installed"
        )));
    }
    Ok(())
}

/// Removes `enabled/<name>` and `available/<name>`.
pub fn remove(layout: &Layout, name: &str) -> Result<(), ManageError> {
    check_plugin_name(name).map_err(ManageError::refused)?;
    let _ = std::fs::remove_file(layout.plugin_enabled().join(name));
    let available = layout.plugin_available().join(name);
    if std::fs::symlink_metadata(&available).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(&available).map_err(io_err)
    } else {
        std::fs::remove_dir_all(&available).map_err(io_err)
    }
}

/// Where an install comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Anything `git clone` takes.
    Git(String),
    /// A `.tar.gz`/`.tgz` archive, local or remote.
    Tarball(String),
    /// A local directory that is not a git repository: copied.
    Directory(PathBuf),
}

impl Source {
    /// Classifies an install argument. `None` for anything Dokku would refuse.
    pub fn parse(arg: &str) -> Option<Source> {
        if arg.ends_with(".tar.gz") || arg.ends_with(".tgz") {
            return Some(Source::Tarball(arg.to_string()));
        }
        if arg.starts_with("https:")
            || arg.starts_with("git")
            || arg.starts_with("ssh:")
            || arg.starts_with("file:")
        {
            return Some(Source::Git(arg.to_string()));
        }
        let path = Path::new(arg);
        if path.is_absolute() && path.is_dir() {
            return Some(if path.join(".git").exists() {
                Source::Git(arg.to_string())
            } else {
                Source::Directory(path.to_path_buf())
            });
        }
        None
    }

    /// The default plugin name: last path segment without `.git`, `.tar.gz`/`.tgz`
    /// and a `dokku-` prefix. (Dokku keeps `.tar.gz` in the name, a bug we do not copy.)
    pub fn default_name(arg: &str) -> String {
        let last = arg.trim_end_matches('/').rsplit('/').next().unwrap_or(arg);
        let last = last.strip_suffix(".git").unwrap_or(last);
        let last = last
            .strip_suffix(".tar.gz")
            .or_else(|| last.strip_suffix(".tgz"))
            .unwrap_or(last);
        last.strip_prefix("dokku-").unwrap_or(last).to_string()
    }
}

/// What happened on install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// Freshly installed.
    New,
    /// Already installed from the same source (plugn prints a note and succeeds).
    AlreadyInstalled,
}

/// Puts the plugin's files at `available/<name>` (plugn `install`).
pub fn fetch(layout: &Layout, source: &Source, name: &str) -> Result<Installed, ManageError> {
    check_plugin_name(name)
        .map_err(|m| ManageError::with_hint(m, "pass --name with letters, digits, '-' or '_'"))?;
    let available = layout.plugin_available();
    std::fs::create_dir_all(&available).map_err(io_err)?;
    let target = available.join(name);
    if target.exists() {
        let url = git_origin(&target);
        return match (source, url) {
            (_, None) => Err(ManageError::refused(format!(
                "{name} is already installed, but it does not seem to be a git repository"
            ))),
            (Source::Git(want), Some(have)) if &have == want => Ok(Installed::AlreadyInstalled),
            _ => Err(ManageError::refused(format!(
                "Plugin '{name}' is already installed, but with a different url. To install anyway, uninstall it first."
            ))),
        };
    }
    let result = match source {
        Source::Git(url) => git(&available, &["clone", "--quiet", url, name]).map(|_| ()),
        Source::Tarball(archive) => extract(archive, &target),
        Source::Directory(dir) => copy_dir(dir, &target),
    };
    if let Err(err) = result.and_then(|()| check_manifest(&target, name)) {
        // Nothing half-installed, and no plugin discovery would skip, is left behind.
        let _ = std::fs::remove_dir_all(&target);
        return Err(err);
    }
    Ok(Installed::New)
}

/// Refuses a plugin whose `plugin.toml` cannot be used (discovery would skip it on
/// every command). A plugin without one is a bare legacy plugin, which is fine.
fn check_manifest(dir: &Path, name: &str) -> Result<(), ManageError> {
    Manifest::read(&dir.join("plugin.toml"))
        .map(drop)
        .map_err(|err| {
            ManageError::with_hint(
                format!("Plugin {name} has an invalid plugin.toml: {err}"),
                MANIFEST_HINT,
            )
        })
}

const MANIFEST_HINT: &str = "plugin.toml must be UTF-8 TOML with a [plugin] table of string values (description, version); fix it in the plugin's source, then retry";

/// `plugn update <name> [committish]`: returns the line to print.
pub fn update(
    layout: &Layout,
    name: &str,
    committish: Option<&str>,
) -> Result<String, ManageError> {
    let dir = layout.plugin_available().join(name);
    if !dir.is_dir() {
        return Err(ManageError::refused(format!(
            "Plugin ({name}) not installed"
        )));
    }
    if !dir.join(".git").exists() {
        return Err(ManageError::Refused {
            message: format!("Plugin ({name}) not managed by git"),
            hint: None,
            code: 0,
        });
    }
    let before = Checkout::record(&dir);
    match committish {
        Some(rev) => {
            git(&dir, &["fetch", "--quiet", "--tags"])?;
            git(&dir, &["checkout", "--quiet", rev])?;
            let _ = git(&dir, &["pull", "--quiet"]);
            refuse_bad_manifest(&dir, name, before)?;
            crate::fs::write_atomic(&dir.join(".plugin_committish"), rev.as_bytes(), 0o644)
                .map_err(io_err)?;
            Ok(format!("Plugin ({name}) updated and pinned to {rev}"))
        }
        None => {
            if git(&dir, &["symbolic-ref", "-q", "HEAD"]).is_err() {
                let pinned =
                    std::fs::read_to_string(dir.join(".plugin_committish")).unwrap_or_default();
                return Ok(format!("Plugin pinned to {}", pinned.trim()));
            }
            git(&dir, &["pull", "--quiet"])?;
            refuse_bad_manifest(&dir, name, before)?;
            Ok(format!("Plugin ({name}) updated"))
        }
    }
}

/// Where a plugin's checkout was before an update: its branch (if on one) and commit.
struct Checkout {
    branch: Option<String>,
    commit: Option<String>,
}

impl Checkout {
    fn record(dir: &Path) -> Checkout {
        let read = |args: &[&str]| git(dir, args).ok().map(|s| s.trim().to_string());
        Checkout {
            branch: read(&["symbolic-ref", "-q", "--short", "HEAD"]),
            commit: read(&["rev-parse", "HEAD"]),
        }
    }

    /// Puts the checkout back where it was (best effort).
    fn restore(&self, dir: &Path) {
        let Some(commit) = &self.commit else {
            return;
        };
        if let Some(branch) = &self.branch {
            let _ = git(dir, &["checkout", "--quiet", "--force", branch]);
            let _ = git(dir, &["reset", "--quiet", "--hard", commit]);
        } else {
            let _ = git(dir, &["checkout", "--quiet", "--force", commit]);
        }
    }
}

/// After an update: a new revision whose `plugin.toml` is unusable is refused, and
/// the plugin is put back on the revision it had.
fn refuse_bad_manifest(dir: &Path, name: &str, before: Checkout) -> Result<(), ManageError> {
    let Err(err) = Manifest::read(&dir.join("plugin.toml")) else {
        return Ok(());
    };
    before.restore(dir);
    Err(ManageError::with_hint(
        format!("Plugin ({name}) not updated: its new plugin.toml is invalid: {err}"),
        "the plugin stays at its previous revision; fix plugin.toml upstream, or pin a good revision with `dokku plugin:update <name> <committish>`",
    ))
}

/// The git metadata `plugin:list --format json` shows: origin URL, HEAD, branch.
pub fn git_info(dir: &Path) -> Option<(String, String, Option<String>)> {
    if !dir.join(".git").exists() {
        return None;
    }
    let url = git_origin(dir)?;
    let head = git(dir, &["rev-parse", "HEAD"]).ok()?.trim().to_string();
    let branch = git(dir, &["rev-parse", "--abbrev-ref", "HEAD"])
        .ok()
        .map(|b| b.trim().to_string());
    Some((url, head, branch.filter(|b| b != "HEAD")))
}

fn git_origin(dir: &Path) -> Option<String> {
    if !dir.join(".git").exists() {
        return None;
    }
    git(dir, &["config", "--get", "remote.origin.url"])
        .ok()
        .map(|s| s.trim().to_string())
}

fn git(dir: &Path, args: &[&str]) -> Result<String, ManageError> {
    Cmd::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .read()
        .map_err(|e| ManageError::refused(e.to_string()))
}

fn extract(archive: &str, target: &Path) -> Result<(), ManageError> {
    std::fs::create_dir_all(target).map_err(io_err)?;
    let local = Path::new(archive).is_file().then(|| PathBuf::from(archive));
    let archive_path = match local {
        Some(path) => path,
        None => {
            let downloaded = target.with_extension("download.tgz");
            Cmd::new("curl")
                .args(["-sfL", "-o"])
                .arg(&downloaded)
                .arg(archive)
                .read()
                .map_err(|e| ManageError::refused(e.to_string()))?;
            downloaded
        }
    };
    let result = Cmd::new("tar")
        .arg("xzf")
        .arg(&archive_path)
        .arg("-C")
        .arg(target)
        .read();
    if archive_path != Path::new(archive) {
        let _ = std::fs::remove_file(&archive_path);
    }
    result.map_err(|e| ManageError::refused(e.to_string()))?;
    hoist_single_dir(target)
}

/// An archive holding exactly one top directory and no files is unwrapped, as plugn does.
fn hoist_single_dir(target: &Path) -> Result<(), ManageError> {
    let entries: Vec<PathBuf> = std::fs::read_dir(target)
        .map_err(io_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    if let [only] = entries.as_slice() {
        if only.is_dir() {
            let staging = target.with_extension("hoist");
            std::fs::rename(only, &staging).map_err(io_err)?;
            std::fs::remove_dir(target).map_err(io_err)?;
            std::fs::rename(&staging, target).map_err(io_err)?;
        }
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), ManageError> {
    Cmd::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .read()
        .map(|_| ())
        .map_err(|e| ManageError::refused(e.to_string()))
}

fn io_err(err: std::io::Error) -> ManageError {
    ManageError::refused(err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_default_names() {
        assert_eq!(
            Source::default_name("https://x/dokku-postgres.git"),
            "postgres"
        );
        assert_eq!(Source::default_name("file:///tmp/hello/"), "hello");
        assert_eq!(Source::default_name("/tmp/p.tar.gz"), "p");
        assert!(matches!(
            Source::parse("https://x/y.git"),
            Some(Source::Git(_))
        ));
        assert!(matches!(
            Source::parse("/tmp/p.tgz"),
            Some(Source::Tarball(_))
        ));
        assert_eq!(Source::parse("relative/path"), None);
    }

    #[test]
    fn list_line_matches_plugn_format() {
        let p = PluginListing {
            name: "apps".into(),
            version: "0.1.0".into(),
            enabled: true,
            core: true,
            description: "dokku core apps plugin".into(),
            dir: PathBuf::new(),
        };
        assert_eq!(
            list_line(&p),
            "  apps                 0.1.0 enabled    dokku core apps plugin"
        );
    }
}
