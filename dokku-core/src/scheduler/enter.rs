//! `enter` for docker-local (`scheduler-enter`): `docker container exec` into one of
//! the app's running containers, and `ps:inspect` (`scheduler-inspect`).

use crate::deploy::{self, DeployError, Host};
use crate::docker::Call;
use crate::log::Level;

use super::slots;

/// What `enter APP [TYPE|TYPE.N] [--container-id ID] [CMD...]` asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnterRequest {
    /// The app.
    pub app: String,
    /// `web` or `web.2`; `None` picks the only running type.
    pub container_type: Option<String>,
    /// `--container-id`: a (prefix of a) container id of the app.
    pub container_id: Option<String>,
    /// The command; empty runs the app's shell (scheduler `shell`, default `/bin/bash`).
    pub command: Vec<String>,
    /// Attach a terminal (`-i -t`); without one nothing is read from stdin.
    pub tty: bool,
}

impl EnterRequest {
    /// Parses the words after the app as Dokku's `scheduler-enter` does: options
    /// first, then the container type (none with `--container-id`), then the command
    /// (after an optional `--`).
    pub fn parse(app: &str, args: &[String], tty: bool) -> EnterRequest {
        let mut req = EnterRequest {
            app: app.to_string(),
            tty,
            ..EnterRequest::default()
        };
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            if let Some(id) = a.strip_prefix("--container-id=") {
                req.container_id = Some(id.to_string());
                i += 1;
            } else if a == "--container-id" {
                req.container_id = args.get(i + 1).cloned();
                i += 2;
            } else {
                // Unlike Dokku, a container id leaves the next word to the command
                // (Dokku would take it as a container type and ignore it).
                if a != "--" && req.container_id.is_none() {
                    req.container_type = Some(a.clone());
                    i += 1;
                }
                break;
            }
        }
        let mut rest = &args[i.min(args.len())..];
        if rest.first().is_some_and(|a| a == "--") {
            rest = &rest[1..];
        }
        req.command = rest.to_vec();
        req
    }
}

fn types_line(types: &[String]) -> String {
    types.join(" ")
}

/// Runs the request; returns the exit code of `docker container exec`.
pub fn enter(host: &dyn Host, req: &EnterRequest) -> Result<i32, DeployError> {
    let app = req.app.as_str();
    let docker = host.docker();
    let all = slots(host.layout(), app);
    let running: Vec<_> = all
        .iter()
        .filter(|s| docker.container_inspect(&s.cid).is_some_and(|i| i.running))
        .collect();
    let mut types: Vec<String> = running.iter().map(|s| s.proc_type.clone()).collect();
    types.dedup();
    let cid = match &req.container_id {
        Some(id) => {
            let Some(slot) = all
                .iter()
                .find(|s| !id.is_empty() && s.cid.starts_with(id.as_str()))
            else {
                host.log(Level::Warn, &format!("Invalid container id for app: {id}"));
                let ids: Vec<&str> = all.iter().map(|s| s.cid.as_str()).collect();
                return Err(DeployError::fail(format!(
                    "Available ids for app ({app}): {}",
                    ids.join(" ")
                )));
            };
            slot.cid.clone()
        }
        None => {
            let wanted = match &req.container_type {
                Some(t) => t.clone(),
                None => {
                    if types.len() > 1 {
                        host.log(Level::Warn, "No container type specified.");
                        return Err(DeployError::fail(format!(
                            "Available types for app ({app}): {}",
                            types_line(&types)
                        )));
                    }
                    types
                        .first()
                        .cloned()
                        .ok_or_else(|| DeployError::fail("No containers found for app"))?
                }
            };
            let (kind, index) = match wanted.split_once('.') {
                Some((k, n)) => (k.to_string(), n.parse::<u32>().ok()),
                None => (wanted.clone(), None),
            };
            let found = all
                .iter()
                .find(|s| s.proc_type == kind && index.is_none_or(|n| n == s.index));
            match found {
                Some(slot) => slot.cid.clone(),
                None => {
                    host.log(
                        Level::Warn,
                        &format!("No containers found for type '{wanted}'"),
                    );
                    return Err(DeployError::fail(format!(
                        "Available types for app ({app}): {}",
                        types_line(&types)
                    )));
                }
            }
        }
    };
    if !docker.container_inspect(&cid).is_some_and(|i| i.running) {
        return Err(DeployError::fail("Container is not running"));
    }
    let mut args = vec!["container".to_string(), "exec".to_string()];
    if req.tty {
        args.extend(["-i".to_string(), "-t".to_string()]);
    }
    args.push(cid);
    if req.command.is_empty() {
        let shell = deploy::prop_app_or_global(&host.properties(), "scheduler", app, "shell")
            .unwrap_or_else(|| "/bin/bash".into());
        args.push(shell);
    } else {
        args.extend(req.command.iter().cloned());
    }
    let mut call = Call::new(args).streamed();
    if req.tty {
        call = call.with_stdin();
    }
    Ok(docker.run(&call)?.code)
}

/// Environment entries `ps:inspect` shows as they are; every other value is masked.
const INSPECT_ENV_SHOWN: &[&str] = &[
    "CACHE_PATH=",
    "DOCKER_",
    "DOKKU_",
    "DYNO=",
    "PATH=",
    "PORT=",
    "USER=",
];

