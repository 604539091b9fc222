//! Creating, destroying, renaming and cloning apps (the `apps` plugin's `apps:create`,
//! `app-maybe-create`, `apps:destroy`, `apps:rename` and `apps:clone`), with their
//! triggers in Dokku's order (`dokku-deploy-behaviour.md` §8.2).
//!
//! One rule is ours: an app with a deploy lock (`apps:lock`, or a deploy in progress)
//! is never destroyed, so neither `apps:destroy` (even with `--force`) nor
//! `apps:rename` touches it. Dokku documents the lock as protecting the app while a
//! deploy runs, but its destroy path does not look at it.

use crate::deploy::{self, DeployError, Host};
use crate::log::Level;
use crate::process::Cmd;
use crate::property::GLOBAL;

use super::transfer::DATA_PLUGINS;
use super::{AppError, AppName, AppNameError};

/// The plugin name the properties live under.
pub const PLUGIN: &str = "apps";

/// The variable `--skip-deploy` exports to the `post-app-rename` / `post-app-clone`
/// handlers (Dokku's `SKIP_REBUILD=true`).
pub const SKIP_REBUILD: &str = "SKIP_REBUILD";

fn app_error(e: AppError) -> DeployError {
    DeployError::Fail {
        message: e.to_string(),
        code: e.exit_code(),
    }
}

fn name_error(e: AppNameError) -> DeployError {
    DeployError::fail(e.to_string())
}

/// Whether `app` has a deploy lock: `apps:lock` made one, or a running deploy holds
/// it. The stale lock of a deploy that was killed does not count (see [`crate::lock`]).
pub fn is_locked(host: &dyn Host, app: &str) -> bool {
    crate::lock::status(&host.layout().deploy_lock(app)).blocks()
}

/// `apps:create APP`: validates the name, creates `$DOKKU_ROOT/APP`, records
/// `created-at` and fires `post-create`. `announce` prints `-----> Creating APP...`
/// (a `_quiet` line, as Dokku's). An existing app is `Name is already taken`, with
/// nothing changed.
pub fn create(host: &dyn Host, name: &str, announce: bool) -> Result<AppName, DeployError> {
    let app = AppName::parse(name).map_err(name_error)?;
    let root = host.layout().app_root(app.as_str());
    if root.is_dir() {
        return Err(DeployError::fail("Name is already taken"));
    }
    if announce {
        host.log(Level::Info1Quiet, &format!("Creating {app}..."));
    }
    std::fs::create_dir_all(&root).map_err(DeployError::io("create", &root))?;
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    host.properties()
        .write(PLUGIN, app.as_str(), "created-at", &now.to_string())?;
    host.fire_checked("post-create", &[app.as_str()])?;
    Ok(app)
}

/// `app-maybe-create APP`: creates the app silently unless it exists or the global
/// `disable-autocreation` property forbids it.
pub fn maybe_create(host: &dyn Host, name: &str) -> Result<(), DeployError> {
    if host.layout().app_root(name).is_dir() {
        return Ok(());
    }
    if host
        .properties()
        .get(PLUGIN, GLOBAL, "disable-autocreation")?
        .as_deref()
        == Some("true")
    {
        host.log(Level::Warn, "App auto-creation disabled.");
        return Err(DeployError::fail(format!(
            "Re-enable app auto-creation or create an app with 'dokku apps:create {name}'"
        )));
    }
    create(host, name, false).map(drop)
}

