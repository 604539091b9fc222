//! An exclusive `flock(2)` held for the length of one read-modify-write.
//!
//! `write_atomic` keeps readers from seeing half a file, but two writers that both read
//! the old contents and then both rename their new copy in would lose one update. Every
//! read-modify-write of a state file (a config ENV file, a list or map property) therefore
//! takes this lock first. Both the config store and the property store use it; it lives
//! here because properties are the lower layer of the two.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::Path;

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
    fn missing_directory_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(FileLock::exclusive(&dir.path().join("nope").join(".lock")).is_err());
    }
}
