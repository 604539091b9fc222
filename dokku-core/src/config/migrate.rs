//! Draining the pre-0.38 ENV files into 0.38's location (`dokku-core-behaviour.md`
//! §1.4): `$DOKKU_ROOT/ENV` into `config/--global/ENV` and `$DOKKU_ROOT/<app>/ENV` into
//! `config/<app>/ENV`. The config plugin's `install` and `config-migrate-env` triggers
//! run it; it is safe to run any number of times.
//!
//! For each scope, the config plugin's property `env-migrated` records that the drain
//! happened:
//!
//! - not recorded, legacy file present: the legacy vars are merged over the current
//!   ones (legacy wins), written, the property set and the legacy file removed;
//! - not recorded, no legacy file: only the property is set;
//! - recorded, legacy file still present (0.38.0–0.38.25 left it behind): it is never
//!   imported. If it holds nothing the current env lacks, it is removed; otherwise it
//!   is renamed to `<file>.migrated` with two warnings naming the keys that differ.

use std::path::Path;

use super::ops::{self, ConfigHost};
use super::{envfile, ConfigError, ConfigKey, ConfigScope, Env};
use crate::log::Level;
use crate::property::{PropertyStore, GLOBAL};

/// The config plugin's property that records a drained scope.
pub const ENV_MIGRATED: &str = "env-migrated";

/// The plugin the `env-migrated` property belongs to.
const PLUGIN: &str = "config";

fn fail(message: String) -> ConfigError {
    ConfigError::Property { message }
}

fn prop_err(e: crate::property::PropertyError) -> ConfigError {
    fail(e.to_string())
}

/// Dokku's `MigrateEnvFiles`: the global file, then each app's (`apps` is every app,
/// unfiltered). Errors carry Dokku's wording (`Unable to migrate environment for
/// <app>: ...`).
pub fn migrate_env_files(
    host: &dyn ConfigHost,
    dokku_root: &Path,
    apps: &[String],
) -> Result<(), ConfigError> {
    let props = PropertyStore::new(host.lib_root());
    props
        .setup(PLUGIN)
        .map_err(|e| fail(format!("Unable to setup config properties: {e}")))?;
    drain(
        host,
        &props,
        GLOBAL,
        &dokku_root.join("ENV"),
        &ConfigScope::Global,
    )
    .map_err(|e| fail(format!("Unable to migrate global environment: {e}")))?;
    for app in apps {
        let scope = ConfigScope::app(app.as_str());
        let result = props
            .setup_app(PLUGIN, app)
            .map_err(|e| fail(format!("Unable to setup app environment: {e}")))
            .and_then(|()| ops::create_app(host, app))
            .and_then(|()| drain(host, &props, app, &dokku_root.join(app).join("ENV"), &scope));
        result.map_err(|e| fail(format!("Unable to migrate environment for {app}: {e}")))?;
    }
    Ok(())
}

/// One deprecated config var that became a plugin property (Dokku's `prop
/// migrate-config-to-property`, run by plugins' `install` triggers).
#[derive(Debug, Clone, Copy)]
pub struct ConfigToProperty<'a> {
    /// The app var (`DOKKU_CHECKS_SKIPPED`).
    pub config_var: &'a str,
    /// The global var that becomes the global property, if the property has one.
    pub global_config_var: Option<&'a str>,
    /// The property it becomes.
    pub property: &'a str,
    /// Turns the var's value into the property's (an empty result writes nothing,
    /// the var is still removed).
    pub transform: fn(&str) -> String,
}

impl<'a> ConfigToProperty<'a> {
    /// `config_var` becomes `property` as it is, for apps only.
    pub fn new(property: &'a str, config_var: &'a str) -> Self {
        ConfigToProperty {
            config_var,
            global_config_var: None,
            property,
            transform: str::to_string,
        }
    }

    /// With `global_config_var` becoming the global property.
    pub fn with_global(mut self, global_config_var: &'a str) -> Self {
        self.global_config_var = Some(global_config_var);
        self
    }

    /// With a value transform.
    pub fn with_transform(mut self, transform: fn(&str) -> String) -> Self {
        self.transform = transform;
        self
    }
}

