//! The live release: what a restart starts.
//!
//! A push builds `dokku/APP:latest` and records the pushed revision in `GIT_REV`
//! before the new release is checked. In Dokku a release that then fails its checks
//! stays `latest`, so the next restart (`config:set`, `ps:restart`, a reboot)
//! starts the rejected build. Here a release that does not go live puts both back
//! ([`restore`]): `latest` is always the release that is serving.
//!
//! Nothing is recorded for this: the live release is the one the app's recorded
//! containers (`CONTAINER.*`) were created from, and a failed deploy leaves exactly
//! those (scheduler/rollback.rs). Their image id and their `GIT_REV` environment
//! say what to put back, at the cost of one `docker inspect` on the failure path
//! only.

use crate::deploy::{prop_app_or_global, Host};
use crate::log::Level;

/// The config var holding the deployed revision (`git:set rev-env-var`).
fn rev_var(host: &dyn Host, app: &str) -> Option<String> {
    let var = prop_app_or_global(&host.properties(), "git", app, "rev-env-var")
        .unwrap_or_else(|| "GIT_REV".to_string());
    (!var.is_empty()).then_some(var)
}

/// After a release that did not go live: points `dokku/APP:latest` back at the
/// image of the app's recorded containers and the revision var back at their
/// value. Nothing happens before the app's first successful deploy.
pub fn restore(host: &dyn Host, app: &str) {
    let Some(slot) = crate::scheduler::slots(host.layout(), app)
        .into_iter()
        .next()
    else {
        return;
    };
    let docker = host.docker();
    let Some(live) = docker
        .container_inspect(&slot.cid)
        .filter(|c| !c.image_id.is_empty())
    else {
        return;
    };
    let latest = crate::image::app_image_name(app, Some("latest"), None);
    if docker.image_id(&latest).as_deref() != Some(live.image_id.as_str()) {
        host.log(
            Level::Info1,
            &format!("Release not deployed: {latest} points at the live release again"),
        );
        if let Err(e) = docker.image_tag(&live.image_id, &latest) {
            host.log(Level::Warn, &e.to_string());
            return;
        }
    }
    let Some(var) = rev_var(host, app) else {
        return;
    };
    let prefix = format!("{var}=");
    let Some(rev) = live.env.iter().find_map(|e| e.strip_prefix(&prefix)) else {
        return;
    };
    let current = crate::deploy::app_env(host.layout(), app)
        .ok()
        .and_then(|env| env.get(&var).cloned());
    if current.as_deref() != Some(rev) {
        let pair = [(var, rev.to_string())];
        if let Err(e) = crate::deploy::set_config_no_restart(host.layout(), app, &pair) {
            host.log(Level::Warn, &e.to_string());
        }
    }
}
