//! The per-app deploy lock: `$DOKKU_LIB_ROOT/data/apps/<app>/.deploy.lock`.
//!
//! As in Dokku, the lock is an `flock(2)` on that file, held for the length of a
//! deploy and released (the file deleted) when it ends. A second deploy either fails
//! at once ([`DeployLock::try_acquire`], what `git push` does) or waits
//! ([`DeployLock::acquire`]). The file existing on its own, without a deploy holding
//! it, is the manual lock `apps:lock` creates; deploys refuse it too, so `apps:lock`
//! stops new deploys as Dokku documents, until `apps:unlock` removes the file.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

/// A held deploy lock; dropping it releases the lock and deletes the file.
#[derive(Debug)]
pub struct DeployLock {
    file: File,
    path: PathBuf,
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

impl DeployLock {
    /// Takes the lock without waiting; [`LockError::Held`] when a deploy holds it or
    /// a manual `apps:lock` file exists.
    pub fn try_acquire(path: &Path, app: &str) -> Result<DeployLock, LockError> {
        let io_err = |source| LockError::Io {
            path: path.to_path_buf(),
            source,
        };
        let held = || LockError::Held {
            app: app.to_string(),
        };
        loop {
            match File::open(path) {
                Ok(existing) => {
                    if !flock(&existing, false).map_err(io_err)? {
                        return Err(held());
                    }
                    if same_file(&existing, path) {
                        // Nobody deploys, yet the file is there: `apps:lock`. Leave it.
                        return Err(held());
                    }
                    // The previous deploy just released and deleted it: try again.
                    continue;
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_err(e)),
            }
            return Self::open_locked(path, false)
                .map_err(io_err)?
                .ok_or_else(held);
        }
    }

    /// Takes the lock, waiting for a running deploy to finish. `on_wait` is called
    /// once if the lock is busy (Dokku prints `APP currently has a deploy lock in
    /// place. Waiting...`).
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

    /// Opens (creating) the file and locks it; `None` when it is busy (non-blocking).
    /// A lock on a file that was deleted and replaced meanwhile is not the lock, so the
    /// inode is checked after locking and the attempt repeated.
    fn open_locked(path: &Path, wait: bool) -> io::Result<Option<DeployLock>> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o644)
                .open(path)?;
            if !flock(&file, wait)? {
                return Ok(None);
            }
            if same_file(&file, path) {
                return Ok(Some(DeployLock {
                    file,
                    path: path.to_path_buf(),
                }));
            }
            // Released and deleted by the previous holder while we waited.
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DeployLock {
    fn drop(&mut self) {
        // Delete while still holding the lock, so nobody locks a file that is about
        // to disappear without noticing (they re-check the inode).
        let _ = std::fs::remove_file(&self.path);
        let _ = &self.file;
    }
}

/// Whether the open `file` is still the one at `path` (not deleted or replaced).
fn same_file(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

#[allow(unsafe_code)]
fn flock(file: &File, wait: bool) -> io::Result<bool> {
    let op = if wait {
        libc::LOCK_EX
    } else {
        libc::LOCK_EX | libc::LOCK_NB
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
}
