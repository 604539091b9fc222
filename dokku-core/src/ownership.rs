//! Handing what root created to the dokku system user.
//!
//! `sudo dokku plugin:install ...` and `dokku plugin:install --core` (run by the
//! installer) fire the `install` triggers as root. Dokku's install triggers chown what
//! they create to `DOKKU_SYSTEM_USER:DOKKU_SYSTEM_GROUP`, because every later command
//! runs as that user: a root-owned `config/apps` makes the next `apps:create` fail
//! with "Permission denied". Our core plugins' install triggers are compiled in and a
//! community plugin's may forget, so the dispatcher does it once after the whole chain
//! ran: [`hand_over`] gives the system user every entry that root owns in the places
//! install triggers write ([`install_targets`]).
//!
//! Symlinks are changed themselves (`lchown`), never followed, and app data below
//! `data/<plugin>/` (storage mounts hold the containers' own files) is left alone.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::paths::Layout;

/// A user id and group id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ids {
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
}

/// Resolves `user` and `group` (names, or numeric ids) against `/etc/passwd` and
/// `/etc/group`. A group that does not resolve falls back to the user's primary
/// group; a user that does not resolve is `None`.
pub fn resolve(user: &str, group: &str) -> Option<Ids> {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let groups = std::fs::read_to_string("/etc/group").unwrap_or_default();
    resolve_in(&passwd, &groups, user, group)
}

/// [`resolve`] over the given `passwd` and `group` file contents.
pub fn resolve_in(passwd: &str, groups: &str, user: &str, group: &str) -> Option<Ids> {
    let (uid, primary_gid) = passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        let (uid, gid) = (fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?);
        (fields[0] == user || user.parse() == Ok(uid)).then_some((uid, gid))
    })?;
    let gid = groups
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            let gid = fields.get(2)?.parse().ok()?;
            (fields[0] == group).then_some(gid)
        })
        .or_else(|| group.parse().ok())
        .unwrap_or(primary_gid);
    Some(Ids { uid, gid })
}

/// The effective user id of this process (the owner of `/proc/self`).
pub fn effective_uid() -> Option<u32> {
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// A place install triggers write into, and how many levels below it to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The file or directory.
    pub path: PathBuf,
    /// Levels of entries below `path` to include (0: `path` alone).
    pub depth: usize,
}

/// Where install triggers write: all of `$DOKKU_LIB_ROOT/config` (properties and ENV
/// files), `$DOKKU_LIB_ROOT/data` and each `data/<plugin>` (not the app data below
/// them), the top of `$DOKKU_ROOT` (`VHOST`, `HOSTNAME`, app directories), and the
/// events log.
pub fn install_targets(layout: &Layout, events_log: &Path) -> Vec<Target> {
    vec![
        Target {
            path: layout.lib_root.join("config"),
            depth: usize::MAX,
        },
        Target {
            path: layout.lib_root.join("data"),
            depth: 1,
        },
        Target {
            path: layout.dokku_root.clone(),
            depth: 1,
        },
        Target {
            path: events_log.to_path_buf(),
            depth: 0,
        },
    ]
}

/// Where a trigger fired as root (`dokku plugin:trigger`, which Dokku runs as root)
/// may write: the install targets, and everything below `$DOKKU_ROOT` (an app's
/// `tls/`, `VHOST`, `URLS`, …), which the system user must be able to replace and
/// remove afterwards.
pub fn trigger_targets(layout: &Layout, events_log: &Path) -> Vec<Target> {
    let mut targets = install_targets(layout, events_log);
    for target in &mut targets {
        if target.path == layout.dokku_root {
            target.depth = usize::MAX;
        }
    }
    targets
}

/// A change of owner that failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot hand {} over: {source}", path.display())]
pub struct HandOverError {
    /// The entry.
    pub path: PathBuf,
    /// The OS error.
    pub source: io::Error,
}

/// Gives `to` every entry of `targets` that user `from` owns, calling `chown` for each
/// (`std::os::unix::fs::lchown` in production; tests inject a recorder). Missing
/// targets are skipped. Returns the entries changed; stops at the first failure.
pub fn hand_over(
    targets: &[Target],
    from: u32,
    to: Ids,
    chown: &mut dyn FnMut(&Path, Ids) -> io::Result<()>,
) -> Result<Vec<PathBuf>, HandOverError> {
    let mut changed = Vec::new();
    for target in targets {
        walk(&target.path, target.depth, from, to, chown, &mut changed)?;
    }
    Ok(changed)
}

