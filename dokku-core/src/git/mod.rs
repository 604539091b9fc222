//! Git deploys: the app's bare repository and its pre-receive hook, the deploy-branch
//! rules of `git-hook`, and checking a pushed revision out for the builder.
//!
//! The repository is `$DOKKU_ROOT/APP` itself. Its `hooks/pre-receive` pipes the ref
//! updates into `dokku git-hook APP`, so the whole build and deploy runs inside the
//! push, and a failed deploy rejects it.

pub mod auth;
pub mod query;
pub mod repo;
pub mod report;
pub mod sources;
pub mod sync;

use std::path::Path;

use crate::deploy::{self, DeployError, Host};
use crate::lock::{DeployLock, LockError};
use crate::log::Level;
use crate::paths::Layout;
use crate::process::Cmd;
use crate::property::{PropertyStore, GLOBAL};

/// The plugin name the properties live under.
pub const PLUGIN: &str = "git";

/// The deploy branch when none is configured.
pub const DEFAULT_BRANCH: &str = "master";

/// Dokku's normalisation of the app argument of `git-receive-pack 'APP'`: unescaped
/// single quotes go, `\'` becomes `'`, and one leading `/` is dropped.
pub fn normalize_app_arg(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'\'') => {
                out.push('\'');
                chars.next();
            }
            '\'' => {}
            other => out.push(other),
        }
    }
    match out.strip_prefix('/') {
        Some(rest) => rest.to_string(),
        None => out,
    }
}

/// The exact text of `hooks/pre-receive`.
pub fn hook_text(dokku_root: &str, app: &str) -> String {
    format!("#!/usr/bin/env bash\nset -e\nset -o pipefail\n\ncat | DOKKU_ROOT=\"{dokku_root}\" dokku git-hook {app}\n")
}

/// Whether the app's repository has been initialised (`$DOKKU_ROOT/APP/refs`).
pub fn has_repo(layout: &Layout, app: &str) -> bool {
    layout.app_root(app).join("refs").is_dir()
}

/// The environment git runs with: ours minus the variables a hook inherits that would
/// point git at the wrong repository (Dokku unsets the same three).
fn git_env(host: &dyn Host) -> impl Iterator<Item = (&String, &String)> {
    host.env().iter().filter(|(k, _)| {
        !matches!(
            k.as_str(),
            "GIT_DIR" | "GIT_QUARANTINE_PATH" | "GIT_WORK_TREE"
        )
    })
}

fn git(host: &dyn Host, dir: &Path) -> Cmd {
    Cmd::new("git")
        .env_clear()
        .envs(git_env(host))
        .current_dir(dir)
}

/// `fn-git-create-hook`: `git init --bare` if needed, then (re)writes the hook.
pub fn create_repo(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    let root = layout.app_root(app);
    if !has_repo(layout, app) {
        std::fs::create_dir_all(&root).map_err(DeployError::io("create", &root))?;
        git(host, &root)
            .args(["init", "-q", "--bare", "."])
            .read()?;
    }
    let hook = layout.pre_receive_hook(app);
    if let Some(dir) = hook.parent() {
        std::fs::create_dir_all(dir).map_err(DeployError::io("create", dir))?;
    }
    let dokku_root = host
        .var(crate::env::DOKKU_ROOT)
        .map(str::to_string)
        .unwrap_or_else(|| layout.dokku_root.display().to_string());
    crate::fs::write_atomic(&hook, hook_text(&dokku_root, app).as_bytes(), 0o755)
        .map_err(DeployError::io("write", &hook))
}

/// One line of pre-receive input: `OLD NEW REFNAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    /// Previous revision (all zeros for a new ref).
    pub old: String,
    /// New revision (all zeros for a deletion).
    pub new: String,
    /// Full ref name, e.g. `refs/heads/main`.
    pub refname: String,
}

