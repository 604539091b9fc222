//! Apps that are being made or renamed, and what a killed `apps:create`,
//! `apps:clone` or `apps:rename` leaves behind.
//!
//! An app exists iff `$DOKKU_ROOT/<app>` is a directory, but making one takes many
//! steps (`created-at`, then every plugin's `post-create`: the bare repo and its
//! `hooks/pre-receive`, the scale, the domains...), and a rename many more. A command
//! killed half-way must not leave a half-made app that blocks the name for good, nor
//! two apps where there was one. So an app directory that is not finished carries a
//! marker file, [`MARKER`] (`.dokku-pending`), and a marked directory is not an app:
//! [`super::verify`] and [`super::list`] skip it, so every command sees the app as it
//! was before (or after) the change, never in between. Only the command at work, and
//! the trigger handlers it runs, see the app while it is marked ([`is_hidden`]).
//!
//! The marker records its owner (pid and start time, see [`crate::owner`]) and what
//! is going on ([`Intent`]), and the owner holds an `flock` on it while it works. A
//! directory is built under a hidden name, `.creating-<app>-<random>` in
//! `$DOKKU_ROOT` (never an app name: those cannot start with a dot), with the marker
//! already in it, and renamed into place in one step that fails when the name is
//! taken ([`stage`]). The command then does its work and removes the marker: the app
//! appears at once, complete.
//!
//! `apps:rename OLD NEW` stages NEW with a rename marker, has every plugin copy OLD's
//! state over, and then moves the marker from NEW's directory into OLD's: one
//! rename(2), after which NEW is the app and OLD is not. Only then are OLD's remains
//! removed and `post-app-rename` fired, and the marker goes last.
//!
//! When the owner is gone (its flock released and its process dead), the marker is
//! abandoned and the next command that needs the name repairs it ([`look`] hands it
//! over, locked): a half-made app is removed (the name is free again, the app it was
//! copied from untouched), and a rename that got past its switch is finished.
//! Staging directories of killed commands are removed the same way
//! ([`sweep_staging`]).

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::lock::{flock, same_file, Flock};
use crate::owner::Owner;

/// The marker file of an unfinished app directory.
pub const MARKER: &str = ".dokku-pending";

/// The name prefix of staging directories in `$DOKKU_ROOT`.
pub const STAGING_PREFIX: &str = ".creating-";

/// A staging directory without a marker is a command killed before it wrote one; it
/// is removed once it is this old.
const UNMARKED_STAGING_AGE: Duration = Duration::from_secs(60);

/// What a marked directory is in the middle of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// `apps:create` or `apps:clone` (or the first push): the app is being made.
    Create,
    /// `apps:rename OLD NEW`. In NEW's directory, NEW is being filled from OLD, which
    /// is still the app. In OLD's directory (after the switch), NEW is the app and
    /// OLD's remains are being removed.
    Rename {
        /// The old name.
        old: String,
        /// The new name.
        new: String,
        /// `--skip-deploy` was given.
        skip_deploy: bool,
    },
}

/// The contents of a marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// Who is at work; `None` when the record is unreadable.
    pub owner: Option<Owner>,
    /// What they are doing.
    pub intent: Intent,
}

impl Marker {
    fn render(&self) -> String {
        let mut text = String::new();
        if let Some(owner) = &self.owner {
            text.push_str(&owner.to_string());
        }
        match &self.intent {
            Intent::Create => text.push_str("op=create\n"),
            Intent::Rename {
                old,
                new,
                skip_deploy,
            } => text.push_str(&format!(
                "op=rename\nold={old}\nnew={new}\nskip-deploy={skip_deploy}\n"
            )),
        }
        text
    }

    /// Reads a marker; what cannot be read is taken as a create (whose repair only
    /// ever removes the marked directory, never another app).
    fn parse(text: &str) -> Marker {
        let field = |key: &str| {
            text.lines()
                .filter_map(|l| l.trim().split_once('='))
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        };
        let intent = match (
            field("op").as_deref(),
            field("old").filter(|v| !v.is_empty()),
            field("new").filter(|v| !v.is_empty()),
        ) {
            (Some("rename"), Some(old), Some(new)) => Intent::Rename {
                old,
                new,
                skip_deploy: field("skip-deploy").as_deref() == Some("true"),
            },
            _ => Intent::Create,
        };
        Marker {
            owner: Owner::parse(text),
            intent,
        }
    }
}

/// A marker we hold: our own, or an abandoned one handed over by [`look`]. Dropping
/// it releases the flock and leaves the marker where it is.
#[derive(Debug)]
pub struct Held {
    /// Open for its flock, held as long as we are.
    _file: File,
    path: PathBuf,
    /// What the marker says.
    pub marker: Marker,
}

