//! Moving an app's state to a new name: what `apps:clone` and `apps:rename` carry over
//! in `post-app-clone-setup` / `post-app-rename-setup`.
//!
//! In Dokku every plugin moves its own state in those triggers; the compiled-in
//! plugins of this project share one implementation here, run by the `apps` plugin's
//! handlers:
//!
//! | state | clone | rename | Dokku's owner |
//! |---|---|---|---|
//! | `$DOKKU_ROOT/OLD/*` (bare repo, `VHOST`, `tls/`, ...) | copied | copied | git (`find ./* ... \| cpio -pdmu`) |
//! | `CONTAINER.*`, `IP.*`, `PORT.*` there | not copied | not copied | scheduler-docker-local removes them from the copy |
//! | `hooks/pre-receive` | rewritten for NEW | rewritten for NEW | git |
//! | `config/<plugin>/OLD/*` properties, every plugin | cloned | cloned; OLD's removed with OLD | each plugin (`fn-plugin-property-clone`) |
//! | `common` `deployed` | deleted on NEW | kept | common |
//! | `data/<plugin>/OLD/` of [`DATA_PLUGINS`] | copied | copied | `CloneAppData` |
//!
//! The deploy lock (`data/apps/OLD/.deploy.lock`) is never copied: a clone of a locked
//! app starts unlocked. OLD's own data directories go when OLD is destroyed.
//!
//! Nothing here changes OLD: a rename killed before it switches names must leave OLD
//! the app it was (see [`super::pending`]), so OLD's state is removed only when the
//! rename destroys OLD after the switch.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

use crate::deploy::{DeployError, Host};
use crate::paths::Layout;
use crate::property::{PropertyError, PropertyStore};

/// The plugins whose per-app data directories (`data/<plugin>/<app>/`) follow an app
/// on clone and rename, and are removed with it.
pub const DATA_PLUGINS: &[&str] = &[
    "apps",
    "app-json",
    "builder",
    "builder-dockerfile",
    "checks",
    "common",
    "git",
    "ports",
    "ps",
    "scheduler-docker-local",
];

/// The file names in the app directory that name one app's containers and are never
/// carried over (`CONTAINER`, `CONTAINER.web.1`, `IP.web.1`, `PORT.web.1`).
fn is_container_file(name: &str) -> bool {
    ["CONTAINER", "IP", "PORT"].iter().any(|prefix| {
        name == *prefix
            || name
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// Whether a copy skips `name` at any depth (`find ... -name .cache -o -name cache
/// -prune`).
fn is_cache(name: &str) -> bool {
    name == "cache" || name == ".cache"
}

/// Copies the app directory `$DOKKU_ROOT/OLD` into `$DOKKU_ROOT/NEW` as Dokku's git
/// plugin does: top-level entries not starting with `.`, `cache` and `.cache`
/// directories skipped at any depth, existing files overwritten, modes and
/// modification times kept, symlinks copied as symlinks. The scheduler's container
/// files are left behind (see the module docs).
pub fn copy_app_root(layout: &Layout, old: &str, new: &str) -> io::Result<()> {
    let from = layout.app_root(old);
    let to = layout.app_root(new);
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o755)
        .create(&to)?;
    for entry in fs::read_dir(&from)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(text) = name.to_str() else {
            continue;
        };
        if text.starts_with('.') || is_cache(text) || is_container_file(text) {
            continue;
        }
        copy_entry(&entry.path(), &to.join(&name))?;
    }
    Ok(())
}

/// Copies the file, symlink or directory tree `from` to `to` (modes and modification
/// times kept, `cache` directories skipped), replacing what is there.
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    copy_entry(from, to)
}

