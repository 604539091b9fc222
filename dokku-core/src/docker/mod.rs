//! Every Docker call Dokku makes, through the client named by `$DOCKER_BIN`.
//!
//! [`Docker`] offers typed operations (build an image, create a container, read its
//! address, ...) over a [`Runner`] that executes `docker ARGS...`. The real runner is
//! [`CliRunner`], built on [`crate::process::Cmd`]; unit tests swap in a recording
//! fake so the pipeline's docker calls can be asserted argument by argument without an
//! engine. Many calls may skip the client (`engine`): [`CliRunner`] sends image builds
//! to the engine's BuildKit, since the legacy builder the CLI falls back to without
//! buildx takes seconds per build, and answers the common queries and container/image
//! operations through the Engine API, since each client process costs 15-30 ms.
//! `DOKKU_DOCKER_API=0` keeps every call on the CLI.

pub mod dockerignore;
mod engine;
#[cfg(test)]
pub(crate) mod fake;
pub mod vouched;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use thiserror::Error;

use crate::process::{Cmd, ProcessError};
use crate::settings::EnvMap;

/// What to do with a call's stdout and stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Capture both (the default for queries).
    Capture,
    /// Let both reach the user as they are written (builds, `logs`).
    Stream,
}

/// One `docker` invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Arguments after the program name.
    pub args: Vec<String>,
    /// Extra environment for the client (e.g. config vars that `--env=KEY` reads).
    pub env: Vec<(String, String)>,
    /// Working directory (a build context).
    pub cwd: Option<PathBuf>,
    /// Stdout/stderr handling.
    pub output: Output,
    /// Pass our stdin through (interactive `run`, `load`); otherwise stdin is empty.
    pub stdin: bool,
}

impl Call {
    /// A captured call with these arguments.
    pub fn new<I, S>(args: I) -> Call
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Call {
            args: args.into_iter().map(Into::into).collect(),
            env: Vec::new(),
            cwd: None,
            output: Output::Capture,
            stdin: false,
        }
    }

    /// Streams output to the user instead of capturing it.
    pub fn streamed(mut self) -> Call {
        self.output = Output::Stream;
        self
    }

    /// Runs in `dir`.
    pub fn in_dir(mut self, dir: &Path) -> Call {
        self.cwd = Some(dir.to_path_buf());
        self
    }

    /// Adds environment variables for the client process.
    pub fn with_env(mut self, env: Vec<(String, String)>) -> Call {
        self.env = env;
        self
    }

    /// Passes our stdin through.
    pub fn with_stdin(mut self) -> Call {
        self.stdin = true;
        self
    }
}

/// What a call produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallResult {
    /// Exit code (128 + signal when killed).
    pub code: i32,
    /// Captured stdout (empty when streamed).
    pub stdout: String,
    /// Captured stderr (empty when streamed).
    pub stderr: String,
}

/// Executes docker calls.
pub trait Runner: Send + Sync {
    /// Runs one call; a non-zero exit is a result, not an error.
    fn run(&self, call: &Call) -> Result<CallResult, ProcessError>;

    /// Starts a call whose stdout the caller reads as it comes (`logs --follow`);
    /// stderr is merged into it. Runners that cannot stream refuse.
    fn spawn(&self, call: &Call) -> Result<std::process::Child, ProcessError> {
        Err(ProcessError::Spawn {
            command: call.args.join(" "),
            source: std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "this docker runner cannot stream",
            ),
        })
    }

    /// Runs an `image build` call its own way, or `None` to have [`Runner::run`]
    /// run it as any other call (the default).
    fn build(&self, call: &Call) -> Option<CallResult> {
        let _ = call;
        None
    }
}

/// The real runner: `$DOCKER_BIN ARGS...` with the dispatcher's environment.
#[derive(Debug, Clone)]
pub struct CliRunner {
    bin: String,
    env: EnvMap,
}

