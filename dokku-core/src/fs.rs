//! Atomic file writes: state files are never left half-written.
//!
//! Every state file is replaced by writing a temporary file in the same directory,
//! syncing it, and renaming it over the target. A crash at any point leaves either the
//! old file or the new one, never a mix.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Writes `contents` to `path` atomically with the given Unix `mode` (e.g. `0o600`).
///
/// The parent directory must exist. The temporary file is removed if any step fails.
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    write_atomic_inner(path, contents, mode, |_| Ok(()))
}

/// [`write_atomic`] with a hook run once the temporary file is complete and synced,
/// just before the rename: tests make it fail to stand in for a crash at that point.
fn write_atomic_inner(
    path: &Path,
    contents: &[u8],
    mode: u32,
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        // The umask may have narrowed the mode given to open().
        fs::set_permissions(&tmp, std::os::unix::fs::PermissionsExt::from_mode(mode))?;
        before_rename(&tmp)?;
        fs::rename(&tmp, path)?;
        // Persist the rename itself.
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Renames `from` to `to` only if nothing is at `to` (`renameat2(RENAME_NOREPLACE)`):
/// [`io::ErrorKind::AlreadyExists`] otherwise, even for an empty directory, which a
/// plain rename(2) would silently replace. On a file system without the flag, an
/// existing `to` is checked first instead (racy, but only there).
#[allow(unsafe_code)]
pub fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path holds a NUL byte"))
    };
    let (cfrom, cto) = (c(from)?, c(to)?);
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call,
    // and renameat2(2) only reads them.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            cfrom.as_ptr(),
            libc::AT_FDCWD,
            cto.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) => {
            if fs::symlink_metadata(to).is_ok() {
                return Err(io::Error::from(io::ErrorKind::AlreadyExists));
            }
            fs::rename(from, to)
        }
        _ => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn replaces_contents_and_sets_mode() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ENV");
        fs::write(&path, "old").expect("seed");
        write_atomic(&path, b"new", 0o600).expect("write");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new");
        let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            fs::read_dir(dir.path()).expect("ls").count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn a_failure_after_the_temp_write_leaves_the_old_file_and_no_temp() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ENV");
        fs::write(&path, "A=old\n").expect("seed");
        let err = write_atomic_inner(&path, b"A=new\n", 0o600, |tmp| {
            // The new contents are fully on disk under the temporary name...
            assert_eq!(fs::read(tmp).expect("temp file"), b"A=new\n");
            // ...when the writer dies.
            Err(io::Error::other("killed"))
        })
        .expect_err("injected failure");
        assert_eq!(err.to_string(), "killed");
        assert_eq!(fs::read_to_string(&path).expect("read"), "A=old\n");
        assert_eq!(
            fs::read_dir(dir.path()).expect("ls").count(),
            1,
            "temp file removed"
        );
    }

    #[test]
    fn missing_parent_is_an_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nope").join("ENV");
        assert!(write_atomic(&path, b"x", 0o600).is_err());
    }

    #[test]
    fn rename_noreplace_never_replaces_not_even_an_empty_dir() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).expect("a");
        fs::write(a.join("f"), "x").expect("f");
        fs::create_dir(&b).expect("b");
        let err = rename_noreplace(&a, &b).expect_err("b exists");
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert!(a.join("f").is_file() && !b.join("f").exists());
        fs::remove_dir(&b).expect("rmdir");
        rename_noreplace(&a, &b).expect("free now");
        assert!(b.join("f").is_file() && !a.exists());
    }
}
