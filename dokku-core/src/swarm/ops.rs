//! What a swarm app offers besides deploys: `logs` (`docker service logs`, in
//! docker-local's line shape), `enter` (a task's container on this node) and
//! `ps:inspect` (the services, config values masked).

use std::io::{BufRead, BufReader};

use super::query::{app_services, service_tasks};
use crate::deploy::{self as pipeline, DeployError, Host};
use crate::docker::Call;
use crate::log::Level;
use crate::scheduler::logs::{prefix_line, LogsRequest};
use crate::scheduler::EnterRequest;

/// The colours docker-local cycles through, one per process type here.
const COLORS: [u8; 5] = [36, 33, 32, 35, 31];

/// One `docker service logs --timestamps --no-task-ids` line
/// (`TS SERVICE.SLOT@NODE    | MESSAGE`) as docker-local prints a container's
/// (`TS app[TYPE.SLOT]: MESSAGE`, coloured); other lines unchanged.
pub fn swarm_log_line(line: &str, app: &str, color: u8) -> String {
    let parse = || {
        let (ts, rest) = line.split_once(' ')?;
        let (task, msg) = rest.split_once(" | ")?;
        let task = task.trim_end();
        let name = task.split_once('@').map_or(task, |(n, _)| n);
        let (service, slot) = name.rsplit_once('.')?;
        let proc_type = service.strip_prefix(app)?.strip_prefix('-')?;
        Some(prefix_line(
            &format!("{ts} {msg}"),
            &format!("{proc_type}.{slot}"),
            color,
        ))
    };
    parse().unwrap_or_else(|| line.to_string())
}

/// `dokku logs` of a swarm app.
pub fn logs(host: &dyn Host, req: &LogsRequest, out: &(dyn Fn(&str) + Sync)) {
    let docker = host.docker();
    let services: Vec<(String, u8)> = app_services(docker, req.app.as_str())
        .into_iter()
        .filter(|s| {
            req.proc_type.as_deref().is_none_or(|t| {
                s.labels.get("com.dokku.process-type").map(String::as_str) == Some(t)
            })
        })
        .enumerate()
        .map(|(i, s)| (s.name, COLORS[i % COLORS.len()]))
        .collect();
    let args = |name: &str| {
        let mut a = vec![
            "service".to_string(),
            "logs".into(),
            "--timestamps".into(),
            "--no-task-ids".into(),
            "--tail".into(),
            req.num.to_string(),
        ];
        if req.follow {
            a.push("--follow".into());
        }
        a.push(name.to_string());
        a
    };
    let shape = |line: &str, color: u8| {
        let text = swarm_log_line(line, req.app.as_str(), color);
        if req.quiet {
            // Only the message, as docker-local's `-q`.
            match text.split_once("\x1b[0m ") {
                Some((_, msg)) => msg.to_string(),
                None => text,
            }
        } else {
            text
        }
    };
    if !req.follow {
        let mut lines: Vec<(String, String)> = Vec::new();
        for (name, color) in &services {
            let Ok(result) = docker.run(&Call::new(args(name))) else {
                continue;
            };
            for line in result.stdout.lines().chain(result.stderr.lines()) {
                let key = line.split(' ').next().unwrap_or_default().to_string();
                lines.push((key, shape(line, *color)));
            }
        }
        lines.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, text) in lines {
            out(&text);
        }
        return;
    }
    let mut children = Vec::new();
    for (name, color) in &services {
        if let Ok(child) = docker.spawn(&Call::new(args(name))) {
            children.push((*color, child));
        }
    }
    std::thread::scope(|scope| {
        for (color, child) in children.iter_mut() {
            let Some(stdout) = child.stdout.take() else {
                continue;
            };
            let color = *color;
            let shape = &shape;
            scope.spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    out(&shape(&line, color));
                }
            });
        }
    });
    for (_, mut child) in children {
        let _ = child.wait();
    }
}

/// `scheduler-logs-failed docker-swarm APP` (`logs:failed` of a swarm app): a swarm
/// deploy whose new tasks fail is rolled back by the swarm, which removes those
/// tasks' containers, so there is no failed-containers record to show. Says so as
/// docker-local does when its record is empty, rather than leaving `logs:failed`
/// with a bare header. Returns whether any was shown (never).
pub fn failed_logs(host: &dyn Host) -> bool {
    host.log(Level::Warn, "No failed containers found");
    false
}

