//! The build context as the tar the engine reads: the context directory less what its
//! `.dockerignore` leaves out, with the Dockerfile and `.dockerignore` always in it
//! (as the CLI sends them), symlinks stored as links (never followed) and file modes
//! kept. Owners are root's, as the CLI sends them.

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

use tar::{EntryType, Header, HeaderMode};

use crate::docker::dockerignore::DockerIgnore;

/// A packed context, ready to send.
#[derive(Debug)]
pub(crate) struct Packed {
    /// The tar (an unnamed temp file, at its start).
    pub(crate) file: File,
    /// Its length in bytes.
    pub(crate) len: u64,
    /// The Dockerfile's path inside it (`/`-separated).
    pub(crate) dockerfile: String,
}

/// Why a context cannot be packed here (the caller then leaves the build to the CLI,
/// which copes or reports it in its own words).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ContextError {
    /// The Dockerfile is not inside the context.
    #[error("the Dockerfile {0} is outside the build context")]
    Outside(PathBuf),
    /// Reading the context or writing the tar failed.
    #[error("packing the build context: {0}")]
    Io(#[from] io::Error),
}

/// Packs `context`; `dockerfile` is `-f`'s path (default `CONTEXT/Dockerfile`).
pub(crate) fn pack(context: &Path, dockerfile: Option<&Path>) -> Result<Packed, ContextError> {
    let context = context.canonicalize()?;
    let dockerfile = inside(&context, dockerfile)?;
    let ignore = match std::fs::read_to_string(context.join(".dockerignore")) {
        Ok(text) => DockerIgnore::parse(&text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => DockerIgnore::parse(""),
        Err(e) => return Err(e.into()),
    };
    let mut walk = Walk {
        builder: tar::Builder::new(BufWriter::new(tempfile::tempfile()?)),
        ignore,
        always: vec![dockerfile.clone(), ".dockerignore".to_string()],
        sent: Vec::new(),
    };
    walk.dir(&context, "")?;
    // An always-sent file under a skipped directory was not reached by the walk.
    for name in walk.always.clone() {
        let path = context.join(&name);
        if !walk.sent.contains(&name) && path.symlink_metadata().is_ok() {
            walk.entry(&path, &name)?;
        }
    }
    let mut file = walk
        .builder
        .into_inner()?
        .into_inner()
        .map_err(io::IntoInnerError::into_error)?;
    file.flush()?;
    let len = file.seek(SeekFrom::End(0))?;
    file.seek(SeekFrom::Start(0))?;
    Ok(Packed {
        file,
        len,
        dockerfile,
    })
}

/// The Dockerfile's context-relative path, `/`-separated; outside the context is an
/// error.
fn inside(context: &Path, dockerfile: Option<&Path>) -> Result<String, ContextError> {
    let Some(given) = dockerfile else {
        return Ok("Dockerfile".to_string());
    };
    // Resolve the directory (symlinks included) but not the file itself, which the
    // tar sends as it is, link or not.
    let (Some(parent), Some(name)) = (given.parent(), given.file_name()) else {
        return Err(ContextError::Outside(given.to_path_buf()));
    };
    let parent = parent
        .canonicalize()
        .map_err(|_| ContextError::Outside(given.to_path_buf()))?;
    let rel = parent
        .join(name)
        .strip_prefix(context)
        .map(Path::to_path_buf)
        .map_err(|_| ContextError::Outside(given.to_path_buf()))?;
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(p) => p.to_str(),
            _ => None,
        })
        .collect();
    match parts {
        Some(parts) if !parts.is_empty() => Ok(parts.join("/")),
        _ => Err(ContextError::Outside(given.to_path_buf())),
    }
}

struct Walk {
    builder: tar::Builder<BufWriter<File>>,
    ignore: DockerIgnore,
    always: Vec<String>,
    sent: Vec<String>,
}