impl CliRunner {
    /// A runner for the client `bin` (usually `docker`), run with `env`.
    pub fn new(bin: impl Into<String>, env: EnvMap) -> CliRunner {
        CliRunner {
            bin: bin.into(),
            env,
        }
    }
}

impl CliRunner {
    /// `call` answered through the Engine API as the CLI would answer it, or `None`
    /// when [`Runner::run`] would run the CLI: a call that is streamed or reads our
    /// stdin, an argument list that is not one of the forms the typed methods of
    /// [`Docker`] emit (listings, inspects, start/stop/rename/update/rm of
    /// containers, image tag/rm/prune, the log driver), a client other than `docker`,
    /// an engine that is not the local socket or cannot be reached, a docker context,
    /// or `DOKKU_DOCKER_API=0`. Public so checks can compare it with the CLI.
    pub fn through_engine(&self, call: &Call) -> Option<CallResult> {
        engine::calls::try_call(&self.bin, &self.env, call)
    }
}

impl Runner for CliRunner {
    /// Through the engine's BuildKit when the client is the default `docker`,
    /// `DOCKER_BUILDKIT` and `DOKKU_DOCKER_API` are not `0`/`false`, no docker
    /// context is selected, the engine is a local socket with
    /// BuildKit and every flag has an engine form; otherwise `None` (the CLI).
    fn build(&self, call: &Call) -> Option<CallResult> {
        engine::try_build(&self.bin, &self.env, call)
    }

    fn spawn(&self, call: &Call) -> Result<std::process::Child, ProcessError> {
        // `sh -c 'exec "$@" 2>&1'` merges stderr into the one pipe the caller reads.
        let mut cmd = Cmd::new("sh")
            .args(["-c", "exec \"$@\" 2>&1", "docker", &self.bin])
            .args(&call.args)
            .env_clear()
            .envs(self.env.iter())
            .envs(call.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &call.cwd {
            cmd = cmd.current_dir(dir);
        }
        cmd.spawn(Stdio::null(), Stdio::piped(), Stdio::inherit())
    }

    /// Through the Engine API when [`CliRunner::through_engine`] answers, else the CLI.
    fn run(&self, call: &Call) -> Result<CallResult, ProcessError> {
        if let Some(result) = self.through_engine(call) {
            return Ok(result);
        }
        let mut cmd = Cmd::new(&self.bin)
            .args(&call.args)
            .env_clear()
            .envs(self.env.iter())
            .envs(call.env.iter().map(|(k, v)| (k, v)));
        if let Some(dir) = &call.cwd {
            cmd = cmd.current_dir(dir);
        }
        let stdin = || {
            if call.stdin {
                Stdio::inherit()
            } else {
                Stdio::null()
            }
        };
        match call.output {
            Output::Stream => {
                let mut child = cmd.spawn(stdin(), Stdio::inherit(), Stdio::inherit())?;
                let status = child.wait().map_err(|source| ProcessError::Spawn {
                    command: cmd.to_string(),
                    source,
                })?;
                Ok(CallResult {
                    code: crate::trigger::exit_code(status),
                    ..CallResult::default()
                })
            }
            Output::Capture => {
                let child = cmd.spawn(stdin(), Stdio::piped(), Stdio::piped())?;
                let out = child
                    .wait_with_output()
                    .map_err(|source| ProcessError::Spawn {
                        command: cmd.to_string(),
                        source,
                    })?;
                Ok(CallResult {
                    code: crate::trigger::exit_code(out.status),
                    stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                })
            }
        }
    }
}

/// A docker call that failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DockerError {
    /// The client could not be started.
    #[error(transparent)]
    Process(#[from] ProcessError),
    /// The client ran and exited non-zero.
    #[error("`docker {command}` exited with status {code}{}", fenced(stderr))]
    Failed {
        /// The arguments, space-joined.
        command: String,
        /// Exit code.
        code: i32,
        /// What it wrote to stderr (empty when streamed).
        stderr: String,
    },
}

fn fenced(stderr: &str) -> String {
    let t = stderr.trim_end();
    if t.is_empty() {
        String::new()
    } else {
        format!("\n--- stderr\n{t}")
    }
}

/// The state of one container, from a single `docker container inspect`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContainerInfo {
    /// The full id.
    pub id: String,
    /// Its name without the leading `/`.
    pub name: String,
    /// `State.Running`.
    pub running: bool,
    /// `State.Status` (`running`, `exited`, `restarting`, ...).
    pub status: String,
    /// `RestartCount`.
    pub restart_count: u32,
    /// `State.ExitCode`.
    pub exit_code: i32,
    /// `State.StartedAt`.
    pub started_at: String,
    /// Address per network name.
    pub networks: BTreeMap<String, String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// `Config.Hostname` (docker's default is the short id).
    pub hostname: String,
    /// `Config.Image`.
    pub image: String,
    /// `Image`: the id of the image it was created from.
    pub image_id: String,
    /// `Config.Env`: `KEY=value` entries, as the container was created with.
    pub env: Vec<String>,
    /// `HostConfig.RestartPolicy` as `docker run --restart` spells it (`no`,
    /// `always`, `unless-stopped`, `on-failure` or `on-failure:N`).
    pub restart_policy: String,
}

