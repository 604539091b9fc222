//! Deploying, scaling, stopping and reading back an app's swarm services.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::spec::{self, Health, ServiceSpec};
use super::tasks::{self, Service, Task};
use super::{computed, listeners_file, service_name, PLUGIN};
use crate::deploy::{self as pipeline, DeployError, Host};
use crate::docker::{Call, Docker};
use crate::log::Level;
use crate::paths::Layout;
use crate::ports;
use crate::ps;

/// How often a deploy asks the swarm how far it got.
const POLL: Duration = Duration::from_millis(250);

fn fail(msg: impl Into<String>) -> DeployError {
    DeployError::fail(msg.into())
}

fn query(docker: &Docker, args: &[&str]) -> Result<String, DeployError> {
    let call = Call::new(args.iter().copied());
    let out = docker.run(&call)?;
    if out.code != 0 {
        return Err(fail(format!(
            "docker {} failed: {}",
            args.iter().take(2).copied().collect::<Vec<_>>().join(" "),
            out.stderr.trim()
        )));
    }
    Ok(out.stdout)
}

/// The swarm must be active on this engine, with this node a manager.
fn require_manager(docker: &Docker) -> Result<(), DeployError> {
    let state = query(
        docker,
        &[
            "info",
            "--format",
            "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}",
        ],
    )?;
    if state.trim() == "active true" {
        return Ok(());
    }
    Err(DeployError::refused(
        format!(
            "The docker-swarm scheduler needs this docker engine to be a swarm manager (swarm state: {})",
            state.trim()
        ),
        "run `docker swarm init --advertise-addr <this host's address>` (or join a swarm as a manager), or `dokku scheduler:set APP selected docker-local`",
    ))
}

/// The service called `name`, if any.
fn service(docker: &Docker, name: &str) -> Result<Option<Service>, DeployError> {
    let out = docker.run(&Call::new(["service", "inspect", name]))?;
    if out.code != 0 {
        return Ok(None);
    }
    Ok(tasks::parse_services(&out.stdout)
        .map_err(|e| fail(e.to_string()))?
        .into_iter()
        .next())
}

/// Every service labelled as the app's.
pub(super) fn app_services(docker: &Docker, app: &str) -> Vec<Service> {
    let ids = docker
        .run(&Call::new([
            "service".to_string(),
            "ls".into(),
            "--quiet".into(),
            "--filter".into(),
            pipeline::app_label_filter(app),
        ]))
        .ok()
        .filter(|r| r.code == 0)
        .map(|r| r.stdout)
        .unwrap_or_default();
    let ids: Vec<&str> = ids.split_whitespace().collect();
    if ids.is_empty() {
        return Vec::new();
    }
    let mut args = vec!["service", "inspect"];
    args.extend(ids);
    docker
        .run(&Call::new(args))
        .ok()
        .and_then(|r| tasks::parse_services(&r.stdout).ok())
        .unwrap_or_default()
}

/// The tasks of service `name` still known to the swarm.
pub(super) fn service_tasks(docker: &Docker, name: &str) -> Vec<Task> {
    let ids = docker
        .run(&Call::new(["service", "ps", "--quiet", "--no-trunc", name]))
        .ok()
        .filter(|r| r.code == 0)
        .map(|r| r.stdout)
        .unwrap_or_default();
    let ids: Vec<&str> = ids.split_whitespace().collect();
    if ids.is_empty() {
        return Vec::new();
    }
    let mut args = vec!["inspect", "--type", "task"];
    args.extend(ids);
    // A task may vanish between the two calls; the others are still answered.
    docker
        .run(&Call::new(args))
        .ok()
        .and_then(|r| tasks::parse_tasks(&r.stdout).ok())
        .unwrap_or_default()
}

/// The address nginx reaches a node's published ports at: loopback for this node
/// (nginx runs here), else the node's swarm address.
fn node_addresses(docker: &Docker, tasks: &[Task]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let own = query(docker, &["info", "--format", "{{.Swarm.NodeID}}"]).unwrap_or_default();
    let own = own.trim();
    for task in tasks {
        if out.contains_key(&task.node_id) || task.node_id.is_empty() {
            continue;
        }
        let addr = if task.node_id == own {
            "127.0.0.1".to_string()
        } else {
            query(
                docker,
                &[
                    "node",
                    "inspect",
                    "--format",
                    "{{.Status.Addr}}",
                    &task.node_id,
                ],
            )
            .map(|a| a.trim().to_string())
            .unwrap_or_default()
        };
        out.insert(task.node_id.clone(), addr);
    }
    out
}

