//! The deploy pipeline: from a source directory to running containers.
//!
//! The stages and trigger names are Dokku's (see `dokku-deploy-behaviour.md` §3–§4):
//!
//! 1. [`receive`] (`dokku_receive`): cleanup, `builder-set-property`, then
//!    `builder-build BUILDER APP DIR` (the builder plugin that matches acts), restoring
//!    the previous release image if the build fails; then `release-and-deploy APP`.
//! 2. [`release_and_deploy`]: `builder-release TYPE APP TAG`, then
//!    `scheduler-deploy SCHEDULER APP TAG` unless `skip-deploy`, then the app's URLs.
//!
//! Every stage is fired as a trigger through the caller's [`Host`], so compiled-in
//! plugins and an operator's bash plugins see the same calls in the same order. The
//! caller supplies the trigger bus, Docker, and a place for log lines: this crate
//! never prints.

mod host;
pub mod live;

pub use host::{DeployError, Host};

use std::collections::BTreeMap;

use crate::config::{ConfigScope, ConfigStore};
use crate::log::Level;
use crate::property::{PropertyStore, GLOBAL};
use crate::settings::EnvMap;

/// Label filter for every container and image of `app`.
pub fn app_label_filter(app: &str) -> String {
    format!("label=com.dokku.app-name={app}")
}

/// `docker_cleanup APP [force]` (`dokku-core-behaviour.md` §5.3): unless forced, the
/// builder's `skip-cleanup` property (app, then global) or `DOKKU_SKIP_CLEANUP=true`
/// skips it with `-----> DOKKU_SKIP_CLEANUP set. Skipping dokku cleanup`. Otherwise
/// `-----> Cleaning up...`, then removes the exited and dead containers labelled
/// `dokku` (and `com.dokku.app-name=APP` when an app is given), the dangling images
/// (of the app), and for an app its unused images (`docker image prune`). `None` is
/// `--global`: every app's containers and dangling images, no prune. The `upcoming`
/// containers that killed deploys left running are removed too (ours: see
/// [`crate::scheduler::orphans`]).
pub fn docker_cleanup(host: &dyn Host, app: Option<&str>, force: bool) {
    let props = host.properties();
    if !force {
        let scope = app.unwrap_or(GLOBAL);
        let skip = props
            .get("builder", scope, "skip-cleanup")
            .ok()
            .flatten()
            .filter(|v| !v.is_empty())
            .or_else(|| props.get("builder", GLOBAL, "skip-cleanup").ok().flatten());
        if skip.as_deref() == Some("true") || host.var("DOKKU_SKIP_CLEANUP") == Some("true") {
            host.log(
                Level::Info1,
                "DOKKU_SKIP_CLEANUP set. Skipping dokku cleanup",
            );
            return;
        }
    }
    host.log(Level::Info1, "Cleaning up...");
    let docker = host.docker();
    let mut filters = vec!["label=dokku".to_string()];
    if let Some(app) = app {
        filters.push(app_label_filter(app));
    }
    // One question for both states: docker ORs the values of one filter key (and
    // ANDs different keys), so this lists the exited and the dead containers.
    let mut stopped = filters.clone();
    stopped.extend(["status=exited".to_string(), "status=dead".to_string()]);
    let removed = docker.container_ls(&stopped, true);
    docker.container_rm(&removed);
    match app {
        Some(app) => crate::scheduler::orphans::sweep(host, app),
        None => crate::scheduler::orphans::sweep_all(host),
    };
    let mut dangling = vec!["dangling=true".to_string()];
    if let Some(app) = app {
        dangling.push(app_label_filter(app));
    }
    docker.image_rm(&docker.image_ls(&dangling));
    if let Some(app) = app {
        docker.image_prune(&[app_label_filter(app)]);
    }
}

/// `dokku_receive APP BUILDER WORKDIR`: cleanup, record the detected builder, build,
/// then release and deploy.
pub fn receive(
    host: &dyn Host,
    app: &str,
    builder: &str,
    workdir: &str,
) -> Result<(), DeployError> {
    docker_cleanup(host, Some(app), false);
    host.fire_checked("builder-set-property", &[app, "detected", builder])?;
    build(host, app, builder, workdir)?;
    host.fire_checked("release-and-deploy", &[app])
}