fn walk(
    path: &Path,
    depth: usize,
    from: u32,
    to: Ids,
    chown: &mut dyn FnMut(&Path, Ids) -> io::Result<()>,
    changed: &mut Vec<PathBuf>,
) -> Result<(), HandOverError> {
    let fail = |source| HandOverError {
        path: path.to_path_buf(),
        source,
    };
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(fail(e)),
    };
    if meta.uid() == from && (meta.uid(), meta.gid()) != (to.uid, to.gid) {
        chown(path, to).map_err(fail)?;
        changed.push(path.to_path_buf());
    }
    if depth == 0 || !meta.is_dir() {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(fail)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        walk(&entry, depth - 1, from, to, chown, changed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_root_fired_trigger_hands_over_everything_below_dokku_root() {
        let vars: crate::settings::EnvMap = [
            ("DOKKU_ROOT", "/home/dokku"),
            ("DOKKU_LIB_ROOT", "/var/lib/dokku"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let layout = Layout::from_env(&vars);
        let targets = trigger_targets(&layout, Path::new("/var/log/dokku/events.log"));
        let root = targets
            .iter()
            .find(|t| t.path == layout.dokku_root)
            .expect("DOKKU_ROOT is a target");
        assert_eq!(root.depth, usize::MAX);
        assert_eq!(
            targets.len(),
            install_targets(&layout, Path::new("/x")).len()
        );
    }

    use super::*;

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\ndokku:x:1001:1002::/home/dokku:/bin/bash\n";
    const GROUP: &str = "root:x:0:\nnogroup:x:65534:\ndokku:x:1002:\ndocker:x:999:dokku\n";

    #[test]
    fn users_and_groups_resolve_by_name_or_id() {
        let ids = |u, g| resolve_in(PASSWD, GROUP, u, g);
        assert_eq!(
            ids("dokku", "dokku"),
            Some(Ids {
                uid: 1001,
                gid: 1002
            })
        );
        assert_eq!(
            ids("nobody", "nogroup"),
            Some(Ids {
                uid: 65534,
                gid: 65534
            })
        );
        // A group that does not exist: the user's primary group.
        assert_eq!(
            ids("nobody", "nobody"),
            Some(Ids {
                uid: 65534,
                gid: 65534
            })
        );
        assert_eq!(
            ids("1001", "999"),
            Some(Ids {
                uid: 1001,
                gid: 999
            })
        );
        assert_eq!(ids("ghost", "dokku"), None);
    }

    fn tree() -> (tempfile::TempDir, Layout) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut vars = crate::settings::EnvMap::new();
        vars.insert(
            "DOKKU_LIB_PATH".into(),
            dir.path().join("lib").display().to_string(),
        );
        vars.insert(
            "DOKKU_ROOT".into(),
            dir.path().join("home").display().to_string(),
        );
        let layout = Layout::from_env(&vars);
        for d in [
            "lib/config/apps/--global",
            "lib/config/--global",
            "lib/data/apps",
            "lib/data/storage/web/db",
            "home/web/refs",
            "log",
            "outside",
        ] {
            std::fs::create_dir_all(dir.path().join(d)).expect("mkdir");
        }
        for f in [
            "lib/config/apps/--global/disable-autocreation",
            "lib/data/storage/web/db/data.bin",
            "home/VHOST",
            "log/events.log",
            "outside/secret",
        ] {
            std::fs::write(dir.path().join(f), "x").expect("write");
        }
        std::os::unix::fs::symlink(
            dir.path().join("outside"),
            dir.path().join("lib/config/link"),
        )
        .expect("symlink");
        (dir, layout)
    }

    /// Security issue #9: what root-run install triggers leave is handed to the system
    /// user. The uids are injected, so this runs as any user.
    #[test]
    fn hands_over_what_install_triggers_write_and_nothing_else() {
        let (dir, layout) = tree();
        let me = std::fs::metadata(dir.path()).expect("stat").uid();
        let to = Ids {
            uid: 4242,
            gid: 4343,
        };
        let targets = install_targets(&layout, &dir.path().join("log/events.log"));
        let mut calls = Vec::new();
        let changed = hand_over(&targets, me, to, &mut |path, ids| {
            calls.push((path.to_path_buf(), ids));
            Ok(())
        })
        .expect("hand over");
        let rel: Vec<String> = changed
            .iter()
            .map(|p| {
                p.strip_prefix(dir.path())
                    .expect("inside")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(
            rel,
            vec![
                "lib/config",
                "lib/config/--global",
                "lib/config/apps",
                "lib/config/apps/--global",
                "lib/config/apps/--global/disable-autocreation",
                "lib/config/link",
                "lib/data",
                "lib/data/apps",
                "lib/data/storage",
                "home",
                "home/VHOST",
                "home/web",
                "log/events.log",
            ]
        );
        assert!(calls.iter().all(|(_, ids)| *ids == to));
    }

    #[test]
    fn entries_of_other_owners_are_left_alone() {
        let (dir, layout) = tree();
        let me = std::fs::metadata(dir.path()).expect("stat").uid();
        let targets = install_targets(&layout, &dir.path().join("log/events.log"));
        let changed = hand_over(
            &targets,
            me.wrapping_add(1),
            Ids { uid: 1, gid: 1 },
            &mut |_, _| Ok(()),
        )
        .expect("hand over");
        assert!(changed.is_empty(), "{changed:?}");
    }

    #[test]
    fn a_failing_chown_is_reported_with_its_path() {
        let (dir, layout) = tree();
        let me = std::fs::metadata(dir.path()).expect("stat").uid();
        let targets = install_targets(&layout, &dir.path().join("log/events.log"));
        let err = hand_over(&targets, me, Ids { uid: 1, gid: 1 }, &mut |_, _| {
            Err(io::Error::from(io::ErrorKind::PermissionDenied))
        })
        .expect_err("fails");
        assert!(err.path.ends_with("lib/config"), "{err}");
    }
}
