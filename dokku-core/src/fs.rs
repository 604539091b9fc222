//! Atomic file writes: state files are never left half-written.
//!
//! Every state file is replaced by writing a temporary sibling in the same directory,
//! syncing it, and renaming it over the target. A crash at any point leaves either the
//! old file or the new one, never a mix.
//!
//! The sibling is `.<file>.tmp-<6 random letters or digits>`, created with `O_EXCL`
//! (by the `tempfile` crate): its name cannot be guessed and a symlink or file planted
//! at any name is never opened, let alone followed. A writer killed between the create
//! and the rename leaves its sibling behind; since the name no longer tells which
//! process wrote it, a sibling is **stale once it is older than [`STALE_AFTER`]**, and
//! the next write of the same file removes its stale siblings. A live writer holds its
//! sibling for the time of one small write and fsync, far below that age.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How old a temp sibling must be before a later write removes it as a dead writer's
/// leftover (see the module docs).
pub const STALE_AFTER: Duration = Duration::from_secs(5 * 60);

/// The random part of a temp sibling's name.
const RANDOM_LEN: usize = 6;

/// Writes `contents` to `path` atomically with the given Unix `mode` (e.g. `0o600`).
///
/// The parent directory must exist. The temporary file is removed if any step fails.
/// Stale temporary siblings of `path` left by killed writers are removed first.
pub fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> io::Result<()> {
    write_atomic_inner(path, contents, mode, |_| Ok(()))
}

/// A private temporary directory in `$TMPDIR` (else `/tmp`); see
/// [`private_tempdir_in`].
pub fn private_tempdir(prefix: &str) -> io::Result<tempfile::TempDir> {
    private_tempdir_in(&std::env::temp_dir(), prefix)
}

/// A private temporary directory in `dir`: `prefix` plus a random suffix, created
/// with mode 0700 by the `mkdir` itself (never briefly wider; the `tempfile` crate's
/// default is 0777 less the umask), and removed with its contents when dropped.
pub fn private_tempdir_in(dir: &Path, prefix: &str) -> io::Result<tempfile::TempDir> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .prefix(prefix)
        .permissions(fs::Permissions::from_mode(0o700))
        .tempdir_in(dir)
}

/// `.<name>.tmp-`: the prefix of every temp sibling of the file `name`.
fn temp_prefix(name: &std::ffi::OsStr) -> std::ffi::OsString {
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".tmp-");
    prefix
}

