//! An exclusive `flock(2)` held for the length of one read-modify-write.
//!
//! `write_atomic` keeps readers from seeing half a file, but two writers that both read
//! the old contents and then both rename their new copy in would lose one update. Every
//! read-modify-write of a state file (a config ENV file, a list or map property) therefore
//! takes this lock first. The config store, the property store and every other file of
//! app state (the `VHOST` lists) use it; it lives here because properties are the lowest
//! layer of those.
//!
//! [`FileLock::beside`] is the one naming rule: the state file `DIR/NAME` is guarded by
//! `DIR/.NAME.lock`. Beside the state, so it needs no directory of its own and goes
//! with the app when its directory is renamed or removed; a dot-file, so the listings
//! that skip dot-files (apps, properties, app-directory copies) never show it.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

/// An exclusive lock on a lock file, released when dropped (the descriptor is closed).
///
/// `flock` locks belong to the open file description, so each lock opens the file anew:
/// two `FileLock`s on the same path exclude each other even inside one process, which is
/// what lets the tests race threads instead of processes.
#[derive(Debug)]
pub(crate) struct FileLock {
    // Held only to keep the descriptor, and with it the lock, alive.
    _file: File,
}

impl FileLock {
    /// Opens (creating, mode `0600`) `path` and blocks until the exclusive lock is held.
    ///
    /// The parent directory must exist.
    pub(crate) fn exclusive(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)?;
        flock_exclusive(&file)?;
        Ok(Self { _file: file })
    }

    /// Blocks until the lock guarding the state file `state` is held: see
    /// [`lock_path`]. The directory holding `state` must exist.
    pub(crate) fn beside(state: &Path) -> io::Result<Self> {
        Self::exclusive(&lock_path(state)?)
    }
}

/// The lock file that guards the state file `DIR/NAME`: `DIR/.NAME.lock`.
///
/// The name is derived from the state file's own path, never from other input, so the
/// lock can only land where the state itself is; callers validate the names that went
/// into `state`. A path without a file name (`/`, `..`) is refused.
fn lock_path(state: &Path) -> io::Result<PathBuf> {
    let name = state.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} names no file to lock", state.display()),
        )
    })?;
    let mut lock = std::ffi::OsString::from(".");
    lock.push(name);
    lock.push(".lock");
    Ok(state.with_file_name(lock))
}

// Unsafe only because std's safe `File::lock` needs Rust 1.89, newer than the
// workspace's `rust-version`; switch to it once that allows.
#[allow(unsafe_code)]
fn flock_exclusive(file: &File) -> io::Result<()> {
    loop {
        // SAFETY: `file` owns a valid open descriptor for the whole call, and flock(2)
        // reads no memory of ours.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        if rc == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        // A signal may interrupt the wait; that is not a failure to lock.
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(".x.lock");
        let first = FileLock::exclusive(&path).expect("first lock");
        let acquired = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&acquired);
        let path2 = path.clone();
        let waiter = std::thread::spawn(move || {
            let _second = FileLock::exclusive(&path2).expect("second lock");
            flag.store(true, Ordering::SeqCst);
        });
        std::thread::sleep(Duration::from_millis(100));
        assert!(!acquired.load(Ordering::SeqCst), "lock must still be held");
        drop(first);
        waiter.join().expect("waiter thread");
        assert!(acquired.load(Ordering::SeqCst));
    }

    #[test]
    fn the_lock_is_a_dot_file_beside_the_state() {
        assert_eq!(
            lock_path(Path::new("/r/web/VHOST")).expect("path"),
            Path::new("/r/web/.VHOST.lock")
        );
        assert_eq!(
            lock_path(Path::new("VHOST")).expect("path"),
            Path::new(".VHOST.lock")
        );
        for bad in ["/", "/r/..", ""] {
            assert!(lock_path(Path::new(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn beside_locks_exclude_each_other_and_leave_the_state_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let state = dir.path().join("VHOST");
        let first = FileLock::beside(&state).expect("first lock");
        assert!(dir.path().join(".VHOST.lock").is_file());
        assert!(!state.exists(), "locking creates only the lock file");
        let acquired = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&acquired);
        let state2 = state.clone();
        let waiter = std::thread::spawn(move || {
            let _second = FileLock::beside(&state2).expect("second lock");
            flag.store(true, Ordering::SeqCst);
        });
        std::thread::sleep(Duration::from_millis(100));
        assert!(!acquired.load(Ordering::SeqCst), "lock must still be held");
        drop(first);
        waiter.join().expect("waiter thread");
        assert!(acquired.load(Ordering::SeqCst));
    }

    #[test]
    fn missing_directory_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(FileLock::exclusive(&dir.path().join("nope").join(".lock")).is_err());
    }
}
