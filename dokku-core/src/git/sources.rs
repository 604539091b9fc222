//! Deploys from something other than a push: a directory (`git-from-directory`), an
//! image (`git:from-image`) and an archive (`git:from-archive`). Each commits the
//! source into the app's repository on its deploy branch and then builds it exactly
//! like a push; a failed build rolls the branch back.

use std::path::{Path, PathBuf};

use super::{deploy_branch, git, make_workdir, receive_app, PLUGIN};
use crate::archive;
use crate::deploy::{DeployError, Host};
use crate::log::Level;
use crate::process::Cmd;

/// Default committer of generated commits.
pub const DEFAULT_USER_NAME: &str = "Dokku";
/// Default committer e-mail of generated commits.
pub const DEFAULT_USER_EMAIL: &str = "automated@dokku.sh";

fn copy_contents(from: &Path, to: &Path) -> Result<(), DeployError> {
    let mut src = from.as_os_str().to_owned();
    src.push("/.");
    Cmd::new("cp").args(["-a"]).arg(&src).arg(to).read()?;
    Ok(())
}

/// Removes everything in `dir` but its `.git`.
fn clear_except_git(dir: &Path) -> Result<(), DeployError> {
    for entry in std::fs::read_dir(dir)
        .map_err(DeployError::io("read", dir))?
        .flatten()
    {
        if entry.file_name() == ".git" {
            continue;
        }
        let path = entry.path();
        let result = if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        result.map_err(DeployError::io("remove", &path))?;
    }
    Ok(())
}

/// `git-from-directory APP DIR [USER_NAME] [USER_EMAIL]`: commits DIR's contents on
/// the deploy branch and deploys it. Nothing to commit is an error (Dokku's two
/// lines), so a repeated import does not redeploy by accident.
pub fn from_directory(
    host: &dyn Host,
    app: &str,
    dir: &Path,
    user_name: &str,
    user_email: &str,
) -> Result<(), DeployError> {
    host.log(
        Level::Info1,
        "Updating git repository with specified build context",
    );
    super::create_repo(host, app)?;
    let layout = host.layout();
    let repo = layout.app_root(app);
    let (branch, _) = deploy_branch(&host.properties(), app);
    let branch_ref = format!("refs/heads/{branch}");
    let old = git(host, &repo)
        .args(["rev-parse", "--verify", "-q", &branch_ref])
        .read()
        .ok()
        .map(|s| s.trim().to_string());
    let work = make_workdir(host)?;
    let tmp = work.path().to_path_buf();
    match &old {
        Some(_) => {
            // Cloned into the empty private directory in place (never re-created).
            git(host, &repo)
                .args(["clone", "-q", "--branch", &branch])
                .arg(&repo)
                .arg(&tmp)
                .read()?;
            clear_except_git(&tmp)?;
        }
        None => {
            git(host, &tmp).args(["init", "-q"]).read()?;
            git(host, &tmp)
                .args(["checkout", "-q", "-b", &branch])
                .read()?;
        }
    }
    copy_contents(dir, &tmp)?;
    git(host, &tmp).args(["add", "--all"]).read()?;
    if old.is_some()
        && git(host, &tmp)
            .args(["diff", "--cached", "--quiet"])
            .read()
            .is_ok()
    {
        host.log(Level::Warn, "No changes detected, skipping git commit");
        host.log(
            Level::Warn,
            "Call 'ps:rebuild' on app to rebuild the app from existing source",
        );
        return Err(DeployError::Exit { code: 1 });
    }
    let message = match old {
        Some(_) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            format!("Automated commit @ {now}")
        }
        None => "Initial commit".to_string(),
    };
    git(host, &tmp)
        .args([
            "-c",
            &format!("user.name={user_name}"),
            "-c",
            &format!("user.email={user_email}"),
        ])
        .args(["commit", "-q", "--allow-empty", "-m", &message])
        .read()?;
    git(host, &repo)
        .arg("fetch")
        .arg("-q")
        .arg(&tmp)
        .arg(format!("+{branch_ref}:{branch_ref}"))
        .read()?;
    drop(work);
    let result = receive_app(host, app, None);
    if result.is_err() {
        // Best effort: the build's own error is the one to report.
        let _ = match &old {
            Some(sha) => git(host, &repo)
                .args(["update-ref", &branch_ref, sha])
                .read(),
            None => git(host, &repo)
                .args(["update-ref", "-d", &branch_ref])
                .read(),
        };
    }
    result
}

