//! Plugins: discovery over `$PLUGIN_PATH/enabled`, and `plugin.toml`.
//!
//! Discovery never fails as a whole: a plugin whose `plugin.toml` is malformed, or
//! whose directory name cannot be a plugin name, is reported in
//! [`Discovery::problems`] as one line and skipped, so every other plugin keeps
//! working.

pub mod manage;
mod manifest;
pub mod resolve;

pub use manifest::{
    CommandEntry, Manifest, ManifestError, NativeSection, PluginSection, TriggerEntry,
};

use std::path::{Path, PathBuf};

use crate::paths::Layout;

/// One enabled plugin.
#[derive(Debug, Clone)]
pub struct Plugin {
    /// Directory name under `enabled/`: the plugin's name and its sort key.
    pub name: String,
    /// `$PLUGIN_PATH/enabled/<name>` (a symlink in a normal install).
    pub dir: PathBuf,
    /// Installed as a core plugin (its real path is under `core-plugins`).
    pub core: bool,
    /// The parsed `plugin.toml`; a plugin without one is a bare legacy plugin.
    pub manifest: Option<Manifest>,
}

impl Plugin {
    /// Whether this plugin is compiled in or a loadable library rather than
    /// executables.
    pub fn is_native(&self) -> bool {
        self.manifest
            .as_ref()
            .is_some_and(|m| m.plugin.native.is_some())
    }

    /// Whether the native manifest declares a handler for `trigger`.
    pub fn native_handles(&self, trigger: &str) -> bool {
        self.is_native()
            && self
                .manifest
                .as_ref()
                .is_some_and(|m| m.trigger.iter().any(|t| t.name == trigger))
    }

    /// The executable (or other file) `<plugin>/<name>`.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// The result of scanning the enabled plugins.
#[derive(Debug, Default, Clone)]
pub struct Discovery {
    /// Usable plugins in plugn order (name order).
    pub plugins: Vec<Plugin>,
    /// One line per plugin that was skipped, naming the file and the problem.
    pub problems: Vec<String>,
}

impl Discovery {
    /// The enabled plugin named `name`.
    pub fn get(&self, name: &str) -> Option<&Plugin> {
        self.plugins.iter().find(|p| p.name == name)
    }
}

/// Whether `name` can be a plugin directory name: no whitespace, no `/`, not hidden.
/// (Dokku's `plugin:update` rule is `^[0-9a-zA-Z_-]+$`; installed core plugins also
/// use dots, e.g. `00_dokku-standard`, so only what breaks paths and shells is refused.)
pub fn check_plugin_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.starts_with('.') {
        return Err(format!("invalid plugin name '{name}'"));
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || c == '/' || c.is_control())
    {
        return Err(format!(
            "invalid plugin name '{name}': plugin names may not contain whitespace or '/'"
        ));
    }
    Ok(())
}

/// Scans `$PLUGIN_PATH/enabled/*` in name order.
pub fn discover(layout: &Layout) -> Discovery {
    discover_in(&layout.plugin_enabled())
}

/// Scans `enabled_dir/*` in name order (byte order, as bash's glob does with
/// `LC_ALL=C`).
pub fn discover_in(enabled_dir: &Path) -> Discovery {
    let mut discovery = Discovery::default();
    let Ok(entries) = std::fs::read_dir(enabled_dir) else {
        return discovery;
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let dir = enabled_dir.join(&name);
        if name.starts_with('.') || !dir.is_dir() {
            continue;
        }
        if let Err(problem) = check_plugin_name(&name) {
            discovery.problems.push(format!(
                "{}: {problem}; rename the directory",
                dir.display()
            ));
            continue;
        }
        let core = std::fs::canonicalize(&dir)
            .map(|real| real.to_string_lossy().contains("core-plugins"))
            .unwrap_or(false);
        let toml_path = dir.join("plugin.toml");
        let manifest = match Manifest::read(&toml_path) {
            Ok(manifest) => manifest,
            Err(err) => {
                discovery
                    .problems
                    .push(format!("{}: {err}", toml_path.display()));
                continue;
            }
        };
        discovery.plugins.push(Plugin {
            name,
            dir,
            core,
            manifest,
        });
    }
    discovery
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    fn plugin_dir(root: &Path, name: &str, toml: Option<&str>) {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        if let Some(toml) = toml {
            std::fs::write(dir.join("plugin.toml"), toml).expect("write");
        }
    }

    #[test]
    fn malformed_manifest_is_reported_and_others_survive() {
        let root = tempfile::tempdir().expect("tempdir");
        plugin_dir(
            root.path(),
            "b-good",
            Some("[plugin]\ndescription = \"x\"\nversion = \"1\"\n"),
        );
        plugin_dir(root.path(), "a-bad", Some("[plugin\ndescription = \n"));
        plugin_dir(root.path(), "with space", None);
        plugin_dir(root.path(), "c-binary", None);
        std::fs::write(root.path().join("c-binary/plugin.toml"), [0xff, 0x00, 0x9f])
            .expect("write");
        let found = discover_in(root.path());
        let names: Vec<_> = found.plugins.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["b-good"]);
        assert_eq!(found.problems.len(), 3);
        assert!(
            found.problems[0].contains("a-bad/plugin.toml"),
            "{:?}",
            found.problems
        );
        assert!(!found.problems[0].contains('\n'));
        assert!(
            found.problems[1].contains("c-binary/plugin.toml: not UTF-8 text"),
            "{:?}",
            found.problems
        );
        assert!(found.problems[2].contains("whitespace"));
    }

    #[test]
    fn plugins_come_in_name_order() {
        let root = tempfile::tempdir().expect("tempdir");
        for n in ["20_events", "00_dokku-standard", "apps", "Zed"] {
            plugin_dir(root.path(), n, None);
        }
        let names: Vec<_> = discover_in(root.path())
            .plugins
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, vec!["00_dokku-standard", "20_events", "Zed", "apps"]);
    }
}