impl ContainerInfo {
    /// The address on `network`, else on `bridge`, else the first one.
    pub fn ip(&self, network: Option<&str>) -> Option<&str> {
        network
            .and_then(|n| self.networks.get(n))
            .or_else(|| self.networks.get("bridge"))
            .or_else(|| self.networks.values().find(|ip| !ip.is_empty()))
            .map(String::as_str)
            .filter(|ip| !ip.is_empty())
    }
}

/// Typed Docker operations over a [`Runner`].
pub struct Docker {
    runner: Box<dyn Runner>,
}

impl std::fmt::Debug for Docker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Docker")
    }
}

impl Docker {
    /// Operations over `runner`.
    pub fn new(runner: Box<dyn Runner>) -> Docker {
        Docker { runner }
    }

    /// Operations through the client `bin` with environment `env`.
    pub fn cli(bin: &str, env: EnvMap) -> Docker {
        Docker::new(Box::new(CliRunner::new(bin, env)))
    }

    /// Runs `call` and returns its result whatever the exit code.
    pub fn run(&self, call: &Call) -> Result<CallResult, DockerError> {
        Ok(self.runner.run(call)?)
    }

    /// Starts `call` with its merged output piped to the caller.
    pub fn spawn(&self, call: &Call) -> Result<std::process::Child, DockerError> {
        Ok(self.runner.spawn(call)?)
    }

    /// Runs `call` and fails on a non-zero exit.
    pub fn check(&self, call: &Call) -> Result<CallResult, DockerError> {
        checked(call, self.run(call)?)
    }

