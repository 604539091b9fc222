//! Deploying, stopping and removing an app's swarm services.

use std::time::{Duration, Instant};

use super::plan::{build_spec, release_image, Release};
use super::query::{
    app_services, fail, listener_lines, refresh_listeners, require_manager, service, service_tasks,
    write_listeners, POLL,
};
use super::spec::ServiceSpec;
use super::tasks::{progress, Before, Progress};
use super::{computed, PLUGIN};
use crate::deploy::{self as pipeline, DeployError, Host};
use crate::docker::{Call, Docker};
use crate::log::Level;
use crate::ps;

/// `scheduler-deploy docker-swarm APP TAG [PROC_TYPE]`.
pub fn deploy(
    host: &dyn Host,
    app: &str,
    tag: &str,
    only: Option<&str>,
) -> Result<(), DeployError> {
    let docker = host.docker();
    require_manager(docker)?;
    let layout = host.layout();
    let props = host.properties();
    let local = crate::image::app_image_name(app, Some(tag), None);
    let labels = docker.image_labels(&local).unwrap_or_default();
    let pid = host.var(crate::env::DOKKU_PID).map(str::to_string);
    let rel = Release {
        app,
        tag,
        image: release_image(host, app, tag)?,
        env: pipeline::app_env(layout, app)?,
        procfile: ps::current_procfile(layout, app, pid.as_deref())
            .map_err(|e| fail(e.to_string()))?,
        source_type: pipeline::image_source_type(&labels),
    };
    let mut scale = ps::scale(&props, app)?;
    scale.sort_by_key(|(t, _)| (t != "web", t.clone()));
    let timeout = Duration::from_secs(
        computed(&props, app, "deploy-timeout")
            .parse()
            .unwrap_or(600),
    );
    // What the services ran before: kept for a rollback, older release tags go.
    let mut keep: Vec<String> = app_services(docker, app)
        .into_iter()
        .map(|s| s.image)
        .collect();
    keep.push(rel.image.clone());
    for (proc_type, count) in &scale {
        if only.is_some_and(|t| t != proc_type) {
            continue;
        }
        if let Some(procfile) = &rel.procfile {
            if !procfile.iter().any(|p| &p.name == proc_type) {
                host.log(
                    Level::Warn,
                    &format!("Skipping {proc_type} as it is missing from the current Procfile"),
                );
                continue;
            }
        }
        host.log(
            Level::Info1,
            &format!("Deploying {proc_type} (count={count})"),
        );
        let spec = build_spec(host, &rel, proc_type, *count)?;
        deploy_service(host, app, proc_type, &spec, &rel.env, timeout)?;
        host.fire_checked("scheduler-post-deploy-process", &[app, proc_type])?;
    }
    if only.is_none() {
        for svc in app_services(docker, app) {
            let proc_type = svc
                .labels
                .get("com.dokku.process-type")
                .cloned()
                .unwrap_or_default();
            if !scale.iter().any(|(t, _)| *t == proc_type) {
                host.log(
                    Level::Verbose,
                    &format!(
                        "Process type ({proc_type}) is no longer defined. Removing service {}",
                        svc.name
                    ),
                );
                let _ = docker.run(&Call::new(["service", "rm", svc.id.as_str()]));
            }
        }
    }
    refresh_listeners(host, app)?;
    retire_local_containers(host, app);
    remove_release_tags(docker, app, &keep);
    host.log(Level::Info1, "Running post-deploy");
    host.fire_checked("core-post-deploy", &[app, "", "", tag])?;
    host.fire_checked("post-deploy", &[app, "", "", tag])
}

/// Untags the app's `swarm-<id>` release names except `keep` (the running and the
/// previous release); an image still in use stays (no force).
pub(super) fn remove_release_tags(docker: &Docker, app: &str, keep: &[String]) {
    let repo = crate::image::app_image_repo(app);
    let prefix = format!("{repo}:swarm-");
    let listed = docker
        .run(&Call::new([
            "image".to_string(),
            "ls".into(),
            "--format".into(),
            "{{.Repository}}:{{.Tag}}".into(),
            repo.clone(),
        ]))
        .map(|r| r.stdout)
        .unwrap_or_default();
    let old: Vec<String> = listed
        .lines()
        .filter(|name| name.starts_with(&prefix) && !keep.iter().any(|k| k == name))
        .map(str::to_string)
        .collect();
    docker.image_rm(&old);
}