fn copy_entry(from: &Path, to: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(from)?;
    let kind = meta.file_type();
    if kind.is_symlink() {
        let target = fs::read_link(from)?;
        match fs::symlink_metadata(to) {
            Ok(m) if m.is_dir() && !m.file_type().is_symlink() => fs::remove_dir_all(to)?,
            Ok(_) => fs::remove_file(to)?,
            Err(_) => {}
        }
        return std::os::unix::fs::symlink(target, to);
    }
    if kind.is_dir() {
        match fs::symlink_metadata(to) {
            Ok(m) if !m.is_dir() => fs::remove_file(to)?,
            _ => {}
        }
        fs::DirBuilder::new().recursive(true).create(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            if entry.file_name().to_str().is_some_and(is_cache) {
                continue;
            }
            copy_entry(&entry.path(), &to.join(entry.file_name()))?;
        }
        fs::set_permissions(to, fs::Permissions::from_mode(meta.permissions().mode()))?;
    } else if kind.is_file() {
        if let Ok(m) = fs::symlink_metadata(to) {
            if m.is_dir() && !m.file_type().is_symlink() {
                fs::remove_dir_all(to)?;
            } else {
                // Replace rather than write through: git objects are read-only.
                fs::remove_file(to)?;
            }
        }
        fs::copy(from, to)?;
        fs::set_permissions(to, fs::Permissions::from_mode(meta.permissions().mode()))?;
    } else {
        // Sockets, fifos and devices have no place in an app directory.
        return Ok(());
    }
    if let Ok(modified) = meta.modified() {
        if let Ok(file) = fs::File::open(to) {
            let _ = file.set_modified(modified);
        }
    }
    Ok(())
}

/// The plugins that hold properties for `app`: each `config/<plugin>/` with an
/// `<app>` directory, sorted.
pub fn plugins_with_properties(layout: &Layout, app: &str) -> io::Result<Vec<String>> {
    let root = layout.lib_root.join("config");
    let entries = match fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut plugins = Vec::new();
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with('.') || name == app {
            continue;
        }
        if entry.path().join(app).is_dir() {
            plugins.push(name);
        }
    }
    plugins.sort();
    Ok(plugins)
}

/// Clones every plugin's properties of `old` to `new`. A rename removes the old ones
/// only once it has switched names, when it destroys `old`.
pub fn copy_properties(
    layout: &Layout,
    props: &PropertyStore,
    old: &str,
    new: &str,
) -> Result<(), PropertyError> {
    let plugins = plugins_with_properties(layout, old).map_err(|source| PropertyError::Io {
        action: "read directory",
        path: layout.lib_root.join("config"),
        source,
    })?;
    for plugin in &plugins {
        props.clone_app(plugin, old, new)?;
    }
    Ok(())
}