    fn capture<I, S>(&self, args: I) -> Result<String, DockerError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Ok(self.check(&Call::new(args))?.stdout)
    }

    /// `docker image build ARGS` in `context`, streaming the build output when
    /// `stream`, through the runner's own build when it has one.
    pub fn image_build(
        &self,
        context: &Path,
        args: Vec<String>,
        env: Vec<(String, String)>,
        stream: bool,
    ) -> Result<CallResult, DockerError> {
        let mut all = vec!["image".to_string(), "build".to_string()];
        all.extend(args);
        let mut call = Call::new(all).in_dir(context).with_env(env);
        if stream {
            call = call.streamed();
        }
        match self.runner.build(&call) {
            Some(result) => checked(&call, result),
            None => self.check(&call),
        }
    }

    /// The image's id, or `None` when it does not exist.
    pub fn image_id(&self, image: &str) -> Option<String> {
        let result = self
            .run(&Call::new([
                "image", "inspect", "--format", "{{.Id}}", image,
            ]))
            .ok()?;
        (result.code == 0)
            .then(|| result.stdout.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    /// The image's labels, or `None` when it does not exist.
    pub fn image_labels(&self, image: &str) -> Option<BTreeMap<String, String>> {
        let result = self
            .run(&Call::new([
                "image",
                "inspect",
                "--format",
                "{{json .Config.Labels}}",
                image,
            ]))
            .ok()?;
        if result.code != 0 {
            return None;
        }
        Some(
            serde_json::from_str::<Option<BTreeMap<String, String>>>(result.stdout.trim())
                .ok()
                .flatten()
                .unwrap_or_default(),
        )
    }

    /// The image's exposed ports (`5000/tcp`, ...), sorted.
    pub fn image_exposed_ports(&self, image: &str) -> Vec<String> {
        let Ok(out) = self.capture([
            "image",
            "inspect",
            "--format",
            "{{json .Config.ExposedPorts}}",
            image,
        ]) else {
            return Vec::new();
        };
        serde_json::from_str::<Option<BTreeMap<String, serde_json::Value>>>(out.trim())
            .ok()
            .flatten()
            .map(|m| m.into_keys().collect())
            .unwrap_or_default()
    }

    /// `docker image tag SRC DST`.
    pub fn image_tag(&self, src: &str, dst: &str) -> Result<(), DockerError> {
        self.capture(["image", "tag", src, dst]).map(|_| ())
    }

    /// `docker image rm IDS...`, ignoring failures (images in use stay).
    pub fn image_rm(&self, ids: &[String]) {
        if ids.is_empty() {
            return;
        }
        let mut args = vec!["image".to_string(), "rm".to_string()];
        args.extend(ids.iter().cloned());
        let _ = self.run(&Call::new(args));
    }

    /// Image ids matching `filters` (`label=...`, `dangling=true`).
    pub fn image_ls(&self, filters: &[String]) -> Vec<String> {
        let mut args = vec![
            "image".to_string(),
            "ls".to_string(),
            "--quiet".to_string(),
            "--all".to_string(),
        ];
        for f in filters {
            args.push("--filter".into());
            args.push(f.clone());
        }
        lines(self.capture(args).unwrap_or_default())
    }

    /// `docker image prune --all --force --filter F...`, ignoring failures.
    pub fn image_prune(&self, filters: &[String]) {
        let mut args = vec![
            "image".to_string(),
            "prune".to_string(),
            "--all".to_string(),
            "--force".to_string(),
        ];
        for f in filters {
            args.push("--filter".into());
            args.push(f.clone());
        }
        let _ = self.run(&Call::new(args));
    }

    /// `docker container create ARGS` with `env` in the client's environment; returns
    /// the new container's id.
    pub fn container_create(
        &self,
        args: Vec<String>,
        env: Vec<(String, String)>,
    ) -> Result<String, DockerError> {
        let mut all = vec!["container".to_string(), "create".to_string()];
        all.extend(args);
        let out = self.check(&Call::new(all).with_env(env))?;
        Ok(out
            .stdout
            .trim()
            .lines()
            .last()
            .unwrap_or_default()
            .to_string())
    }

    /// `docker container start ID`.
    pub fn container_start(&self, id: &str) -> Result<(), DockerError> {
        self.capture(["container", "start", id]).map(|_| ())
    }

    /// One `docker container inspect` of `id`; `None` when it does not exist.
    pub fn container_inspect(&self, id: &str) -> Option<ContainerInfo> {
        let out = self.run(&Call::new(["container", "inspect", id])).ok()?;
        if out.code != 0 {
            return None;
        }
        parse_inspect(&out.stdout)
    }

    /// One `docker container inspect` of every id in `ids`; the ones that do not
    /// exist are left out (docker reports them on stderr and exits 1, yet still
    /// describes the others).
    pub fn containers_inspect(&self, ids: &[String]) -> Vec<ContainerInfo> {
        if ids.is_empty() {
            return Vec::new();
        }
        let mut args = vec!["container".to_string(), "inspect".to_string()];
        args.extend(ids.iter().cloned());
        match self.run(&Call::new(args)) {
            Ok(out) => parse_inspect_all(&out.stdout),
            Err(_) => Vec::new(),
        }
    }

    /// `docker container rename ID NAME`.
    pub fn container_rename(&self, id: &str, name: &str) -> Result<(), DockerError> {
        self.capture(["container", "rename", id, name])?;
        vouched::renamed(id, name);
        Ok(())
    }

    /// `docker container update --restart=POLICY ID`.
    pub fn container_set_restart(&self, id: &str, policy: &str) -> Result<(), DockerError> {
        self.capture(["container", "update", &format!("--restart={policy}"), id])
            .map(|_| ())
    }

    /// `docker container update --restart=no ID`, ignoring failures.
    pub fn container_no_restart(&self, id: &str) {
        let _ = self.run(&Call::new(["container", "update", "--restart=no", id]));
    }

    /// `docker container stop [-t=N] ID`.
    pub fn container_stop(&self, id: &str, timeout: Option<u32>) -> Result<(), DockerError> {
        let mut args = vec!["container".to_string(), "stop".to_string()];
        if let Some(t) = timeout {
            args.push(format!("-t={t}"));
        }
        args.push(id.to_string());
        vouched::forget(id);
        self.check(&Call::new(args)).map(|_| ())
    }

    /// `docker container kill [--signal=S] ID`.
    pub fn container_kill(&self, id: &str, signal: Option<&str>) -> Result<(), DockerError> {
        let mut args = vec!["container".to_string(), "kill".to_string()];
        if let Some(s) = signal {
            args.push(format!("--signal={s}"));
        }
        args.push(id.to_string());
        vouched::forget(id);
        self.check(&Call::new(args)).map(|_| ())
    }

    /// `docker container rm --force IDS...`, ignoring failures.
    pub fn container_rm_force(&self, ids: &[String]) {
        if ids.is_empty() {
            return;
        }
        let mut args = vec![
            "container".to_string(),
            "rm".to_string(),
            "--force".to_string(),
        ];
        args.extend(ids.iter().cloned());
        vouched::forget_all(ids);
        let _ = self.run(&Call::new(args));
    }

    /// `docker container rm IDS...`, ignoring failures.
    pub fn container_rm(&self, ids: &[String]) {
        if ids.is_empty() {
            return;
        }
        let mut args = vec!["container".to_string(), "rm".to_string()];
        args.extend(ids.iter().cloned());
        vouched::forget_all(ids);
        let _ = self.run(&Call::new(args));
    }

    /// Container ids matching `filters`; `all` includes stopped ones.
    pub fn container_ls(&self, filters: &[String], all: bool) -> Vec<String> {
        let mut args = vec![
            "container".to_string(),
            "ls".to_string(),
            "--quiet".to_string(),
            "--no-trunc".to_string(),
        ];
        if all {
            args.push("--all".into());
        }
        for f in filters {
            args.push("--filter".into());
            args.push(f.clone());
        }
        lines(self.capture(args).unwrap_or_default())
    }

    /// The names of every network (`docker network ls`).
    pub fn network_names(&self) -> Result<Vec<String>, DockerError> {
        Ok(lines(self.capture([
            "network",
            "ls",
            "--format",
            "{{ .Name }}",
        ])?))
    }

    /// `docker network create --attachable --label L... NAME`.
    pub fn network_create(&self, name: &str, labels: &[String]) -> Result<(), DockerError> {
        let mut args = vec![
            "network".to_string(),
            "create".to_string(),
            "--attachable".to_string(),
        ];
        for label in labels {
            args.push("--label".into());
            args.push(label.clone());
        }
        args.push(name.to_string());
        self.check(&Call::new(args)).map(|_| ())
    }

    /// `docker network rm NAME`.
    pub fn network_rm(&self, name: &str) -> Result<(), DockerError> {
        self.capture(["network", "rm", name]).map(|_| ())
    }

    /// `docker network connect [--alias A]... NETWORK ID`.
    pub fn network_connect(
        &self,
        network: &str,
        id: &str,
        aliases: &[String],
    ) -> Result<(), DockerError> {
        let mut args = vec!["network".to_string(), "connect".to_string()];
        for alias in aliases {
            args.push("--alias".into());
            args.push(alias.clone());
        }
        args.push(network.to_string());
        args.push(id.to_string());
        self.check(&Call::new(args)).map(|_| ())
    }

    /// The last `tail` lines of a container's output (stdout and stderr merged).
    pub fn container_logs(&self, id: &str, tail: Option<u32>) -> String {
        let mut args = vec!["container".to_string(), "logs".to_string()];
        if let Some(n) = tail {
            args.push("--tail".into());
            args.push(n.to_string());
        }
        args.push(id.to_string());
        match self.run(&Call::new(args)) {
            Ok(out) => format!("{}{}", out.stdout, out.stderr),
            Err(_) => String::new(),
        }
    }
}

/// `result` of `call`, a non-zero exit as [`DockerError::Failed`].
fn checked(call: &Call, result: CallResult) -> Result<CallResult, DockerError> {
    if result.code != 0 {
        return Err(DockerError::Failed {
            command: call.args.join(" "),
            code: result.code,
            stderr: result.stderr,
        });
    }
    Ok(result)
}

fn lines(text: String) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads the fields we use from `docker container inspect` JSON output.
fn parse_inspect(json: &str) -> Option<ContainerInfo> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    container_info(value.as_array()?.first()?)
}

