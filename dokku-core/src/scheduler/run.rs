//! `dokku run` / `run:detached` for docker-local: a one-off container from the app's
//! release image, with the app's config, run-phase mounts and Dokku's labels.

use crate::deploy::{self, DeployError, Host};
use crate::docker::Call;
use crate::log::Level;
use crate::ps;

/// Default lifetime of a run container (`--ttl-seconds`).
pub const DEFAULT_TTL: u64 = 86_400;

/// One `run` request.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// App name.
    pub app: String,
    /// The command (empty: the scheduler's `shell`, default `/bin/bash`).
    pub command: Vec<String>,
    /// `--env K=V` pairs.
    pub env: Vec<String>,
    /// Attach a terminal (`--interactive --tty`).
    pub tty: bool,
    /// `run:detached`: start it and print its name.
    pub detach: bool,
    /// Remove the container when it exits (`--rm`).
    pub remove: bool,
    /// `com.dokku.active-deadline-seconds`.
    pub ttl: u64,
    /// `cron:run`: the task's id (empty for a plain run); the container is then a
    /// `cron` container labelled with it.
    pub cron_id: String,
    /// `cron:run`: the task's concurrency policy (`allow`, `forbid`, `replace`).
    pub concurrency_policy: String,
}

impl RunRequest {
    /// `SCHEDULER APP N ENV... -- CMD...`: the arguments of `scheduler-run`, as Dokku's
    /// `run` fires it (the mode travels in the environment, see [`RunRequest::from_trigger`]).
    pub fn trigger_args(&self, scheduler: &str) -> Vec<String> {
        let mut args = vec![
            scheduler.to_string(),
            self.app.clone(),
            self.env.len().to_string(),
        ];
        args.extend(self.env.iter().cloned());
        args.push("--".into());
        args.extend(self.command.iter().cloned());
        args
    }

    /// The request `scheduler-run SCHEDULER APP N ENV... [--] CMD...` makes, given the
    /// caller's environment: `DOKKU_RM_CONTAINER`, `DOKKU_DETACH_CONTAINER` (`1`),
    /// `DOKKU_RUN_TTL_SECONDS`; `tty` is the caller's terminal decision.
    pub fn from_trigger(args: &[String], env: &crate::settings::EnvMap, tty: bool) -> RunRequest {
        let get = |k: &str| env.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let count: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(0);
        let rest = args.get(3..).unwrap_or_default();
        let count = count.min(rest.len());
        let mut command = &rest[count..];
        if command.first().map(String::as_str) == Some("--") {
            command = &command[1..];
        }
        RunRequest {
            app: args.get(1).cloned().unwrap_or_default(),
            command: command.to_vec(),
            env: rest[..count].to_vec(),
            tty,
            detach: get(crate::env::DOKKU_DETACH_CONTAINER) == Some("1"),
            remove: get(crate::env::DOKKU_RM_CONTAINER).is_some(),
            ttl: get(crate::env::DOKKU_RUN_TTL_SECONDS)
                .and_then(|t| t.parse().ok())
                .unwrap_or(0),
            cron_id: get(crate::env::DOKKU_CRON_ID)
                .unwrap_or_default()
                .to_string(),
            concurrency_policy: get(crate::env::DOKKU_CONCURRENCY_POLICY)
                .unwrap_or("allow")
                .to_string(),
        }
    }
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// The attached container exited with this code.
    Exited(i32),
    /// A detached container was started with this name.
    Detached(String),
}

/// What a cron task's concurrency policy makes of its containers still running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Concurrency {
    /// Start the new one (`allow`, or nothing running).
    Start,
    /// `forbid` with one running: the new run exits with an error.
    Refuse,
    /// `replace`: stop (and retire) these, then start the new one.
    Replace(Vec<String>),
}

/// Applies `policy` (`allow`, `forbid`, `replace`; anything else is `allow`, as the
/// app.json check already refused other values) to the task's `running` containers.
pub fn concurrency(policy: &str, running: &[String]) -> Concurrency {
    if running.is_empty() {
        return Concurrency::Start;
    }
    match policy {
        "forbid" => Concurrency::Refuse,
        "replace" => Concurrency::Replace(running.to_vec()),
        _ => Concurrency::Start,
    }
}

