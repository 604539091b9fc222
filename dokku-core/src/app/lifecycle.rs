//! Creating, destroying, renaming and cloning apps (the `apps` plugin's `apps:create`,
//! `app-maybe-create`, `apps:destroy`, `apps:rename` and `apps:clone`), with their
//! triggers in Dokku's order (`dokku-deploy-behaviour.md` §8.2).
//!
//! Two rules are ours:
//!
//! - An app with a deploy lock (`apps:lock`, or a deploy in progress) is not renamed,
//!   and not destroyed unless forced. A forced destroy (`--force`, or the
//!   dispatcher's `DOKKU_APPS_FORCE_DELETE=1`) goes ahead as Dokku's does, which does
//!   not look at the lock at all. The stale lock of a killed deploy stops nothing.
//! - Creating, cloning and renaming survive being killed at any point: the new app is
//!   built marked as unfinished and appears complete in one step, and a rename
//!   switches names in one step; whatever a killed command left is repaired by the
//!   next command that needs the name (see [`super::pending`]). `apps:rename` run
//!   again after a kill finishes the job.

use crate::deploy::{self, DeployError, Host};
use crate::lock::{DeployLock, LockError};
use crate::log::Level;
use crate::property::GLOBAL;

use super::pending::{self, Held, Intent, Look, StageError};
use super::transfer::{self, DATA_PLUGINS};
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

fn taken() -> DeployError {
    DeployError::fail("Name is already taken")
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
///
/// The directory is made marked as unfinished and the marker removed last, so a
/// `kill -9` at any point leaves either no app or a complete one; what a killed
/// create left at the name is removed first.
pub fn create(host: &dyn Host, name: &str, announce: bool) -> Result<AppName, DeployError> {
    let app = AppName::parse(name).map_err(name_error)?;
    repair_name(host, app.as_str())?;
    if host.layout().app_root(app.as_str()).is_dir() {
        return Err(taken());
    }
    if announce {
        host.log(Level::Info1Quiet, &format!("Creating {app}..."));
    }
    let held = stage(host, app.as_str(), Intent::Create)?;
    populate(host, app.as_str())?;
    finish(host, app.as_str(), held)?;
    Ok(app)
}

/// Makes the marked directory of `app` (see [`pending::stage`]).
fn stage(host: &dyn Host, app: &str, intent: Intent) -> Result<Held, DeployError> {
    pending::stage(&host.layout().dokku_root, app, intent).map_err(|e| match e {
        StageError::Taken => taken(),
        other => DeployError::fail(other.to_string()),
    })
}

/// `created-at`, then `post-create`: every plugin sets the new app up.
fn populate(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    host.properties()
        .write(PLUGIN, app, "created-at", &now.to_string())?;
    host.fire_checked("post-create", &[app])
}

/// Removes the marker of a new app: from now on it is an app.
fn finish(host: &dyn Host, app: &str, held: Held) -> Result<(), DeployError> {
    let root = host.layout().app_root(app);
    held.finish().map_err(DeployError::io("finish", &root))
}

/// `app-maybe-create APP`: creates the app silently unless it exists or the global
/// `disable-autocreation` property forbids it. An app another command is still
/// making or renaming is refused.
pub fn maybe_create(host: &dyn Host, name: &str) -> Result<(), DeployError> {
    if AppName::parse_existing(name).is_ok() {
        repair_name(host, name)?;
        let root = host.layout().app_root(name);
        if root.is_dir() {
            if pending::is_hidden(&root) {
                return Err(DeployError::fail(format!(
                    "App {name} is being created or renamed: try again once that is done"
                )));
            }
            return Ok(());
        }
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
/// refused ([`AppError::Locked`]) before anything happens, unless `force`d.
pub fn destroy(host: &dyn Host, name: &str, force: bool) -> Result<(), DeployError> {
    let app = super::verify(&host.layout().dokku_root, name).map_err(app_error)?;
    let app = app.as_str();
    if !force && is_locked(host, app) {
        return Err(app_error(AppError::Locked {
            app: app.to_string(),
        }));
    }
    clear(host, app)?;
    let root = host.layout().app_root(app);
    match std::fs::symlink_metadata(&root) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::remove_file(&root).map_err(DeployError::io("remove", &root))
        }
        Ok(_) => std::fs::remove_dir_all(&root).map_err(DeployError::io("remove", &root)),
        Err(_) => Ok(()),
    }
}

/// Everything `apps:destroy` does but removing the app directory itself: the delete
/// triggers, the containers and images, the properties and data of
/// [`DATA_PLUGINS`], and the directory's contents except a [`pending::MARKER`] (a
/// symlinked directory's target is left alone, as Dokku's destroy leaves it).
fn clear(host: &dyn Host, app: &str) -> Result<(), DeployError> {
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
    let is_symlink = std::fs::symlink_metadata(&root).is_ok_and(|m| m.file_type().is_symlink());
    if is_symlink {
        return Ok(());
    }
    let Ok(entries) = std::fs::read_dir(&root) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        if entry.file_name() == pending::MARKER {
            continue;
        }
        let path = entry.path();
        let removed = if entry.file_type().is_ok_and(|t| t.is_dir()) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(DeployError::io("remove", &path))?;
    }
    Ok(())
}

