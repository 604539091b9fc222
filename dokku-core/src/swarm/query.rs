//! Asking the swarm: services, tasks and nodes, and the task listeners nginx routes
//! to; the app's status as `ps` reports it.

use std::collections::BTreeMap;
use std::time::Duration;

use super::tasks::{self, Service, Task};
use super::{listeners_file, service_name};
use crate::deploy::{self as pipeline, DeployError, Host};
use crate::docker::{Call, Docker};
use crate::paths::Layout;

/// How often a deploy asks the swarm how far it got.
pub(super) const POLL: Duration = Duration::from_millis(250);

pub(super) fn fail(msg: impl Into<String>) -> DeployError {
    DeployError::fail(msg.into())
}

pub(super) fn query(docker: &Docker, args: &[&str]) -> Result<String, DeployError> {
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
pub(super) fn require_manager(docker: &Docker) -> Result<(), DeployError> {
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
pub(super) fn service(docker: &Docker, name: &str) -> Result<Option<Service>, DeployError> {
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
pub(super) fn node_addresses(docker: &Docker, tasks: &[Task]) -> BTreeMap<String, String> {
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
pub(super) fn listener_lines(docker: &Docker, tasks: &[Task]) -> String {
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
pub(super) fn write_listeners(layout: &Layout, app: &str, text: &str) -> Result<bool, DeployError> {
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

/// Whether the app has a service (`scheduler-is-deployed`), running or scaled to 0.
pub fn has_services(docker: &Docker, app: &str) -> bool {
    !app_services(docker, app).is_empty()
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
