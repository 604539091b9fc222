//! Creating and destroying apps (the `apps` plugin's `apps:create`, `app-maybe-create`
//! and `apps:destroy`), with their triggers.

use crate::deploy::{self, DeployError, Host};
use crate::log::Level;
use crate::property::GLOBAL;

use super::{AppError, AppName};

/// The plugin name the properties live under.
pub const PLUGIN: &str = "apps";

/// The plugins whose per-app properties and data directories `apps:destroy` removes
/// (each is a plugin this project implements; other plugins clean up in their own
/// `post-delete`).
const OWNED_PLUGINS: &[&str] = &[
    "apps",
    "app-json",
    "builder",
    "builder-dockerfile",
    "checks",
    "common",
    "git",
    "ports",
    "ps",
    "scheduler-docker-local",
];

/// `apps:create APP`: validates the name, creates `$DOKKU_ROOT/APP`, records
/// `created-at` and fires `post-create`. `announce` prints `-----> Creating APP...`.
pub fn create(host: &dyn Host, name: &str, announce: bool) -> Result<AppName, DeployError> {
    let app = AppName::parse(name).map_err(|e| DeployError::fail(e.to_string()))?;
    let root = host.layout().app_root(app.as_str());
    if root.is_dir() {
        return Err(DeployError::fail("Name is already taken"));
    }
    if announce {
        host.log(Level::Info1, &format!("Creating {app}..."));
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
/// delete triggers, cleans images and removes the app's state.
pub fn destroy(host: &dyn Host, name: &str) -> Result<(), DeployError> {
    let app = super::verify(&host.layout().dokku_root, name).map_err(|e: AppError| {
        DeployError::Fail {
            message: e.to_string(),
            code: e.exit_code(),
        }
    })?;
    let app = app.as_str();
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
    for plugin in OWNED_PLUGINS {
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