impl Walk {
    /// Adds what is under `dir` (whose context-relative path is `rel`).
    fn dir(&mut self, dir: &Path, rel: &str) -> io::Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            // A lossy name would send the file under another name (U+FFFD) and
            // build an image that differs from the CLI's: the CLI builds those.
            let name = name.to_str().ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the file name {} is not UTF-8", entry.path().display()),
                )
            })?;
            let rel = if rel.is_empty() {
                name.to_string()
            } else {
                format!("{rel}/{name}")
            };
            let path = entry.path();
            let excluded = !self.always.contains(&rel) && self.ignore.excludes(&rel);
            if entry.file_type()?.is_dir() {
                if excluded && self.ignore.skips_dir(&rel) {
                    continue;
                }
                if !excluded {
                    self.entry(&path, &rel)?;
                }
                self.dir(&path, &rel)?;
            } else if !excluded {
                self.entry(&path, &rel)?;
            }
        }
        Ok(())
    }

    /// Appends one file, directory or symlink; other kinds (sockets, FIFOs) are
    /// nothing a build can copy.
    fn entry(&mut self, path: &Path, rel: &str) -> io::Result<()> {
        let meta = path.symlink_metadata()?;
        let mut header = Header::new_gnu();
        header.set_metadata_in_mode(&meta, HeaderMode::Complete);
        header.set_uid(0);
        header.set_gid(0);
        let kind = meta.file_type();
        if kind.is_symlink() {
            header.set_entry_type(EntryType::Symlink);
            header.set_size(0);
            let target = std::fs::read_link(path)?;
            self.builder.append_link(&mut header, rel, target)?;
        } else if kind.is_dir() {
            header.set_size(0);
            self.builder
                .append_data(&mut header, format!("{rel}/"), io::empty())?;
        } else if kind.is_file() {
            self.builder
                .append_data(&mut header, rel, File::open(path)?)?;
        } else {
            return Ok(());
        }
        self.sent.push(rel.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// `(path, kind, mode, link target)` of each member.
    fn members(packed: Packed) -> Vec<(String, EntryType, u32, String)> {
        let mut archive = tar::Archive::new(packed.file);
        archive
            .entries()
            .expect("entries")
            .map(|e| {
                let e = e.expect("entry");
                let h = e.header();
                (
                    e.path().expect("path").display().to_string(),
                    h.entry_type(),
                    h.mode().expect("mode") & 0o7777,
                    h.link_name()
                        .expect("link")
                        .map(|l| l.display().to_string())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    fn names(m: &[(String, EntryType, u32, String)]) -> Vec<&str> {
        m.iter().map(|(n, ..)| n.as_str()).collect()
    }

    #[test]
    fn ignored_files_stay_out_and_the_dockerfile_goes_in() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::write(
            root.join(".dockerignore"),
            "secret.txt\nDockerfile\n.dockerignore\nlogs\n",
        )
        .expect("ignore");
        std::fs::write(root.join("Dockerfile"), "FROM scratch\n").expect("dockerfile");
        std::fs::write(root.join("secret.txt"), "s").expect("secret");
        std::fs::create_dir(root.join("logs")).expect("logs");
        std::fs::write(root.join("logs/a.log"), "l").expect("log");
        std::fs::create_dir(root.join("www")).expect("www");
        std::fs::write(root.join("www/run.sh"), "#!/bin/sh\n").expect("run.sh");
        std::fs::set_permissions(
            root.join("www/run.sh"),
            std::fs::Permissions::from_mode(0o751),
        )
        .expect("chmod");
        std::os::unix::fs::symlink("../secret.txt", root.join("www/link")).expect("symlink");

        let packed = pack(root, None).expect("packed");
        assert_eq!(packed.dockerfile, "Dockerfile");
        let len = packed.len;
        let m = members(packed);
        assert_eq!(
            names(&m),
            [
                ".dockerignore",
                "Dockerfile",
                "www/",
                "www/link",
                "www/run.sh"
            ]
        );
        let link = &m[3];
        assert_eq!(link.1, EntryType::Symlink);
        assert_eq!(link.3, "../secret.txt", "the link is kept, not followed");
        assert_eq!(m[4].2, 0o751, "the mode is kept");
        assert!(len >= 512 * 6);
    }

    #[test]
    fn the_dockerfile_is_found_by_its_path_and_sent_even_in_an_ignored_dir() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir(root.join("build")).expect("build");
        std::fs::write(root.join("build/web.Dockerfile"), "FROM scratch\n").expect("df");
        std::fs::write(root.join("build/other"), "x").expect("other");
        std::fs::write(root.join(".dockerignore"), "build\n").expect("ignore");
        let packed = pack(root, Some(&root.join("build/web.Dockerfile"))).expect("packed");
        assert_eq!(packed.dockerfile, "build/web.Dockerfile");
        let m = members(packed);
        assert_eq!(names(&m), [".dockerignore", "build/web.Dockerfile"]);
    }

    #[test]
    fn a_file_name_that_is_not_utf8_leaves_the_build_to_the_cli() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").expect("Dockerfile");
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        std::fs::write(dir.path().join(name), "x").expect("a latin-1 name");
        let err = pack(dir.path(), None)
            .map(|_| ())
            .expect_err("a name the tar would rename");
        assert!(err.to_string().contains("is not UTF-8"), "{err}");
    }

    #[test]
    fn a_dockerfile_outside_the_context_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ctx = dir.path().join("ctx");
        std::fs::create_dir(&ctx).expect("ctx");
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").expect("df");
        let err = pack(&ctx, Some(&ctx.join("../Dockerfile"))).expect_err("outside");
        assert!(matches!(err, ContextError::Outside(_)), "{err}");
    }
}