/// Every plugin's properties of `app`, not only those [`clear`] knows.
fn destroy_all_properties(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    let props = host.properties();
    let plugins = transfer::plugins_with_properties(layout, app)
        .map_err(DeployError::io("read", &layout.lib_root.join("config")))?;
    for plugin in plugins {
        props.destroy(&plugin, app)?;
    }
    Ok(())
}

/// Repairs what a killed create, clone or rename left at `app`'s name, if anything
/// (see [`super::pending`]); a command still at work there is left alone.
fn repair_name(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    match pending::look(&host.layout().app_root(app)) {
        Look::Abandoned(held) => repair(host, app, held),
        Look::Clean | Look::Busy(_) => Ok(()),
    }
}

/// Repairs the abandoned marker `held` found in `app`'s directory: a rename that got
/// past its switch is finished (the marker is in the old name's directory); anything
/// else is a half-made app, which is removed.
fn repair(host: &dyn Host, app: &str, mut held: Held) -> Result<(), DeployError> {
    let root = host.layout().app_root(app);
    held.adopt().map_err(DeployError::io("write", &root))?;
    match held.marker.intent.clone() {
        Intent::Rename { old, new, .. } if old == app => {
            host.log(
                Level::Warn,
                &format!("Finishing the interrupted rename of {old} to {new}"),
            );
            finish_rename(host, &old, &new, held)
        }
        intent => {
            let why = match intent {
                Intent::Rename { old, .. } => format!("an interrupted rename of {old}"),
                Intent::Create => "an interrupted command".to_string(),
            };
            host.log(
                Level::Warn,
                &format!("Removing {app}, left half-made by {why}"),
            );
            clear(host, app)?;
            destroy_all_properties(host, app)?;
            held.remove_with(&root)
                .map_err(DeployError::io("remove", &root))
        }
    }
}

/// Repairs every app directory and staging directory that killed commands left (for
/// `dokku cleanup`). Returns the names repaired.
pub fn repair_all(host: &dyn Host) -> Result<Vec<String>, DeployError> {
    let root = &host.layout().dokku_root;
    pending::sweep_staging(root);
    let Ok(entries) = std::fs::read_dir(root) else {
        return Ok(Vec::new());
    };
    let mut repaired = Vec::new();
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if AppName::parse_existing(&name).is_err() || !pending::is_marked(&entry.path()) {
            continue;
        }
        if let Look::Abandoned(held) = pending::look(&entry.path()) {
            repair(host, &name, held)?;
            repaired.push(name);
        }
    }
    Ok(repaired)
}

/// The checks `apps:rename` and `apps:clone` make before changing anything, in
/// Dokku's order: OLD given, NEW given, OLD exists (exit 20 if not), NEW valid.
/// Returns both names and whether NEW already exists (after repairing what a killed
/// command left at NEW).
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
    repair_name(host, new.as_str())?;
    let exists = host.layout().app_root(new.as_str()).is_dir();
    Ok((old, new, exists))
}