/// Copies `data/<plugin>/OLD/` to `data/<plugin>/NEW/` for every plugin in
/// [`DATA_PLUGINS`], without the deploy lock.
pub fn copy_data(layout: &Layout, old: &str, new: &str) -> io::Result<()> {
    for plugin in DATA_PLUGINS {
        let from = layout.app_data_dir(plugin, old);
        if !from.is_dir() {
            continue;
        }
        let to = layout.app_data_dir(plugin, new);
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(&to)?;
        for entry in fs::read_dir(&from)? {
            let entry = entry?;
            // The lock, and a temporary file of one being taken.
            if entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(".deploy.lock"))
            {
                continue;
            }
            copy_entry(&entry.path(), &to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// `post-app-clone-setup` / `post-app-rename-setup` for the compiled-in plugins (the
/// `apps` plugin's handlers): the app directory, the re-pointed git hook, every
/// plugin's properties and data (see the module docs). A clone is not deployed until
/// its first deploy.
pub fn carry_over(host: &dyn Host, old: &str, new: &str, rename: bool) -> Result<(), DeployError> {
    let layout = host.layout();
    let props = host.properties();
    let root = layout.app_root(old);
    copy_app_root(layout, old, new).map_err(DeployError::io("copy", &root))?;
    if layout.pre_receive_hook(new).is_file() {
        crate::git::create_repo(host, new)?;
    }
    // Copied, never moved: until the rename switches names, OLD must stay whole (a
    // killed rename leaves it the app). Its properties go when it is destroyed.
    copy_properties(layout, &props, old, new)?;
    if !rename {
        props.delete("common", new, "deployed")?;
    }
    let data = layout.lib_root.join("data");
    copy_data(layout, old, new).map_err(DeployError::io("copy", &data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_files_are_recognised() {
        for yes in ["CONTAINER", "CONTAINER.web.1", "IP.web.1", "PORT.worker.2"] {
            assert!(is_container_file(yes), "{yes}");
        }
        for no in ["CONTAINERS", "IPX", "VHOST", "PORTS.txt"] {
            assert!(!is_container_file(no), "{no}");
        }
    }

    #[test]
    fn app_root_copy_skips_dot_files_caches_and_container_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let l = Layout::under(dir.path());
        let old = l.app_root("old");
        fs::create_dir_all(old.join("refs/heads")).expect("mkdir");
        fs::create_dir_all(old.join("cache/x")).expect("mkdir");
        fs::create_dir_all(old.join("tls/.cache")).expect("mkdir");
        fs::write(old.join("refs/heads/main"), "abc\n").expect("write");
        fs::write(old.join("VHOST"), "old.example.com\n").expect("write");
        fs::write(old.join(".hidden"), "x").expect("write");
        fs::write(old.join("CONTAINER.web.1"), "cid").expect("write");
        fs::write(old.join("tls/server.crt"), "crt").expect("write");
        std::os::unix::fs::symlink("VHOST", old.join("link")).expect("symlink");
        fs::create_dir_all(l.app_root("new")).expect("mkdir");
        fs::write(l.app_root("new").join("VHOST"), "stale").expect("write");

        copy_app_root(&l, "old", "new").expect("copy");
        let new = l.app_root("new");
        assert_eq!(
            fs::read_to_string(new.join("refs/heads/main")).expect("ref"),
            "abc\n"
        );
        assert_eq!(
            fs::read_to_string(new.join("VHOST")).expect("vhost"),
            "old.example.com\n"
        );
        assert_eq!(
            fs::read_to_string(new.join("tls/server.crt")).expect("crt"),
            "crt"
        );
        assert_eq!(
            fs::read_link(new.join("link")).expect("link"),
            Path::new("VHOST")
        );
        for absent in [".hidden", "cache", "tls/.cache", "CONTAINER.web.1"] {
            assert!(!new.join(absent).exists(), "{absent}");
        }
    }

    #[test]
    fn properties_and_data_are_copied_for_every_plugin_without_the_lock() {
        let dir = tempfile::tempdir().expect("tempdir");
        let l = Layout::under(dir.path());
        let props = PropertyStore::new(&l.lib_root);
        props.write("ps", "old", "scale", "web=2").expect("write");
        props.write("community", "old", "x", "1").expect("write");
        props.write("ps", "new", "scale", "web=1").expect("write");
        fs::create_dir_all(l.app_data_dir("apps", "old")).expect("mkdir");
        fs::write(l.deploy_lock("old"), "").expect("lock");
        fs::write(l.app_data_dir("apps", "old").join("note"), "n").expect("write");

        copy_properties(&l, &props, "old", "new").expect("copy");
        copy_data(&l, "old", "new").expect("data");
        assert_eq!(
            props.get("ps", "new", "scale").expect("get").as_deref(),
            Some("web=2")
        );
        assert_eq!(
            props.get("community", "new", "x").expect("get").as_deref(),
            Some("1")
        );
        assert_eq!(
            props.get("ps", "old", "scale").expect("get").as_deref(),
            Some("web=2"),
            "the old app is left whole"
        );
        assert!(l.app_data_dir("apps", "new").join("note").is_file());
        assert!(!l.deploy_lock("new").exists());
    }
}
