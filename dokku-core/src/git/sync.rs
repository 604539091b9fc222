//! `git:sync`: updates the app's deploy branch from another git repository (a path,
//! a `file://` URL or any remote git can fetch), and optionally builds it.
//!
//! Unlike Dokku, which clones into the app repo or mirrors every remote branch into
//! it, the remote's branches and tags are fetched into a private namespace
//! (`refs/dokku-sync/`), the requested ref is resolved there, and only the deploy
//! branch is moved; the namespace is removed afterwards.

use super::{deploy_branch, git, PLUGIN};
use crate::deploy::{DeployError, Host};
use crate::log::Level;

/// When `git:sync` builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncBuild {
    /// Only update the repository.
    Never,
    /// `--build`: always build the synced revision.
    Always,
    /// `--build-if-changes`: build only when the deploy branch moved.
    IfChanged,
}

/// One `git:sync` request.
#[derive(Debug, Clone)]
pub struct SyncRequest<'a> {
    /// The app.
    pub app: &'a str,
    /// Where to fetch from.
    pub remote: &'a str,
    /// A branch, tag or commit of the remote (default: the deploy branch).
    pub git_ref: Option<&'a str>,
    /// Whether to build afterwards.
    pub build: SyncBuild,
    /// `--skip-deploy-branch`: a branch ref does not become the deploy branch.
    pub skip_deploy_branch: bool,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOutcome {
    /// The commit the deploy branch points at now.
    pub sha: String,
    /// Whether the deploy branch moved.
    pub changed: bool,
    /// Whether a build ran.
    pub built: bool,
}

const NAMESPACE: &str = "refs/dokku-sync";

/// `Unable to fetch from REMOTE: ...`; when the server wanted credentials, with a
/// hint naming the `git:auth` command for its host.
fn fetch_error(remote: &str, error: &str) -> DeployError {
    let message = format!("Unable to fetch from {remote}: {error}");
    let wanted_auth = ["could not read Username", "Authentication failed", "401"]
        .iter()
        .any(|s| error.contains(s));
    match http_host(remote).filter(|_| wanted_auth) {
        Some(host) => DeployError::refused(
            message,
            format!("the server wants credentials: dokku git:auth {host} USERNAME PASSWORD"),
        ),
        None => DeployError::fail(message),
    }
}

/// The host of an `http(s)://[user@]host[:port]/...` remote, as `.netrc` names it.
fn http_host(remote: &str) -> Option<&str> {
    let rest = remote
        .strip_prefix("https://")
        .or_else(|| remote.strip_prefix("http://"))?;
    let authority = rest.split('/').next()?;
    let host = authority.rsplit('@').next()?;
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    (!host.is_empty() && super::auth::valid_host(host)).then_some(host)
}