impl Held {
    /// Records this process as the marker's owner: an abandoned marker taken over for
    /// a repair, so that the repair's trigger handlers see the app (see
    /// [`is_hidden`]). Others see it busy all along: we hold its flock.
    pub fn adopt(&mut self) -> io::Result<()> {
        self.marker.owner = Some(Owner::current());
        let mut file = OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&self.path)?;
        file.write_all(self.marker.render().as_bytes())
    }

    /// Moves the marker into `dir` (replacing any marker there): the switch of a
    /// rename, which makes the directory it leaves an app and `dir` not one, at once.
    pub fn move_to(&mut self, dir: &Path) -> io::Result<()> {
        let to = dir.join(MARKER);
        std::fs::rename(&self.path, &to)?;
        self.path = to;
        Ok(())
    }

    /// Removes the marker: its directory is a finished app.
    pub fn finish(self) -> io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Removes the marker, then `root` itself: the symlink when it is one, else the
    /// directory (empty but for the marker by then; anything left is removed too).
    pub fn remove_with(self, root: &Path) -> io::Result<()> {
        self.finish()?;
        match std::fs::symlink_metadata(root) {
            Ok(meta) if meta.file_type().is_symlink() => std::fs::remove_file(root),
            Ok(_) => std::fs::remove_dir_all(root),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Writes a marker into `dir` as a command that was killed (or is still at work)
/// would have left it.
#[cfg(test)]
pub(crate) fn write_marker(dir: &Path, owner: Owner, intent: Intent) {
    let marker = Marker {
        owner: Some(owner),
        intent,
    };
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join(MARKER), marker.render()).expect("write marker");
}

/// Whether `dir` holds a marker. No side effects.
pub fn is_marked(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(MARKER)).is_ok()
}

/// Whether `dir` is marked and so not an app to us. The command at work on it, and
/// the processes it runs (its trigger handlers, and the `dokku` commands they run),
/// do see it: a `post-create` handler may well run `dokku config:set APP ...`.
pub fn is_hidden(dir: &Path) -> bool {
    if !is_marked(dir) {
        return false;
    }
    let text = std::fs::read_to_string(dir.join(MARKER)).unwrap_or_default();
    !Marker::parse(&text)
        .owner
        .is_some_and(|owner| owner.is_self_or_ancestor())
}

/// What [`look`] found in a directory.
#[derive(Debug)]
pub enum Look {
    /// No marker: a finished app, or nothing at all.
    Clean,
    /// Its owner is still at work.
    Busy(Marker),
    /// Its owner is gone; the caller now holds the marker and must repair.
    Abandoned(Held),
}

/// Looks at the marker of `dir` without waiting: whether it is there, and if its
/// owner is gone, takes it over for the repair.
pub fn look(dir: &Path) -> Look {
    let path = dir.join(MARKER);
    loop {
        let mut file = match OpenOptions::new().read(true).open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Look::Clean,
            // There but unreadable: not ours to repair.
            Err(_) => {
                return Look::Busy(Marker {
                    owner: None,
                    intent: Intent::Create,
                })
            }
        };
        let mut text = String::new();
        let _ = file.read_to_string(&mut text);
        let marker = Marker::parse(&text);
        match flock(&file, Flock::ExclusiveNow) {
            Ok(true) => {}
            _ => return Look::Busy(marker),
        }
        if !same_file(&file, &path) {
            // Moved or removed while we looked: look again.
            continue;
        }
        if marker.owner.as_ref().is_some_and(Owner::is_alive) {
            return Look::Busy(marker);
        }
        return Look::Abandoned(Held {
            _file: file,
            path,
            marker,
        });
    }
}