/// `apps:destroy APP` after confirmation: stops and removes the containers, fires the
/// delete triggers, cleans images and removes the app's state. A locked app is
/// refused ([`AppError::Locked`]) before anything happens.
pub fn destroy(host: &dyn Host, name: &str) -> Result<(), DeployError> {
    let app = super::verify(&host.layout().dokku_root, name).map_err(app_error)?;
    let app = app.as_str();
    if is_locked(host, app) {
        return Err(app_error(AppError::Locked {
            app: app.to_string(),
        }));
    }
    let props = host.properties();
    let scheduler = deploy::scheduler_of(&props, app);
    let tag = "latest";
    host.log(
        Level::Info1,
        &format!("Destroying {app} (including all add-ons)"),
    );
    host.fire_checked("pre-delete", &[app, tag])?;
    host.fire_checked("scheduler-stop", &[&scheduler, app, "true"])?;
    host.fire_checked("scheduler-post-delete", &[&scheduler, app, tag])?;
    host.fire_checked("post-delete", &[app, tag])?;
    deploy::docker_cleanup(host, Some(app), true);
    host.log(Level::Info1, "Retiring old containers and images");
    host.fire_checked("scheduler-retire", &[&scheduler, app])?;
    let layout = host.layout();
    for plugin in DATA_PLUGINS {
        let _ = props.destroy(plugin, app);
        let _ = std::fs::remove_dir_all(layout.app_data_dir(plugin, app));
    }
    let root = layout.app_root(app);
    match std::fs::symlink_metadata(&root) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::remove_file(&root).map_err(DeployError::io("remove", &root))
        }
        Ok(_) => std::fs::remove_dir_all(&root).map_err(DeployError::io("remove", &root)),
        Err(_) => Ok(()),
    }
}

/// The checks `apps:rename` and `apps:clone` make before changing anything, in
/// Dokku's order: OLD given, NEW given, OLD exists (exit 20 if not), NEW valid.
/// Returns both names and whether NEW already exists.
fn check_pair(
    host: &dyn Host,
    old: &str,
    new: &str,
) -> Result<(AppName, AppName, bool), DeployError> {
    if old.is_empty() {
        return Err(name_error(AppNameError::Missing));
    }
    if new.is_empty() {
        return Err(DeployError::fail("Please specify an new app name"));
    }
    let old = super::verify(&host.layout().dokku_root, old).map_err(app_error)?;
    let new = AppName::parse(new).map_err(name_error)?;
    let exists = host.layout().app_root(new.as_str()).is_dir();
    Ok((old, new, exists))
}

/// `apps:rename [--skip-deploy] OLD NEW`: `-----> Renaming OLD to NEW`, creates NEW,
/// fires `post-app-rename-setup OLD NEW` (every plugin moves its state), destroys OLD
/// without asking, fires `post-app-rename OLD NEW`, then rebuilds NEW unless
/// `skip_deploy` or it has no code ([`rebuild`]).
///
/// Refused with nothing changed: a missing OLD (exit 20), an invalid NEW, an existing
/// NEW (`Name is already taken`), a locked OLD.
pub fn rename(host: &dyn Host, old: &str, new: &str, skip_deploy: bool) -> Result<(), DeployError> {
    let (old, new, exists) = check_pair(host, old, new)?;
    let (old, new) = (old.as_str(), new.as_str());
    if exists {
        return Err(DeployError::fail("Name is already taken"));
    }
    if is_locked(host, old) {
        return Err(app_error(AppError::Locked {
            app: old.to_string(),
        }));
    }
    host.log(Level::Info1Quiet, &format!("Renaming {old} to {new}"));
    create(host, new, true)?;
    host.fire_checked("post-app-rename-setup", &[old, new])?;
    destroy(host, old)?;
    host.fire_checked("post-app-rename", &[old, new])?;
    if !skip_deploy {
        rebuild(host, new)?;
    }
    Ok(())
}

/// `apps:clone [--skip-deploy] [--ignore-existing] OLD NEW`: `-----> Cloning OLD to
/// NEW`, creates NEW, fires `post-app-clone-setup OLD NEW` and `post-app-clone OLD
/// NEW`, then rebuilds NEW unless `skip_deploy` or it has no code. An existing NEW is
/// `Name is already taken`; with `ignore_existing` the same words are a warning and
/// the command succeeds. OLD is never changed.
pub fn clone(
    host: &dyn Host,
    old: &str,
    new: &str,
    skip_deploy: bool,
    ignore_existing: bool,
) -> Result<(), DeployError> {
    let (old, new, exists) = check_pair(host, old, new)?;
    let (old, new) = (old.as_str(), new.as_str());
    if exists {
        if ignore_existing {
            host.log(Level::Warn, "Name is already taken");
            return Ok(());
        }
        return Err(DeployError::fail("Name is already taken"));
    }
    host.log(Level::Info1Quiet, &format!("Cloning {old} to {new}"));
    create(host, new, true)?;
    host.fire_checked("post-app-clone-setup", &[old, new])?;
    host.fire_checked("post-app-clone", &[old, new])?;
    if !skip_deploy {
        rebuild(host, new)?;
    }
    Ok(())
}

