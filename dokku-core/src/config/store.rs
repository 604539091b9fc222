//! `ConfigStore`: reading and changing the ENV files under `$DOKKU_LIB_ROOT/config/`.

use std::fs::{self, DirBuilder};
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use super::{envfile, ConfigError, ConfigKey, ConfigScope, Env};
use crate::fs::write_atomic;
use crate::property::lock::FileLock;

const ENV_FILE: &str = "ENV";
const FILE_MODE: u32 = 0o600;
const DIR_MODE: u32 = 0o755;

/// An env as loaded from disk, with the keys that had to be dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadedEnv {
    /// The vars whose keys are valid.
    pub env: Env,
    /// Keys in the file that fail [`ConfigKey`]'s rule, sorted. Dokku prints
    /// `-----> Deleting invalid key <k> from config for <name>` for each and rewrites
    /// the file without them; see [`ConfigStore::purge_invalid_keys`].
    pub invalid_keys: Vec<String>,
}

/// What [`ConfigStore::unset`] did for each key, in the order the keys were given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnsetOutcome {
    /// Each given key and whether it was set (and so removed). A key given twice is
    /// `true` only the first time.
    pub keys: Vec<(ConfigKey, bool)>,
}

impl UnsetOutcome {
    /// The keys that were removed.
    pub fn removed(&self) -> impl Iterator<Item = &ConfigKey> {
        self.keys
            .iter()
            .filter(|(_, removed)| *removed)
            .map(|(key, _)| key)
    }

    /// Whether anything was removed (Dokku fires `post-config-update` only then).
    pub fn changed(&self) -> bool {
        self.keys.iter().any(|(_, removed)| *removed)
    }
}

/// Config vars on disk: `$DOKKU_LIB_ROOT/config/<app>/ENV` and `config/--global/ENV`.
///
/// Files are written in the godotenv format ([`envfile`]) with mode `0600`, directories
/// are created `0755`, and a missing file is an empty env. Reads need no lock (files
/// are replaced atomically); every change is a read-modify-write under an exclusive
/// `flock` on `config/<app>/.ENV.lock`, so concurrent `dokku config:set` processes
/// never lose each other's keys.
///
/// A file that does not parse is an error ([`ConfigError::Parse`]); Dokku reads it as
/// empty and its next write wipes it. [`ConfigStore::replace`] does not read the old
/// file, so `config:import --replace` can still repair one.
#[derive(Debug, Clone)]
pub struct ConfigStore {
    config_root: PathBuf,
}

impl ConfigStore {
    /// A store rooted at `lib_root` (`$DOKKU_LIB_ROOT`, e.g. `/var/lib/dokku`).
    pub fn new(lib_root: impl Into<PathBuf>) -> Self {
        Self {
            config_root: lib_root.into().join("config"),
        }
    }

    /// The ENV file of `scope`. Fails for app names that are not a single path
    /// component or that would alias the global directory.
    pub fn env_path(&self, scope: &ConfigScope) -> Result<PathBuf, ConfigError> {
        if let ConfigScope::App(app) = scope {
            let bad = app.is_empty()
                || app == "."
                || app == ".."
                || app == ConfigScope::Global.dir_name()
                || app.contains(['/', '\0']);
            if bad {
                return Err(ConfigError::InvalidApp { app: app.clone() });
            }
        }
        Ok(self.config_root.join(scope.dir_name()).join(ENV_FILE))
    }