/// `git:from-image`: a build context whose Dockerfile is `FROM IMAGE`, pulled first
/// if the image is not on the host (or always with `force`).
pub fn from_image(
    host: &dyn Host,
    app: &str,
    image: &str,
    build_dir: Option<&Path>,
    force: bool,
    user_name: &str,
    user_email: &str,
) -> Result<(), DeployError> {
    host.log(Level::Info1, "Generating build context");
    let work = make_workdir(host)?;
    if let Some(dir) = build_dir {
        if !dir.is_dir() {
            return Err(DeployError::fail(
                "Invalid BUILD_DIR specified for docker build context",
            ));
        }
        copy_contents(dir, work.path())?;
    }
    let dockerfile = work.path().join("Dockerfile");
    let text = format!(
        "FROM {image}\nLABEL com.dokku.docker-image-labeler/alternate-tags=[\\\"{image}\\\"]\n"
    );
    std::fs::write(&dockerfile, text).map_err(DeployError::io("write", &dockerfile))?;
    let docker = host.docker();
    let present = docker.image_id(image).is_some();
    if force || !present {
        host.log(
            Level::Info1,
            if force {
                "Force pulling image"
            } else {
                "Pulling image"
            },
        );
        let pulled = docker.run(&crate::docker::Call::new(["image", "pull", image]).streamed())?;
        if pulled.code != 0 {
            return Err(DeployError::fail(format!("Failed to pull image: {image}")));
        }
    } else {
        host.log(Level::Info1, "Image exists on host, skipping pull");
    }
    host.properties()
        .write(PLUGIN, app, "source-image", image)?;
    import_directory(host, app, work.path(), user_name, user_email)
}

/// `git-from-directory APP DIR USER_NAME USER_EMAIL`, as Dokku's imports end: the git
/// plugin answers with [`from_directory`].
fn import_directory(
    host: &dyn Host,
    app: &str,
    dir: &Path,
    user_name: &str,
    user_email: &str,
) -> Result<(), DeployError> {
    let dir = dir.display().to_string();
    host.fire_checked("git-from-directory", &[app, &dir, user_name, user_email])
}

/// `git:load-image`: `docker image load` from our stdin (a `docker save` tarball),
/// then the named image must exist and is deployed like `git:from-image`.
pub fn load_image(
    host: &dyn Host,
    app: &str,
    image: &str,
    build_dir: Option<&Path>,
    user_name: &str,
    user_email: &str,
) -> Result<(), DeployError> {
    let docker = host.docker();
    let loaded = docker.run(
        &crate::docker::Call::new(["image", "load"])
            .streamed()
            .with_stdin(),
    )?;
    if loaded.code != 0 {
        return Err(DeployError::fail("Failed to load docker image from STDIN"));
    }
    if docker.image_id(image).is_none() {
        return Err(DeployError::fail(format!(
            "Loaded image tarball but the specified docker image was not found: {image}"
        )));
    }
    from_image(host, app, image, build_dir, false, user_name, user_email)
}

/// The archive formats `git:from-archive` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveType {
    /// `tar`.
    Tar,
    /// `tar.gz`.
    TarGz,
    /// `zip`.
    Zip,
}

impl ArchiveType {
    /// Parses `--archive-type`.
    pub fn parse(text: &str) -> Option<ArchiveType> {
        match text {
            "tar" => Some(ArchiveType::Tar),
            "tar.gz" => Some(ArchiveType::TarGz),
            "zip" => Some(ArchiveType::Zip),
            _ => None,
        }
    }

    /// The name Dokku prints and records as the deploy source.
    pub fn as_str(self) -> &'static str {
        match self {
            ArchiveType::Tar => "tar",
            ArchiveType::TarGz => "tar.gz",
            ArchiveType::Zip => "zip",
        }
    }
}

/// Where the archive comes from.
#[derive(Debug, Clone)]
pub enum ArchiveSource {
    /// Our stdin (`--` on the command line), copied straight into the private build
    /// directory.
    Stdin,
    /// Downloaded with `curl -L`.
    Url(String),
}

