//! The `docker service create` / `docker service update` arguments of one process
//! type: a pure function of [`ServiceSpec`] (and, for an update, of what the service
//! holds now), so every flag is unit-tested without an engine.

use super::tasks::Service;

/// A service healthcheck (`--health-*`), from the app.json checks of the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    /// Shell command run inside the task; exit 0 is healthy.
    pub cmd: String,
    /// Seconds between probes.
    pub interval: u64,
    /// Seconds one probe may take.
    pub timeout: u64,
    /// Failed probes in a row before the task is unhealthy.
    pub retries: u32,
    /// Seconds after start during which failures do not count.
    pub start_period: u64,
}

/// Everything one process type's service is made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceSpec {
    /// Service name (`APP-TYPE`).
    pub name: String,
    /// Image reference every node can resolve.
    pub image: String,
    /// Replicas (the formation's count).
    pub replicas: u32,
    /// Config keys; their values reach the docker client through its environment,
    /// never on its command line.
    pub env_keys: Vec<String>,
    /// `KEY=VALUE` pairs that are no secret (`DYNO`, `PORT`).
    pub fixed_env: Vec<String>,
    /// Labels of the service and of its containers.
    pub labels: Vec<(String, String)>,
    /// Container ports published in host mode on a dynamic port per task.
    pub publish: Vec<u16>,
    /// `(flag, value)` resource options (`--limit-memory`, `--reserve-cpu`, ...).
    pub resources: Vec<(String, String)>,
    /// `--restart-condition` and `--restart-max-attempts`.
    pub restart: (String, Option<u32>),
    /// The healthcheck, if the app declares one for this type.
    pub health: Option<Health>,
    /// `--mount` values.
    pub mounts: Vec<String>,
    /// Placement constraints.
    pub constraints: Vec<String>,
    /// Tasks updated at once.
    pub parallelism: u32,
    /// Seconds between update batches.
    pub delay: u64,
    /// Seconds a new task is watched for failure before the update moves on.
    pub monitor: u64,
    /// Seconds between the stop signal and the kill.
    pub stop_grace: u32,
    /// Run an init process as PID 1.
    pub init: bool,
    /// The command (Procfile / start command); empty keeps the image's.
    pub args: Vec<String>,
}

impl ServiceSpec {
    fn common(&self, out: &mut Vec<String>, update: bool) {
        let (label_flag, container_label_flag, env_flag) = if update {
            ("--label-add", "--container-label-add", "--env-add")
        } else {
            ("--label", "--container-label", "--env")
        };
        for (k, v) in &self.labels {
            out.push(format!("{label_flag}={k}={v}"));
            out.push(format!("{container_label_flag}={k}={v}"));
        }
        for key in &self.env_keys {
            out.push(format!("{env_flag}={key}"));
        }
        for kv in &self.fixed_env {
            out.push(format!("{env_flag}={kv}"));
        }
        out.push(format!("--replicas={}", self.replicas));
        for (flag, value) in &self.resources {
            out.push(format!("{flag}={value}"));
        }
        out.push(format!("--restart-condition={}", self.restart.0));
        if let Some(n) = self.restart.1 {
            out.push(format!("--restart-max-attempts={n}"));
        }
        if let Some(h) = &self.health {
            out.push(format!("--health-cmd={}", h.cmd));
            out.push(format!("--health-interval={}s", h.interval));
            out.push(format!("--health-timeout={}s", h.timeout));
            out.push(format!("--health-retries={}", h.retries));
            out.push(format!("--health-start-period={}s", h.start_period));
        }
        // New tasks first, one batch at a time, and back to the previous spec when a
        // new task fails (or never becomes healthy) within the monitor period.
        out.push("--update-order=start-first".into());
        out.push("--update-failure-action=rollback".into());
        out.push(format!("--update-parallelism={}", self.parallelism));
        out.push(format!("--update-delay={}s", self.delay));
        out.push(format!("--update-monitor={}s", self.monitor));
        out.push("--rollback-order=start-first".into());
        out.push(format!("--rollback-parallelism={}", self.parallelism));
        out.push(format!("--stop-grace-period={}s", self.stop_grace));
        // The image was built (or pulled) here; asking a registry for its digest would
        // fail for a local-only image, and a pushed release's tag is never reused.
        out.push("--no-resolve-image".into());
        out.push("--with-registry-auth".into());
    }