    /// Creates the directory of `scope`'s ENV file (`0755`), as the config plugin's
    /// `install` trigger does for the global scope, so it exists with the right
    /// owner before the first `config:set --global`.
    pub fn setup(&self, scope: &ConfigScope) -> Result<(), ConfigError> {
        let path = self.env_path(scope)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)
            .map_err(ConfigError::io("create directory", dir))
    }

    /// The env and any invalid keys found in the file. Writes nothing.
    pub fn load(&self, scope: &ConfigScope) -> Result<LoadedEnv, ConfigError> {
        read_env(&self.env_path(scope)?)
    }

    /// All valid vars of `scope`, sorted by key.
    pub fn all(&self, scope: &ConfigScope) -> Result<Env, ConfigError> {
        Ok(self.load(scope)?.env)
    }

    /// The global vars overlaid with the app's own (`--merged`); for
    /// [`ConfigScope::Global`] just the global vars.
    pub fn merged(&self, scope: &ConfigScope) -> Result<Env, ConfigError> {
        let mut env = self.all(&ConfigScope::Global)?;
        if !scope.is_global() {
            env.extend(self.all(scope)?);
        }
        Ok(env)
    }

    /// The value of `key`, or `None` when it is unset. An invalid key name is simply
    /// unset (Dokku's `config:get` prints nothing and exits 1 for both).
    pub fn get(&self, scope: &ConfigScope, key: &str) -> Result<Option<String>, ConfigError> {
        Ok(self.all(scope)?.remove(key))
    }

    /// The keys of `scope`, sorted.
    pub fn keys(&self, scope: &ConfigScope) -> Result<Vec<ConfigKey>, ConfigError> {
        Ok(self.all(scope)?.into_keys().collect())
    }

    /// Sets every pair at once. All keys are validated before anything is touched, so
    /// an invalid key (`Invalid key name: '<K>'`) writes nothing; no pairs is
    /// [`ConfigError::NoPairs`]. A key given twice keeps its last value.
    pub fn set<K: AsRef<str>, V: AsRef<str>>(
        &self,
        scope: &ConfigScope,
        pairs: &[(K, V)],
    ) -> Result<(), ConfigError> {
        if pairs.is_empty() {
            return Err(ConfigError::NoPairs);
        }
        let pairs = pairs
            .iter()
            .map(|(k, v)| Ok((ConfigKey::new(k.as_ref())?, v.as_ref().to_owned())))
            .collect::<Result<Vec<_>, ConfigError>>()?;
        self.update(scope, |env| env.extend(pairs))
    }

    /// Removes the given keys, reporting which were set. Keys are validated first;
    /// none given is [`ConfigError::NoKeys`]. The file is rewritten only if something
    /// was removed.
    pub fn unset<K: AsRef<str>>(
        &self,
        scope: &ConfigScope,
        keys: &[K],
    ) -> Result<UnsetOutcome, ConfigError> {
        if keys.is_empty() {
            return Err(ConfigError::NoKeys);
        }
        let keys = keys
            .iter()
            .map(|k| ConfigKey::new(k.as_ref()))
            .collect::<Result<Vec<_>, ConfigError>>()?;
        self.update(scope, |env| UnsetOutcome {
            keys: keys
                .into_iter()
                .map(|key| {
                    let removed = env.remove(&key).is_some();
                    (key, removed)
                })
                .collect(),
        })
    }

    /// Removes every var, returning the keys that were set (sorted). An empty env is
    /// left untouched on disk.
    pub fn clear(&self, scope: &ConfigScope) -> Result<Vec<ConfigKey>, ConfigError> {
        self.update(scope, |env| std::mem::take(env).into_keys().collect())
    }

    /// Replaces the whole env with `env` (`config:import --replace`). The old file is
    /// not read, so this also repairs a file that no longer parses.
    pub fn replace(&self, scope: &ConfigScope, env: &Env) -> Result<(), ConfigError> {
        let path = self.env_path(scope)?;
        let _lock = lock(&path)?;
        write_env(&path, env)
    }

    /// Rewrites the file without its invalid keys, returning them (sorted); nothing is
    /// written when there are none. Dokku does this on every load.
    pub fn purge_invalid_keys(&self, scope: &ConfigScope) -> Result<Vec<String>, ConfigError> {
        let path = self.env_path(scope)?;
        if self.load(scope)?.invalid_keys.is_empty() {
            return Ok(Vec::new());
        }
        let _lock = lock(&path)?;
        // Re-read under the lock: another process may have purged or changed it.
        let loaded = read_env(&path)?;
        if !loaded.invalid_keys.is_empty() {
            write_env(&path, &loaded.env)?;
        }
        Ok(loaded.invalid_keys)
    }

    /// Runs `edit` on the current env under the scope's lock and writes the result if
    /// it changed (or if invalid keys were dropped while loading). This is the
    /// primitive behind `set`, `unset` and `clear`, for callers such as the ENV
    /// migration that need another read-modify-write.
    pub fn update<T>(
        &self,
        scope: &ConfigScope,
        edit: impl FnOnce(&mut Env) -> T,
    ) -> Result<T, ConfigError> {
        let path = self.env_path(scope)?;
        let _lock = lock(&path)?;
        let LoadedEnv {
            mut env,
            invalid_keys,
        } = read_env(&path)?;
        let before = env.clone();
        let out = edit(&mut env);
        if env != before || !invalid_keys.is_empty() {
            write_env(&path, &env)?;
        }
        Ok(out)
    }
}

/// Creates the ENV file's directory (`0755`) and takes its lock, `.ENV.lock` beside it
/// (a dot-file, so nothing lists it as a plugin or app).
fn lock(env_path: &Path) -> Result<FileLock, ConfigError> {
    let dir = env_path.parent().unwrap_or(Path::new("."));
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
        .map_err(ConfigError::io("create directory", dir))?;
    FileLock::beside(env_path).map_err(ConfigError::io("lock", env_path))
}

fn read_env(path: &Path) -> Result<LoadedEnv, ConfigError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(LoadedEnv::default()),
        Err(e) => return Err(ConfigError::io("read", path)(e)),
    };
    let text = String::from_utf8(bytes).map_err(|_| ConfigError::NotUtf8 {
        path: path.to_path_buf(),
    })?;
    let parsed = envfile::parse(&text).map_err(|source| ConfigError::Parse {
        path: path.to_path_buf(),
        source,
    })?;
    let mut loaded = LoadedEnv::default();
    for (key, value) in parsed {
        match ConfigKey::try_from_owned(key) {
            Ok(key) => {
                loaded.env.insert(key, value);
            }
            Err(key) => loaded.invalid_keys.push(key),
        }
    }
    Ok(loaded)
}

fn write_env(path: &Path, env: &Env) -> Result<(), ConfigError> {
    write_atomic(path, envfile::render(env).as_bytes(), FILE_MODE)
        .map_err(ConfigError::io("write", path))
}