/// Enforces the cron task's concurrency policy before its container is created.
fn enforce_concurrency(host: &dyn Host, req: &RunRequest) -> Result<(), DeployError> {
    if req.concurrency_policy != "forbid" && req.concurrency_policy != "replace" {
        return Ok(());
    }
    let docker = host.docker();
    let running = docker.container_ls(
        &[
            format!("label=com.dokku.cron-id={}", req.cron_id),
            deploy::app_label_filter(&req.app),
            "status=running".to_string(),
        ],
        false,
    );
    match concurrency(&req.concurrency_policy, &running) {
        Concurrency::Start => Ok(()),
        Concurrency::Refuse => {
            let message = format!(
                "{} currently has a cron lock in place for {}. Exiting...",
                req.app, req.cron_id
            );
            host.log(Level::Warn, &message);
            Err(DeployError::Exit { code: 1 })
        }
        Concurrency::Replace(ids) => {
            host.log(
                Level::Warn,
                &format!("Replacing running container for {}", req.cron_id),
            );
            for id in &ids {
                docker.container_no_restart(id);
                if docker.container_stop(id, None).is_err() {
                    let _ = docker.container_kill(id, None);
                }
                host.fire_checked("scheduler-register-retired", &[&req.app, id])?;
            }
            Ok(())
        }
    }
}

/// A kept cron task container (ours: not `--rm`, so its output stays for `logs`)
/// replaces the task's previous finished ones: only the latest run is kept.
fn remove_finished_runs(host: &dyn Host, req: &RunRequest) {
    let docker = host.docker();
    let mut ids = Vec::new();
    // docker ands label filters but ors repeated status ones; one pass per status
    // keeps that explicit.
    for status in ["status=exited", "status=dead"] {
        ids.extend(docker.container_ls(
            &[
                format!("label=com.dokku.cron-id={}", req.cron_id),
                deploy::app_label_filter(&req.app),
                "label=com.dokku.container-type=cron".to_string(),
                status.to_string(),
            ],
            true,
        ));
    }
    docker.container_rm(&ids);
}

fn random() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    (nanos ^ std::process::id()) % 32768
}

/// Runs the request (`scheduler-run docker-local ...`).
pub fn run(host: &dyn Host, req: &RunRequest) -> Result<RunOutcome, DeployError> {
    let app = req.app.as_str();
    let layout = host.layout();
    let props = host.properties();
    let docker = host.docker();
    let tag = "latest";
    let image = crate::image::app_image_name(app, Some(tag), None);
    let labels = docker
        .image_labels(&image)
        .ok_or_else(|| DeployError::fail(format!("App {app} has not been deployed")))?;
    let stage = labels
        .get("com.dokku.image-stage")
        .cloned()
        .unwrap_or_default();
    if stage != "release" {
        host.log(
            Level::Warn,
            &format!("Invalid image stage detected: expected 'release', got '{stage}'"),
        );
        return Err(DeployError::fail(
            "Successfully deploy your app to fix dokku run calls",
        ));
    }
    let env = deploy::app_env(layout, app)?;
    let mut command = req.command.clone();
    let mut proc_label = None;
    if let Some(first) = command.first().cloned() {
        if let Ok(Some(procfile)) = ps::current_procfile(layout, app, None) {
            if let Some(t) = procfile.iter().find(|t| t.name == first) {
                host.log(
                    Level::Info1Quiet,
                    &format!("Found '{first}' in Procfile, running that command"),
                );
                let mut words =
                    crate::shell::split_words(&ps::expand_command(&t.command, "5000", &env));
                words.extend(command.drain(1..));
                command = words;
                proc_label = Some(first);
            }
        }
    }
    if command.is_empty() {
        let shell = deploy::prop_app_or_global(&props, super::PLUGIN, app, "shell")
            .unwrap_or_else(|| "/bin/bash".into());
        command = vec![shell];
    }
    let source_type = deploy::image_source_type(&labels);
    let kind = if req.cron_id.is_empty() {
        "run"
    } else {
        "cron"
    };
    if kind == "cron" {
        enforce_concurrency(host, req)?;
        if !req.remove {
            remove_finished_runs(host, req);
        }
    }
    let name = format!("{app}.{kind}.{}", random());
    let mut args: Vec<String> = env.keys().map(|k| format!("--env={k}")).collect();
    args.extend(crate::shell::split_words(
        &host.fire_capture("docker-args-run", &[app, tag])?,
    ));
    args.extend(crate::storage::docker_args(
        layout,
        &props,
        app,
        "run",
        proc_label.as_deref(),
    ));
    args.extend(crate::shell::split_words(&host.fire_capture(
        "docker-args-process-run",
        &[app, &source_type, tag],
    )?));
    let dyno = name.trim_start_matches(&format!("{app}.")).to_string();
    args.extend([
        "-e".to_string(),
        format!("DYNO={dyno}"),
        "--name".to_string(),
        name.clone(),
    ]);
    if req.remove {
        args.push("--rm".into());
    }
    if req.tty {
        args.extend(["--interactive".to_string(), "--tty".to_string()]);
    } else if !req.detach {
        args.push("--interactive".into());
    }
    args.extend(req.env.iter().map(|e| format!("--env={e}")));
    let ttl = if req.ttl == 0 { DEFAULT_TTL } else { req.ttl };
    args.push(format!("--label=com.dokku.active-deadline-seconds={ttl}"));
    if kind == "cron" {
        let policy = if req.concurrency_policy.is_empty() {
            "allow"
        } else {
            req.concurrency_policy.as_str()
        };
        args.push(format!("--label=com.dokku.cron-id={}", req.cron_id));
        args.push(format!("--label=com.dokku.concurrency-policy={policy}"));
    }
    args.push(format!("--label=com.dokku.container-type={kind}"));
    args.push(format!("--label=com.dokku.app-name={app}"));
    if let Some(t) = &proc_label {
        args.push(format!("--label=com.dokku.process-type={t}"));
    }
    args.push(image);
    args.extend(command);
    let client_env: Vec<(String, String)> = env.into_iter().collect();
    let cid = docker.container_create(args, client_env)?;
    host.fire_checked("post-container-create", &["app", &cid, app, "run"])?;
    let scheduler = deploy::scheduler_of(&props, app);
    if req.detach {
        docker.container_start(&cid)?;
        return Ok(RunOutcome::Detached(name));
    }
    let mut start = vec![
        "container".to_string(),
        "start".to_string(),
        "--attach".to_string(),
    ];
    if !req.detach {
        start.push("--interactive".into());
    }
    start.push(cid.clone());
    let result = docker.run(&Call::new(start).streamed().with_stdin())?;
    let _ = host.fire(
        "scheduler-post-run",
        &[&scheduler, app, &cid, &result.code.to_string()],
    );
    Ok(RunOutcome::Exited(result.code))
}