/// An app that moved here from docker-local: once its services run, the containers
/// docker-local recorded (and only those) are removed with their state files.
fn retire_local_containers(host: &dyn Host, app: &str) {
    let layout = host.layout();
    let slots = crate::scheduler::slots(layout, app);
    if slots.is_empty() {
        return;
    }
    host.log(
        Level::Info1,
        &format!("Removing the docker-local containers of {app} (now on the swarm)"),
    );
    let ids: Vec<String> = slots.iter().map(|s| s.cid.clone()).collect();
    host.docker().container_rm_force(&ids);
    for slot in &slots {
        for file in [
            layout.container_file(app, &slot.proc_type, slot.index),
            layout.ip_file(app, &slot.proc_type, slot.index),
            layout.port_file(app, &slot.proc_type, slot.index),
        ] {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// Creates or updates one service and waits for the swarm to converge on it.
fn deploy_service(
    host: &dyn Host,
    app: &str,
    proc_type: &str,
    spec: &ServiceSpec,
    env: &crate::settings::EnvMap,
    timeout: Duration,
) -> Result<(), DeployError> {
    let docker = host.docker();
    let current = service(docker, &spec.name)?;
    if let Some(svc) = &current {
        let owner = svc.labels.get("com.dokku.app-name").map(String::as_str);
        if owner != Some(app) {
            return Err(DeployError::refused(
                format!("A swarm service named {} exists and is not {app}'s", spec.name),
                format!(
                    "remove that service (docker service rm {}); it is in the way of {app}'s {proc_type} processes",
                    spec.name
                ),
            ));
        }
    }
    let (verb, args, before) = match &current {
        Some(svc) => (
            "update",
            spec.update_args(svc),
            Some(Before {
                update_started: svc.update_started.clone(),
                force_update: svc.force_update,
            }),
        ),
        None => ("create", spec.create_args(), None),
    };
    let mut call_args = vec!["service".to_string(), verb.to_string()];
    call_args.extend(args);
    // Config values reach the client through its environment (`--env KEY`), never
    // its command line.
    let call =
        Call::new(call_args).with_env(env.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
    let out = docker.run(&call)?;
    if out.code != 0 {
        return Err(fail(format!(
            "docker service {verb} {} failed: {}",
            spec.name,
            out.stderr.trim()
        )));
    }
    host.log(
        Level::Verbose,
        &format!(
            "Waiting for the swarm to converge on {} ({} task{})",
            spec.name,
            spec.replicas,
            if spec.replicas == 1 { "" } else { "s" }
        ),
    );
    converge(host, app, proc_type, spec, before.as_ref(), timeout)
}

/// Polls the service until its update completed and `replicas` tasks run, keeping
/// nginx's upstreams on the running web tasks as they come and go. A rolled back
/// update fails the deploy (the previous tasks keep serving).
fn converge(
    host: &dyn Host,
    app: &str,
    proc_type: &str,
    spec: &ServiceSpec,
    before: Option<&Before>,
    timeout: Duration,
) -> Result<(), DeployError> {
    let docker = host.docker();
    let started = Instant::now();
    loop {
        let svc = service(docker, &spec.name)?.ok_or_else(|| {
            fail(format!(
                "The swarm service {} disappeared during the deploy",
                spec.name
            ))
        })?;
        let tasks = service_tasks(docker, &spec.name);
        if proc_type == "web" {
            let text = listener_lines(docker, &tasks);
            if write_listeners(host.layout(), app, &text)? {
                host.fire_checked("proxy-build-config", &[app])?;
            }
        }
        match progress(&svc, &tasks, before, spec.replicas) {
            Progress::Done => return Ok(()),
            Progress::RolledBack(message) => {
                // Route to what runs now (the previous release) before failing.
                if proc_type == "web" {
                    refresh_after_rollback(host, app, &spec.name)?;
                }
                return Err(DeployError::refused(
                    format!(
                        "The swarm rolled back {}: a new task failed ({}); the previous release keeps running",
                        spec.name,
                        if message.is_empty() { "no reason given" } else { &message },
                    ),
                    format!(
                        "see `dokku logs {app}` and `docker service ps --no-trunc {}` for why the new tasks failed",
                        spec.name
                    ),
                ));
            }
            Progress::Paused(message) => {
                return Err(DeployError::refused(
                    format!("The swarm paused the update of {}: {message}", spec.name),
                    format!(
                        "`docker service ps --no-trunc {}` shows the failed tasks",
                        spec.name
                    ),
                ));
            }
            Progress::Waiting => {}
        }
        if started.elapsed() > timeout {
            let live = tasks.iter().filter(|t| t.is_live()).count();
            let why = tasks
                .iter()
                .find(|t| !t.error.is_empty())
                .map(|t| t.error.clone())
                .unwrap_or_else(|| format!("{live} of {} tasks running", spec.replicas));
            return Err(DeployError::refused(
                format!(
                    "The swarm did not converge on {} within {}s: {why}",
                    spec.name,
                    timeout.as_secs()
                ),
                format!(
                    "see `docker service ps --no-trunc {}`, or allow more time with `dokku scheduler-docker-swarm:set {app} deploy-timeout SECONDS`",
                    spec.name
                ),
            ));
        }
        std::thread::sleep(POLL);
    }
}

/// After a rollback: waits (bounded) until the previous tasks are all live again,
/// then points nginx at them.
fn refresh_after_rollback(host: &dyn Host, app: &str, name: &str) -> Result<(), DeployError> {
    let docker = host.docker();
    let wanted = service(docker, name)?.map_or(0, |s| s.replicas) as usize;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let tasks = service_tasks(docker, name);
        let live = tasks.iter().filter(|t| t.is_live()).count();
        if live >= wanted || Instant::now() > deadline {
            if write_listeners(host.layout(), app, &listener_lines(docker, &tasks))? {
                host.fire_checked("proxy-build-config", &[app])?;
            }
            return Ok(());
        }
        std::thread::sleep(POLL);
    }
}

/// `scheduler-stop docker-swarm APP [REMOVE]`: every service of the app scaled to
/// zero, or removed when `remove`.
pub fn stop(host: &dyn Host, app: &str, remove: bool) -> Result<(), DeployError> {
    let docker = host.docker();
    for svc in app_services(docker, app) {
        let args = if remove {
            vec!["service", "rm", svc.id.as_str()]
        } else {
            vec![
                "service",
                "update",
                "--detach",
                "--replicas=0",
                svc.id.as_str(),
            ]
        };
        let out = docker.run(&Call::new(args))?;
        if out.code != 0 {
            return Err(fail(format!(
                "cannot stop the swarm service {}: {}",
                svc.name,
                out.stderr.trim()
            )));
        }
    }
    write_listeners(host.layout(), app, "")?;
    Ok(())
}

/// The app's services removed and its swarm state dropped (`apps:destroy`,
/// switching to another scheduler).
pub fn destroy(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    stop(host, app, true)?;
    let dir = host.layout().app_data_dir(PLUGIN, app);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
