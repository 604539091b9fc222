//! Archives from users (`git:from-archive`, `certs:add`) are untrusted input: their
//! members are read and checked here *before* anything is extracted (Dokku's
//! `common/archive-functions`), and what `unzip` extracted is checked afterwards.
//!
//! A tar archive is refused when a member
//! - has an absolute path, or a `..` component;
//! - is a symbolic link with an absolute target, or whose target has a `..`
//!   component (Dokku refuses any `..` in the target; we refuse the component only,
//!   so `a..b` stays a valid name), or lies below a symbolic link of the archive;
//! - is a hard link to an absolute or `..` path;
//! - is a device file or a FIFO;
//!
//! or when it has more members than the limit (`archive-max-files`).

pub mod tar;

#[cfg(test)]
mod fuzz;

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

pub use tar::{Entry, EntryKind, TarError};

/// Default of the global `git` property `archive-max-size` (bytes).
pub const DEFAULT_MAX_SIZE: u64 = 1_073_741_824;
/// Default of the global `git` property `archive-max-files`.
pub const DEFAULT_MAX_FILES: u64 = 10_000;

/// Why an archive is refused. The messages are Dokku's (its tests grep them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// The archive file is larger than `archive-max-size`.
    #[error("Archive exceeds maximum allowed size of {max} bytes")]
    TooLarge {
        /// The limit.
        max: u64,
    },
    /// More members than `archive-max-files`.
    #[error("Archive contains {count} entries which exceeds the maximum of {max}")]
    TooManyEntries {
        /// Members counted.
        count: u64,
        /// The limit.
        max: u64,
    },
    /// A member with an absolute path.
    #[error("Archive contains entries with absolute paths")]
    AbsolutePath,
    /// A member with a `..` component.
    #[error("Archive contains entries with parent directory traversal")]
    Traversal,
    /// A symbolic link to an absolute path.
    #[error("Archive contains symlinks with absolute targets")]
    SymlinkAbsolute,
    /// A symbolic link leaving the extraction directory (or, after extraction, one
    /// that resolves outside it).
    #[error("Archive contains symlinks pointing outside extraction directory")]
    SymlinkEscape,
    /// A member stored below one of the archive's own symbolic links.
    #[error("Archive contains entries below a symlink")]
    BelowSymlink,
    /// A hard link to an absolute or `..` path.
    #[error("Archive contains hard links pointing outside extraction directory")]
    HardlinkEscape,
    /// A device file or FIFO.
    #[error("Archive contains device files")]
    Device,
    /// A zip member with an absolute or `..` path.
    #[error("Archive contains entries with unsafe paths")]
    UnsafeZipPath,
}

/// The limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest archive file, in bytes.
    pub max_size: u64,
    /// Most members.
    pub max_files: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_size: DEFAULT_MAX_SIZE,
            max_files: DEFAULT_MAX_FILES,
        }
    }
}

/// The archive's size against the limit.
pub fn check_size(size: u64, limits: &Limits) -> Result<(), ArchiveError> {
    if size > limits.max_size {
        return Err(ArchiveError::TooLarge {
            max: limits.max_size,
        });
    }
    Ok(())
}

fn has_parent(path: &str) -> bool {
    path.split('/').any(|c| c == "..")
}

/// The normalised form of a member path: `./` and empty components dropped.
fn normal(path: &str) -> String {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Checks a tar archive's members (in the order of Dokku's checks: count, absolute
/// paths, traversal, then links and devices).
pub fn check_tar_entries(entries: &[Entry], limits: &Limits) -> Result<(), ArchiveError> {
    let count = entries.len() as u64;
    if count > limits.max_files {
        return Err(ArchiveError::TooManyEntries {
            count,
            max: limits.max_files,
        });
    }
    if entries.iter().any(|e| e.name.starts_with('/')) {
        return Err(ArchiveError::AbsolutePath);
    }
    if entries.iter().any(|e| has_parent(&e.name)) {
        return Err(ArchiveError::Traversal);
    }
    let mut symlinks: HashSet<String> = HashSet::new();
    for entry in entries {
        let name = normal(&entry.name);
        // Any proper prefix of the path that the archive made a symlink.
        let mut prefix = String::new();
        for component in name.split('/') {
            if !prefix.is_empty() && symlinks.contains(&prefix) {
                return Err(ArchiveError::BelowSymlink);
            }
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(component);
        }
        match entry.kind {
            EntryKind::Symlink => {
                if entry.link.starts_with('/') {
                    return Err(ArchiveError::SymlinkAbsolute);
                }
                if has_parent(&entry.link) {
                    return Err(ArchiveError::SymlinkEscape);
                }
                symlinks.insert(name);
            }
            EntryKind::Hardlink => {
                if entry.link.starts_with('/') || has_parent(&entry.link) {
                    return Err(ArchiveError::HardlinkEscape);
                }
            }
            EntryKind::Device => return Err(ArchiveError::Device),
            _ => {
                // A later regular member replaces an earlier link of that name.
                symlinks.remove(&name);
            }
        }
    }
    Ok(())
}

/// Checks a zip archive's member names (`unzip -Z1`), count first.
pub fn check_zip_names(names: &[&str], limits: &Limits) -> Result<(), ArchiveError> {
    let count = names.len() as u64;
    if count > limits.max_files {
        return Err(ArchiveError::TooManyEntries {
            count,
            max: limits.max_files,
        });
    }
    if names
        .iter()
        .any(|n| n.starts_with('/') || n.starts_with('\\') || has_parent(&n.replace('\\', "/")))
    {
        return Err(ArchiveError::UnsafeZipPath);
    }
    Ok(())
}

/// After extraction: every symbolic link below `root` must resolve inside it
/// (lexically from the link's real directory, so dangling links are judged too).
pub fn check_extracted_links(root: &Path) -> Result<(), ArchiveError> {
    let Ok(root) = root.canonicalize() else {
        return Ok(());
    };
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_symlink() {
                let target = std::fs::read_link(&path).map_err(|_| ArchiveError::SymlinkEscape)?;
                if !resolves_inside(&root, &dir, &target) {
                    return Err(ArchiveError::SymlinkEscape);
                }
            } else if kind.is_dir() {
                stack.push(path);
            }
        }
    }
    Ok(())
}