/// `enter APP [TYPE[.SLOT]] [-- CMD...]` of a swarm app: `docker exec` into the
/// container of a running task of that type on this node (tasks on other nodes
/// are named, not entered: exec needs the node's engine).
pub fn enter(host: &dyn Host, req: &EnterRequest) -> Result<i32, DeployError> {
    let app = req.app.as_str();
    let docker = host.docker();
    let own = docker
        .run(&Call::new(["info", "--format", "{{.Swarm.NodeID}}"]))
        .map(|r| r.stdout.trim().to_string())
        .unwrap_or_default();
    let mut candidates = Vec::new();
    for svc in app_services(docker, app) {
        let proc_type = svc
            .labels
            .get("com.dokku.process-type")
            .cloned()
            .unwrap_or_default();
        for task in service_tasks(docker, &svc.name) {
            if task.is_live() {
                candidates.push((proc_type.clone(), task));
            }
        }
    }
    let mut types: Vec<String> = candidates.iter().map(|(t, _)| t.clone()).collect();
    types.sort();
    types.dedup();
    let wanted = match (&req.container_id, &req.container_type) {
        (Some(_), _) => None,
        (None, Some(t)) => Some(t.clone()),
        (None, None) if types.len() > 1 => {
            host.log(Level::Warn, "No container type specified.");
            return Err(DeployError::fail(format!(
                "Available types for app ({app}): {}",
                types.join(" ")
            )));
        }
        (None, None) => Some(
            types
                .first()
                .cloned()
                .ok_or_else(|| DeployError::fail("No containers found for app"))?,
        ),
    };
    let found = candidates
        .iter()
        .find(|(t, task)| match (&req.container_id, &wanted) {
            (Some(id), _) => !id.is_empty() && task.container_id.starts_with(id.as_str()),
            (None, Some(w)) => match w.split_once('.') {
                Some((k, n)) => t == k && n.parse() == Ok(task.slot),
                None => t == w,
            },
            (None, None) => false,
        });
    let Some((_, task)) = found else {
        return Err(DeployError::fail(format!(
            "No running task found; available types for app ({app}): {}",
            types.join(" ")
        )));
    };
    if task.node_id != own {
        return Err(DeployError::refused(
            format!(
                "Task {}.{} runs on another swarm node ({})",
                task.id, task.slot, task.node_id
            ),
            "run `docker exec` on that node, or enter a task running on this one",
        ));
    }
    let mut args = vec!["container".to_string(), "exec".to_string()];
    if req.tty {
        args.extend(["-i".to_string(), "-t".to_string()]);
    }
    args.push(task.container_id.clone());
    if req.command.is_empty() {
        args.push(
            pipeline::prop_app_or_global(&host.properties(), "scheduler", app, "shell")
                .unwrap_or_else(|| "/bin/bash".into()),
        );
    } else {
        args.extend(req.command.iter().cloned());
    }
    let mut call = Call::new(args).streamed();
    if req.tty {
        call = call.with_stdin();
    }
    Ok(docker.run(&call)?.code)
}

/// `ps:inspect` of a swarm app: `docker service inspect` of its services, every
/// config value but `DYNO` and `PORT` masked.
pub fn inspect(host: &dyn Host, app: &str) -> Result<String, DeployError> {
    let names: Vec<String> = app_services(host.docker(), app)
        .into_iter()
        .map(|s| s.name)
        .collect();
    if names.is_empty() {
        return Err(DeployError::fail(format!("App {app} has no services")));
    }
    let mut args = vec!["service".to_string(), "inspect".to_string()];
    args.extend(names);
    let out = host.docker().check(&Call::new(args))?;
    let mut data: serde_json::Value = serde_json::from_str(&out.stdout)
        .map_err(|e| DeployError::fail(format!("Unable to read docker inspect output: {e}")))?;
    for svc in data.as_array_mut().into_iter().flatten() {
        for pointer in [
            "/Spec/TaskTemplate/ContainerSpec/Env",
            "/PreviousSpec/TaskTemplate/ContainerSpec/Env",
        ] {
            if let Some(env) = svc.pointer_mut(pointer).and_then(|e| e.as_array_mut()) {
                for entry in env.iter_mut() {
                    let Some(text) = entry.as_str() else { continue };
                    let key = text.split_once('=').map_or(text, |(k, _)| k);
                    if key == "DYNO" || key == "PORT" {
                        continue;
                    }
                    *entry = serde_json::Value::String(format!("{key}=XXXXXX"));
                }
            }
        }
    }
    serde_json::to_string_pretty(&data)
        .map_err(|e| DeployError::fail(format!("Unable to render docker inspect output: {e}")))
}
