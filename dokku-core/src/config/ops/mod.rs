//! The config plugin's operations: what `config:set`, `config:unset`, `config:clear` and
//! `config:import` do around the ENV file — Dokku's log lines, the `post-config-update`
//! trigger and the restart of a deployed app (`dokku-core-behaviour.md` §6.2, §6.4).
//!
//! The caller supplies a [`ConfigHost`]: where log lines go and how triggers fire. The
//! CLI, the `dokku __core config` helpers and the config plugin's own triggers all run
//! these functions, so `config:set`, `config_set` in bash and a native plugin's
//! `config-set` service behave identically.
//!
//! ```
//! # let root = tempfile::tempdir().expect("temp dir");
//! use dokku_core::config::ops::{self, ConfigHost, Restart};
//! use dokku_core::config::{parse_pairs, ConfigScope, ConfigStore};
//! use dokku_core::log::Level;
//!
//! struct Quiet(std::path::PathBuf);
//! impl ConfigHost for Quiet {
//!     fn lib_root(&self) -> &std::path::Path { &self.0 }
//!     fn log(&self, _level: Level, _msg: &str) {}
//!     fn fire(&self, _trigger: &str, _args: &[String]) -> Result<i32, String> { Ok(0) }
//! }
//!
//! let host = Quiet(root.path().to_path_buf());
//! let pairs = parse_pairs(["PORT=5000"], false)?;
//! ops::set(&host, &ConfigScope::app("web"), "--global", &pairs, Restart::No)?;
//! let store = ConfigStore::new(root.path());
//! assert_eq!(store.get(&ConfigScope::app("web"), "PORT")?.as_deref(), Some("5000"));
//! # Ok::<(), dokku_core::config::ConfigError>(())
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use super::{format, ConfigError, ConfigKey, ConfigScope, ConfigStore, Env};
use crate::log::Level;
use crate::property::PropertyStore;

/// What the config operations need from whoever runs them.
pub trait ConfigHost {
    /// `$DOKKU_LIB_ROOT`, which holds the ENV files and the property store.
    fn lib_root(&self) -> &Path;
    /// Writes one Dokku log line; the host applies quiet mode (`DOKKU_QUIET_OUTPUT`)
    /// to the `_quiet` levels and [`Level::Quiet`].
    fn log(&self, level: Level, msg: &str);
    /// Fires `trigger` over the enabled plugins with handlers' output streamed, and
    /// returns the chain's status; `Err` when it could not run at all.
    fn fire(&self, trigger: &str, args: &[String]) -> Result<i32, String>;
}

/// Whether a change restarts a deployed app (`--no-restart` gives [`Restart::No`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restart {
    /// Restart the app if its `ps` `restore` property allows it and it is deployed.
    Yes,
    /// Never restart.
    No,
}

impl Restart {
    /// [`Restart::No`] when `no_restart` (the `--no-restart` flag) is set.
    pub fn unless(no_restart: bool) -> Restart {
        if no_restart {
            Restart::No
        } else {
            Restart::Yes
        }
    }
}

/// The store the host's `lib_root` points at.
pub fn store(host: &dyn ConfigHost) -> ConfigStore {
    ConfigStore::new(host.lib_root())
}

/// The app argument Dokku passes to `post-config-update`: the app name, or
/// `global_arg` for the global scope (the CLI passes `""`, `config_sub` and the
/// triggers pass `--global`).
fn trigger_app(scope: &ConfigScope, global_arg: &str) -> String {
    match scope {
        ConfigScope::App(app) => app.clone(),
        ConfigScope::Global => global_arg.to_owned(),
    }
}

/// Loads `scope`'s vars as Dokku does on every read: keys that are not valid names are
/// dropped from the file with `-----> Deleting invalid key <k> from config for <name>`.
pub fn load(host: &dyn ConfigHost, scope: &ConfigScope) -> Result<Env, ConfigError> {
    let store = store(host);
    let loaded = store.load(scope)?;
    if loaded.invalid_keys.is_empty() {
        return Ok(loaded.env);
    }
    purge(host, &store, scope)?;
    Ok(loaded.env)
}