/// `run:list APP`: the app's one-off containers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunList {
    /// Docker's table (`NAMES`, `COMMAND`, `CREATED`), as docker printed it.
    Table(String),
    /// `[{"name","state","command","created_at"}]`.
    Json(String),
}

/// Lists the app's run containers (`scheduler-run-list docker-local APP FORMAT`);
/// `quiet` (`DOKKU_QUIET_OUTPUT`) leaves the table's header out.
pub fn run_list(
    host: &dyn Host,
    app: &str,
    json: bool,
    quiet: bool,
) -> Result<RunList, DeployError> {
    let mut args = vec![
        "container".to_string(),
        "ls".to_string(),
        "--all".to_string(),
        "--no-trunc".to_string(),
        "--filter".to_string(),
        deploy::app_label_filter(app),
        "--filter".to_string(),
        "label=com.dokku.container-type=run".to_string(),
        "--format".to_string(),
    ];
    if !json {
        let table = if quiet { "" } else { "table " };
        args.push(format!(
            "{table}{{{{.Names}}}}\t{{{{.Command}}}}\t{{{{.RunningFor}}}}"
        ));
        let out = host.docker().check(&Call::new(args))?;
        return Ok(RunList::Table(out.stdout));
    }
    args.push("{{json .}}".into());
    let out = host.docker().check(&Call::new(args))?;
    let mut rows = Vec::new();
    for line in out.stdout.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| DeployError::fail(format!("Unable to read docker output: {e}")))?;
        let field = |k: &str| {
            v.get(k)
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_string()
        };
        rows.push(serde_json::json!({
            "name": field("Names"),
            "state": field("State"),
            "command": field("Command"),
            "created_at": field("CreatedAt"),
        }));
    }
    Ok(RunList::Json(serde_json::Value::Array(rows).to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    #[test]
    fn scheduler_run_arguments_round_trip_with_the_mode_in_the_environment() {
        let req = RunRequest {
            app: "web".into(),
            command: vec!["echo".into(), "--".into(), "hi".into()],
            env: vec!["A=1".into(), "B=two words".into()],
            ..RunRequest::default()
        };
        let args = req.trigger_args("docker-local");
        assert_eq!(
            args,
            [
                "docker-local",
                "web",
                "2",
                "A=1",
                "B=two words",
                "--",
                "echo",
                "--",
                "hi"
            ]
        );
        let env: crate::settings::EnvMap = [
            ("DOKKU_RM_CONTAINER", "1"),
            ("DOKKU_DETACH_CONTAINER", "1"),
            ("DOKKU_RUN_TTL_SECONDS", "60"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let back = RunRequest::from_trigger(&args, &env, true);
        assert_eq!(
            (back.app.as_str(), &back.command, &back.env),
            ("web", &req.command, &req.env)
        );
        assert!(back.detach && back.remove && back.tty);
        assert_eq!(back.ttl, 60);
        let bare = RunRequest::from_trigger(
            &["docker-local".into(), "web".into(), "0".into()],
            &crate::settings::EnvMap::new(),
            false,
        );
        assert!(bare.command.is_empty() && bare.env.is_empty());
        assert!(!bare.detach && !bare.remove && bare.ttl == 0);
    }

    #[test]
    fn concurrency_policies_decide_on_running_tasks() {
        let running = vec!["abc".to_string()];
        assert_eq!(concurrency("forbid", &[]), Concurrency::Start);
        assert_eq!(concurrency("forbid", &running), Concurrency::Refuse);
        assert_eq!(
            concurrency("replace", &running),
            Concurrency::Replace(running.clone())
        );
        assert_eq!(concurrency("allow", &running), Concurrency::Start);
        assert_eq!(concurrency("", &running), Concurrency::Start);
    }

    fn deployed_host() -> FakeHost {
        let host = FakeHost::new();
        std::fs::create_dir_all(host.layout.dokku_root.join("web")).expect("app dir");
        host.fake.respond_ok(
            &["image", "inspect"],
            r#"{"com.dokku.image-stage":"release"}"#,
        );
        host
    }

    fn cron_request(policy: &str) -> RunRequest {
        RunRequest {
            app: "web".into(),
            command: vec!["true".into()],
            detach: true,
            remove: true,
            cron_id: "c1".into(),
            concurrency_policy: policy.into(),
            ..RunRequest::default()
        }
    }

    #[test]
    fn forbid_refuses_while_the_task_runs_and_creates_nothing() {
        let host = deployed_host();
        host.fake.respond_ok(&["container", "ls"], "running1\n");
        let err = run(&host, &cron_request("forbid")).expect_err("refused");
        assert_eq!(err.exit_code(), 1);
        assert!(
            host.log_text()
                .contains("web currently has a cron lock in place for c1. Exiting..."),
            "{}",
            host.log_text()
        );
        let calls = host.fake.calls().join("\n");
        assert!(
            calls.contains("--filter label=com.dokku.cron-id=c1 --filter label=com.dokku.app-name=web --filter status=running"),
            "{calls}"
        );
        assert!(!calls.contains("container create"), "{calls}");
    }

    #[test]
    fn replace_stops_the_running_task_and_labels_the_new_one() {
        let host = deployed_host();
        host.fake.respond_ok(&["container", "ls"], "running1\n");
        let _ = run(&host, &cron_request("replace"));
        let calls = host.fake.calls().join("\n");
        assert!(calls.contains("container stop running1"), "{calls}");
        let create = calls
            .lines()
            .find(|l| l.contains("container create"))
            .expect("created");
        for label in [
            "--label=com.dokku.cron-id=c1",
            "--label=com.dokku.concurrency-policy=replace",
            "--label=com.dokku.container-type=cron",
            "--name web.cron.",
        ] {
            assert!(create.contains(label), "{label} missing: {create}");
        }
        assert!(host
            .fired
            .borrow()
            .iter()
            .any(|f| f.contains("scheduler-register-retired")));
    }

    #[test]
    fn a_kept_cron_run_replaces_the_tasks_finished_runs() {
        let host = deployed_host();
        host.fake.respond_ok(&["container", "ls"], "old1\n");
        let kept = RunRequest {
            detach: false,
            remove: false,
            ..cron_request("allow")
        };
        let _ = run(&host, &kept);
        let calls = host.fake.calls();
        let rm = calls
            .iter()
            .position(|c| c == "container rm old1 old1")
            .expect("finished runs removed");
        let create = calls
            .iter()
            .position(|c| c.contains("container create"))
            .expect("created");
        assert!(rm < create, "{calls:?}");
        assert!(!calls[create].contains("--rm"), "{}", calls[create]);
        assert!(calls.iter().any(|c| c.contains(
            "--all --filter label=com.dokku.cron-id=c1 --filter label=com.dokku.app-name=web --filter label=com.dokku.container-type=cron --filter status=exited"
        )), "{calls:?}");

        let host = deployed_host();
        let _ = run(&host, &cron_request("allow"));
        let calls = host.fake.calls().join("\n");
        assert!(
            !calls.contains("container rm"),
            "a --rm run removes nothing: {calls}"
        );
    }

    #[test]
    fn run_list_filters_by_app_and_type_and_maps_json() {
        let host = FakeHost::new();
        host.fake.respond_ok(
            &["container", "ls"],
            "{\"Names\":\"web.run.1\",\"State\":\"running\",\"Command\":\"\\\"sleep 9\\\"\",\"CreatedAt\":\"2024-01-01 00:00:00 +0000 UTC\",\"Image\":\"x\"}\n",
        );
        let RunList::Json(json) = run_list(&host, "web", true, false).expect("list") else {
            panic!("json expected")
        };
        assert_eq!(
            json,
            r#"[{"command":"\"sleep 9\"","created_at":"2024-01-01 00:00:00 +0000 UTC","name":"web.run.1","state":"running"}]"#
        );
        let call = host.fake.calls().join("\n");
        assert!(
            call.contains("container ls --all --no-trunc --filter label=com.dokku.app-name=web --filter label=com.dokku.container-type=run --format {{json .}}"),
            "{call}"
        );
    }
}