/// `TARGET ADDRESS:PORT` lines for the live tasks of a web service.
fn listener_lines(docker: &Docker, tasks: &[Task]) -> String {
    let live: Vec<&Task> = tasks.iter().filter(|t| t.is_live()).collect();
    let owned: Vec<Task> = live.iter().map(|t| (*t).clone()).collect();
    let nodes = node_addresses(docker, &owned);
    let mut lines: Vec<String> = Vec::new();
    for task in live {
        let Some(addr) = nodes.get(&task.node_id).filter(|a| !a.is_empty()) else {
            continue;
        };
        for (target, published) in &task.ports {
            lines.push(format!("{target} {addr}:{published}"));
        }
    }
    lines.sort();
    lines.dedup();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// Writes what the running web tasks of `app` listen on; whether it changed.
fn write_listeners(layout: &Layout, app: &str, text: &str) -> Result<bool, DeployError> {
    let path = listeners_file(layout, app);
    if std::fs::read_to_string(&path).ok().as_deref() == Some(text) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(DeployError::io("create", dir))?;
    }
    crate::fs::write_atomic(&path, text.as_bytes(), 0o644)
        .map_err(DeployError::io("write", &path))?;
    Ok(true)
}

/// Reads the running web tasks back from the swarm and records their published
/// addresses (nginx's upstreams); whether they changed. Nothing is asked for an
/// app that has no web service.
pub fn refresh_listeners(host: &dyn Host, app: &str) -> Result<bool, DeployError> {
    let name = service_name(app, "web");
    let tasks = service_tasks(host.docker(), &name);
    write_listeners(host.layout(), app, &listener_lines(host.docker(), &tasks))
}

/// The image the services run: the pushed release when the app pushes to a
/// registry (every node pulls it by that name); otherwise the local image under a
/// tag naming its id, so a rollback finds the previous release even after `latest`
/// moved on.
fn release_image(host: &dyn Host, app: &str, tag: &str) -> Result<String, DeployError> {
    let props = host.properties();
    if crate::registry::push_enabled(&props, app) {
        if let Some(remote) = crate::registry::pushed_release(&props, app) {
            return Ok(remote);
        }
    }
    let local = crate::image::app_image_name(app, Some(tag), None);
    let id = host
        .docker()
        .image_id(&local)
        .ok_or_else(|| fail(format!("Image {local} not found")))?;
    let short: String = id.trim_start_matches("sha256:").chars().take(12).collect();
    let pinned = format!("{}:swarm-{short}", crate::image::app_image_repo(app));
    host.docker().image_tag(&local, &pinned)?;
    Ok(pinned)
}

/// The service healthcheck of `proc_type`: its first startup or readiness check in
/// app.json, probed from inside the task with the image's shell (`wget` for a path,
/// the check's command otherwise).
fn health_of(host: &dyn Host, app: &str, proc_type: &str, port: u16) -> Option<Health> {
    let pid = host.var(crate::env::DOKKU_PID).map(str::to_string);
    let doc = crate::appjson::current(host.layout(), app, pid.as_deref()).ok()?;
    let checks = crate::checks::healthcheck::for_process(&doc, proc_type).ok()?;
    let check = checks
        .into_iter()
        .find(|c| matches!(c.kind.as_str(), "" | "startup" | "readiness"))?;
    let cmd = if !check.command.is_empty() {
        check
            .command
            .iter()
            .map(|w| crate::shell::quote(w))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        let path = if check.path.is_empty() {
            "/"
        } else {
            &check.path
        };
        let port = check.port.unwrap_or(port);
        format!(
            "wget -q -O /dev/null {} || exit 1",
            crate::shell::quote(&format!("http://127.0.0.1:{port}{path}"))
        )
    };
    Some(Health {
        cmd,
        interval: check.wait.unwrap_or(1).max(1),
        timeout: check.timeout.unwrap_or(5).max(1),
        retries: check.attempts.unwrap_or(3).max(1),
        start_period: check.initial_delay.unwrap_or(0),
    })
}