fn parse_inspect_all(json: &str) -> Vec<ContainerInfo> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str(json) else {
        return Vec::new();
    };
    items.iter().filter_map(container_info).collect()
}

fn container_info(c: &serde_json::Value) -> Option<ContainerInfo> {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let state = &c["State"];
    let networks = c["NetworkSettings"]["Networks"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), s(&v["IPAddress"])))
                .collect()
        })
        .unwrap_or_default();
    let labels = c["Config"]["Labels"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), s(v))).collect())
        .unwrap_or_default();
    Some(ContainerInfo {
        id: s(&c["Id"]),
        name: s(&c["Name"]).trim_start_matches('/').to_string(),
        running: state["Running"].as_bool().unwrap_or(false),
        status: s(&state["Status"]),
        restart_count: c["RestartCount"].as_u64().unwrap_or(0) as u32,
        exit_code: state["ExitCode"].as_i64().unwrap_or(0) as i32,
        started_at: s(&state["StartedAt"]),
        networks,
        labels,
        hostname: s(&c["Config"]["Hostname"]),
        image: s(&c["Config"]["Image"]),
        image_id: s(&c["Image"]),
        env: c["Config"]["Env"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        restart_policy: restart_policy(&c["HostConfig"]["RestartPolicy"]),
    })
}

