//! `PropertyStore`: where property files live, and the single-value operations.
//!
//! List and map operations are further `impl PropertyStore` blocks in `list.rs` and
//! `map.rs`; they share the helpers at the bottom of this file.

use std::collections::BTreeMap;
use std::fs::{self, DirBuilder};
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::lock::FileLock;
use super::PropertyError;
use crate::fs::write_atomic;

/// The app name Dokku uses for a plugin's global properties.
pub const GLOBAL: &str = "--global";

/// The app name that makes [`PropertyStore::destroy`] remove every app of a plugin.
pub const ALL_APPS: &str = "_all_";

/// File mode of every property file.
const FILE_MODE: u32 = 0o600;
/// Mode of every directory the store creates.
const DIR_MODE: u32 = 0o755;

/// Dokku's per-plugin property store under `$DOKKU_LIB_ROOT/config/`.
///
/// Property `<prop>` of `<app>` for `<plugin>` is the file
/// `$DOKKU_LIB_ROOT/config/<plugin>/<app>/<prop>` (mode `0600`, directories `0755`); global
/// properties use the app name [`GLOBAL`]. A value is the file's exact bytes, with no
/// trailing newline added. Every write replaces the file atomically, and every mutation
/// holds an exclusive `flock` on `.<prop>.lock` beside the file, so concurrent `dokku`
/// processes never lose each other's list entries.
///
/// Names must be usable as one path component: non-empty, not `.` or `..`, no `/` or NUL;
/// property names may not start with `.` either (that space holds the lock files).
///
/// Unlike Dokku, read failures are returned as errors instead of being logged and read as
/// empty, and files that are not UTF-8 are refused ([`PropertyError::NotUtf8`]).
#[derive(Debug, Clone)]
pub struct PropertyStore {
    config_root: PathBuf,
}

/// Where one property lives on disk.
pub(super) struct Location {
    pub(super) dir: PathBuf,
    pub(super) file: PathBuf,
}

impl PropertyStore {
    /// A store rooted at `lib_root` (`$DOKKU_LIB_ROOT`, e.g. `/var/lib/dokku`).
    pub fn new(lib_root: impl Into<PathBuf>) -> Self {
        Self {
            config_root: lib_root.into().join("config"),
        }
    }

    /// The file that holds `plugin`'s property `property` for `app`.
    pub fn path(&self, plugin: &str, app: &str, property: &str) -> Result<PathBuf, PropertyError> {
        Ok(self.locate(plugin, app, property)?.file)
    }