/// Labels (and `KEY=VALUE` environment) that operator plugins add through
/// `docker-args-deploy`; other `docker run` options have no service equivalent and
/// are named in one warning.
fn plugin_args(words: &[String]) -> (Vec<(String, String)>, Vec<String>, Vec<String>) {
    let (mut labels, mut env, mut ignored) = (Vec::new(), Vec::new(), Vec::new());
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let (flag, value) = match w.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f.to_string(), Some(v.to_string())),
            _ => (w.clone(), None),
        };
        let takes = matches!(flag.as_str(), "--label" | "-l" | "--env" | "-e");
        let value = match value {
            Some(v) => Some(v),
            None if takes => {
                i += 1;
                words.get(i).cloned()
            }
            None => None,
        };
        match (flag.as_str(), value) {
            ("--label" | "-l", Some(v)) => {
                let (k, v) = v.split_once('=').unwrap_or((v.as_str(), ""));
                labels.push((k.to_string(), v.to_string()));
            }
            ("--env" | "-e", Some(v)) if v.contains('=') => env.push(v),
            _ => ignored.push(w.clone()),
        }
        i += 1;
    }
    (labels, env, ignored)
}

/// What every service of one deploy shares.
struct Release<'a> {
    app: &'a str,
    tag: &'a str,
    image: String,
    env: crate::settings::EnvMap,
    procfile: Option<Vec<ps::ProcessType>>,
    source_type: String,
}

fn build_spec(
    host: &dyn Host,
    rel: &Release<'_>,
    proc_type: &str,
    count: u32,
) -> Result<ServiceSpec, DeployError> {
    let app = rel.app;
    let props = host.properties();
    let layout = host.layout();
    let web_port = ports::web_port(&props, app);
    let words = crate::shell::split_words(
        &host.fire_capture("docker-args-deploy", &[app, rel.tag, proc_type, "1"])?,
    );
    let (extra_labels, extra_env, ignored) = plugin_args(&words);
    if !ignored.is_empty() {
        host.log(
            Level::Warn,
            &format!(
                "Ignoring docker options without a swarm service equivalent: {}",
                ignored.join(" ")
            ),
        );
    }
    let mut labels = vec![
        ("com.dokku.app-name".to_string(), app.to_string()),
        ("com.dokku.process-type".to_string(), proc_type.to_string()),
        ("com.dokku.container-type".to_string(), "deploy".to_string()),
        ("com.dokku.scheduler".to_string(), super::NAME.to_string()),
    ];
    labels.extend(extra_labels);
    let mut fixed_env = vec![format!("DYNO={proc_type}.{{{{.Task.Slot}}}}")];
    if proc_type == "web" {
        fixed_env.push(format!("PORT={web_port}"));
    }
    fixed_env.extend(extra_env);
    let mut publish: Vec<u16> = Vec::new();
    if proc_type == "web" {
        for m in ports::effective(layout, &props, app) {
            if matches!(m.scheme.as_str(), "http" | "https" | "grpc" | "grpcs")
                && !publish.contains(&m.container)
            {
                publish.push(m.container);
            }
        }
        if publish.is_empty() {
            publish.push(web_port);
        }
    }
    let mut resources = Vec::new();
    for (kind, key, flag) in [
        ("limit", "cpu", "--limit-cpu"),
        ("limit", "memory", "--limit-memory"),
        ("reserve", "cpu", "--reserve-cpu"),
        ("reserve", "memory", "--reserve-memory"),
    ] {
        let value = crate::resource::value(&props, app, proc_type, kind, key);
        if !value.is_empty() {
            let value = if key == "memory" && value.chars().all(|c| c.is_ascii_digit()) {
                format!("{value}m")
            } else {
                value
            };
            resources.push((flag.to_string(), value));
        }
    }
    let mut mounts = Vec::new();
    let storage = crate::storage::docker_args(layout, &props, app, "deploy", Some(proc_type));
    for pair in storage.chunks(2) {
        if let Some(m) = pair.get(1).and_then(|v| spec::bind_mount(v)) {
            mounts.push(m);
        }
    }
    let constraints = computed(&props, app, "placement-constraints")
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let num =
        |key: &str, default: u64| computed(&props, app, key).parse::<u64>().unwrap_or(default);
    let init = pipeline::prop_app_or_global(&props, crate::scheduler::PLUGIN, app, "init-process")
        .as_deref()
        != Some("false");
    Ok(ServiceSpec {
        name: service_name(app, proc_type),
        image: rel.image.clone(),
        replicas: count,
        env_keys: rel.env.keys().cloned().collect(),
        fixed_env,
        labels,
        publish,
        resources,
        restart: spec::restart_of(&ps::restart_policy(&props, app)),
        health: if crate::checks::is_disabled(&props, app, proc_type)
            || crate::checks::is_skipped(&props, app, proc_type)
        {
            None
        } else {
            health_of(host, app, proc_type, web_port)
        },
        mounts,
        constraints,
        parallelism: u32::try_from(num("update-parallelism", 1))
            .unwrap_or(1)
            .max(1),
        delay: num("update-delay", 2),
        monitor: num("update-monitor", 5),
        stop_grace: ps::stop_timeout(&props, app),
        init,
        args: start_args(&props, rel, proc_type, web_port),
    })
}