/// `{"Name":"on-failure","MaximumRetryCount":10}` → `on-failure:10`; an empty name
/// is docker's `no`.
fn restart_policy(policy: &serde_json::Value) -> String {
    let name = policy["Name"].as_str().unwrap_or_default();
    let retries = policy["MaximumRetryCount"].as_u64().unwrap_or(0);
    match name {
        "" => "no".to_string(),
        "on-failure" if retries > 0 => format!("on-failure:{retries}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whoever stops, kills, removes or renames a container through these methods
    /// keeps the vouched record true without a word about it.
    #[test]
    fn container_changes_keep_the_vouched_record_current() {
        let fake = fake::FakeDocker::new();
        let docker = fake.docker();
        vouched::vouch("dm-vouch-a", "10.9.0.2", "dm.web.1");
        vouched::vouch("dm-vouch-b", "10.9.0.3", "dm.web.2");
        vouched::vouch("dm-vouch-c", "10.9.0.4", "dm.web.3");
        vouched::vouch("dm-vouch-d", "10.9.0.5", "dm.web.4");
        vouched::vouch("dm-vouch-e", "10.9.0.6", "dm.web.5");
        let _ = docker.container_stop("dm-vouch-a", Some(0));
        let _ = docker.container_kill("dm.web.2", None);
        docker.container_rm_force(&["dm-vouch-c".to_string()]);
        docker.container_rm(&["dm-vouch-d".to_string()]);
        docker
            .container_rename("dm-vouch-e", "dm.web.5.aside")
            .expect("rename");
        for gone in ["dm-vouch-a", "dm-vouch-b", "dm-vouch-c", "dm-vouch-d"] {
            assert_eq!(vouched::get(gone), None, "{gone}");
        }
        assert_eq!(
            vouched::get("dm-vouch-e").map(|v| v.name).as_deref(),
            Some("dm.web.5.aside")
        );
    }

    #[test]
    fn inspect_output_is_read() {
        let json = r#"[{"Id":"abc","Name":"/web.web.1","RestartCount":2,
            "State":{"Running":true,"Status":"running","ExitCode":0,"StartedAt":"t"},
            "Config":{"Labels":{"dokku":""},"Env":["PORT=5000","DYNO=web.1"]},
            "HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":10}},
            "NetworkSettings":{"Networks":{"bridge":{"IPAddress":"172.17.0.5"}}}}]"#;
        let info = parse_inspect(json).expect("parsed");
        assert_eq!(info.name, "web.web.1");
        assert!(info.running);
        assert_eq!(info.restart_count, 2);
        assert_eq!(info.ip(None), Some("172.17.0.5"));
        assert!(info.labels.contains_key("dokku"));
        assert_eq!(info.env, vec!["PORT=5000", "DYNO=web.1"]);
        assert_eq!(info.restart_policy, "on-failure:10");
        let bare = parse_inspect(r#"[{"Id":"x","HostConfig":{"RestartPolicy":{"Name":""}}}]"#)
            .expect("parsed");
        assert_eq!(bare.restart_policy, "no");
        assert!(bare.env.is_empty());
    }

    /// A runner whose own build answers `code` (as `CliRunner`'s engine path does),
    /// and whose `run` must not be reached by a build.
    struct OwnBuild {
        code: i32,
    }

    impl Runner for OwnBuild {
        fn run(&self, call: &Call) -> Result<CallResult, ProcessError> {
            panic!("the CLI was run: {:?}", call.args);
        }

        fn build(&self, call: &Call) -> Option<CallResult> {
            assert_eq!(call.args[..2], ["image", "build"]);
            assert_eq!(call.output, Output::Stream);
            Some(CallResult {
                code: self.code,
                stdout: "#1 DONE 0.1s\n".into(),
                stderr: "ERROR: exit code: 3\n".into(),
            })
        }
    }

    #[test]
    fn a_runners_own_build_answers_image_build() {
        let ok = Docker::new(Box::new(OwnBuild { code: 0 }));
        let built = ok
            .image_build(Path::new("/src"), vec![".".into()], Vec::new(), true)
            .expect("built");
        assert_eq!(built.stdout, "#1 DONE 0.1s\n");
        let failing = Docker::new(Box::new(OwnBuild { code: 1 }));
        let err = failing
            .image_build(Path::new("/src"), vec![".".into()], Vec::new(), true)
            .expect_err("fails");
        assert!(
            matches!(&err, DockerError::Failed { code: 1, stderr, .. } if stderr.contains("exit code: 3")),
            "{err}"
        );
        // Runners without a build of their own run the CLI (the fake records it).
        let fake = fake::FakeDocker::new();
        fake.docker()
            .image_build(Path::new("/src"), vec![".".into()], Vec::new(), false)
            .expect("built");
        assert_eq!(fake.calls(), ["image build ."]);
    }

    #[test]
    fn failures_carry_the_command_and_stderr() {
        let fake = fake::FakeDocker::new();
        fake.respond(
            &["container", "start"],
            CallResult {
                code: 1,
                stderr: "no such container".into(),
                ..Default::default()
            },
        );
        let docker = fake.docker();
        let err = docker.container_start("x").expect_err("fails");
        let text = err.to_string();
        assert!(text.contains("docker container start x"), "{text}");
        assert!(text.contains("no such container"), "{text}");
    }
}