/// Runs `git:sync`. With a build, fires `receive-app APP SHA` and then
/// `deploy-source-set APP git-sync REMOTE#SHA`.
pub fn sync(host: &dyn Host, req: &SyncRequest<'_>) -> Result<SyncOutcome, DeployError> {
    let app = req.app;
    super::create_repo(host, app)?;
    let props = host.properties();
    let repo = host.layout().app_root(app);
    let (mut branch, _) = deploy_branch(&props, app);
    let rev_of = |r: &str| {
        git(host, &repo)
            .args(["rev-parse", "--verify", "-q", r])
            .read()
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let old = rev_of(&format!("refs/heads/{branch}"));
    let name = req.git_ref.unwrap_or(&branch).to_string();
    if old.is_none() {
        host.log(
            Level::Info1Quiet,
            &format!("Cloning {app} from {}#{name}", req.remote),
        );
    } else {
        host.log(
            Level::Verbose,
            &format!("Fetching remote code for {app} from {}#{name}", req.remote),
        );
    }

    // HOME is the dokku user's (DOKKU_ROOT, as in Dokku's `sudo -H`): curl reads
    // `git:auth`'s `.netrc` from there, also in a --prefix install run by another
    // user.
    let fetched = git(host, &repo)
        .env("HOME", &host.layout().dokku_root)
        .args(["fetch", "-q", "--no-tags", "--"])
        .arg(req.remote)
        .arg(format!("+refs/heads/*:{NAMESPACE}/heads/*"))
        .arg(format!("+refs/tags/*:{NAMESPACE}/tags/*"))
        .read();
    let result = fetched
        .map_err(|e| fetch_error(req.remote, &e.to_string()))
        .and_then(|_| {
            let is_branch = rev_of(&format!("{NAMESPACE}/heads/{name}^{{commit}}"));
            let sha = is_branch
                .clone()
                .or_else(|| rev_of(&format!("{NAMESPACE}/tags/{name}^{{commit}}")))
                .or_else(|| rev_of(&format!("{name}^{{commit}}")))
                .ok_or_else(|| {
                    DeployError::fail(format!("Unable to find git ref {name} in {}", req.remote))
                })?;
            Ok((sha, is_branch.is_some()))
        });
    cleanup_namespace(host, &repo);
    let (sha, is_branch) = result?;

    if old.is_none() && is_branch {
        if let Some(r) = req.git_ref.filter(|r| *r != branch) {
            if req.skip_deploy_branch {
                host.log(
                    Level::Verbose,
                    &format!("Detected branch {r}, skipping deploy-branch setting"),
                );
            } else {
                host.log(
                    Level::Verbose,
                    &format!("Detected branch, setting deploy-branch to {r}"),
                );
                props.write(PLUGIN, app, "deploy-branch", r)?;
                branch = r.to_string();
            }
        }
    }
    let branch_ref = format!("refs/heads/{branch}");
    let previous = rev_of(&branch_ref);
    git(host, &repo)
        .args(["update-ref", &branch_ref, &sha])
        .read()?;
    if old.is_none() {
        // A new repository: point HEAD at what is deployed.
        let _ = git(host, &repo)
            .args(["symbolic-ref", "HEAD", &branch_ref])
            .read();
    }
    let changed = previous.as_deref() != Some(sha.as_str());
    let build = match req.build {
        SyncBuild::Never => false,
        SyncBuild::Always => true,
        SyncBuild::IfChanged if !changed => {
            host.log(Level::Info1, "Skipping build as no changes were detected");
            false
        }
        SyncBuild::IfChanged => true,
    };
    if build {
        host.fire_checked("receive-app", &[app, &sha])?;
        host.fire_checked(
            "deploy-source-set",
            &[app, "git-sync", &format!("{}#{sha}", req.remote)],
        )?;
    }
    Ok(SyncOutcome {
        sha,
        changed,
        built: build,
    })
}

fn cleanup_namespace(host: &dyn Host, repo: &std::path::Path) {
    let Ok(refs) = git(host, repo)
        .args(["for-each-ref", "--format=%(refname)", NAMESPACE])
        .read()
    else {
        return;
    };
    for r in refs.lines().filter(|l| !l.is_empty()) {
        let _ = git(host, repo).args(["update-ref", "-d", r]).read();
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_netrc_host_of_an_http_remote() {
        assert_eq!(
            http_host("https://git.example.com/a/b.git"),
            Some("git.example.com")
        );
        assert_eq!(
            http_host("http://u@127.0.0.1:8080/x.git"),
            Some("127.0.0.1")
        );
        assert_eq!(http_host("https://[::1]:443/x"), Some("::1"));
        assert_eq!(http_host("file:///srv/x"), None);
        assert_eq!(http_host("git@github.com:a/b"), None);
    }

    #[test]
    fn a_fetch_refused_for_credentials_names_git_auth() {
        let err = fetch_error(
            "http://127.0.0.1:9/x.git",
            "fatal: could not read Username for 'http://127.0.0.1:9': No such device or address",
        );
        assert_eq!(
            err.hint(),
            Some("the server wants credentials: dokku git:auth 127.0.0.1 USERNAME PASSWORD")
        );
        assert_eq!(
            fetch_error("/srv/x", "fatal: not a git repository").hint(),
            None
        );
    }
    use super::*;
    use crate::deploy::testing::FakeHost;
    use crate::process::Cmd;

    fn commit(dir: &std::path::Path, file: &str, text: &str) -> String {
        std::fs::write(dir.join(file), text).expect("write");
        let run = |args: &[&str]| {
            Cmd::new("git")
                .args(args)
                .current_dir(dir)
                .read()
                .expect("git")
        };
        run(&["add", "--all"]);
        run(&[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "-m",
            file,
        ]);
        run(&["rev-parse", "HEAD"]).trim().to_string()
    }

    fn remote(dir: &std::path::Path) -> std::path::PathBuf {
        let src = dir.join("remote");
        std::fs::create_dir_all(&src).expect("mkdir");
        Cmd::new("git")
            .args(["init", "-q", "--initial-branch", "master"])
            .current_dir(&src)
            .read()
            .expect("init");
        src
    }

    #[test]
    fn a_new_app_is_cloned_and_a_branch_becomes_the_deploy_branch() {
        let host = FakeHost::new();
        host.mkapp("web");
        let tmp = tempfile::tempdir().expect("tempdir");
        let src = remote(tmp.path());
        let first = commit(&src, "a", "1");
        Cmd::new("git")
            .args(["checkout", "-q", "-b", "release"])
            .current_dir(&src)
            .read()
            .expect("branch");
        let second = commit(&src, "b", "2");
        let remote = src.display().to_string();
        let out = sync(
            &host,
            &SyncRequest {
                app: "web",
                remote: &remote,
                git_ref: Some("release"),
                build: SyncBuild::Never,
                skip_deploy_branch: false,
            },
        )
        .expect("synced");
        assert_eq!(out.sha, second);
        assert!(out.changed && !out.built);
        let props = host.properties();
        assert_eq!(
            props
                .get(PLUGIN, "web", "deploy-branch")
                .expect("read")
                .as_deref(),
            Some("release")
        );
        let logs = host.log_text();
        assert!(
            logs.contains(&format!("-----> Cloning web from {remote}#release")),
            "{logs}"
        );
        assert!(
            logs.contains("       Detected branch, setting deploy-branch to release"),
            "{logs}"
        );
        let repo = host.layout.app_root("web");
        let head = std::fs::read_to_string(repo.join("refs/heads/release")).expect("ref");
        assert_eq!(head.trim(), second);
        // Nothing but the deploy branch is left in the app repository.
        let refs = Cmd::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["for-each-ref", "--format=%(refname)"])
            .read()
            .expect("refs");
        assert_eq!(refs.trim(), "refs/heads/release");

        // A commit id on the existing app: the deploy branch moves back to it, and a
        // build is triggered only when it changed.
        let out = sync(
            &host,
            &SyncRequest {
                app: "web",
                remote: &remote,
                git_ref: Some(&first),
                build: SyncBuild::IfChanged,
                skip_deploy_branch: false,
            },
        )
        .expect("synced");
        assert!(out.changed && out.built);
        let fired = host.fired.borrow().join("\n");
        assert!(
            fired.contains(&format!("receive-app web {first}")),
            "{fired}"
        );
        assert!(
            fired.contains(&format!("deploy-source-set web git-sync {remote}#{first}")),
            "{fired}"
        );
        let again = sync(
            &host,
            &SyncRequest {
                app: "web",
                remote: &remote,
                git_ref: Some(&first),
                build: SyncBuild::IfChanged,
                skip_deploy_branch: false,
            },
        )
        .expect("synced");
        assert!(!again.changed && !again.built);
        assert!(host
            .log_text()
            .contains("-----> Skipping build as no changes were detected"));
    }

    #[test]
    fn an_unknown_ref_or_remote_fails_and_changes_nothing() {
        let host = FakeHost::new();
        host.mkapp("web");
        let tmp = tempfile::tempdir().expect("tempdir");
        let src = remote(tmp.path());
        commit(&src, "a", "1");
        let remote = src.display().to_string();
        let err = sync(
            &host,
            &SyncRequest {
                app: "web",
                remote: &remote,
                git_ref: Some("nope"),
                build: SyncBuild::Always,
                skip_deploy_branch: false,
            },
        )
        .expect_err("unknown ref");
        assert_eq!(
            err.to_string(),
            format!("Unable to find git ref nope in {remote}")
        );
        let missing = tmp.path().join("missing").display().to_string();
        let err = sync(
            &host,
            &SyncRequest {
                app: "web",
                remote: &missing,
                git_ref: None,
                build: SyncBuild::Always,
                skip_deploy_branch: false,
            },
        )
        .expect_err("no remote");
        assert!(err
            .to_string()
            .starts_with(&format!("Unable to fetch from {missing}")));
        assert!(!host
            .layout
            .app_root("web")
            .join("refs/heads/master")
            .exists());
        assert!(!host
            .fired
            .borrow()
            .iter()
            .any(|f| f.starts_with("receive-app")));
    }
}