fn start_args(
    props: &crate::property::PropertyStore,
    rel: &Release<'_>,
    proc_type: &str,
    web_port: u16,
) -> Vec<String> {
    if rel.source_type == "herokuish" {
        return vec!["/start".into(), proc_type.to_string()];
    }
    if let Some(cmd) =
        pipeline::prop_app_or_global(props, ps::PLUGIN, rel.app, "dockerfile-start-cmd")
    {
        return crate::shell::split_words(&cmd);
    }
    let port = if proc_type == "web" {
        web_port.to_string()
    } else {
        "5000".into()
    };
    rel.procfile
        .as_deref()
        .and_then(|p| p.iter().find(|t| t.name == proc_type))
        .map(|t| crate::shell::split_words(&ps::expand_command(&t.command, &port, &rel.env)))
        .unwrap_or_default()
}

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
            Some(svc.update_started.clone()),
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
    converge(host, app, proc_type, spec, before.as_deref(), timeout)
}

/// Polls the service until its update completed and `replicas` tasks run, keeping
/// nginx's upstreams on the running web tasks as they come and go. A rolled back
/// update fails the deploy (the previous tasks keep serving).
fn converge(
    host: &dyn Host,
    app: &str,
    proc_type: &str,
    spec: &ServiceSpec,
    before: Option<&str>,
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
        let live = tasks.iter().filter(|t| t.is_live()).count();
        let this_update = before.is_none_or(|b| svc.update_started != b);
        let state = if this_update {
            svc.update_state.as_str()
        } else {
            ""
        };
        match state {
            "rollback_completed" => {
                // Route to what runs now (the previous release) before failing.
                if proc_type == "web" {
                    refresh_after_rollback(host, app, &spec.name)?;
                }
                return Err(DeployError::refused(
                    format!(
                        "The swarm rolled back {}: a new task failed ({}); the previous release keeps running",
                        spec.name,
                        if svc.update_message.is_empty() { "no reason given" } else { &svc.update_message },
                    ),
                    format!(
                        "see `dokku logs {app}` and `docker service ps --no-trunc {}` for why the new tasks failed",
                        spec.name
                    ),
                ));
            }
            "paused" | "rollback_paused" => {
                return Err(DeployError::refused(
                    format!(
                        "The swarm paused the update of {}: {}",
                        spec.name, svc.update_message
                    ),
                    format!(
                        "`docker service ps --no-trunc {}` shows the failed tasks",
                        spec.name
                    ),
                ));
            }
            _ => {}
        }
        let done = match before {
            None => true,
            Some(_) => this_update && state == "completed",
        };
        if done && live == spec.replicas as usize {
            return Ok(());
        }
        if started.elapsed() > timeout {
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

/// `scheduler-app-status`: running tasks, and `true` (all desired running),
/// `false` (none, or nothing desired) or `mixed`.
pub fn app_status(docker: &Docker, app: &str) -> (usize, &'static str) {
    let services = app_services(docker, app);
    let wanted: u32 = services.iter().map(|s| s.replicas).sum();
    let live: usize = services
        .iter()
        .map(|s| {
            service_tasks(docker, &s.name)
                .iter()
                .filter(|t| t.is_live())
                .count()
        })
        .sum();
    let state = match (live, wanted as usize) {
        (_, 0) | (0, _) => "false",
        (l, w) if l >= w => "true",
        _ => "mixed",
    };
    (live, state)
}

/// `ps:report`'s per-task lines: `(TYPE.SLOT, "running (task ID, node ID)")`.
pub fn report_tasks(docker: &Docker, app: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for svc in app_services(docker, app) {
        let proc_type = svc
            .labels
            .get("com.dokku.process-type")
            .cloned()
            .unwrap_or_default();
        for t in service_tasks(docker, &svc.name) {
            if t.desired != "running" {
                continue;
            }
            let short = |s: &str| s.chars().take(12).collect::<String>();
            out.push((
                format!("{proc_type}.{}", t.slot),
                format!(
                    "{} (task: {}, node: {})",
                    t.state,
                    short(&t.id),
                    short(&t.node_id)
                ),
            ));
        }
    }
    out.sort();
    out
}