/// Moves each deprecated var into its property of `plugin`, for the global scope and
/// every app in `apps`, as Dokku's `MigrateConfigToProperties`: a scope whose
/// property already exists is left alone; otherwise a set var is written to the
/// property (with Dokku's `Migrating deprecated ...` line) and removed from the
/// config without a restart. The pre-0.38 ENV files are drained first, so a var
/// still in one is found.
pub fn config_to_property(
    host: &dyn ConfigHost,
    dokku_root: &Path,
    plugin: &str,
    apps: &[String],
    entries: &[ConfigToProperty<'_>],
) -> Result<(), ConfigError> {
    if let Err(e) = migrate_env_files(host, dokku_root, apps) {
        host.log(
            Level::Warn,
            &format!("Unable to migrate legacy env files: {e}"),
        );
    }
    let props = PropertyStore::new(host.lib_root());
    let store = ops::store(host);
    for entry in entries {
        let global = entry
            .global_config_var
            .map(|var| (GLOBAL, var, ConfigScope::Global));
        let per_app = apps.iter().map(|app| {
            (
                app.as_str(),
                entry.config_var,
                ConfigScope::app(app.as_str()),
            )
        });
        for (name, var, scope) in global.into_iter().chain(per_app) {
            if props
                .exists(plugin, name, entry.property)
                .map_err(prop_err)?
            {
                continue;
            }
            let Some(value) = store.get(&scope, var)?.filter(|v| !v.is_empty()) else {
                continue;
            };
            let value = (entry.transform)(&value);
            let property = entry.property;
            host.log(
                Level::Info1,
                &if name == GLOBAL {
                    format!("Migrating deprecated global {var} to {plugin} {property} property. Use 'dokku {plugin}:set --global {property} <value>' to manage this going forward.")
                } else {
                    format!("Migrating deprecated {var} to {plugin} {property} property for {name}. Use 'dokku {plugin}:set {name} {property} <value>' to manage this going forward.")
                },
            );
            if !value.is_empty() {
                props
                    .write(plugin, name, property, &value)
                    .map_err(prop_err)?;
            }
            store.unset(&scope, &[var])?;
        }
    }
    Ok(())
}

/// Reads a legacy ENV file (`export KEY='value'` lines or godotenv syntax); keys that
/// are not valid names are dropped.
fn read_legacy(path: &Path) -> Result<Env, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let parsed = envfile::parse(&text).map_err(|e| e.to_string())?;
    Ok(parsed
        .into_iter()
        .filter_map(|(k, v)| ConfigKey::new(k).ok().map(|k| (k, v)))
        .collect())
}

fn drain(
    host: &dyn ConfigHost,
    props: &PropertyStore,
    name: &str,
    legacy: &Path,
    scope: &ConfigScope,
) -> Result<(), ConfigError> {
    let migrated = props
        .get(PLUGIN, name, ENV_MIGRATED)
        .map_err(prop_err)?
        .as_deref()
        == Some("true");
    if !legacy.exists() {
        if !migrated {
            props
                .write(PLUGIN, name, ENV_MIGRATED, "true")
                .map_err(|e| fail(format!("Unable to set {ENV_MIGRATED} property: {e}")))?;
        }
        return Ok(());
    }
    let store = ops::store(host);
    if migrated {
        return preserve_stale(host, &store.all(scope)?, legacy);
    }
    let old =
        read_legacy(legacy).map_err(|e| fail(format!("Unable to load old environment: {e}")))?;
    store
        .update(scope, |env| env.extend(old))
        .map_err(|e| fail(format!("Unable to write environment: {e}")))?;
    props
        .write(PLUGIN, name, ENV_MIGRATED, "true")
        .map_err(|e| fail(format!("Unable to set {ENV_MIGRATED} property: {e}")))?;
    std::fs::remove_file(legacy).map_err(|e| {
        fail(format!(
            "Unable to remove migrated file {}: {e}",
            legacy.display()
        ))
    })
}