/// `apps:rename [--skip-deploy] OLD NEW`: `-----> Renaming OLD to NEW`, creates NEW,
/// fires `post-app-rename-setup OLD NEW` (every plugin copies its state), switches
/// the names, destroys OLD without asking, fires `post-app-rename OLD NEW`, then
/// rebuilds NEW unless `skip_deploy` or it has no code ([`rebuild`]).
///
/// Refused with nothing changed: a missing OLD (exit 20), an invalid NEW, an existing
/// NEW (`Name is already taken`), a locked OLD (whose deploy lock the rename holds
/// meanwhile, so no deploy of OLD starts).
///
/// Killed before the switch, OLD is still the app and NEW's half is removed by the
/// next command that needs NEW; killed after it, NEW is the app. Run again with the
/// same names, it finishes an interrupted rename.
pub fn rename(host: &dyn Host, old: &str, new: &str, skip_deploy: bool) -> Result<(), DeployError> {
    if let Some(done) = resume_rename(host, old, new, skip_deploy)? {
        return Ok(done);
    }
    let (old, new, exists) = check_pair(host, old, new)?;
    let (old, new) = (old.as_str(), new.as_str());
    if exists {
        return Err(taken());
    }
    let lock = match DeployLock::try_acquire(&host.layout().deploy_lock(old), old) {
        Ok(lock) => lock,
        Err(LockError::Held { .. }) => {
            return Err(app_error(AppError::Locked {
                app: old.to_string(),
            }))
        }
        Err(e) => return Err(DeployError::fail(e.to_string())),
    };
    if let Some(warning) = lock.takeover_warning(old) {
        host.log(Level::Warn, &warning);
    }
    host.log(Level::Info1Quiet, &format!("Renaming {old} to {new}"));
    host.log(Level::Info1Quiet, &format!("Creating {new}..."));
    let intent = Intent::Rename {
        old: old.to_string(),
        new: new.to_string(),
        skip_deploy,
    };
    let mut held = stage(host, new, intent)?;
    populate(host, new)?;
    host.fire_checked("post-app-rename-setup", &[old, new])?;
    // The switch: NEW is the app from here on, OLD is not.
    let old_root = host.layout().app_root(old);
    held.move_to(&old_root)
        .map_err(DeployError::io("rename", &old_root))?;
    finish_rename(host, old, new, held)?;
    drop(lock);
    if !skip_deploy {
        rebuild(host, new)?;
    }
    Ok(())
}

/// `apps:rename OLD NEW` run again after it was killed past its switch: OLD's
/// directory holds the abandoned rename marker for NEW. Finishes it and rebuilds NEW
/// (unless this run or the first one skipped the deploy). `None` when there is no
/// such rename to resume.
fn resume_rename(
    host: &dyn Host,
    old: &str,
    new: &str,
    skip_deploy: bool,
) -> Result<Option<()>, DeployError> {
    if AppName::parse_existing(old).is_err() || AppName::parse_existing(new).is_err() {
        return Ok(None);
    }
    let root = host.layout().app_root(old);
    if !pending::is_marked(&root) {
        return Ok(None);
    }
    let Look::Abandoned(mut held) = pending::look(&root) else {
        return Ok(None);
    };
    let Intent::Rename {
        old: o,
        new: n,
        skip_deploy: skipped,
    } = held.marker.intent.clone()
    else {
        return repair(host, old, held).map(|()| None);
    };
    if o != old || n != new {
        return repair(host, old, held).map(|()| None);
    }
    held.adopt().map_err(DeployError::io("write", &root))?;
    host.log(
        Level::Info1Quiet,
        &format!("Resuming the interrupted rename of {old} to {new}"),
    );
    finish_rename(host, old, new, held)?;
    if !(skip_deploy || skipped) {
        rebuild(host, new)?;
    }
    Ok(Some(()))
}

/// After the switch: destroys what is left of OLD (every plugin's state, through the
/// delete triggers), fires `post-app-rename OLD NEW`, and removes OLD's directory with
/// the marker, last.
fn finish_rename(host: &dyn Host, old: &str, new: &str, held: Held) -> Result<(), DeployError> {
    clear(host, old)?;
    destroy_all_properties(host, old)?;
    host.fire_checked("post-app-rename", &[old, new])?;
    let root = host.layout().app_root(old);
    held.remove_with(&root)
        .map_err(DeployError::io("remove", &root))
}