/// `ps:inspect APP` (`scheduler-inspect`): `docker container inspect` of every recorded
/// container, with config values in `Config.Env` replaced by `XXXXXX`; keys sorted,
/// four-space indent.
pub fn inspect(host: &dyn Host, app: &str) -> Result<String, DeployError> {
    let cids: Vec<String> = slots(host.layout(), app)
        .into_iter()
        .map(|s| s.cid)
        .collect();
    if cids.is_empty() {
        return Err(DeployError::fail(format!("App {app} has no containers")));
    }
    let mut args = vec!["container".to_string(), "inspect".to_string()];
    args.extend(cids);
    let out = host.docker().check(&Call::new(args))?;
    let mut data: serde_json::Value = serde_json::from_str(&out.stdout)
        .map_err(|e| DeployError::fail(format!("Unable to read docker inspect output: {e}")))?;
    for container in data.as_array_mut().into_iter().flatten() {
        if let Some(env) = container
            .pointer_mut("/Config/Env")
            .and_then(|e| e.as_array_mut())
        {
            for entry in env.iter_mut() {
                let Some(text) = entry.as_str() else { continue };
                if INSPECT_ENV_SHOWN.iter().any(|p| text.starts_with(p)) {
                    continue;
                }
                let key = text.split_once('=').map(|(k, _)| k).unwrap_or(text);
                *entry = serde_json::Value::String(format!("{key}=XXXXXX"));
            }
        }
    }
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    serde::Serialize::serialize(&data, &mut ser)
        .map_err(|e| DeployError::fail(format!("Unable to render docker inspect output: {e}")))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn arguments_are_parsed_like_dokku() {
        let r = EnterRequest::parse("a", &words("web.2 ls -la"), false);
        assert_eq!(r.container_type.as_deref(), Some("web.2"));
        assert_eq!(r.command, words("ls -la"));
        let r = EnterRequest::parse("a", &words("--container-id abc -- echo hi"), true);
        assert_eq!(
            (r.container_id.as_deref(), r.container_type.as_deref()),
            (Some("abc"), None)
        );
        assert_eq!(r.command, words("echo hi"));
        let r = EnterRequest::parse("a", &words("--container-id=abc echo hi"), false);
        assert_eq!(r.container_type, None);
        assert_eq!(r.command, words("echo hi"));
    }

    fn host_with(slots: &[(&str, &str)]) -> FakeHost {
        let host = FakeHost::new();
        host.mkapp("a");
        for (slot, cid) in slots {
            std::fs::write(
                host.layout.app_root("a").join(format!("CONTAINER.{slot}")),
                format!("{cid}\n"),
            )
            .expect("state");
        }
        host
    }

    #[test]
    fn enters_the_only_type_without_a_tty_non_interactively() {
        let host = host_with(&[("web.1", "cid-web")]);
        let code =
            enter(&host, &EnterRequest::parse("a", &words("-- ls /"), false)).expect("enters");
        assert_eq!(code, 0);
        let exec = host
            .fake
            .raw_calls()
            .into_iter()
            .find(|c| c.args[..2] == ["container", "exec"])
            .expect("exec");
        assert_eq!(exec.args.join(" "), "container exec cid-web ls /");
        assert!(!exec.stdin);
        let code = enter(&host, &EnterRequest::parse("a", &[], true)).expect("enters");
        assert_eq!(code, 0);
        let calls = host.fake.calls();
        assert!(
            calls.contains(&"container exec -i -t cid-web /bin/bash".to_string()),
            "{calls:?}"
        );
    }

    #[test]
    fn ambiguous_missing_and_stopped_containers_fail_clearly() {
        let host = host_with(&[("web.1", "cid-web"), ("worker.1", "cid-worker")]);
        let err = enter(&host, &EnterRequest::parse("a", &[], false)).expect_err("ambiguous");
        assert_eq!(err.to_string(), "Available types for app (a): web worker");
        assert!(host
            .log_text()
            .contains(" !     No container type specified."));
        let err =
            enter(&host, &EnterRequest::parse("a", &words("clock"), false)).expect_err("no clock");
        assert_eq!(err.to_string(), "Available types for app (a): web worker");
        let err = enter(
            &host,
            &EnterRequest::parse("a", &words("--container-id nope"), false),
        )
        .expect_err("bad id");
        assert_eq!(
            err.to_string(),
            "Available ids for app (a): cid-web cid-worker"
        );
        host.fake.respond_ok(
            &["container", "inspect", "cid-worker"],
            r#"[{"Id":"cid-worker","Name":"/a.worker.1","State":{"Running":false,"Status":"exited"}}]"#,
        );
        let err = enter(
            &host,
            &EnterRequest::parse("a", &words("worker.1 ls"), false),
        )
        .expect_err("stopped");
        assert_eq!(err.to_string(), "Container is not running");
        assert!(!host
            .fake
            .calls()
            .iter()
            .any(|c| c.starts_with("container exec")));
    }

    #[test]
    fn inspect_masks_config_values() {
        let host = host_with(&[("web.1", "cid-web")]);
        host.fake.respond_ok(
            &["container", "inspect", "cid-web"],
            r#"[{"Id":"cid-web","Config":{"Env":["SECRET=hunter2","PORT=5000","DOKKU_APP_TYPE=dockerfile"]}}]"#,
        );
        let text = inspect(&host, "a").expect("inspect");
        assert!(text.contains("\"SECRET=XXXXXX\""), "{text}");
        assert!(text.contains("\"PORT=5000\""), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("\n        \"Config\": {"), "{text}");
    }
}