    /// Writes `value` as the property's exact contents (Dokku `PropertyWrite`, `prop set`).
    pub fn write(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        value: &str,
    ) -> Result<(), PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        self.locked(&loc, || write_file(&loc.file, value.as_bytes()))
    }

    /// The property's value, or `None` when it is not set (Dokku `PropertyGet`).
    pub fn get(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
    ) -> Result<Option<String>, PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        read_file(&loc.file, plugin, app, property)
    }

    /// The property's value, or `default` when it is not set (`prop get-with-default`).
    ///
    /// A property that exists but is empty yields `""`, not the default, as in Dokku.
    pub fn get_or(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        default: &str,
    ) -> Result<String, PropertyError> {
        Ok(self
            .get(plugin, app, property)?
            .unwrap_or_else(|| default.to_owned()))
    }

    /// Whether the property file exists (`prop exists`).
    pub fn exists(&self, plugin: &str, app: &str, property: &str) -> Result<bool, PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        Ok(loc.file.exists())
    }

    /// Read-modify-write of one plain value under the property's lock, for changes that
    /// depend on the current value (the `checks` plugin's comma lists).
    ///
    /// `edit` gets the current value (`None` when unset) and returns the new one; `None`
    /// deletes the property. Nothing is written when the value is unchanged or `edit`
    /// fails, and `edit`'s error is returned as is. Returns whether the value changed.
    pub fn update<E: From<PropertyError>>(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
        edit: impl FnOnce(Option<&str>) -> Result<Option<String>, E>,
    ) -> Result<bool, E> {
        let loc = self.locate(plugin, app, property)?;
        // `locked` speaks PropertyError only: `edit`'s own error rides inside its Ok.
        let outcome = self.locked(&loc, || {
            let current = read_file(&loc.file, plugin, app, property)?;
            let next = match edit(current.as_deref()) {
                Ok(next) => next,
                Err(e) => return Ok(Err(e)),
            };
            if next == current {
                return Ok(Ok(false));
            }
            match next {
                Some(value) => write_file(&loc.file, value.as_bytes())?,
                None => remove_file(&loc.file)?,
            }
            Ok(Ok(true))
        })?;
        outcome
    }

    /// Runs `f` holding `plugin`'s lock for the whole of `app` (`.lock` in the app's
    /// property directory), for changes that read or write several properties and must
    /// not interleave with another such change: a network named by only one attach
    /// property, a process type either disabled or skipped.
    ///
    /// Inside `f` the ordinary methods work as usual (each also takes its property's
    /// lock; always in this order, so the two cannot deadlock), but `f` must not call
    /// `app_locked` for the same plugin and app again: the second lock would wait for
    /// the first forever.
    pub fn app_locked<T, E: From<PropertyError>>(
        &self,
        plugin: &str,
        app: &str,
        f: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let dir = self.app_dir(plugin, app)?;
        create_dir(&dir)?;
        // A fixed name inside the validated app directory. It cannot be a property's
        // lock: those are `.<prop>.lock` with a non-empty name, and `get_all` skips it.
        let lock = dir.join(".lock");
        let _lock = FileLock::exclusive(&lock).map_err(PropertyError::io("lock", &lock))?;
        f()
    }

    /// Deletes the property; deleting one that is not set succeeds (`prop del`).
    pub fn delete(&self, plugin: &str, app: &str, property: &str) -> Result<(), PropertyError> {
        let loc = self.locate(plugin, app, property)?;
        if !loc.dir.is_dir() {
            return Ok(());
        }
        self.locked(&loc, || remove_file(&loc.file))
    }

    /// Removes every property of `app` for `plugin`; [`ALL_APPS`] removes the whole plugin
    /// directory, every app and the global scope included (`prop destroy`).
    pub fn destroy(&self, plugin: &str, app: &str) -> Result<(), PropertyError> {
        let dir = if app == ALL_APPS {
            self.plugin_dir(plugin)?
        } else {
            self.app_dir(plugin, app)?
        };
        match fs::remove_dir_all(&dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(PropertyError::io("remove", &dir)(e))
            }
            _ => Ok(()),
        }
    }

    /// Copies every property of `old_app` to `new_app`, overwriting same-named ones
    /// (`prop clone`, used by `apps:clone` and `apps:rename`).
    ///
    /// Properties `new_app` already has and `old_app` lacks are kept, as in Dokku.
    pub fn clone_app(
        &self,
        plugin: &str,
        old_app: &str,
        new_app: &str,
    ) -> Result<(), PropertyError> {
        // Validate the target before reading anything, so a bad name copies nothing.
        self.app_dir(plugin, new_app)?;
        for (property, value) in self.get_all(plugin, old_app)? {
            self.write(plugin, new_app, &property, &value)?;
        }
        Ok(())
    }

    /// Every property of `app` for `plugin`, by name (`prop get-all`).
    ///
    /// A missing directory is an empty map. Sub-directories and dot-files (our lock and
    /// temporary files) are skipped.
    pub fn get_all(
        &self,
        plugin: &str,
        app: &str,
    ) -> Result<BTreeMap<String, String>, PropertyError> {
        self.get_all_by_prefix(plugin, app, "")
    }

    /// The properties of `app` whose names start with `prefix` (`prop get-all-by-prefix`).
    pub fn get_all_by_prefix(
        &self,
        plugin: &str,
        app: &str,
        prefix: &str,
    ) -> Result<BTreeMap<String, String>, PropertyError> {
        let dir = self.app_dir(plugin, app)?;
        match fs::metadata(&dir) {
            Ok(meta) if !meta.is_dir() => return Err(PropertyError::NotADirectory { path: dir }),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(PropertyError::io("read directory", &dir)(e)),
        }
        let entries = fs::read_dir(&dir).map_err(PropertyError::io("read directory", &dir))?;
        let mut out = BTreeMap::new();
        for entry in entries {
            let entry = entry.map_err(PropertyError::io("read directory", &dir))?;
            let is_dir = entry
                .file_type()
                .map_err(PropertyError::io("read directory", &dir))?
                .is_dir();
            // Names that are not UTF-8 cannot have been written through this store.
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if is_dir || name.starts_with('.') || !name.starts_with(prefix) {
                continue;
            }
            if let Some(value) = read_file(&entry.path(), plugin, app, &name)? {
                out.insert(name, value);
            }
        }
        Ok(out)
    }

    /// Creates `config/` and `config/<plugin>/` with mode `0755` (`prop setup`, run by a
    /// plugin's `install` trigger).
    pub fn setup(&self, plugin: &str) -> Result<(), PropertyError> {
        let dir = self.plugin_dir(plugin)?;
        create_dir(&dir)?;
        set_dir_mode(&self.config_root)?;
        set_dir_mode(&dir)
    }

    /// Creates `config/<plugin>/<app>/` with mode `0755` (`prop setup-app`).
    pub fn setup_app(&self, plugin: &str, app: &str) -> Result<(), PropertyError> {
        let dir = self.app_dir(plugin, app)?;
        create_dir(&dir)?;
        set_dir_mode(&dir)
    }

    // ---- helpers shared with list.rs and map.rs ----

    /// Validates the three names and returns the paths for the property.
    pub(super) fn locate(
        &self,
        plugin: &str,
        app: &str,
        property: &str,
    ) -> Result<Location, PropertyError> {
        let dir = self.app_dir(plugin, app)?;
        check_name("property", property)?;
        if property.starts_with('.') {
            return Err(PropertyError::InvalidName {
                kind: "property",
                name: property.to_owned(),
            });
        }
        Ok(Location {
            file: dir.join(property),
            dir,
        })
    }

    /// Runs `f` with the property's directory created and its lock (`.<prop>.lock`
    /// beside it) held.
    pub(super) fn locked<T>(
        &self,
        loc: &Location,
        f: impl FnOnce() -> Result<T, PropertyError>,
    ) -> Result<T, PropertyError> {
        create_dir(&loc.dir)?;
        let _lock = FileLock::beside(&loc.file).map_err(PropertyError::io("lock", &loc.file))?;
        f()
    }

    fn plugin_dir(&self, plugin: &str) -> Result<PathBuf, PropertyError> {
        check_name("plugin", plugin)?;
        Ok(self.config_root.join(plugin))
    }

    fn app_dir(&self, plugin: &str, app: &str) -> Result<PathBuf, PropertyError> {
        check_name("app", app)?;
        Ok(self.plugin_dir(plugin)?.join(app))
    }
}