/// Removes the temp siblings of `name` in `dir` older than [`STALE_AFTER`]: ours
/// (random suffix) and those of older versions (`.tmp-<pid>`). Only the entry itself is
/// looked at and unlinked (`lstat`, `unlink`), so a planted symlink is removed, never
/// followed. Best effort: a sibling that cannot be removed stays until a later write.
fn sweep_stale(dir: &Path, name: &std::ffi::OsStr) {
    use std::os::unix::ffi::OsStrExt;
    let prefix = temp_prefix(name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(suffix) = file_name.as_bytes().strip_prefix(prefix.as_bytes()) else {
            continue;
        };
        if suffix.is_empty() || !suffix.iter().all(u8::is_ascii_alphanumeric) {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .map(|modified| now.duration_since(modified).unwrap_or_default() > STALE_AFTER)
            .unwrap_or(false);
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// [`write_atomic`] with a hook run once the temporary file is complete and synced,
/// just before the rename: tests make it fail to stand in for a crash at that point.
fn write_atomic_inner(
    path: &Path,
    contents: &[u8],
    mode: u32,
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    sweep_stale(dir, name);
    // O_EXCL with an unpredictable name, mode 0600 until the contents are complete;
    // removed on drop, so on every error path below.
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(name))
        .rand_bytes(RANDOM_LEN)
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    // fchmod: the umask may have narrowed the mode, and the path is not trusted.
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode))?;
    tmp.as_file().sync_all()?;
    before_rename(tmp.path())?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Persist the rename itself.
    File::open(dir)?.sync_all()
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

    /// Sets a file's (or a symlink's own) modification time `age` in the past.
    fn age(path: &Path, age: std::time::Duration) {
        let when = std::time::SystemTime::now() - age;
        let out = std::process::Command::new("touch")
            .arg("-h")
            .arg("-d")
            .arg(format!(
                "@{}",
                when.duration_since(std::time::UNIX_EPOCH)
                    .expect("after the epoch")
                    .as_secs()
            ))
            .arg(path)
            .status()
            .expect("run touch");
        assert!(out.success(), "touch -h -d {}", path.display());
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Issue #9: a command killed between the temp write and the rename leaves its temp
    /// sibling behind; the next write of the same file sweeps it once it is stale.
    #[test]
    fn a_stale_temp_sibling_left_by_a_killed_writer_is_removed_by_the_next_write() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ENV");
        fs::write(&path, "A=old\n").expect("seed");
        // Leftovers of killed writers: the old pid-named form and the random form.
        let old_style = dir.path().join(".ENV.tmp-4242");
        let random_style = dir.path().join(".ENV.tmp-Ab3dE9");
        for stale in [&old_style, &random_style] {
            fs::write(stale, "A=half").expect("plant");
            age(stale, STALE_AFTER * 2);
        }
        // A writer that is still at work: recent, kept.
        let fresh = dir.path().join(".ENV.tmp-Zz9yX8");
        fs::write(&fresh, "A=busy").expect("plant");
        // Other files' temps and unrelated dot files are never touched.
        let other = dir.path().join(".DOCKER_OPTIONS.tmp-4242");
        fs::write(&other, "x").expect("plant");
        age(&other, STALE_AFTER * 2);
        let unrelated = dir.path().join(".ENV.lock");
        fs::write(&unrelated, "").expect("plant");
        age(&unrelated, STALE_AFTER * 2);

        write_atomic(&path, b"A=new\n", 0o600).expect("write");
        assert_eq!(fs::read_to_string(&path).expect("read"), "A=new\n");
        assert_eq!(
            names(dir.path()),
            [
                ".DOCKER_OPTIONS.tmp-4242",
                ".ENV.lock",
                ".ENV.tmp-Zz9yX8",
                "ENV"
            ]
        );
    }

    /// Issue #9: the temp sibling's name used to be `.<file>.tmp-<pid>`, so anyone able
    /// to write in the directory could plant a symlink there and have the state written
    /// through it (and the symlink renamed over the state file).
    #[test]
    fn a_symlink_planted_at_a_predictable_temp_name_is_never_followed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outside = tempfile::tempdir().expect("temp dir");
        let victim = outside.path().join("victim");
        fs::write(&victim, "precious").expect("seed victim");
        let path = dir.path().join("ENV");
        fs::write(&path, "A=old\n").expect("seed");
        let planted = dir.path().join(format!(".ENV.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).expect("plant symlink");

        write_atomic(&path, b"A=new\n", 0o600).expect("write");
        assert_eq!(fs::read_to_string(&victim).expect("victim"), "precious");
        let meta = fs::symlink_metadata(&path).expect("meta");
        assert!(meta.file_type().is_file(), "ENV is a regular file");
        assert_eq!(fs::read_to_string(&path).expect("read"), "A=new\n");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn private_tempdirs_are_0700_unpredictable_and_removed_on_drop() {
        let parent = tempfile::tempdir().expect("temp dir");
        let one = private_tempdir_in(parent.path(), "dokku-x-").expect("one");
        let two = private_tempdir_in(parent.path(), "dokku-x-").expect("two");
        assert_ne!(one.path(), two.path());
        for dir in [&one, &two] {
            let meta = fs::symlink_metadata(dir.path()).expect("meta");
            assert!(meta.is_dir());
            assert_eq!(meta.permissions().mode() & 0o777, 0o700);
            let name = dir.path().file_name().expect("name").to_string_lossy();
            assert!(name.starts_with("dokku-x-"), "{name}");
        }
        fs::write(one.path().join("f"), "x").expect("write inside");
        let path = one.path().to_path_buf();
        drop(one);
        assert!(!path.exists(), "removed with its contents");
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