impl RefUpdate {
    /// Parses the hook's stdin.
    pub fn parse_all(text: &str) -> Vec<RefUpdate> {
        text.lines()
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                Some(RefUpdate {
                    old: f.next()?.into(),
                    new: f.next()?.into(),
                    refname: f.next()?.into(),
                })
            })
            .collect()
    }

    /// The branch or tag name (`main` for `refs/heads/main`).
    pub fn short_name(&self) -> &str {
        self.refname
            .strip_prefix("refs/heads/")
            .or_else(|| self.refname.strip_prefix("refs/tags/"))
            .unwrap_or(&self.refname)
    }

    fn is_deletion(&self) -> bool {
        !self.new.is_empty() && self.new.chars().all(|c| c == '0')
    }
}

/// The deploy branch (app, then global, then `master`) and whether one is set.
pub fn deploy_branch(props: &PropertyStore, app: &str) -> (String, bool) {
    match deploy::prop_app_or_global(props, PLUGIN, app, "deploy-branch") {
        Some(b) => (b, true),
        None => (DEFAULT_BRANCH.to_string(), false),
    }
}

/// What `git-hook` does with one pushed ref.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookAction {
    /// The deploy branch (or a tag of that name): deploy it.
    Deploy,
    /// Another ref, and a plugin handles `receive-branch`: hand it over.
    ReceiveBranch,
    /// No deploy branch configured: adopt this one, then deploy.
    AdoptAndDeploy(String),
    /// Another ref: warn and accept the push without deploying.
    WrongBranch,
}

/// The deploy-branch rules, as pure logic.
pub fn decide(
    update: &RefUpdate,
    branch: &str,
    branch_is_set: bool,
    custom_receive_branch: bool,
) -> HookAction {
    if update.refname == format!("refs/heads/{branch}")
        || update.refname == format!("refs/tags/{branch}")
    {
        HookAction::Deploy
    } else if custom_receive_branch {
        HookAction::ReceiveBranch
    } else if !branch_is_set {
        HookAction::AdoptAndDeploy(update.short_name().to_string())
    } else {
        HookAction::WrongBranch
    }
}

/// A message at the start of a line git would prefix with `remote: ` (Dokku's
/// `\e[1G\e[K` prefix overwrites that).
fn hook_line(host: &dyn Host, msg: &str) {
    host.log(Level::Plain, &format!("\x1b[1G\x1b[K-----> {msg}"));
}

/// `git-hook APP`: runs the deploy-branch rules over the pushed refs.
pub fn hook(host: &dyn Host, app: &str, updates: &[RefUpdate]) -> Result<(), DeployError> {
    let props = host.properties();
    let (branch, is_set) = deploy_branch(&props, app);
    let valid = Cmd::new("git")
        .args(["check-ref-format", "--branch", &branch])
        .read()
        .is_ok();
    if !valid {
        hook_line(
            host,
            &format!(
                "WARNING: Invalid branch name '{branch}' specified via deploy-branch setting."
            ),
        );
        hook_line(
            host,
            "For more details, please see the man page for 'git-check-ref-format.'",
        );
        return Ok(());
    }
    let custom = host.has_trigger("receive-branch", &["20_events"]);
    for update in updates {
        if update.is_deletion() {
            continue;
        }
        match decide(update, &branch, is_set, custom) {
            HookAction::Deploy => {
                receive_app(host, app, Some(&update.new))?;
                host.fire_checked("deploy-source-set", &[app, "git-push", &update.new])?;
            }
            HookAction::ReceiveBranch => {
                host.fire_checked("receive-branch", &[app, &update.new, &update.refname])?;
                host.fire_checked("deploy-source-set", &[app, "git-push", &update.new])?;
            }
            HookAction::AdoptAndDeploy(name) => {
                hook_line(host, &format!("Set {name} as deploy-branch"));
                props.write(PLUGIN, app, "deploy-branch", &name)?;
                receive_app(host, app, Some(&update.new))?;
                host.fire_checked("deploy-source-set", &[app, "git-push", &update.new])?;
            }
            HookAction::WrongBranch => {
                hook_line(
                    host,
                    &format!("WARNING: deploy did not complete, you must push to {branch}."),
                );
                hook_line(
                    host,
                    &format!(
                        "for example, try 'git push <dokku> {}:{branch}'",
                        update.short_name()
                    ),
                );
            }
        }
    }
    Ok(())
}