/// A legacy file left behind after its migration: removed when it holds nothing the
/// current env lacks, else moved to `<file>.migrated` with Dokku's two warnings.
fn preserve_stale(host: &dyn ConfigHost, current: &Env, legacy: &Path) -> Result<(), ConfigError> {
    let stale =
        read_legacy(legacy).map_err(|e| fail(format!("Unable to load stale environment: {e}")))?;
    let diverged: Vec<&str> = stale
        .iter()
        .filter(|(k, v)| current.get(*k) != Some(*v))
        .map(|(k, _)| k.as_str())
        .collect();
    if diverged.is_empty() {
        return std::fs::remove_file(legacy).map_err(|e| {
            fail(format!(
                "Unable to remove stale file {}: {e}",
                legacy.display()
            ))
        });
    }
    let preserved = format!("{}.migrated", legacy.display());
    host.log(
        Level::Warn,
        &format!(
            "Not importing already-migrated ENV file {}: the current config takes precedence for {}",
            legacy.display(),
            diverged.join(" ")
        ),
    );
    host.log(
        Level::Warn,
        &format!(
            "Preserved at {preserved}: re-apply anything still needed with dokku config:set, then delete it - dokku does not read it and it may hold values that were unset on purpose"
        ),
    );
    std::fs::rename(legacy, &preserved).map_err(|e| {
        fail(format!(
            "Unable to preserve stale file {}: {e}",
            legacy.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::path::PathBuf;

    use super::*;
    use crate::config::ConfigStore;

    struct Host {
        root: PathBuf,
        logs: RefCell<Vec<String>>,
    }

    impl ConfigHost for Host {
        fn lib_root(&self) -> &Path {
            &self.root
        }
        fn log(&self, level: Level, msg: &str) {
            if let Some((_, line)) = crate::log::render(level, msg, false, false) {
                self.logs.borrow_mut().push(line);
            }
        }
        fn fire(&self, _trigger: &str, _args: &[String]) -> Result<i32, String> {
            Ok(0)
        }
    }

    fn setup() -> (tempfile::TempDir, Host, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join("web")).expect("mkdir");
        let host = Host {
            root: dir.path().join("lib"),
            logs: RefCell::new(Vec::new()),
        };
        (dir, host, home)
    }

    #[test]
    fn legacy_files_are_merged_over_the_current_env_once_and_removed() {
        let (_dir, host, home) = setup();
        let store = ConfigStore::new(&host.root);
        store
            .set(&ConfigScope::app("web"), &[("KEEP", "1"), ("PORT", "1")])
            .expect("set");
        std::fs::write(home.join("ENV"), "export TZ='UTC'\n").expect("write");
        std::fs::write(
            home.join("web/ENV"),
            "export PORT='5000'\nexport QUOTED=\"it's\"\nexport BAD.KEY='x'\n",
        )
        .expect("write");
        migrate_env_files(&host, &home, &["web".into()]).expect("migrate");

        let env = store.all(&ConfigScope::app("web")).expect("env");
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("KEEP", "1"), ("PORT", "5000"), ("QUOTED", "it's")]);
        assert_eq!(
            store
                .get(&ConfigScope::Global, "TZ")
                .expect("get")
                .as_deref(),
            Some("UTC")
        );
        assert!(!home.join("ENV").exists() && !home.join("web/ENV").exists());
        let props = PropertyStore::new(&host.root);
        for name in [GLOBAL, "web"] {
            assert_eq!(
                props
                    .get(PLUGIN, name, ENV_MIGRATED)
                    .expect("get")
                    .as_deref(),
                Some("true")
            );
        }
        assert!(host.logs.borrow().is_empty());
    }

    #[test]
    fn an_unreadable_legacy_file_is_an_error_and_changes_nothing() {
        let (_dir, host, home) = setup();
        std::fs::write(home.join("web/ENV"), "export A='x'\nnot a pair\n").expect("write");
        let err = migrate_env_files(&host, &home, &["web".into()]).expect_err("bad file");
        assert!(
            err.to_string().starts_with(
                "Unable to migrate environment for web: Unable to load old environment: "
            ),
            "{err}"
        );
        assert!(home.join("web/ENV").is_file());
        let props = PropertyStore::new(&host.root);
        assert_eq!(props.get(PLUGIN, "web", ENV_MIGRATED).expect("get"), None);
    }

    #[test]
    fn a_stale_file_after_migration_is_never_imported() {
        let (_dir, host, home) = setup();
        let store = ConfigStore::new(&host.root);
        migrate_env_files(&host, &home, &["web".into()]).expect("first run");
        store
            .set(&ConfigScope::app("web"), &[("A", "new")])
            .expect("set");

        // Everything in it is current: removed silently.
        std::fs::write(home.join("web/ENV"), "export A='new'\n").expect("write");
        migrate_env_files(&host, &home, &["web".into()]).expect("second run");
        assert!(!home.join("web/ENV").exists());
        assert!(host.logs.borrow().is_empty());

        // It disagrees: preserved aside, with two warnings.
        std::fs::write(home.join("web/ENV"), "export A='old'\nexport B='gone'\n").expect("write");
        migrate_env_files(&host, &home, &["web".into()]).expect("third run");
        let file = home.join("web/ENV");
        assert!(!file.exists());
        assert!(home.join("web/ENV.migrated").is_file());
        assert_eq!(
            store
                .get(&ConfigScope::app("web"), "A")
                .expect("get")
                .as_deref(),
            Some("new")
        );
        assert_eq!(
            host.logs.borrow().join(""),
            format!(
                " !     Not importing already-migrated ENV file {f}: the current config takes precedence for A B\n \
                 !     Preserved at {f}.migrated: re-apply anything still needed with dokku config:set, then delete it - dokku does not read it and it may hold values that were unset on purpose\n",
                f = file.display()
            )
        );
    }
}
