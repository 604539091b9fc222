//! Reading what the swarm reports back: `docker service inspect` of a service and
//! `docker inspect --type task` of its tasks (both JSON arrays). Pure parsing, so
//! the shapes Docker answers are pinned by unit tests.

use std::collections::BTreeMap;

use serde::Deserialize;

/// One task as `docker inspect --type task` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Task id.
    pub id: String,
    /// The replica slot (1-based); 0 for a global or job task.
    pub slot: u32,
    /// The node it was given to.
    pub node_id: String,
    /// What the orchestrator wants (`running`, `shutdown`, ...).
    pub desired: String,
    /// What it is (`new`, `starting`, `running`, `failed`, ...).
    pub state: String,
    /// The error that ended it, if any.
    pub error: String,
    /// Its container on that node.
    pub container_id: String,
    /// `(target, published)` of each container port published in host mode, on
    /// the node's IPv4 address.
    pub ports: Vec<(u16, u16)>,
    /// The service's force-update counter this task was made from: a deploy bumps
    /// it, so it tells the deploy's tasks from the ones before.
    pub force_update: u64,
}

impl Task {
    /// Runs and is meant to: only such a task may receive traffic.
    pub fn is_live(&self) -> bool {
        self.desired == "running" && self.state == "running"
    }

    /// The published port of container port `target`.
    pub fn published(&self, target: u16) -> Option<u16> {
        self.ports
            .iter()
            .find(|(t, _)| *t == target)
            .map(|(_, p)| *p)
    }
}

/// What a deploy needs to know of an existing service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Service {
    /// Service id.
    pub id: String,
    /// Service name.
    pub name: String,
    /// Service labels (`com.dokku.app-name`, ...).
    pub labels: BTreeMap<String, String>,
    /// Desired replicas (0 for a non-replicated service).
    pub replicas: u32,
    /// The image of the current spec.
    pub image: String,
    /// `KEY` of every `KEY=value` in the current spec's environment.
    pub env_keys: Vec<String>,
    /// Container ports published (targets).
    pub published_targets: Vec<u16>,
    /// Placement constraints of the current spec.
    pub constraints: Vec<String>,
    /// Whether the current spec has a healthcheck.
    pub has_healthcheck: bool,
    /// `UpdateStatus.State` (`updating`, `completed`, `rollback_completed`, ...).
    pub update_state: String,
    /// `UpdateStatus.StartedAt`, to tell this update's status from the last one's.
    pub update_started: String,
    /// `UpdateStatus.Message`.
    pub update_message: String,
    /// `Spec.TaskTemplate.ForceUpdate`, bumped by every `--force` update.
    pub force_update: u64,
}

