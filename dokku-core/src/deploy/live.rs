//! The live release: what a restart starts.
//!
//! A push builds `dokku/APP:latest` and records the pushed revision in `GIT_REV`
//! before the new release is checked. In Dokku a release that then fails its checks
//! stays `latest`, so the next restart (`config:set`, `ps:restart`, a reboot)
//! starts the rejected build. Here every deploy that goes live records its image id
//! and revision ([`record`]), and a release that does not go live puts both back
//! ([`restore`]): `latest` is always the release that is serving.

use crate::deploy::{prop_app_or_global, DeployError, Host};
use crate::log::Level;

/// Where the record lives (`ps` properties: they go with the app on rename/clone and
/// are destroyed with it).
const PLUGIN: &str = "ps";
const IMAGE_ID: &str = "live-image-id";
const REVISION: &str = "live-git-rev";

/// The config var holding the deployed revision (`git:set rev-env-var`).
fn rev_var(host: &dyn Host, app: &str) -> Option<String> {
    let var = prop_app_or_global(&host.properties(), "git", app, "rev-env-var")
        .unwrap_or_else(|| "GIT_REV".to_string());
    (!var.is_empty()).then_some(var)
}

/// Records `dokku/APP:TAG` and the app's revision as the live release.
pub fn record(host: &dyn Host, app: &str, tag: &str) -> Result<(), DeployError> {
    let image = crate::image::app_image_name(app, Some(tag), None);
    let Some(id) = host.docker().image_id(&image) else {
        return Ok(());
    };
    let props = host.properties();
    props.write(PLUGIN, app, IMAGE_ID, &id)?;
    let rev = rev_var(host, app).and_then(|var| {
        crate::deploy::app_env(host.layout(), app)
            .ok()?
            .get(&var)
            .cloned()
    });
    match rev {
        Some(rev) => props.write(PLUGIN, app, REVISION, &rev)?,
        None => props.delete(PLUGIN, app, REVISION)?,
    }
    Ok(())
}

/// After a release that did not go live: points `dokku/APP:latest` back at the live
/// image and the revision var back at its revision. Nothing happens before the
/// app's first successful deploy.
pub fn restore(host: &dyn Host, app: &str) {
    let props = host.properties();
    let Some(id) = props.get(PLUGIN, app, IMAGE_ID).ok().flatten() else {
        return;
    };
    let latest = crate::image::app_image_name(app, Some("latest"), None);
    let docker = host.docker();
    if docker.image_id(&latest).as_deref() != Some(id.as_str()) {
        if docker.image_id(&id).is_none() {
            host.log(
                Level::Warn,
                &format!("The live image of {app} ({id}) is gone; {latest} is left as it is"),
            );
            return;
        }
        host.log(
            Level::Info1,
            &format!("Release not deployed: {latest} points at the live release again"),
        );
        if let Err(e) = docker.image_tag(&id, &latest) {
            host.log(Level::Warn, &e.to_string());
            return;
        }
    }
    let (Some(var), Some(rev)) = (
        rev_var(host, app),
        props.get(PLUGIN, app, REVISION).ok().flatten(),
    ) else {
        return;
    };
    let current = crate::deploy::app_env(host.layout(), app)
        .ok()
        .and_then(|env| env.get(&var).cloned());
    if current.as_deref() != Some(rev.as_str()) {
        if let Err(e) = crate::deploy::set_config_no_restart(host.layout(), app, &[(var, rev)]) {
            host.log(Level::Warn, &e.to_string());
        }
    }
}