/// What Dokku's ps plugin does at the end of `post-app-clone` and `post-app-rename`:
/// rebuild the new app from its code with `receive-app APP` (the `ps:rebuild` path),
/// unless its repo has nothing on the deploy branch ([`has_code`]). It runs after
/// every plugin's handler of those triggers.
pub fn rebuild(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    if !has_code(host, app) {
        return Ok(());
    }
    host.fire_checked("receive-app", &[app])
}

/// `git-has-code APP`: the app's bare repo has a commit on its deploy branch.
pub fn has_code(host: &dyn Host, app: &str) -> bool {
    let layout = host.layout();
    if !crate::git::has_repo(layout, app) {
        return false;
    }
    let (branch, _) = crate::git::deploy_branch(&host.properties(), app);
    // Our own environment minus what a git hook would leak (`GIT_DIR`, ...).
    let env = host.env().iter().filter(|(k, _)| !k.starts_with("GIT_"));
    Cmd::new("git")
        .env_clear()
        .envs(env)
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("refs/heads/{branch}"))
        .current_dir(layout.app_root(app))
        .read()
        .is_ok_and(|rev| !rev.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    fn fired(host: &FakeHost) -> Vec<String> {
        std::mem::take(&mut *host.fired.borrow_mut())
    }

    #[test]
    fn rename_fires_dokkus_triggers_in_order() {
        let host = FakeHost::new();
        create(&host, "old", false).expect("create");
        fired(&host);
        rename(&host, "old", "new", true).expect("rename");
        assert_eq!(
            fired(&host),
            [
                "post-create new",
                "post-app-rename-setup old new",
                "pre-delete old latest",
                "scheduler-stop docker-local old true",
                "scheduler-post-delete docker-local old latest",
                "post-delete old latest",
                "scheduler-retire docker-local old",
                "post-app-rename old new",
            ]
        );
        assert!(!host.layout.app_root("old").exists());
        assert!(host.layout.app_root("new").is_dir());
        assert!(host
            .log_text()
            .starts_with("-----> Renaming old to new\n-----> Creating new...\n"));
    }

    #[test]
    fn clone_fires_setup_then_clone_and_skips_a_rebuild_without_code() {
        let host = FakeHost::new();
        create(&host, "old", false).expect("create");
        fired(&host);
        clone(&host, "old", "new", false, false).expect("clone");
        assert_eq!(
            fired(&host),
            [
                "post-create new",
                "post-app-clone-setup old new",
                "post-app-clone old new",
            ]
        );
        assert!(host.layout.app_root("old").is_dir());
    }

    #[test]
    fn refusals_change_nothing() {
        let host = FakeHost::new();
        create(&host, "old", false).expect("create");
        create(&host, "taken", false).expect("create");
        fired(&host);
        std::fs::create_dir_all(host.layout.deploy_lock("old").parent().expect("dir"))
            .expect("mkdir");
        std::fs::write(host.layout.deploy_lock("old"), "").expect("lock");
        let message = |r: Result<(), DeployError>| r.expect_err("refused").to_string();
        assert_eq!(
            message(destroy(&host, "old")),
            "App old is locked: a deploy may be in progress"
        );
        assert_eq!(
            message(rename(&host, "old", "new", true)),
            "App old is locked: a deploy may be in progress"
        );
        assert_eq!(
            message(rename(&host, "old", "taken", true)),
            "Name is already taken"
        );
        assert_eq!(
            message(clone(&host, "nope", "new", true, false)),
            "App nope does not exist"
        );
        assert_eq!(destroy(&host, "nope").expect_err("missing").exit_code(), 20);
        assert!(clone(&host, "old", "taken", true, true).is_ok());
        assert_eq!(fired(&host), Vec::<String>::new());
        assert!(host.layout.app_root("old").is_dir() && !host.layout.app_root("new").exists());
    }
}