    /// `docker service create` arguments (after `service create`).
    pub fn create_args(&self) -> Vec<String> {
        let mut out = vec!["--detach".to_string(), format!("--name={}", self.name)];
        self.common(&mut out, false);
        for target in &self.publish {
            out.push(format!("--publish=mode=host,target={target}"));
        }
        for m in &self.mounts {
            out.push(format!("--mount={m}"));
        }
        for c in &self.constraints {
            out.push(format!("--constraint={c}"));
        }
        if self.init {
            out.push("--init".into());
        }
        out.push(self.image.clone());
        out.extend(self.args.iter().cloned());
        out
    }

    /// `docker service update` arguments (after `service update`) that bring
    /// `current` to this spec and replace every task (`--force`), as a deploy
    /// replaces every container.
    pub fn update_args(&self, current: &Service) -> Vec<String> {
        let mut out = vec!["--detach".to_string(), "--force".to_string()];
        out.push(format!("--image={}", self.image));
        let fixed_keys: Vec<&str> = self
            .fixed_env
            .iter()
            .map(|kv| kv.split_once('=').map_or(kv.as_str(), |(k, _)| k))
            .collect();
        for key in &current.env_keys {
            if !self.env_keys.contains(key) && !fixed_keys.contains(&key.as_str()) {
                out.push(format!("--env-rm={key}"));
            }
        }
        self.common(&mut out, true);
        if self.health.is_none() && current.has_healthcheck {
            out.push("--no-healthcheck".into());
        }
        for target in &current.published_targets {
            if !self.publish.contains(target) {
                out.push(format!("--publish-rm={target}"));
            }
        }
        for target in &self.publish {
            if !current.published_targets.contains(target) {
                out.push(format!("--publish-add=mode=host,target={target}"));
            }
        }
        for c in &current.constraints {
            if !self.constraints.contains(c) {
                out.push(format!("--constraint-rm={c}"));
            }
        }
        for c in &self.constraints {
            if !current.constraints.contains(c) {
                out.push(format!("--constraint-add={c}"));
            }
        }
        // Mounts are replaced whole: remove every target we add, then add.
        for m in &self.mounts {
            if let Some(target) = mount_target(m) {
                out.push(format!("--mount-rm={target}"));
            }
            out.push(format!("--mount-add={m}"));
        }
        out.push(format!("--init={}", self.init));
        let words: Vec<String> = self.args.iter().map(|w| crate::shell::quote(w)).collect();
        out.push(format!("--args={}", words.join(" ")));
        out.push(self.name.clone());
        out
    }
}

fn mount_target(spec: &str) -> Option<&str> {
    spec.split(',')
        .find_map(|part| part.strip_prefix("target=").or(part.strip_prefix("dst=")))
}

/// `--mount` of a `-v host:container[:opts]` bind, as storage hands them to
/// docker-local; `None` for a named volume (no `/` in front).
pub fn bind_mount(volume: &str) -> Option<String> {
    let mut parts = volume.splitn(3, ':');
    let source = parts.next()?;
    let target = parts.next()?;
    if !source.starts_with('/') || !target.starts_with('/') {
        return None;
    }
    let mut out = format!("type=bind,source={source},target={target}");
    if parts
        .next()
        .is_some_and(|opts| opts.split(',').any(|o| o == "ro"))
    {
        out.push_str(",readonly");
    }
    Some(out)
}

/// `--restart-condition` and `--restart-max-attempts` of a docker restart policy
/// (`ps:set restart-policy`): `no` → `none`, `always` / `unless-stopped` → `any`,
/// `on-failure[:N]` → `on-failure` (N attempts).
pub fn restart_of(policy: &str) -> (String, Option<u32>) {
    let (name, count) = policy.split_once(':').unwrap_or((policy, ""));
    match name {
        "no" => ("none".into(), None),
        "always" | "unless-stopped" => ("any".into(), None),
        _ => ("on-failure".into(), count.parse().ok()),
    }
}