/// Why Docker's answer could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read docker's {what} answer: {source}")]
pub struct ParseError {
    what: &'static str,
    #[source]
    source: serde_json::Error,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawTask {
    #[serde(rename = "ID")]
    id: String,
    slot: u32,
    #[serde(rename = "NodeID")]
    node_id: String,
    desired_state: String,
    status: RawTaskStatus,
    spec: RawTaskSpec,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawTaskSpec {
    force_update: u64,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawTaskStatus {
    state: String,
    err: String,
    container_status: Option<RawContainerStatus>,
    port_status: Option<RawPortStatus>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawContainerStatus {
    #[serde(rename = "ContainerID")]
    container_id: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawPortStatus {
    ports: Option<Vec<RawPort>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawPort {
    target_port: u16,
    published_port: u16,
    publish_mode: String,
}

/// Parses `docker inspect --type task ID...`.
pub fn parse_tasks(json: &str) -> Result<Vec<Task>, ParseError> {
    if json.trim().is_empty() {
        return Ok(Vec::new());
    }
    let raw: Vec<RawTask> = serde_json::from_str(json).map_err(|source| ParseError {
        what: "task",
        source,
    })?;
    Ok(raw
        .into_iter()
        .map(|t| {
            // Docker lists a host-mode port once per address family, IPv4 first,
            // and (20.10) may give the IPv6 binding another port, even one another
            // task holds for IPv4: only the first port of each target is the one on
            // the node's IPv4 address, where nginx connects.
            let mut ports: Vec<(u16, u16)> = Vec::new();
            for p in t
                .status
                .port_status
                .and_then(|p| p.ports)
                .unwrap_or_default()
            {
                if p.publish_mode == "host"
                    && p.published_port != 0
                    && !ports.iter().any(|(target, _)| *target == p.target_port)
                {
                    ports.push((p.target_port, p.published_port));
                }
            }
            Task {
                id: t.id,
                slot: t.slot,
                node_id: t.node_id,
                desired: t.desired_state,
                state: t.status.state,
                error: t.status.err,
                container_id: t
                    .status
                    .container_status
                    .map(|c| c.container_id)
                    .unwrap_or_default(),
                ports,
                force_update: t.spec.force_update,
            }
        })
        .collect())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawService {
    #[serde(rename = "ID")]
    id: String,
    spec: RawSpec,
    endpoint: RawEndpoint,
    update_status: Option<RawUpdateStatus>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawSpec {
    name: String,
    labels: Option<BTreeMap<String, String>>,
    mode: RawMode,
    task_template: RawTemplate,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawMode {
    replicated: Option<RawReplicated>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawReplicated {
    replicas: u32,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawTemplate {
    container_spec: RawContainerSpec,
    force_update: u64,
    placement: Option<RawPlacement>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawContainerSpec {
    image: String,
    env: Option<Vec<String>>,
    healthcheck: Option<RawHealth>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawHealth {
    test: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawPlacement {
    constraints: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawEndpoint {
    spec: RawEndpointSpec,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawEndpointSpec {
    ports: Option<Vec<RawPort>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawUpdateStatus {
    state: String,
    started_at: String,
    message: String,
}

/// Parses `docker service inspect NAME...`.
pub fn parse_services(json: &str) -> Result<Vec<Service>, ParseError> {
    if json.trim().is_empty() {
        return Ok(Vec::new());
    }
    let raw: Vec<RawService> = serde_json::from_str(json).map_err(|source| ParseError {
        what: "service",
        source,
    })?;
    Ok(raw
        .into_iter()
        .map(|s| {
            let force_update = s.spec.task_template.force_update;
            let container = s.spec.task_template.container_spec;
            let mut targets: Vec<u16> = s
                .endpoint
                .spec
                .ports
                .unwrap_or_default()
                .into_iter()
                .map(|p| p.target_port)
                .collect();
            targets.sort_unstable();
            targets.dedup();
            let update = s.update_status.unwrap_or_default();
            Service {
                id: s.id,
                name: s.spec.name,
                labels: s.spec.labels.unwrap_or_default(),
                replicas: s.spec.mode.replicated.map_or(0, |r| r.replicas),
                image: container.image,
                env_keys: container
                    .env
                    .unwrap_or_default()
                    .iter()
                    .map(|kv| {
                        kv.split_once('=')
                            .map_or(kv.as_str(), |(k, _)| k)
                            .to_string()
                    })
                    .collect(),
                published_targets: targets,
                constraints: s
                    .spec
                    .task_template
                    .placement
                    .and_then(|p| p.constraints)
                    .unwrap_or_default(),
                has_healthcheck: container
                    .healthcheck
                    .and_then(|h| h.test)
                    .is_some_and(|t| t.first().is_some_and(|k| k != "NONE")),
                update_state: update.state,
                update_started: update.started_at,
                update_message: update.message,
                force_update,
            }
        })
        .collect())
}

/// What a service looked like just before a deploy updated it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Before {
    /// `UpdateStatus.StartedAt` of the last update.
    pub update_started: String,
    /// `Spec.TaskTemplate.ForceUpdate`.
    pub force_update: u64,
}

/// How far the swarm got with a deploy's create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Still on its way.
    Waiting,
    /// `replicas` tasks of the new spec run and none of the old one.
    Done,
    /// The swarm rolled the update back (its message).
    RolledBack(String),
    /// The swarm paused the update (its message).
    Paused(String),
}

/// Judges `svc` and its `tasks` against what the deploy asked: a created service
/// (`before` is `None`) is done when `replicas` tasks run; an updated one when the
/// update registered (its force counter moved past `before`'s), is no longer in
/// progress, and exactly `replicas` live tasks carry the new counter. Docker clears
/// `UpdateStatus` for an update that had no task to replace (from or to zero
/// replicas), so the counter, not the status, says when it is done.
pub fn progress(svc: &Service, tasks: &[Task], before: Option<&Before>, replicas: u32) -> Progress {
    let live: Vec<&Task> = tasks.iter().filter(|t| t.is_live()).collect();
    let Some(before) = before else {
        return if live.len() == replicas as usize {
            Progress::Done
        } else {
            Progress::Waiting
        };
    };
    let this_update = svc.update_started != before.update_started;
    if this_update {
        match svc.update_state.as_str() {
            "rollback_completed" => return Progress::RolledBack(svc.update_message.clone()),
            "paused" | "rollback_paused" => return Progress::Paused(svc.update_message.clone()),
            _ => {}
        }
    }
    let expected = before.force_update + 1;
    let updating =
        this_update && matches!(svc.update_state.as_str(), "updating" | "rollback_started");
    let fresh = live.iter().filter(|t| t.force_update == expected).count();
    if svc.force_update == expected
        && !updating
        && fresh == replicas as usize
        && fresh == live.len()
    {
        Progress::Done
    } else {
        Progress::Waiting
    }
}