/// `dokku_build`: fires `builder-build`; on failure puts back the previous release
/// image as `dokku/APP:latest` (or drops the broken tag) and fails with
/// `App build failed`.
pub fn build(host: &dyn Host, app: &str, builder: &str, workdir: &str) -> Result<(), DeployError> {
    let docker = host.docker();
    // The latest release names the image exactly (ours). Without one, Dokku's
    // lookup: the newest image with the release label, which can also be one of
    // that image's own parent layers when they were created in the same second.
    let previous = crate::releases::AppReleases::new(host.layout(), app)
        .latest()
        .map(|r| r.short_image())
        .filter(|id| docker.image_id(id).is_some())
        .or_else(|| {
            docker
                .image_ls(&[
                    "label=com.dokku.image-stage=release".to_string(),
                    app_label_filter(app),
                ])
                .into_iter()
                .next()
        });
    let status = host.fire("builder-build", &[builder, app, workdir])?;
    if status == 0 {
        return Ok(());
    }
    let latest = crate::image::app_image_name(app, None, None);
    match previous {
        Some(id) => {
            host.log(
                Level::Warn,
                &format!("Retagging old image {id} as {latest}"),
            );
            let _ = docker.image_tag(&id, &latest);
        }
        None => {
            host.log(Level::Warn, &format!("Removing invalid image tag {latest}"));
            docker.image_rm(&[latest]);
        }
    }
    Err(DeployError::fail("App build failed"))
}

/// `dokku_release APP SOURCE_TYPE [TAG]`: fires `builder-release` for the app's image
/// at `tag` (default `latest`), as `pack` when the image was built by Cloud Native
/// Buildpacks whatever `source_type` says.
pub fn release(
    host: &dyn Host,
    app: &str,
    source_type: &str,
    tag: Option<&str>,
) -> Result<(), DeployError> {
    let tag = tag.filter(|t| !t.is_empty()).unwrap_or("latest");
    let image = crate::image::app_image_name(app, Some(tag), None);
    let cnb = host.docker().image_labels(&image).is_some_and(|labels| {
        labels
            .get(crate::image::labels::CNB_STACK_ID)
            .is_some_and(|v| !v.is_empty())
    });
    let source_type = if cnb { "pack" } else { source_type };
    host.fire_checked("builder-release", &[source_type, app, tag])
}

/// `release_and_deploy APP [TAG]`: release the image with its builder, then hand it
/// to the app's scheduler, then print the app's URLs.
pub fn release_and_deploy(
    host: &dyn Host,
    app: &str,
    tag: Option<&str>,
) -> Result<(), DeployError> {
    let tag = tag.filter(|t| !t.is_empty()).unwrap_or("latest");
    let image = crate::image::app_image_name(app, Some(tag), None);
    let docker = host.docker();
    // Dokku's verify-app-image: a missing image is pulled back from the registry the
    // app pushes its releases to; without one, nothing to deploy, not an error.
    let labels = docker.image_labels(&image).or_else(|| {
        crate::registry::pull_release(host, app, &image)
            .then(|| docker.image_labels(&image))
            .flatten()
    });
    let Some(labels) = labels else {
        return Ok(());
    };
    let source_type = image_source_type(&labels);
    let props = host.properties();
    let skip_deploy =
        prop_app_or_global(&props, "ps", app, "skip-deploy").as_deref() == Some("true");

    host.log(Level::Info1, &format!("Releasing {app}..."));
    let release_type = if source_type == "pack" {
        "pack"
    } else {
        source_type.as_str()
    };
    let released = host
        .fire_checked("builder-release", &[release_type, app, tag])
        .and_then(|()| {
            if skip_deploy {
                host.log(Level::Info1, "Skipping deployment");
                return Ok(());
            }
            let scheduler = scheduler_of(&props, app);
            host.log(
                Level::Info1,
                &format!("Deploying {app} via the {scheduler} scheduler..."),
            );
            deploy(host, app, tag, None)
        });
    if let Err(err) = released {
        // A release that did not go live must not become what a restart starts.
        live::restore(host, app);
        return Err(err);
    }
    if !skip_deploy {
        host.log(Level::Info2, "Application deployed:");
        for url in app_urls(host, app)? {
            host.log(Level::Verbose, &url);
        }
    }
    host.log(Level::Plain, "");
    Ok(())
}