fn global_limit(host: &dyn Host, key: &str, default: u64) -> u64 {
    host.properties()
        .get(PLUGIN, crate::property::GLOBAL, key)
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// `git:from-archive`: fetches, checks the size and file-count limits, extracts
/// (dropping a single top-level directory) and deploys the result.
pub fn from_archive(
    host: &dyn Host,
    app: &str,
    kind: ArchiveType,
    source: &ArchiveSource,
    user_name: &str,
    user_email: &str,
) -> Result<(), DeployError> {
    let work = make_workdir(host)?;
    let archive = work.path().join(format!("archive.{}", kind.as_str()));
    match source {
        ArchiveSource::Stdin => {
            use std::os::unix::fs::OpenOptionsExt;
            host.log(
                Level::Info1,
                &format!("Fetching {} file from stdin", kind.as_str()),
            );
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&archive)
                .map_err(DeployError::io("create", &archive))?;
            std::io::copy(&mut std::io::stdin().lock(), &mut file).map_err(|e| {
                DeployError::fail(format!("cannot read the archive from stdin: {e}"))
            })?;
        }
        ArchiveSource::Url(url) => {
            host.log(
                Level::Info1,
                &format!("Downloading {} file from {url}", kind.as_str()),
            );
            Cmd::new("curl")
                .args(["-s", "-S", "-f", "-L", "-o"])
                .arg(&archive)
                .arg(url)
                .read()?;
        }
    }
    let limits = archive::Limits {
        max_size: global_limit(host, "archive-max-size", archive::DEFAULT_MAX_SIZE),
        max_files: global_limit(host, "archive-max-files", archive::DEFAULT_MAX_FILES),
    };
    let size = std::fs::metadata(&archive).map(|m| m.len()).unwrap_or(0);
    let refuse = |e: archive::ArchiveError| DeployError::fail(e.to_string());
    archive::check_size(size, &limits).map_err(refuse)?;
    check_members(kind, &archive, &limits)?;
    let out = work.path().join("src");
    std::fs::create_dir_all(&out).map_err(DeployError::io("create", &out))?;
    match kind {
        ArchiveType::Tar => Cmd::new("tar")
            .args(["--no-same-owner", "-xf"])
            .arg(&archive)
            .arg("-C")
            .arg(&out)
            .read(),
        ArchiveType::TarGz => Cmd::new("tar")
            .args(["--no-same-owner", "-xzf"])
            .arg(&archive)
            .arg("-C")
            .arg(&out)
            .read(),
        ArchiveType::Zip => Cmd::new("unzip")
            .arg("-q")
            .arg(&archive)
            .arg("-d")
            .arg(&out)
            .read(),
    }
    .map_err(|e| DeployError::fail(format!("Invalid {} archive: {e}", kind.as_str())))?;
    archive::check_extracted_links(&out).map_err(refuse)?;
    let root = single_top_dir(&out).unwrap_or(out);
    import_directory(host, app, &root, user_name, user_email)
}

/// Reads the archive's member list without extracting it and refuses what
/// [`archive::check_tar_entries`] (or, for zip, [`archive::check_zip_names`]) refuses.
fn check_members(
    kind: ArchiveType,
    path: &Path,
    limits: &archive::Limits,
) -> Result<(), DeployError> {
    let invalid = |e: &dyn std::fmt::Display| {
        DeployError::fail(format!("Invalid {} archive: {e}", kind.as_str()))
    };
    let refuse = |e: archive::ArchiveError| DeployError::fail(e.to_string());
    match kind {
        ArchiveType::Tar => {
            let mut file = std::fs::File::open(path).map_err(DeployError::io("open", path))?;
            let entries = archive::tar::read_entries(&mut file, false).map_err(|e| invalid(&e))?;
            archive::check_tar_entries(&entries, limits).map_err(refuse)
        }
        ArchiveType::TarGz => {
            use std::process::Stdio;
            let mut child = Cmd::new("gzip").arg("-dc").arg(path).spawn(
                Stdio::null(),
                Stdio::piped(),
                Stdio::null(),
            )?;
            let read = match child.stdout.take() {
                Some(mut stdout) => archive::tar::read_entries(&mut stdout, false),
                None => Err(archive::TarError::NotTar),
            };
            // Stop gzip early when the stream was refused before its end.
            let _ = child.kill();
            let status = child.wait();
            let entries = read.map_err(|e| invalid(&e))?;
            if !status.map(|s| s.success()).unwrap_or(false) && entries.is_empty() {
                return Err(invalid(&"gzip could not decompress it"));
            }
            archive::check_tar_entries(&entries, limits).map_err(refuse)
        }
        ArchiveType::Zip => {
            let listing = Cmd::new("unzip")
                .arg("-Z1")
                .arg(path)
                .read()
                .map_err(|e| invalid(&e))?;
            let names: Vec<&str> = listing.lines().filter(|l| !l.is_empty()).collect();
            archive::check_zip_names(&names, limits).map_err(refuse)
        }
    }
}

/// The only entry of `dir` when it is a directory (an archive's usual wrapper).
fn single_top_dir(dir: &Path) -> Option<PathBuf> {
    let entries: Vec<_> = std::fs::read_dir(dir).ok()?.flatten().collect();
    match entries.as_slice() {
        [one] if one.file_type().map(|t| t.is_dir()).unwrap_or(false) => Some(one.path()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;
    use crate::docker::CallResult;

    #[test]
    fn load_image_needs_a_loadable_tarball_naming_the_image() {
        let host = FakeHost::new();
        host.mkapp("web");
        host.fake.respond(
            &["image", "load"],
            CallResult {
                code: 1,
                ..CallResult::default()
            },
        );
        let err = load_image(&host, "web", "img:1", None, "u", "e").expect_err("load fails");
        assert_eq!(err.to_string(), "Failed to load docker image from STDIN");
        let load = host
            .fake
            .raw_calls()
            .into_iter()
            .find(|c| c.args == ["image", "load"])
            .expect("load call");
        assert!(load.stdin, "the tarball is read from our stdin");

        host.fake.respond_ok(&["image", "load"], "");
        let err = load_image(&host, "web", "img:1", None, "u", "e").expect_err("no image");
        assert_eq!(
            err.to_string(),
            "Loaded image tarball but the specified docker image was not found: img:1"
        );
        assert!(
            !host.layout.app_root("web").join("refs").exists(),
            "nothing committed"
        );
    }
}