/// Whether `target`, read from a link in `dir` (a real directory below `root`),
/// stays inside `root` without following other links.
fn resolves_inside(root: &Path, dir: &Path, target: &Path) -> bool {
    if target.is_absolute() {
        return false;
    }
    let mut resolved: PathBuf = dir.to_path_buf();
    for component in target.components() {
        match component {
            Component::ParentDir => {
                if resolved == root || !resolved.pop() {
                    return false;
                }
            }
            Component::Normal(part) => resolved.push(part),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    resolved.starts_with(root)
}

#[cfg(test)]
mod tests {
    use super::tar::build;
    use super::*;

    fn entries(members: &[(&str, u8, &str)]) -> Vec<Entry> {
        let mut out = Vec::new();
        for (name, flag, link) in members {
            build::member(&mut out, name, *flag, link, b"");
        }
        build::finish(&mut out);
        tar::read_entries(&mut out.as_slice(), false).expect("a tar")
    }

    fn check(members: &[(&str, u8, &str)]) -> Result<(), ArchiveError> {
        check_tar_entries(&entries(members), &Limits::default())
    }

    #[test]
    fn refuses_dokkus_cases_with_dokkus_messages() {
        let err = check(&[("pwn", b'2', "/tmp"), ("pwn/canary.txt", b'0', "")]);
        assert_eq!(
            err.expect_err("absolute target").to_string(),
            "Archive contains symlinks with absolute targets"
        );
        let err = check(&[("pwn", b'2', "../../../../tmp")]);
        assert_eq!(err, Err(ArchiveError::SymlinkEscape));
        assert_eq!(
            check(&[("/tmp/canary.txt", b'0', "")]),
            Err(ArchiveError::AbsolutePath)
        );
        assert_eq!(
            check(&[("../../../tmp/canary.txt", b'0', "")]),
            Err(ArchiveError::Traversal)
        );
    }

    #[test]
    fn refuses_links_devices_and_members_below_links() {
        assert_eq!(
            check(&[("pwn", b'2', "sub"), ("pwn/x", b'0', "")]),
            Err(ArchiveError::BelowSymlink)
        );
        assert_eq!(
            check(&[("h", b'1', "/etc/passwd")]),
            Err(ArchiveError::HardlinkEscape)
        );
        assert_eq!(
            check(&[("h", b'1', "../x")]),
            Err(ArchiveError::HardlinkEscape)
        );
        assert_eq!(check(&[("null", b'3', "")]), Err(ArchiveError::Device));
        assert_eq!(check(&[("fifo", b'6', "")]), Err(ArchiveError::Device));
    }

    #[test]
    fn accepts_ordinary_trees_and_inner_links() {
        assert_eq!(
            check(&[
                ("app/", b'5', ""),
                ("app/a..b.txt", b'0', ""),
                ("app/current", b'2', "a..b.txt"),
                ("app/copy", b'1', "app/a..b.txt"),
                ("./README.md", b'0', ""),
            ]),
            Ok(())
        );
    }

    #[test]
    fn counts_members_against_the_limit() {
        let limits = Limits {
            max_size: 10,
            max_files: 1,
        };
        let two = entries(&[("a", b'0', ""), ("b", b'0', "")]);
        assert_eq!(
            check_tar_entries(&two, &limits)
                .expect_err("too many")
                .to_string(),
            "Archive contains 2 entries which exceeds the maximum of 1"
        );
        assert_eq!(
            check_size(11, &limits).expect_err("too large").to_string(),
            "Archive exceeds maximum allowed size of 10 bytes"
        );
        assert_eq!(check_size(10, &limits), Ok(()));
    }

    #[test]
    fn zip_names() {
        let limits = Limits::default();
        assert_eq!(check_zip_names(&["a/b", "c"], &limits), Ok(()));
        assert_eq!(
            check_zip_names(&["a/../../x"], &limits),
            Err(ArchiveError::UnsafeZipPath)
        );
        assert_eq!(
            check_zip_names(&["/etc/x"], &limits),
            Err(ArchiveError::UnsafeZipPath)
        );
    }

    #[test]
    fn extracted_links_must_stay_inside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("src");
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::os::unix::fs::symlink("../sub", root.join("sub/ok")).expect("link");
        std::os::unix::fs::symlink("missing", root.join("dangling")).expect("link");
        assert_eq!(check_extracted_links(&root), Ok(()));
        std::os::unix::fs::symlink("../../x", root.join("sub/bad")).expect("link");
        assert_eq!(
            check_extracted_links(&root),
            Err(ArchiveError::SymlinkEscape)
        );
        std::fs::remove_file(root.join("sub/bad")).expect("rm");
        std::os::unix::fs::symlink("/etc", root.join("abs")).expect("link");
        assert_eq!(
            check_extracted_links(&root),
            Err(ArchiveError::SymlinkEscape)
        );
    }
}