/// `cmd-deploy APP TAG [PROC]`: `scheduler-deploy SCHEDULER APP TAG [PROC]`.
pub fn deploy(
    host: &dyn Host,
    app: &str,
    tag: &str,
    proc_type: Option<&str>,
) -> Result<(), DeployError> {
    let props = host.properties();
    // An app that pushes its releases gets a removed local image back first (asked
    // only then: other deploys pay nothing for it).
    if crate::registry::pushed_release(&props, app).is_some() {
        let image = crate::image::app_image_name(app, Some(tag), None);
        if host.docker().image_id(&image).is_none() {
            crate::registry::pull_release(host, app, &image);
        }
    }
    let scheduler = scheduler_of(&props, app);
    host.fire_checked(
        "scheduler-deploy",
        &[&scheduler, app, tag, proc_type.unwrap_or("")],
    )?;
    // Ours: what now runs becomes a release when it differs from the last one. A
    // release that cannot be recorded does not undo a deploy that is serving.
    match crate::releases::capture::record_after_deploy(host, app, tag) {
        Ok(Some(release)) => host.log(
            Level::Verbose,
            &format!(
                "Recorded release {} ({})",
                release.name(),
                release.description
            ),
        ),
        Ok(None) => {}
        Err(e) => host.log(Level::Warn, &format!("Release not recorded: {e}")),
    }
    Ok(())
}

/// The app's URLs: what `domains-urls APP urls` answers, else (no proxy installed)
/// one `http://IP:PORT` per running web container.
pub fn app_urls(host: &dyn Host, app: &str) -> Result<Vec<String>, DeployError> {
    if host.has_trigger("domains-urls", &["20_events"]) {
        let out = host.fire_capture("domains-urls", &[app, "urls"])?;
        return Ok(out
            .lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect());
    }
    Ok(crate::scheduler::web_listeners(host.layout(), app)
        .into_iter()
        .map(|l| format!("http://{l}"))
        .collect())
}

/// `com.dokku.builder-type` of an image, else `herokuish` for herokuish-like images,
/// else `dockerfile`.
pub fn image_source_type(labels: &BTreeMap<String, String>) -> String {
    if let Some(t) = labels
        .get("com.dokku.builder-type")
        .filter(|t| !t.is_empty())
    {
        return t.clone();
    }
    if labels.contains_key("com.gliderlabs.herokuish/stack") {
        return "herokuish".into();
    }
    "dockerfile".into()
}

/// The app's scheduler: `scheduler selected` (app, then global), default `docker-local`.
pub fn scheduler_of(props: &PropertyStore, app: &str) -> String {
    prop_app_or_global(props, "scheduler", app, "selected").unwrap_or_else(|| "docker-local".into())
}

/// Dokku's `IsDeployed`: the `common deployed` property; when it was never written,
/// the app's scheduler is asked (`scheduler-is-deployed SCHEDULER APP`, deployed when
/// it succeeds) and the answer recorded.
pub fn is_deployed(host: &dyn Host, app: &str) -> bool {
    let props = host.properties();
    match props.get("common", app, "deployed").ok().flatten() {
        Some(value) if !value.trim().is_empty() => value.trim() == "true",
        _ => {
            let scheduler = scheduler_of(&props, app);
            let deployed = host
                .fire_capture("scheduler-is-deployed", &[&scheduler, app])
                .is_ok();
            let _ = props.write("common", app, "deployed", &deployed.to_string());
            deployed
        }
    }
}

/// A property's app value, else its global value; empty counts as unset.
pub fn prop_app_or_global(
    props: &PropertyStore,
    plugin: &str,
    app: &str,
    key: &str,
) -> Option<String> {
    props
        .get(plugin, app, key)
        .ok()
        .flatten()
        .filter(|v| !v.is_empty())
        .or_else(|| {
            props
                .get(plugin, GLOBAL, key)
                .ok()
                .flatten()
                .filter(|v| !v.is_empty())
        })
}

/// The merged config of `app`: global vars, overridden by the app's.
pub fn app_env(layout: &crate::paths::Layout, app: &str) -> Result<EnvMap, DeployError> {
    let env = ConfigStore::new(&layout.lib_root)
        .merged(&ConfigScope::app(app))
        .map_err(|e| DeployError::fail(e.to_string()))?;
    Ok(env.into_iter().map(|(k, v)| (k.into_string(), v)).collect())
}

/// `config_set --no-restart APP K=V...` for the pipeline's own variables (`GIT_REV`);
/// the caller fires `post-config-update`.
pub fn set_config_no_restart(
    layout: &crate::paths::Layout,
    app: &str,
    pairs: &[(String, String)],
) -> Result<(), DeployError> {
    let scope = if app == GLOBAL {
        ConfigScope::Global
    } else {
        ConfigScope::app(app)
    };
    ConfigStore::new(&layout.lib_root)
        .set(&scope, pairs)
        .map_err(|e| DeployError::fail(e.to_string()))
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests;
