//! The per-app deploy lock: `$DOKKU_LIB_ROOT/data/apps/<app>/.deploy.lock`.
//!
//! As in Dokku, the lock is an `flock(2)` on that file, held for the length of a
//! deploy and released (the file deleted) when it ends. A second deploy either fails
//! at once ([`DeployLock::try_acquire`], what `git push` does) or waits
//! ([`DeployLock::acquire`]).
//!
//! The file says who made it. A deploy writes its [`Owner`] (pid, process start time,
//! boot id) into it; `apps:lock` writes [`MANUAL`]. A file nobody holds is then one of:
//!
//! - a manual lock (`manual`, an empty file, or anything without an owner record):
//!   deploys refuse it, so `apps:lock` stops new deploys as Dokku documents, until
//!   `apps:unlock` removes the file;
//! - the lock of a deploy that was killed (`kill -9`, or SIGHUP when the ssh session
//!   dropped) before it could delete the file: its owner is gone, so the lock is
//!   stale and the next deploy takes it over, saying so
//!   ([`DeployLock::takeover_warning`]). The owner's start time is compared too, so a
//!   pid reused by another process does not keep a dead deploy's lock alive.
//!
//! A new lock file appears with its owner record already in it (written to a
//! temporary file, locked, then renamed into place without replacing anything), and a
//! takeover replaces the stale file the same way, so nobody ever reads a half-written
//! record.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use crate::owner::Owner;

/// What `apps:lock` writes into the lock file: no process owns it.
pub const MANUAL: &str = "manual";

/// A held deploy lock; dropping it releases the lock and deletes the file.
#[derive(Debug)]
pub struct DeployLock {
    file: File,
    path: PathBuf,
    took_over: Option<Owner>,
    /// Delete the file on drop (false once [`DeployLock::keep`] handed it to its
    /// owner).
    release: bool,
}

/// Why a lock could not be taken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// Another deploy holds it, or `apps:lock` created it.
    #[error("{app} currently has a deploy lock in place. Exiting...")]
    Held {
        /// The app.
        app: String,
    },
    /// The lock file could not be opened or locked.
    #[error("cannot lock {}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// What a deploy lock file means right now (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockState {
    /// There is no lock file.
    Free,
    /// `apps:lock`, or a file that names no owner: it refuses deploys until
    /// `apps:unlock`.
    Manual,
    /// A running deploy holds it.
    Held(Owner),
    /// The deploy that made it is gone: the next deploy takes it over.
    Stale(Owner),
}

impl LockState {
    /// Whether the lock stops a deploy (and `apps:destroy`, `apps:rename`): a manual
    /// lock or a running deploy. A stale lock does not.
    pub fn blocks(&self) -> bool {
        matches!(self, LockState::Manual | LockState::Held(_))
    }
}

/// The state of the lock file at `path`, without taking it.
pub fn status(path: &Path) -> LockState {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return LockState::Free,
        // There, but unreadable to us: whoever made it, it is not ours to ignore.
        Err(_) => return LockState::Manual,
    };
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    match Owner::parse(&text) {
        None => LockState::Manual,
        Some(owner) if owner.is_alive() => LockState::Held(owner),
        // The owner may live in another pid namespace, where we cannot see it: a
        // deploy that runs holds the flock, whatever /proc says.
        Some(owner) => match flock(&file, Flock::ExclusiveNow) {
            Ok(false) => LockState::Held(owner),
            _ => LockState::Stale(owner),
        },
    }
}