/// `git_receive_app APP [REV]`: takes the deploy lock (failing at once if another
/// deploy holds it, taking over with a warning the stale lock of a deploy that was
/// killed) and builds and deploys the revision.
pub fn receive_app(host: &dyn Host, app: &str, rev: Option<&str>) -> Result<(), DeployError> {
    let layout = host.layout();
    if !has_repo(layout, app) {
        return Ok(());
    }
    let _lock = match DeployLock::try_acquire(&layout.deploy_lock(app), app) {
        Ok(lock) => {
            if let Some(warning) = lock.takeover_warning(app) {
                host.log(Level::Warn, &warning);
            }
            if let Some(id) = host.var(crate::env::DOKKU_BUILD_ID) {
                // Best effort: only `builds:cancel` reads it.
                let _ = crate::lock::note_build(lock.path(), id);
            }
            lock
        }
        Err(LockError::Held { .. }) => {
            host.log(
                Level::Warn,
                &format!("{app} currently has a deploy lock in place. Exiting..."),
            );
            return Err(DeployError::fail(
                "Run 'apps:unlock' to release the existing deploy lock",
            ));
        }
        Err(e) => return Err(DeployError::fail(e.to_string())),
    };
    build(host, app, rev)
}

/// `git_build APP [REV]`: records the revision in the `rev-env-var` config var (default
/// `GIT_REV`), checks it out and hands it to the builder.
pub fn build(host: &dyn Host, app: &str, rev: Option<&str>) -> Result<(), DeployError> {
    let props = host.properties();
    let layout = host.layout();
    let rev = match rev {
        Some(rev) => {
            let var = match props.get(PLUGIN, app, "rev-env-var")? {
                Some(v) => v,
                None => "GIT_REV".to_string(),
            };
            if !var.is_empty() {
                deploy::set_config_no_restart(layout, app, &[(var.clone(), rev.to_string())])?;
                host.fire("post-config-update", &[app, "set", &var])?;
            }
            rev.to_string()
        }
        None => {
            let (branch, _) = deploy_branch(&props, app);
            let head =
                std::fs::read_to_string(layout.app_root(app).join("refs/heads").join(&branch))
                    .ok()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty());
            match head.or_else(|| {
                git(host, &layout.app_root(app))
                    .args([
                        "rev-parse",
                        "--verify",
                        "-q",
                        &format!("refs/heads/{branch}"),
                    ])
                    .read()
                    .ok()
                    .map(|s| s.trim().to_string())
            }) {
                Some(h) => h,
                None => {
                    host.log(Level::Info1, &format!("WARNING: Cannot build from '{branch}' as there are no commits stored at that branch."));
                    return Err(DeployError::Exit { code: 1 });
                }
            }
        }
    };
    let workdir = extract(host, app, &rev)?;
    let result = trigger_build(host, app, workdir.path(), &rev);
    drop(workdir);
    result
}

/// A private (0700) temporary directory for app source, deleted on drop.
///
/// Named like Dokku's `dokku-<DOKKU_PID>-git_build_app_repo.XXXXXX` in the temp dir,
/// but made by `tempfile`: the suffix is random and the directory is created with
/// `O_EXCL` semantics, so nothing planted at a guessed name is ever used. Unlike
/// Dokku's (chmod 755), app source is not world-readable: plugins and the docker
/// client read it as the dokku user, and the docker daemon as root.
#[derive(Debug)]
pub struct WorkDir(tempfile::TempDir);