/// Why [`stage`] failed.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    /// Something is already at the app's name.
    #[error("Name is already taken")]
    Taken,
    /// The staging directory could not be made or moved.
    #[error("cannot create {}: {source}", path.display())]
    Io {
        /// The directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// Makes `$DOKKU_ROOT/<app>` (mode 0755) holding a marker for `intent` that we hold:
/// built under a staging name, then renamed into place only if the name is free.
/// Stale staging directories are swept first.
pub fn stage(dokku_root: &Path, app: &str, intent: Intent) -> Result<Held, StageError> {
    let root = dokku_root.join(app);
    let io_err = |source| StageError::Io {
        path: root.clone(),
        source,
    };
    sweep_staging(dokku_root);
    std::fs::create_dir_all(dokku_root).map_err(io_err)?;
    let staging = tempfile::Builder::new()
        .prefix(&format!("{STAGING_PREFIX}{app}-"))
        .tempdir_in(dokku_root)
        .map_err(io_err)?;
    std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
        .map_err(io_err)?;
    let marker = Marker {
        owner: Some(Owner::current()),
        intent,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(staging.path().join(MARKER))
        .map_err(io_err)?;
    // Locked before it says anything: a sweep that finds it empty meanwhile sees it
    // busy, not abandoned. Nobody else has it open yet, so this cannot be busy.
    flock(&file, Flock::ExclusiveNow).map_err(io_err)?;
    file.write_all(marker.render().as_bytes()).map_err(io_err)?;
    match crate::fs::rename_noreplace(staging.path(), &root) {
        Ok(()) => {
            // It is the app's directory now; nothing left to clean up.
            let _ = staging.keep();
            Ok(Held {
                _file: file,
                path: root.join(MARKER),
                marker,
            })
        }
        Err(e)
            if e.kind() == io::ErrorKind::AlreadyExists
                || e.raw_os_error() == Some(libc::ENOTEMPTY) =>
        {
            Err(StageError::Taken)
        }
        Err(e) => Err(io_err(e)),
    }
}

/// Removes the staging directories (`.creating-*` in `$DOKKU_ROOT`) of commands that
/// were killed before they renamed them into place. Returns how many.
pub fn sweep_staging(dokku_root: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dokku_root) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let is_staging = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(STAGING_PREFIX));
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_staging || !is_dir {
            continue;
        }
        let dir = entry.path();
        let stale = match look(&dir) {
            // Held (locked) until the directory is gone.
            Look::Abandoned(_held) => std::fs::remove_dir_all(&dir).is_ok(),
            Look::Busy(_) => false,
            Look::Clean => {
                let old = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age >= UNMARKED_STAGING_AGE);
                old && std::fs::remove_dir_all(&dir).is_ok()
            }
        };
        if stale {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::testing::dead_owner;

    #[test]
    fn markers_round_trip_and_garbage_reads_as_a_create() {
        let rename = Marker {
            owner: Some(Owner::current()),
            intent: Intent::Rename {
                old: "a".into(),
                new: "b".into(),
                skip_deploy: true,
            },
        };
        assert_eq!(Marker::parse(&rename.render()), rename);
        let garbage = Marker::parse("op=rename\nold=a\n");
        assert_eq!(garbage.intent, Intent::Create);
        assert_eq!(garbage.owner, None);
    }

    #[test]
    fn a_staged_app_is_marked_until_finished_and_never_replaces_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let held = stage(root, "web", Intent::Create).expect("staged");
        let app = root.join("web");
        assert!(app.is_dir() && is_marked(&app));
        let mode = std::fs::metadata(&app).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o755);
        // Ours and running: busy to anyone else.
        assert!(matches!(look(&app), Look::Busy(_)));
        assert!(matches!(
            stage(root, "web", Intent::Create),
            Err(StageError::Taken)
        ));
        assert!(!is_hidden(&app), "the command making it sees it");
        std::fs::write(
            app.join(MARKER),
            Marker {
                owner: Some(dead_owner()),
                intent: Intent::Create,
            }
            .render(),
        )
        .expect("someone else's");
        assert!(is_hidden(&app), "others do not");
        held.finish().expect("finish");
        assert!(!is_marked(&app));
        assert!(matches!(look(&app), Look::Clean));
        // An empty directory is taken too.
        std::fs::create_dir(root.join("empty")).expect("mkdir");
        assert!(matches!(
            stage(root, "empty", Intent::Create),
            Err(StageError::Taken)
        ));
        let names: Vec<String> = std::fs::read_dir(root)
            .expect("ls")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !names.iter().any(|n| n.starts_with(STAGING_PREFIX)),
            "{names:?}"
        );
    }

    #[test]
    fn an_abandoned_marker_is_handed_over_and_moves_atomically() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (old, new) = (dir.path().join("old"), dir.path().join("new"));
        std::fs::create_dir_all(&old).expect("old");
        std::fs::create_dir_all(&new).expect("new");
        let marker = Marker {
            owner: Some(dead_owner()),
            intent: Intent::Rename {
                old: "old".into(),
                new: "new".into(),
                skip_deploy: false,
            },
        };
        std::fs::write(new.join(MARKER), marker.render()).expect("marker");
        let Look::Abandoned(mut held) = look(&new) else {
            panic!("abandoned");
        };
        assert_eq!(held.marker, marker);
        // Someone else looking meanwhile sees it busy: we hold it.
        assert!(matches!(look(&new), Look::Busy(_)));
        held.move_to(&old).expect("switch");
        assert!(is_marked(&old) && !is_marked(&new));
        held.remove_with(&old).expect("remove");
        assert!(!old.exists() && new.is_dir());
    }

    #[test]
    fn stale_staging_dirs_are_swept_live_ones_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let dead = root.join(".creating-web-abc");
        std::fs::create_dir_all(&dead).expect("mkdir");
        let marker = Marker {
            owner: Some(dead_owner()),
            intent: Intent::Create,
        };
        std::fs::write(dead.join(MARKER), marker.render()).expect("marker");
        let live = root.join(".creating-api-def");
        std::fs::create_dir_all(&live).expect("mkdir");
        let mine = Marker {
            owner: Some(Owner::current()),
            intent: Intent::Create,
        };
        std::fs::write(live.join(MARKER), mine.render()).expect("marker");
        let fresh = root.join(".creating-new-ghi");
        std::fs::create_dir_all(&fresh).expect("mkdir");
        assert_eq!(sweep_staging(root), 1);
        assert!(!dead.exists() && live.is_dir() && fresh.is_dir());
    }
}