/// `apps:lock`: creates the manual lock, or turns a stale one into a manual one. An
/// existing manual lock is left as it is. During a deploy, the deploy's file is
/// replaced by a manual one: the running deploy goes on (as with `apps:unlock`, the
/// lock does not stop a deploy in progress), but no longer deletes the file when it
/// ends, so the manual lock outlives it.
pub fn lock_manually(path: &Path) -> io::Result<()> {
    if status(path) == LockState::Manual {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::fs::write_atomic(path, format!("{MANUAL}\n").as_bytes(), 0o644)
}

impl DeployLock {
    /// Takes the lock without waiting; [`LockError::Held`] when a deploy holds it or
    /// a manual `apps:lock` file exists. A stale lock (its deploy is gone) is taken
    /// over: see [`DeployLock::took_over`].
    pub fn try_acquire(path: &Path, app: &str) -> Result<DeployLock, LockError> {
        Self::try_acquire_as(path, app, &Owner::current())
    }

    /// [`DeployLock::try_acquire`] with `owner`'s record in the file instead of this
    /// process's. A lock `owner` already holds is refused like any other.
    fn try_acquire_as(path: &Path, app: &str, owner: &Owner) -> Result<DeployLock, LockError> {
        let io_err = |source| LockError::Io {
            path: path.to_path_buf(),
            source,
        };
        let held = || LockError::Held {
            app: app.to_string(),
        };
        loop {
            match File::open(path) {
                Ok(mut existing) => {
                    if !flock(&existing, Flock::ExclusiveNow).map_err(io_err)? {
                        return Err(held());
                    }
                    if !same_file(&existing, path) {
                        // The previous deploy just released and deleted it: try again.
                        continue;
                    }
                    let mut text = String::new();
                    existing.read_to_string(&mut text).map_err(io_err)?;
                    match Owner::parse(&text) {
                        Some(dead) if !dead.is_alive() => {
                            // Holding the old file's flock, nobody else takes it over
                            // meanwhile; the replacement is locked before it appears.
                            let mut lock = Self::create(path, true, owner)
                                .map_err(io_err)?
                                .ok_or_else(held)?;
                            lock.took_over = Some(dead);
                            return Ok(lock);
                        }
                        // `apps:lock`, or an owner that is still running.
                        _ => return Err(held()),
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_err(e)),
            }
            if let Some(lock) = Self::create(path, false, owner).map_err(io_err)? {
                return Ok(lock);
            }
            // Someone created it between our two looks: look again.
        }
    }

    /// Takes the lock, waiting for a running deploy to finish. `on_wait` is called
    /// once if the lock is busy (Dokku prints `APP currently has a deploy lock in
    /// place. Waiting...`). Only the flock counts here: this is the lock of shared
    /// files (the retire registry), which no manual lock applies to.
    pub fn acquire(path: &Path, on_wait: impl FnOnce()) -> Result<DeployLock, LockError> {
        let io_err = |source| LockError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(lock) = Self::open_locked(path, false).map_err(io_err)? {
            return Ok(lock);
        }
        on_wait();
        loop {
            if let Some(lock) = Self::open_locked(path, true).map_err(io_err)? {
                return Ok(lock);
            }
        }
    }

    /// Writes `owner`'s record into a new file next to `path`, locks it, and renames
    /// it to `path`: replacing what is there (`replace`, a takeover) or only when
    /// nothing is (`None` if something is).
    fn create(path: &Path, replace: bool, owner: &Owner) -> io::Result<Option<DeployLock>> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!("{name}.tmp-"))
            .tempfile_in(dir)?;
        tmp.write_all(owner.to_string().as_bytes())?;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        // A new inode nobody else has opened: this cannot be busy.
        flock(tmp.as_file(), Flock::ExclusiveNow)?;
        let file = if replace {
            tmp.persist(path).map_err(|e| e.error)?
        } else {
            match tmp.persist_noclobber(path) {
                Ok(file) => file,
                Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => return Ok(None),
                Err(e) => return Err(e.error),
            }
        };
        Ok(Some(DeployLock {
            file,
            path: path.to_path_buf(),
            took_over: None,
            release: true,
        }))
    }

    /// Opens (creating) the file and locks it; `None` when it is busy (non-blocking).
    /// A lock on a file that was deleted and replaced meanwhile is not the lock, so the
    /// inode is checked after locking and the attempt repeated.
    fn open_locked(path: &Path, wait: bool) -> io::Result<Option<DeployLock>> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mode = if wait {
            Flock::Exclusive
        } else {
            Flock::ExclusiveNow
        };
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o644)
                .open(path)?;
            if !flock(&file, mode)? {
                return Ok(None);
            }
            if same_file(&file, path) {
                file.set_len(0)?;
                file.rewind()?;
                file.write_all(Owner::current().to_string().as_bytes())?;
                return Ok(Some(DeployLock {
                    file,
                    path: path.to_path_buf(),
                    took_over: None,
                    release: true,
                }));
            }
            // Released and deleted by the previous holder while we waited.
        }
    }

    /// Takes the deploy lock of `app` for `owner`, another running process (the
    /// shell of a bash plugin that calls `acquire_app_deploy_lock`), and leaves the
    /// file in place when this process ends: it names `owner`, so every deploy sees
    /// the lock held while `owner` runs and takes it over once `owner` is gone, as
    /// with a killed deploy. Returns the dead owner whose stale lock was taken over.
    ///
    /// Without `wait`, a held or manual lock is [`LockError::Held`] at once. With it,
    /// a lock held by a running deploy is waited for (polling once a second, calling
    /// `on_wait` once); a manual lock still fails, since only `apps:unlock` ends it.
    /// A lock `owner` already holds is taken again (a plugin that locks twice).
    pub fn acquire_for(
        path: &Path,
        app: &str,
        owner: &Owner,
        wait: bool,
        on_wait: impl FnOnce(),
    ) -> Result<Option<Owner>, LockError> {
        let mut on_wait = Some(on_wait);
        loop {
            let state = status(path);
            if let LockState::Held(holder) = &state {
                if holder == owner {
                    return Ok(None);
                }
            }
            match Self::try_acquire_as(path, app, owner) {
                Ok(mut lock) => {
                    lock.release = false;
                    return Ok(lock.took_over.take());
                }
                Err(LockError::Held { .. })
                    if wait && !matches!(status(path), LockState::Manual) =>
                {
                    if let Some(f) = on_wait.take() {
                        f();
                    }
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Releases a lock taken with [`DeployLock::acquire_for`]: deletes the file if
    /// it still names `owner` (`false` when it does not, e.g. `apps:lock` replaced it
    /// meanwhile, or it is already gone).
    pub fn release_for(path: &Path, owner: &Owner) -> io::Result<bool> {
        let mut file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        // Deployers hold the flock only for a moment while they read the record.
        flock(&file, Flock::Exclusive)?;
        let mut text = String::new();
        file.read_to_string(&mut text)?;
        if !same_file(&file, path) || Owner::parse(&text).as_ref() != Some(owner) {
            return Ok(false);
        }
        std::fs::remove_file(path)?;
        Ok(true)
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The dead deploy whose stale lock this one replaced, if any.
    pub fn took_over(&self) -> Option<&Owner> {
        self.took_over.as_ref()
    }

    /// The warning to print when this lock replaced a stale one (`None` otherwise).
    pub fn takeover_warning(&self, app: &str) -> Option<String> {
        self.took_over
            .as_ref()
            .map(|owner| takeover_warning(app, owner))
    }
}

/// Adds `build=<id>` to the deploy lock file at `path`, naming the build that holds it
/// (what `builds:cancel` reads; see [`crate::builds::locked_build`]). Appended in
/// place, so the holder's flock on the file stays valid; a manual lock, a lock that
/// already names a build, or an id that is not a plain word is left alone.
pub fn note_build(path: &Path, id: &str) -> io::Result<()> {
    if !crate::builds::valid_id(id) {
        return Ok(());
    }
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if Owner::parse(&text).is_none() || text.lines().any(|l| l.starts_with("build=")) {
        return Ok(());
    }
    let mut file = OpenOptions::new().append(true).open(path)?;
    file.write_all(format!("build={id}\n").as_bytes())
}

/// The warning printed when a deploy lock of `app` whose `owner` died is taken over.
pub fn takeover_warning(app: &str, owner: &Owner) -> String {
    format!(
        "Taking over the deploy lock of {app}: the deploy that held it (pid {}) is no longer running",
        owner.pid
    )
}

impl Drop for DeployLock {
    fn drop(&mut self) {
        // Delete while still holding the lock, so nobody locks a file that is about
        // to disappear without noticing (they re-check the inode). A file that is no
        // longer ours (`apps:unlock` then `apps:lock` meanwhile) stays.
        if self.release && same_file(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether the open `file` is still the one at `path` (not deleted or replaced).
pub(crate) fn same_file(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

/// An `flock(2)` operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flock {
    /// Exclusive, waiting for it.
    Exclusive,
    /// Exclusive, or `false` at once when busy.
    ExclusiveNow,
    /// Shared, waiting for it.
    Shared,
}

/// Applies `mode` to `file`; `false` when a non-waiting lock is busy. Converting a
/// held lock (exclusive to shared) is allowed, as flock(2) does it.
#[allow(unsafe_code)]
pub(crate) fn flock(file: &File, mode: Flock) -> io::Result<bool> {
    let op = match mode {
        Flock::Exclusive => libc::LOCK_EX,
        Flock::ExclusiveNow => libc::LOCK_EX | libc::LOCK_NB,
        Flock::Shared => libc::LOCK_SH,
    };
    loop {
        // SAFETY: `file` owns a valid open descriptor for the whole call, and flock(2)
        // reads no memory of ours.
        let rc = unsafe { libc::flock(file.as_raw_fd(), op) };
        if rc == 0 {
            return Ok(true);
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EWOULDBLOCK) => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::testing::dead_owner;

    #[test]
    fn a_deploy_lock_names_its_build_and_is_still_released() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("apps/web/.deploy.lock");
        let lock = DeployLock::try_acquire(&path, "web").expect("lock");
        note_build(&path, "b1").expect("note");
        note_build(&path, "b2").expect("note again");
        note_build(&path, "../x").expect("bad id ignored");
        assert_eq!(
            crate::builds::locked_build(&path),
            crate::builds::LockedBuild::Named("b1".into())
        );
        assert!(matches!(status(&path), LockState::Held(_)));
        drop(lock);
        assert!(!path.exists());
        lock_manually(&path).expect("manual");
        note_build(&path, "b3").expect("manual left alone");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            format!("{MANUAL}\n")
        );
    }

    #[test]
    fn second_deploy_is_refused_and_release_deletes_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("apps/web/.deploy.lock");
        let first = DeployLock::try_acquire(&path, "web").expect("first");
        assert!(path.exists());
        let err = DeployLock::try_acquire(&path, "web").expect_err("held");
        assert_eq!(
            err.to_string(),
            "web currently has a deploy lock in place. Exiting..."
        );
        drop(first);
        assert!(!path.exists());
        let again = DeployLock::try_acquire(&path, "web").expect("free again");
        drop(again);
    }

    #[test]
    fn a_manual_lock_file_refuses_deploys_and_survives() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".deploy.lock");
        std::fs::write(&path, "").expect("apps:lock");
        assert!(matches!(
            DeployLock::try_acquire(&path, "web"),
            Err(LockError::Held { .. })
        ));
        assert!(path.exists(), "the manual lock stays until apps:unlock");
    }

    #[test]
    fn waiting_acquire_gets_the_lock_after_release() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".deploy.lock");
        let first = DeployLock::try_acquire(&path, "web").expect("first");
        let p2 = path.clone();
        let waiter = std::thread::spawn(move || {
            let mut waited = false;
            let lock = DeployLock::acquire(&p2, || waited = true).expect("second");
            drop(lock);
            waited
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        drop(first);
        assert!(waiter.join().expect("thread"));
    }

    #[test]
    fn a_deploy_records_its_owner_and_is_held_while_it_runs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".deploy.lock");
        assert_eq!(status(&path), LockState::Free);
        let lock = DeployLock::try_acquire(&path, "web").expect("lock");
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(Owner::parse(&text), Some(Owner::current()));
        assert_eq!(status(&path), LockState::Held(Owner::current()));
        assert!(status(&path).blocks());
        assert!(lock.took_over().is_none());
        assert_eq!(lock.takeover_warning("web"), None);
        drop(lock);
        assert_eq!(status(&path), LockState::Free);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("ls").collect();
        assert!(
            leftovers.is_empty(),
            "no temporary file left: {leftovers:?}"
        );
    }

    #[test]
    fn a_stale_lock_of_a_dead_deploy_is_taken_over_with_a_warning() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".deploy.lock");
        let dead = dead_owner();
        std::fs::write(&path, dead.to_string()).expect("left by a killed deploy");
        assert_eq!(status(&path), LockState::Stale(dead.clone()));
        assert!(!status(&path).blocks());
        let lock = DeployLock::try_acquire(&path, "web").expect("taken over");
        assert_eq!(lock.took_over(), Some(&dead));
        assert_eq!(
            lock.takeover_warning("web"),
            Some(format!(
                "Taking over the deploy lock of web: the deploy that held it (pid {}) is no longer running",
                dead.pid
            ))
        );
        // The file is now ours, and a second deploy is refused as usual.
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(Owner::parse(&text), Some(Owner::current()));
        assert!(matches!(
            DeployLock::try_acquire(&path, "web"),
            Err(LockError::Held { .. })
        ));
        drop(lock);
        assert!(!path.exists());
    }

    #[test]
    fn a_reused_pid_with_another_start_time_is_stale() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".deploy.lock");
        // Our own pid, which is running, but not since the recorded time: the
        // recorded deploy died and its pid went to another process.
        let me = Owner::current();
        let reused = Owner {
            start: me.start.saturating_sub(1),
            ..me
        };
        std::fs::write(&path, reused.to_string()).expect("write");
        assert_eq!(status(&path), LockState::Stale(reused.clone()));
        let lock = DeployLock::try_acquire(&path, "web").expect("taken over");
        assert_eq!(lock.took_over(), Some(&reused));
    }

    #[test]
    fn a_live_owner_is_refused_even_without_its_flock() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".deploy.lock");
        std::fs::write(&path, Owner::current().to_string()).expect("write");
        assert_eq!(status(&path), LockState::Held(Owner::current()));
        let err = DeployLock::try_acquire(&path, "web").expect_err("refused");
        assert!(matches!(err, LockError::Held { .. }), "{err}");
        assert_eq!(
            Owner::parse(&std::fs::read_to_string(&path).expect("read")),
            Some(Owner::current()),
            "the owner's file is left alone"
        );
    }

    #[test]
    fn a_lock_taken_for_another_process_outlives_the_taker_and_its_owner() {
        use crate::owner::testing::Stranger;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("apps/web/.deploy.lock");
        let shell = Stranger::start();
        let owner = shell.owner();
        let took = DeployLock::acquire_for(&path, "web", &owner, false, || {}).expect("free");
        assert_eq!(took, None);
        // Nobody holds the flock now, yet the running owner keeps deploys out.
        assert_eq!(status(&path), LockState::Held(owner.clone()));
        assert!(matches!(
            DeployLock::try_acquire(&path, "web"),
            Err(LockError::Held { .. })
        ));
        // The owner locking again succeeds; another process is refused.
        assert_eq!(
            DeployLock::acquire_for(&path, "web", &owner, false, || {}).expect("again"),
            None
        );
        let other = Stranger::start();
        assert!(DeployLock::acquire_for(&path, "web", &other.owner(), false, || {}).is_err());
        // Release by someone else's record leaves it; the owner's release deletes it.
        assert!(!DeployLock::release_for(&path, &other.owner()).expect("release"));
        assert!(path.exists());
        assert!(DeployLock::release_for(&path, &owner).expect("release"));
        assert_eq!(status(&path), LockState::Free);
        assert!(!DeployLock::release_for(&path, &owner).expect("gone"));
        // A lock whose owner died is taken over by the next one.
        DeployLock::acquire_for(&path, "web", &owner, false, || {}).expect("again");
        drop(shell);
        let took = DeployLock::acquire_for(&path, "web", &other.owner(), false, || {})
            .expect("stale lock taken over");
        assert_eq!(took.map(|o| o.pid), Some(owner.pid));
    }

    #[test]
    fn acquire_for_waits_for_a_deploy_but_not_for_a_manual_lock() {
        use crate::owner::testing::Stranger;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".deploy.lock");
        let shell = Stranger::start();
        let deploy = DeployLock::try_acquire(&path, "web").expect("deploy");
        let p2 = path.clone();
        let owner = shell.owner();
        let (told, waiting) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            DeployLock::acquire_for(&p2, "web", &owner, true, || {
                told.send(()).expect("tell");
            })
            .expect("after the deploy")
        });
        // The deploy ends only once the waiter has said it waits.
        waiting
            .recv()
            .expect("the waiter waits while the deploy runs");
        drop(deploy);
        assert_eq!(waiter.join().expect("thread"), None);
        assert_eq!(status(&path), LockState::Held(shell.owner()));
        std::fs::remove_file(&path).expect("unlock");
        lock_manually(&path).expect("apps:lock");
        let mut waited = false;
        assert!(
            DeployLock::acquire_for(&path, "web", &shell.owner(), true, || waited = true).is_err()
        );
        assert!(!waited, "a manual lock fails at once");
    }

    #[test]
    fn manual_locks_refuse_deploys_whatever_their_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("apps/web/.deploy.lock");
        lock_manually(&path).expect("apps:lock");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "manual\n");
        for text in ["manual\n", "", "12345\n", "pid=1\n"] {
            std::fs::write(&path, text).expect("write");
            assert_eq!(status(&path), LockState::Manual, "{text:?}");
            assert!(
                matches!(
                    DeployLock::try_acquire(&path, "web"),
                    Err(LockError::Held { .. })
                ),
                "{text:?}"
            );
            assert_eq!(std::fs::read_to_string(&path).expect("kept"), text);
        }
        // apps:lock on a stale lock makes it a manual one, which then holds.
        std::fs::write(&path, dead_owner().to_string()).expect("stale");
        lock_manually(&path).expect("apps:lock");
        assert_eq!(status(&path), LockState::Manual);
        assert!(DeployLock::try_acquire(&path, "web").is_err());
        // apps:lock during a deploy: the manual lock outlives the deploy.
        std::fs::remove_file(&path).expect("apps:unlock");
        let deploy = DeployLock::try_acquire(&path, "web").expect("deploy");
        lock_manually(&path).expect("apps:lock");
        assert!(DeployLock::try_acquire(&path, "web").is_err());
        drop(deploy);
        assert_eq!(status(&path), LockState::Manual);
    }
}