impl WorkDir {
    /// The directory.
    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

fn make_workdir(host: &dyn Host) -> Result<WorkDir, DeployError> {
    let pid = host.var(crate::env::DOKKU_PID).unwrap_or("0");
    let prefix = format!("dokku-{pid}-git_build_app_repo.");
    crate::fs::private_tempdir(&prefix)
        .map(WorkDir)
        .map_err(DeployError::io(
            "create a temporary directory in",
            &std::env::temp_dir(),
        ))
}

/// `git_build_app_repo`: checks `rev` out into a fresh temp dir, with submodules, and
/// without any `.git` (the `keep-git-dir` property keeps a full clone instead).
pub fn extract(host: &dyn Host, app: &str, rev: &str) -> Result<WorkDir, DeployError> {
    let layout = host.layout();
    let repo = layout.app_root(app);
    let workdir = make_workdir(host)?;
    let dir = workdir.path().display().to_string();
    let keep_git = deploy::prop_app_or_global(&host.properties(), PLUGIN, app, "keep-git-dir")
        .as_deref()
        == Some("true");
    // `clone` and `worktree add` both fill the empty private directory in place: it is
    // never removed and re-created, so no one can slip in at its name meanwhile.
    if keep_git {
        git(host, &repo)
            .args([
                "clone",
                "-q",
                "--no-checkout",
                &repo.display().to_string(),
                &dir,
            ])
            .read()?;
        git(host, workdir.path())
            .args(["-c", "advice.detachedHead=false", "checkout", "-q", rev])
            .read()?;
    } else {
        git(host, &repo)
            .args(["worktree", "add", "-q", "--detach", &dir, rev])
            .read()?;
    }
    if workdir.path().join(".gitmodules").is_file() {
        git(host, workdir.path())
            .args(["submodule", "sync", "--recursive"])
            .read()?;
        git(host, workdir.path())
            .args(["submodule", "update", "--init", "--recursive"])
            .read()?;
    }
    if !keep_git {
        remove_git_dirs(workdir.path());
        git(host, &repo).args(["worktree", "prune"]).read()?;
    }
    Ok(workdir)
}

fn remove_git_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if entry.file_name() == ".git" {
            if kind.is_dir() {
                let _ = std::fs::remove_dir_all(&path);
            } else {
                let _ = std::fs::remove_file(&path);
            }
        } else if kind.is_dir() {
            remove_git_dirs(&path);
        }
    }
}

/// `git_trigger_build`: `core-post-extract`, `post-extract`, builder detection,
/// `pre-receive-app`, then the build and deploy.
pub fn trigger_build(
    host: &dyn Host,
    app: &str,
    workdir: &Path,
    rev: &str,
) -> Result<(), DeployError> {
    let dir = workdir.display().to_string();
    host.fire_checked("core-post-extract", &[app, &dir, rev])?;
    host.fire_checked("post-extract", &[app, &dir, rev])?;
    let builder = crate::builder::pick(&host.fire_capture("builder-detect", &[app, &dir])?);
    host.fire_checked("pre-receive-app", &[app, &builder, &dir, rev])?;
    deploy::receive(host, app, &builder, &dir)
}

/// The `git-*` properties removed with the app (`post-delete`).
pub fn destroy(props: &PropertyStore, app: &str) {
    let _ = props.destroy(PLUGIN, app);
    let _ = GLOBAL;
}

/// The keys `git:set` accepts.
pub const SET_KEYS: &[&str] = &[
    "archive-max-files",
    "archive-max-size",
    "deploy-branch",
    "keep-git-dir",
    "rev-env-var",
    "source-image",
];