/// Rejects names that would escape or alias a directory level.
fn check_name(kind: &'static str, name: &str) -> Result<(), PropertyError> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']) {
        return Err(PropertyError::InvalidName {
            kind,
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// Reads a property file; `None` when it does not exist.
pub(super) fn read_file(
    path: &Path,
    plugin: &str,
    app: &str,
    property: &str,
) -> Result<Option<String>, PropertyError> {
    match fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| PropertyError::NotUtf8 {
                plugin: plugin.to_owned(),
                app: app.to_owned(),
                property: property.to_owned(),
            }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(PropertyError::io("read", path)(e)),
    }
}

/// Atomically replaces a property file with `contents` (mode `0600`).
pub(super) fn write_file(path: &Path, contents: &[u8]) -> Result<(), PropertyError> {
    write_atomic(path, contents, FILE_MODE).map_err(PropertyError::io("write", path))
}

/// Removes a property file; one that is already gone is fine.
fn remove_file(path: &Path) -> Result<(), PropertyError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(PropertyError::io("remove", path)(e)),
        _ => Ok(()),
    }
}

fn create_dir(dir: &Path) -> Result<(), PropertyError> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
        .map_err(PropertyError::io("create directory", dir))
}

// Dokku re-applies 0755 in setup in case an older install or a umask narrowed it.
fn set_dir_mode(dir: &Path) -> Result<(), PropertyError> {
    fs::set_permissions(dir, fs::Permissions::from_mode(DIR_MODE))
        .map_err(PropertyError::io("chmod", dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, PropertyStore) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = PropertyStore::new(dir.path());
        (dir, store)
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn write_stores_exact_bytes_at_dokkus_path_with_modes() {
        let (root, s) = store();
        s.write("git", "app", "deploy-branch", "main")
            .expect("write");
        let file = root.path().join("config/git/app/deploy-branch");
        assert_eq!(s.path("git", "app", "deploy-branch").expect("path"), file);
        assert_eq!(fs::read(&file).expect("read"), b"main", "no newline added");
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&root.path().join("config/git/app")), 0o755);
        assert_eq!(mode(&root.path().join("config/git")), 0o755);
    }

    #[test]
    fn write_keeps_newlines_and_unicode_verbatim() {
        let (_root, s) = store();
        s.write("p", "a", "v", "line1\nline2\n  ünï ")
            .expect("write");
        assert_eq!(
            s.get("p", "a", "v").expect("get").as_deref(),
            Some("line1\nline2\n  ünï ")
        );
    }

    #[test]
    fn get_missing_is_none_and_default_applies_only_when_missing() {
        let (_root, s) = store();
        assert_eq!(s.get("p", "a", "x").expect("get"), None);
        assert_eq!(s.get_or("p", "a", "x", "dflt").expect("get_or"), "dflt");
        s.write("p", "a", "x", "").expect("write empty");
        assert_eq!(s.get("p", "a", "x").expect("get").as_deref(), Some(""));
        assert_eq!(s.get_or("p", "a", "x", "dflt").expect("get_or"), "");
    }

    #[test]
    fn exists_and_delete() {
        let (_root, s) = store();
        assert!(!s.exists("p", "a", "x").expect("exists"));
        s.write("p", "a", "x", "1").expect("write");
        assert!(s.exists("p", "a", "x").expect("exists"));
        s.delete("p", "a", "x").expect("delete");
        assert!(!s.exists("p", "a", "x").expect("exists"));
        s.delete("p", "a", "x")
            .expect("deleting a missing property is fine");
        s.delete("p", "never", "x")
            .expect("missing app dir is fine");
    }

    #[test]
    fn global_scope_is_the_global_dir() {
        let (root, s) = store();
        s.write("scheduler", GLOBAL, "selected", "docker-local")
            .expect("write");
        assert!(root
            .path()
            .join("config/scheduler/--global/selected")
            .is_file());
    }

    #[test]
    fn destroy_one_app_or_all() {
        let (root, s) = store();
        s.write("p", "a", "x", "1").expect("write");
        s.write("p", "b", "x", "2").expect("write");
        s.destroy("p", "a").expect("destroy a");
        assert!(!root.path().join("config/p/a").exists());
        assert_eq!(s.get("p", "b", "x").expect("get").as_deref(), Some("2"));
        s.destroy("p", "a").expect("destroying again is fine");
        s.destroy("p", ALL_APPS).expect("destroy all");
        assert!(!root.path().join("config/p").exists());
        s.destroy("p", ALL_APPS)
            .expect("destroying a missing plugin is fine");
    }

    #[test]
    fn clone_copies_and_overwrites_but_keeps_extra_target_props() {
        let (_root, s) = store();
        s.write("p", "old", "x", "1").expect("write");
        s.write("p", "old", "y", "2").expect("write");
        s.write("p", "new", "y", "old-y").expect("write");
        s.write("p", "new", "z", "3").expect("write");
        s.clone_app("p", "old", "new").expect("clone");
        let all = s.get_all("p", "new").expect("get_all");
        let expected: BTreeMap<String, String> = [("x", "1"), ("y", "2"), ("z", "3")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(all, expected);
        s.clone_app("p", "missing", "new2")
            .expect("cloning nothing is fine");
    }

    #[test]
    fn get_all_skips_dirs_and_dotfiles_and_filters_by_prefix() {
        let (root, s) = store();
        s.write("p", "a", "chart.x", "1").expect("write");
        s.write("p", "a", "chart.y", "2").expect("write");
        s.write("p", "a", "other", "3").expect("write");
        s.list_push("p", "a", "list", "v")
            .expect("push creates a lock file");
        fs::create_dir(root.path().join("config/p/a/subdir")).expect("mkdir");
        let all = s.get_all("p", "a").expect("get_all");
        assert_eq!(
            all.keys().collect::<Vec<_>>(),
            ["chart.x", "chart.y", "list", "other"]
        );
        let chart = s.get_all_by_prefix("p", "a", "chart.").expect("by prefix");
        assert_eq!(chart.keys().collect::<Vec<_>>(), ["chart.x", "chart.y"]);
        assert!(s.get_all("p", "none").expect("missing dir").is_empty());
    }

    #[test]
    fn get_all_on_a_file_is_not_a_directory() {
        let (root, s) = store();
        fs::create_dir_all(root.path().join("config/p")).expect("mkdir");
        fs::write(root.path().join("config/p/a"), "x").expect("file");
        assert!(matches!(
            s.get_all("p", "a"),
            Err(PropertyError::NotADirectory { .. })
        ));
    }

    #[test]
    fn setup_creates_dirs_with_0755() {
        let (root, s) = store();
        s.setup("nginx").expect("setup");
        s.setup_app("nginx", "app").expect("setup_app");
        assert_eq!(mode(&root.path().join("config")), 0o755);
        assert_eq!(mode(&root.path().join("config/nginx")), 0o755);
        assert_eq!(mode(&root.path().join("config/nginx/app")), 0o755);
    }

    #[test]
    fn bad_names_are_rejected_before_touching_disk() {
        let (root, s) = store();
        for (plugin, app, prop) in [
            ("", "a", "x"),
            ("..", "a", "x"),
            ("p", "a/b", "x"),
            ("p", ".", "x"),
            ("p", "a", ""),
            ("p", "a", "../x"),
            ("p", "a", ".hidden"),
            ("p", "a", "nul\0"),
        ] {
            let err = s.write(plugin, app, prop, "v").expect_err("must reject");
            assert!(matches!(err, PropertyError::InvalidName { .. }), "{err}");
        }
        assert!(!root.path().join("config").exists());
        assert_eq!(
            s.write("p", "a", "", "v").expect_err("empty").to_string(),
            "Invalid property name for a property: ''"
        );
    }

    #[test]
    fn non_utf8_file_is_an_error() {
        let (root, s) = store();
        fs::create_dir_all(root.path().join("config/p/a")).expect("mkdir");
        fs::write(root.path().join("config/p/a/x"), [0xff, 0xfe]).expect("write");
        let err = s.get("p", "a", "x").expect_err("not utf-8");
        assert_eq!(
            err.to_string(),
            "Unable to read p property a.x: not valid UTF-8"
        );
    }

    /// A caller's own error type, to show `update` hands it back untouched.
    #[derive(Debug, PartialEq)]
    enum EditError {
        Refused,
        Store(String),
    }

    impl From<PropertyError> for EditError {
        fn from(e: PropertyError) -> Self {
            EditError::Store(e.to_string())
        }
    }

    #[test]
    fn update_sets_changes_deletes_and_refuses() {
        let (root, s) = store();
        let file = root.path().join("config/p/a/x");
        let changed = s
            .update("p", "a", "x", |cur| {
                assert_eq!(cur, None);
                Ok::<_, PropertyError>(Some("one".into()))
            })
            .expect("set");
        assert!(changed);
        assert_eq!(fs::read_to_string(&file).expect("read"), "one");
        assert_eq!(mode(&file), 0o600);
        let same = s
            .update("p", "a", "x", |cur| {
                Ok::<_, PropertyError>(cur.map(str::to_owned))
            })
            .expect("keep");
        assert!(!same, "an unchanged value is not rewritten");
        let err = s
            .update("p", "a", "x", |_| {
                Err::<Option<String>, _>(EditError::Refused)
            })
            .expect_err("refused");
        assert_eq!(err, EditError::Refused);
        assert_eq!(fs::read_to_string(&file).expect("read"), "one");
        s.update("p", "a", "x", |_| Ok::<_, PropertyError>(None))
            .expect("delete");
        assert!(!file.exists());
        assert!(matches!(
            s.update("p", "a", "../x", |_| Ok::<_, EditError>(None)),
            Err(EditError::Store(_))
        ));
    }

    /// Twenty threads each append to one comma list: with the lock held from read to
    /// write, none of the appends is lost.
    #[test]
    fn concurrent_updates_lose_nothing() {
        let (root, _s) = store();
        let root = root.path().to_path_buf();
        let handles: Vec<_> = (0..20)
            .map(|i| {
                let root = root.clone();
                std::thread::spawn(move || {
                    PropertyStore::new(root)
                        .update("p", "a", "types", |cur| {
                            let mut items: Vec<&str> = cur
                                .unwrap_or("")
                                .split(',')
                                .filter(|t| !t.is_empty())
                                .collect();
                            let mine = format!("t{i}");
                            items.push(&mine);
                            Ok::<_, PropertyError>(Some(items.join(",")))
                        })
                        .expect("update");
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("thread");
        }
        let value = PropertyStore::new(&root)
            .get("p", "a", "types")
            .expect("get")
            .unwrap_or_default();
        let mut got: Vec<&str> = value.split(',').collect();
        got.sort_unstable();
        let mut want: Vec<String> = (0..20).map(|i| format!("t{i}")).collect();
        want.sort_unstable();
        assert_eq!(got, want);
    }

    /// A change spanning two properties under the app lock is never interleaved with
    /// another: each thread moves one token from `a` to `b` only if `b` lacks it, so
    /// without the lock two threads could both see `b` empty.
    #[test]
    fn app_lock_serialises_changes_across_properties() {
        let (root, s) = store();
        let root = root.path().to_path_buf();
        let handles: Vec<_> = (0..20)
            .map(|i| {
                let root = root.clone();
                std::thread::spawn(move || {
                    let s = PropertyStore::new(root);
                    let key = if i % 2 == 0 { "left" } else { "right" };
                    let other = if i % 2 == 0 { "right" } else { "left" };
                    s.app_locked("p", "a", || {
                        if s.get("p", "a", other)?.is_none() {
                            // Widen the window between the check and the write.
                            std::thread::sleep(std::time::Duration::from_millis(5));
                            s.write("p", "a", key, "shared")?;
                        }
                        Ok::<_, PropertyError>(())
                    })
                    .expect("app lock");
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("thread");
        }
        let held = ["left", "right"]
            .iter()
            .filter(|k| s.get("p", "a", k).expect("get").is_some())
            .count();
        assert_eq!(held, 1);
        assert!(root.join("config/p/a/.lock").is_file());
        assert_eq!(
            s.get_all("p", "a").expect("all").len(),
            1,
            "the lock files are not properties"
        );
        assert!(s
            .app_locked("p", "../a", || Ok::<_, PropertyError>(()))
            .is_err());
    }
}