/// [`load`], with the global vars under the app's for `merged` (`--merged`).
pub fn load_merged(
    host: &dyn ConfigHost,
    scope: &ConfigScope,
    merged: bool,
) -> Result<Env, ConfigError> {
    if !merged || scope.is_global() {
        return load(host, scope);
    }
    let mut env = load(host, &ConfigScope::Global)?;
    env.extend(load(host, scope)?);
    Ok(env)
}

fn purge(
    host: &dyn ConfigHost,
    store: &ConfigStore,
    scope: &ConfigScope,
) -> Result<(), ConfigError> {
    match store.purge_invalid_keys(scope) {
        Ok(removed) => {
            for key in removed {
                host.log(
                    Level::Info1,
                    &format!(
                        "Deleting invalid key {key} from config for {}",
                        scope.display_name()
                    ),
                );
            }
            Ok(())
        }
        Err(ConfigError::Io {
            action: "write", ..
        }) => {
            host.log(
                Level::Warn,
                &format!(
                    "Error writing back config for {} after removing invalid keys",
                    scope.display_name()
                ),
            );
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// `config:set`: sets `pairs` (already validated by [`super::parse_pairs`]), printing
/// `-----> Setting config vars` and the given pairs as a table, fires
/// `post-config-update <app> set <keys...>`, then restarts a deployed app unless
/// `restart` is [`Restart::No`] or the scope is global.
///
/// A key given twice keeps its last value, as Go's map does in Dokku. No pairs is
/// [`ConfigError::NoPairs`].
pub fn set(
    host: &dyn ConfigHost,
    scope: &ConfigScope,
    global_arg: &str,
    pairs: &[(ConfigKey, String)],
    restart: Restart,
) -> Result<(), ConfigError> {
    if pairs.is_empty() {
        return Err(ConfigError::NoPairs);
    }
    let entries: Env = pairs.iter().cloned().collect();
    let store = store(host);
    // Dokku loads (and purges invalid keys) before it validates and writes.
    purge_if_needed(host, &store, scope)?;
    host.log(Level::Info1Quiet, "Setting config vars");
    host.log(Level::Quiet, &format::pretty(&entries, "       "));
    let keys: Vec<String> = entries.keys().map(|k| k.to_string()).collect();
    store.update(scope, |env| env.extend(entries))?;
    post_update(host, scope, global_arg, "set", keys);
    maybe_restart(host, scope, restart)
}

/// `config:unset`: removes `keys` (validated first: `Invalid key name: '<K>'` changes
/// nothing), printing `-----> Unsetting <K>` or
/// `-----> Skipping <K>, it is not set in the environment` for each; fires
/// `post-config-update <app> unset <all given keys>` if anything was removed; the
/// restart logic runs even when nothing changed (Dokku's behaviour).
pub fn unset<K: AsRef<str>>(
    host: &dyn ConfigHost,
    scope: &ConfigScope,
    global_arg: &str,
    keys: &[K],
    restart: Restart,
) -> Result<(), ConfigError> {
    if keys.is_empty() {
        return Err(ConfigError::NoKeys);
    }
    let store = store(host);
    purge_if_needed(host, &store, scope)?;
    let outcome = store.unset(scope, keys)?;
    for (key, removed) in &outcome.keys {
        if *removed {
            host.log(Level::Info1Quiet, &format!("Unsetting {key}"));
        } else {
            host.log(
                Level::Info1Quiet,
                &format!("Skipping {key}, it is not set in the environment"),
            );
        }
    }
    if outcome.changed() {
        let given = keys.iter().map(|k| k.as_ref().to_owned()).collect();
        post_update(host, scope, global_arg, "unset", given);
    }
    maybe_restart(host, scope, restart)
}

/// `config:clear`: removes every var with `-----> Unsetting <K>` for each, fires
/// `post-config-update <app> clear` if there were any, and always runs the restart
/// logic.
pub fn clear(
    host: &dyn ConfigHost,
    scope: &ConfigScope,
    global_arg: &str,
    restart: Restart,
) -> Result<(), ConfigError> {
    let store = store(host);
    purge_if_needed(host, &store, scope)?;
    let removed = store.clear(scope)?;
    for key in &removed {
        host.log(Level::Info1Quiet, &format!("Unsetting {key}"));
    }
    if !removed.is_empty() {
        post_update(host, scope, global_arg, "clear", Vec::new());
    }
    maybe_restart(host, scope, restart)
}

/// `config:import`: prints `-----> Setting config var K=V` for each imported pair, then
/// sets them as `config:set` does; with `replace` the vars not imported are removed in
/// the same write. An empty import is `No config vars to set`.
pub fn import(
    host: &dyn ConfigHost,
    scope: &ConfigScope,
    global_arg: &str,
    imported: &BTreeMap<String, String>,
    replace: bool,
    restart: Restart,
) -> Result<(), ConfigError> {
    if imported.is_empty() {
        return Err(ConfigError::NothingToImport);
    }
    let entries = imported
        .iter()
        .map(|(k, v)| Ok((ConfigKey::new(k.as_str())?, v.clone())))
        .collect::<Result<Env, ConfigError>>()?;
    for (key, value) in &entries {
        host.log(
            Level::Info1Quiet,
            &format!("Setting config var {key}={value}"),
        );
    }
    let store = store(host);
    purge_if_needed(host, &store, scope)?;
    host.log(Level::Info1Quiet, "Setting config vars");
    host.log(Level::Quiet, &format::pretty(&entries, "       "));
    let keys: Vec<String> = entries.keys().map(|k| k.to_string()).collect();
    if replace {
        store.replace(scope, &entries)?;
    } else {
        store.update(scope, |env| env.extend(entries))?;
    }
    post_update(host, scope, global_arg, "set", keys);
    maybe_restart(host, scope, restart)
}

/// Parses `config:import` input: `envfile` (godotenv syntax) or `json` (a flat object of
/// strings). Anything else is `Unknown format: <f>`.
pub fn parse_import(text: &str, format: &str) -> Result<BTreeMap<String, String>, ConfigError> {
    match format {
        "envfile" => super::envfile::parse(text).map_err(|source| ConfigError::ImportParse {
            message: source.to_string(),
        }),
        "json" => {
            if text.trim().is_empty() {
                return Ok(BTreeMap::new());
            }
            serde_json::from_str::<BTreeMap<String, String>>(text).map_err(|e| {
                ConfigError::ImportParse {
                    message: e.to_string(),
                }
            })
        }
        other => Err(ConfigError::UnknownImportFormat {
            format: other.to_owned(),
        }),
    }
}

/// Copies the vars of `old_app` over those of `new_app` (`post-app-clone-setup` and
/// `post-app-rename-setup`): the new env is the old one merged over the new one.
pub fn copy_app(host: &dyn ConfigHost, old_app: &str, new_app: &str) -> Result<(), ConfigError> {
    let store = store(host);
    let old = store.all(&ConfigScope::app(old_app))?;
    if old.is_empty() {
        return Ok(());
    }
    store.update(&ConfigScope::app(new_app), |env| env.extend(old))
}

/// `post-create`: creates `config/<app>/` and the config plugin's property directory
/// `config/config/<app>/`, both `0755`.
pub fn create_app(host: &dyn ConfigHost, app: &str) -> Result<(), ConfigError> {
    let store = store(host);
    let env_path = store.env_path(&ConfigScope::app(app))?;
    let dir = env_path.parent().unwrap_or(host.lib_root());
    create_dir(dir)?;
    PropertyStore::new(host.lib_root())
        .setup_app("config", app)
        .map_err(|e| ConfigError::Property {
            message: e.to_string(),
        })
}

/// `post-delete`: removes `config/<app>/` and the config plugin's properties of the app.
pub fn delete_app(host: &dyn ConfigHost, app: &str) -> Result<(), ConfigError> {
    let store = store(host);
    let env_path = store.env_path(&ConfigScope::app(app))?;
    if let Some(dir) = env_path.parent() {
        match std::fs::remove_dir_all(dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(ConfigError::io("remove", dir)(e))
            }
            _ => {}
        }
    }
    PropertyStore::new(host.lib_root())
        .destroy("config", app)
        .map_err(|e| ConfigError::Property {
            message: e.to_string(),
        })
}

fn create_dir(dir: &Path) -> Result<(), ConfigError> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(dir)
        .map_err(ConfigError::io("create directory", dir))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
        .map_err(ConfigError::io("chmod", dir))
}

/// Whether `app` is deployed: its `common` property `deployed` is `true`
/// (`dokku-core-behaviour.md` §4.2 `is_deployed`).
pub fn is_deployed(lib_root: &Path, app: &str) -> bool {
    PropertyStore::new(lib_root)
        .get("common", app, "deployed")
        .ok()
        .flatten()
        .is_some_and(|v| v.trim() == "true")
}

/// Whether the `ps` plugin lets config changes restart `app`: its `restore` property
/// is anything but `false` (unset means `true`).
pub fn restore_enabled(lib_root: &Path, app: &str) -> bool {
    PropertyStore::new(lib_root)
        .get("ps", app, "restore")
        .ok()
        .flatten()
        .is_none_or(|v| v.trim() != "false")
}

fn purge_if_needed(
    host: &dyn ConfigHost,
    store: &ConfigStore,
    scope: &ConfigScope,
) -> Result<(), ConfigError> {
    if store.load(scope)?.invalid_keys.is_empty() {
        return Ok(());
    }
    purge(host, store, scope)
}

fn post_update(
    host: &dyn ConfigHost,
    scope: &ConfigScope,
    global_arg: &str,
    operation: &str,
    keys: Vec<String>,
) {
    let mut args = vec![trigger_app(scope, global_arg), operation.to_owned()];
    args.extend(keys);
    match host.fire("post-config-update", &args) {
        Ok(0) => {}
        Ok(code) => host.log(
            Level::Warn,
            &format!("Failure while triggering post-config-update: exit status {code}"),
        ),
        Err(e) => host.log(
            Level::Warn,
            &format!("Failure while triggering post-config-update: {e}"),
        ),
    }
}

/// Dokku's restart after a config change: only for an app scope, only with
/// [`Restart::Yes`], only if `ps` `restore` is not `false` and the app is deployed;
/// then `-----> Restarting app <app>` and `release-and-deploy <app> "" config-redeploy`.
///
/// A failing restart is an error ([`ConfigError::RestartFailed`]), where Dokku only
/// warns and exits 0: scripts must learn that the new config is not live. The config
/// stays saved and the previous release keeps serving.
pub fn maybe_restart(
    host: &dyn ConfigHost,
    scope: &ConfigScope,
    restart: Restart,
) -> Result<(), ConfigError> {
    let ConfigScope::App(app) = scope else {
        return Ok(());
    };
    if restart == Restart::No
        || !restore_enabled(host.lib_root(), app)
        || !is_deployed(host.lib_root(), app)
    {
        return Ok(());
    }
    host.log(Level::Info1, &format!("Restarting app {app}"));
    let args = [app.clone(), String::new(), "config-redeploy".to_owned()];
    match host.fire("release-and-deploy", &args) {
        Ok(0) => Ok(()),
        Ok(code) => Err(ConfigError::RestartFailed {
            reason: format!("exit status {code}"),
        }),
        Err(reason) => Err(ConfigError::RestartFailed { reason }),
    }
}

#[cfg(test)]
mod tests;