/// `apps:clone [--skip-deploy] [--ignore-existing] OLD NEW`: `-----> Cloning OLD to
/// NEW`, creates NEW, fires `post-app-clone-setup OLD NEW` and `post-app-clone OLD
/// NEW`, then rebuilds NEW unless `skip_deploy` or it has no code. An existing NEW is
/// `Name is already taken`; with `ignore_existing` the same words are a warning and
/// the command succeeds. OLD is never changed. NEW stays marked as unfinished until
/// its state is copied, so a killed clone leaves no half copy.
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
        return Err(taken());
    }
    host.log(Level::Info1Quiet, &format!("Cloning {old} to {new}"));
    host.log(Level::Info1Quiet, &format!("Creating {new}..."));
    let held = stage(host, new, Intent::Create)?;
    populate(host, new)?;
    host.fire_checked("post-app-clone-setup", &[old, new])?;
    finish(host, new, held)?;
    host.fire_checked("post-app-clone", &[old, new])?;
    if !skip_deploy {
        rebuild(host, new)?;
    }
    Ok(())
}

/// What Dokku's ps plugin does at the end of `post-app-clone` and `post-app-rename`:
/// rebuild the new app from its code with `receive-app APP` (the `ps:rebuild` path),
/// unless `git-has-code APP` fails (its repo has nothing on the deploy branch; see
/// [`crate::git::query::has_code`]). It runs after every plugin's handler of those
/// triggers.
pub fn rebuild(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    if host.fire("git-has-code", &[app])? != 0 {
        return Ok(());
    }
    host.fire_checked("receive-app", &[app])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;
    use crate::owner::testing::dead_owner;

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
        let mut host = FakeHost::new();
        host.on("git-has-code", |_, _| (1, String::new()));
        create(&host, "old", false).expect("create");
        fired(&host);
        clone(&host, "old", "new", false, false).expect("clone");
        assert_eq!(
            fired(&host),
            [
                "post-create new",
                "post-app-clone-setup old new",
                "post-app-clone old new",
                "git-has-code new",
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
            message(destroy(&host, "old", false)),
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
        assert_eq!(
            destroy(&host, "nope", true)
                .expect_err("missing")
                .exit_code(),
            20
        );
        assert!(clone(&host, "old", "taken", true, true).is_ok());
        assert_eq!(fired(&host), Vec::<String>::new());
        assert!(host.layout.app_root("old").is_dir() && !host.layout.app_root("new").exists());
    }

    fn apps(host: &FakeHost) -> Vec<String> {
        super::super::list(&host.layout.dokku_root).expect("list")
    }

    fn rename_intent(skip_deploy: bool) -> Intent {
        Intent::Rename {
            old: "old".into(),
            new: "new".into(),
            skip_deploy,
        }
    }

    #[test]
    fn a_killed_create_leaves_no_app_and_the_name_can_be_created_again() {
        let host = FakeHost::new();
        // What `kill -9` during post-create leaves: a marked directory, half set up.
        let root = host.layout.app_root("web");
        pending::write_marker(&root, dead_owner(), Intent::Create);
        std::fs::create_dir_all(root.join("refs")).expect("half a repo");
        host.properties()
            .write(PLUGIN, "web", "created-at", "1")
            .expect("prop");
        assert!(apps(&host).is_empty());
        assert!(super::super::verify(&host.layout.dokku_root, "web").is_err());

        create(&host, "web", true).expect("created again");
        assert_eq!(apps(&host), ["web"]);
        assert!(!pending::is_marked(&root) && !root.join("refs").exists());
        assert_eq!(
            fired(&host),
            [
                "pre-delete web latest",
                "scheduler-stop docker-local web true",
                "scheduler-post-delete docker-local web latest",
                "post-delete web latest",
                "scheduler-retire docker-local web",
                "post-create web",
            ]
        );
        assert!(host
            .log_text()
            .starts_with(" !     Removing web, left half-made by an interrupted command\n"));
        let entries: Vec<String> = std::fs::read_dir(&host.layout.dokku_root)
            .expect("ls")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(entries, ["web"], "no staging directory left");
    }

    #[test]
    fn an_app_another_command_is_making_is_neither_listed_nor_taken() {
        let host = FakeHost::new();
        let other = crate::owner::testing::Stranger::start();
        let root = host.layout.app_root("web");
        pending::write_marker(&root, other.owner(), Intent::Create);
        assert!(apps(&host).is_empty());
        let err = create(&host, "web", false).expect_err("busy");
        assert_eq!(err.to_string(), "Name is already taken");
        let err = maybe_create(&host, "web").expect_err("busy");
        assert!(err.to_string().contains("is being created"), "{err}");
        assert!(pending::is_marked(&root), "left to its owner");
        assert_eq!(fired(&host), Vec::<String>::new());
    }

    #[test]
    fn a_rename_killed_before_the_switch_leaves_the_old_app_and_can_be_redone() {
        let host = FakeHost::new();
        create(&host, "old", false).expect("create");
        host.properties()
            .write("ps", "old", "scale", "web=2")
            .expect("prop");
        fired(&host);
        // Killed during post-app-rename-setup: NEW is half filled, OLD untouched.
        let new_root = host.layout.app_root("new");
        pending::write_marker(&new_root, dead_owner(), rename_intent(true));
        host.properties()
            .write("ps", "new", "scale", "web=2")
            .expect("copied");
        assert_eq!(apps(&host), ["old"]);

        rename(&host, "old", "new", true).expect("redone");
        assert_eq!(apps(&host), ["new"]);
        // The half copy was removed first (the fake has no plugin to copy again).
        assert_eq!(
            host.properties().get("ps", "new", "scale").expect("get"),
            None
        );
        assert!(!host.layout.property_dir("ps", "old").exists());
        let fired = fired(&host);
        assert_eq!(fired[0], "pre-delete new latest", "{fired:?}");
        assert!(fired.contains(&"post-app-rename old new".to_string()));
        assert!(host
            .log_text()
            .contains(" !     Removing new, left half-made by an interrupted rename of old\n"));
    }

    #[test]
    fn a_rename_killed_after_the_switch_is_finished_by_running_it_again() {
        let mut host = FakeHost::new();
        host.on("git-has-code", |_, _| (1, String::new()));
        create(&host, "old", false).expect("create");
        create(&host, "new", false).expect("create");
        host.properties()
            .write("community", "old", "x", "1")
            .expect("prop");
        fired(&host);
        // Killed right after the marker moved into OLD's directory.
        let old_root = host.layout.app_root("old");
        pending::write_marker(&old_root, dead_owner(), rename_intent(false));
        assert_eq!(apps(&host), ["new"], "NEW is the app");

        rename(&host, "old", "new", false).expect("resumed");
        assert_eq!(apps(&host), ["new"]);
        assert!(!old_root.exists());
        assert!(!host.layout.property_dir("community", "old").exists());
        assert_eq!(
            fired(&host),
            [
                "pre-delete old latest",
                "scheduler-stop docker-local old true",
                "scheduler-post-delete docker-local old latest",
                "post-delete old latest",
                "scheduler-retire docker-local old",
                "post-app-rename old new",
                "git-has-code new",
            ]
        );
        assert!(host
            .log_text()
            .contains("-----> Resuming the interrupted rename of old to new\n"));
    }

    #[test]
    fn any_command_needing_the_old_name_finishes_an_interrupted_rename() {
        let host = FakeHost::new();
        create(&host, "old", false).expect("create");
        create(&host, "new", false).expect("create");
        pending::write_marker(
            &host.layout.app_root("old"),
            dead_owner(),
            rename_intent(false),
        );
        fired(&host);
        create(&host, "old", false).expect("the name is free again");
        assert_eq!(apps(&host), ["new", "old"]);
        let fired = fired(&host);
        assert!(fired.contains(&"post-app-rename old new".to_string()));
        assert_eq!(fired.last().map(String::as_str), Some("post-create old"));
        assert!(host
            .log_text()
            .contains(" !     Finishing the interrupted rename of old to new\n"));
    }

    #[test]
    fn repair_all_fixes_every_abandoned_directory() {
        let host = FakeHost::new();
        create(&host, "kept", false).expect("create");
        pending::write_marker(&host.layout.app_root("half"), dead_owner(), Intent::Create);
        let staging = host.layout.dokku_root.join(".creating-x-abc");
        pending::write_marker(&staging, dead_owner(), Intent::Create);
        assert_eq!(repair_all(&host).expect("repair"), ["half"]);
        assert!(!host.layout.app_root("half").exists() && !staging.exists());
        assert_eq!(apps(&host), ["kept"]);
    }

    #[test]
    fn a_forced_destroy_goes_ahead_despite_the_lock() {
        let host = FakeHost::new();
        create(&host, "web", false).expect("create");
        crate::lock::lock_manually(&host.layout.deploy_lock("web")).expect("lock");
        assert!(destroy(&host, "web", false).is_err());
        destroy(&host, "web", true).expect("forced");
        assert!(!host.layout.app_root("web").exists());
        assert!(!host.layout.deploy_lock("web").exists());
    }
}