/// `git:set (APP|--global) KEY [VALUE]` for a key of [`SET_KEYS`]: an empty value
/// unsets the key, except `rev-env-var`, which is kept empty (an empty one disables
/// `GIT_REV`; only a missing one means the default).
pub fn set_property(
    props: &PropertyStore,
    app: &str,
    key: &str,
    value: &str,
) -> Result<(), crate::property::PropertyError> {
    if !value.is_empty() {
        props.write(PLUGIN, app, key, value)
    } else if key == "rev-env-var" {
        props.write(PLUGIN, app, key, "")
    } else {
        props.delete(PLUGIN, app, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #9: the checkout a build reads is a private (0700) directory that git
    /// fills in place (never removed and re-created world-readable), and it is gone
    /// once dropped; both with `git worktree add` and with `keep-git-dir` (a clone).
    #[test]
    fn extract_checks_out_into_a_private_dir_removed_on_drop() {
        use std::os::unix::fs::PermissionsExt;
        let host = crate::deploy::testing::FakeHost::new();
        create_repo(&host, "web").expect("repo");
        let src = tempfile::tempdir().expect("tempdir");
        std::fs::write(src.path().join("app.txt"), "hello").expect("write");
        let run = |dir: &Path, args: &[&str]| {
            Cmd::new("git")
                .args(args)
                .current_dir(dir)
                .read()
                .expect("git")
        };
        run(src.path(), &["init", "-q"]);
        run(src.path(), &["add", "--all"]);
        run(
            src.path(),
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-q",
                "-m",
                "one",
            ],
        );
        let rev = run(src.path(), &["rev-parse", "HEAD"]).trim().to_string();
        let repo = host.layout.app_root("web");
        let from = src.path().display().to_string();
        run(&repo, &["fetch", "-q", &from, "HEAD:refs/heads/main"]);
        for keep in ["false", "true"] {
            host.properties()
                .write(PLUGIN, "web", "keep-git-dir", keep)
                .expect("property");
            let workdir = extract(&host, "web", &rev).expect("extract");
            let meta = std::fs::symlink_metadata(workdir.path()).expect("meta");
            assert!(meta.is_dir(), "keep-git-dir={keep}");
            assert_eq!(
                meta.permissions().mode() & 0o777,
                0o700,
                "keep-git-dir={keep}"
            );
            let name = workdir.path().file_name().expect("name").to_string_lossy();
            assert!(name.contains("-git_build_app_repo."), "{name}");
            assert_eq!(
                std::fs::read_to_string(workdir.path().join("app.txt")).expect("checked out"),
                "hello"
            );
            assert_eq!(workdir.path().join(".git").exists(), keep == "true");
            let path = workdir.path().to_path_buf();
            drop(workdir);
            assert!(!path.exists(), "removed on drop (keep-git-dir={keep})");
        }
    }

    #[test]
    fn app_argument_is_normalised_like_dokku() {
        assert_eq!(normalize_app_arg("'hello-app'"), "hello-app");
        assert_eq!(normalize_app_arg("'/hello-app'"), "hello-app");
        assert_eq!(normalize_app_arg("it\\'s"), "it's");
        assert_eq!(normalize_app_arg("plain"), "plain");
    }

    #[test]
    fn hook_text_is_exact() {
        assert_eq!(
            hook_text("/home/dokku", "web"),
            "#!/usr/bin/env bash\nset -e\nset -o pipefail\n\ncat | DOKKU_ROOT=\"/home/dokku\" dokku git-hook web\n"
        );
    }

    #[test]
    fn deploy_branch_rules() {
        let up = |r: &str| RefUpdate {
            old: "0".repeat(40),
            new: "a".repeat(40),
            refname: r.into(),
        };
        assert_eq!(
            decide(&up("refs/heads/master"), "master", false, false),
            HookAction::Deploy
        );
        assert_eq!(
            decide(&up("refs/tags/master"), "master", true, false),
            HookAction::Deploy
        );
        assert_eq!(
            decide(&up("refs/heads/main"), "master", false, false),
            HookAction::AdoptAndDeploy("main".into())
        );
        assert_eq!(
            decide(&up("refs/heads/main"), "master", true, false),
            HookAction::WrongBranch
        );
        assert_eq!(
            decide(&up("refs/heads/main"), "master", true, true),
            HookAction::ReceiveBranch
        );
        let parsed = RefUpdate::parse_all("a b refs/heads/main\n\n");
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].short_name(), "main");
    }

    #[test]
    fn set_property_unsets_but_keeps_an_empty_rev_env_var() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        for key in ["rev-env-var", "deploy-branch"] {
            set_property(&props, "web", key, "X").expect("set");
            assert_eq!(
                props.get(PLUGIN, "web", key).expect("get").as_deref(),
                Some("X")
            );
            set_property(&props, "web", key, "").expect("unset");
        }
        assert_eq!(
            props
                .get(PLUGIN, "web", "rev-env-var")
                .expect("get")
                .as_deref(),
            Some("")
        );
        assert_eq!(
            props.get(PLUGIN, "web", "deploy-branch").expect("get"),
            None
        );
    }
}
