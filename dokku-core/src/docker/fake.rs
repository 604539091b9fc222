//! A recording fake [`Runner`] for unit tests: every call's arguments are kept, and
//! answers come from rules matched on an argument prefix (the latest rule wins).
//! Without a rule a call succeeds with empty output, except `container create`, which
//! answers a fresh id (`cid1`, `cid2`, ...), and `container inspect`, which describes a
//! running container on the bridge network.

use std::sync::{Arc, Mutex};

use super::{Call, CallResult, Docker, Runner};
use crate::process::ProcessError;

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    rules: Vec<(Vec<String>, CallResult)>,
    once: Vec<(Vec<String>, CallResult)>,
    created: u32,
}

/// A handle on the fake's state; clone it freely.
#[derive(Clone, Default)]
pub(crate) struct FakeDocker {
    state: Arc<Mutex<State>>,
}

struct FakeRunner {
    state: Arc<Mutex<State>>,
}

impl FakeDocker {
    pub(crate) fn new() -> FakeDocker {
        FakeDocker::default()
    }

    /// A [`Docker`] that records into this fake.
    pub(crate) fn docker(&self) -> Docker {
        Docker::new(Box::new(FakeRunner {
            state: self.state.clone(),
        }))
    }

    /// Answers calls starting with `prefix` with `result`.
    pub(crate) fn respond(&self, prefix: &[&str], result: CallResult) {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .rules
            .push((prefix.iter().map(|s| s.to_string()).collect(), result));
    }

    /// Answers the next call starting with `prefix` with `stdout` and status 0, before
    /// any lasting rule; one-shot answers for the same prefix are used in the order
    /// given.
    pub(crate) fn respond_once(&self, prefix: &[&str], stdout: &str) {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .once
            .push((
                prefix.iter().map(|s| s.to_string()).collect(),
                CallResult {
                    code: 0,
                    stdout: stdout.to_string(),
                    stderr: String::new(),
                },
            ));
    }

    /// Answers calls starting with `prefix` with `stdout` and status 0.
    pub(crate) fn respond_ok(&self, prefix: &[&str], stdout: &str) {
        self.respond(
            prefix,
            CallResult {
                code: 0,
                stdout: stdout.to_string(),
                stderr: String::new(),
            },
        );
    }

    /// Every call so far, as space-joined argument strings.
    pub(crate) fn calls(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .calls
            .iter()
            .map(|c| c.args.join(" "))
            .collect()
    }

    /// Every call so far.
    pub(crate) fn raw_calls(&self) -> Vec<Call> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .calls
            .clone()
    }
}

/// `docker container inspect` output for a running container at `ip`.
pub(crate) fn running_inspect(id: &str, name: &str, ip: &str) -> String {
    format!(
        r#"[{{"Id":"{id}","Name":"/{name}","RestartCount":0,"State":{{"Running":true,"Status":"running","ExitCode":0,"StartedAt":"2024-01-01T00:00:00Z"}},"Config":{{"Labels":{{}}}},"NetworkSettings":{{"Networks":{{"bridge":{{"IPAddress":"{ip}"}}}}}}}}]"#
    )
}

/// `docker container inspect ID...` output for containers `(id, running, ip)`.
pub(crate) fn inspect_array(containers: &[(&str, bool, &str)]) -> String {
    let items: Vec<String> = containers
        .iter()
        .map(|(id, running, ip)| {
            running_inspect(id, id, ip)
                .replace("\"Running\":true", &format!("\"Running\":{running}"))
                .trim_matches(['[', ']'])
                .to_string()
        })
        .collect();
    format!("[{}]", items.join(","))
}

impl Runner for FakeRunner {
    fn run(&self, call: &Call) -> Result<CallResult, ProcessError> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.calls.push(call.clone());
        let matches = |prefix: &Vec<String>| {
            call.args.len() >= prefix.len() && call.args[..prefix.len()] == prefix[..]
        };
        if let Some(i) = state.once.iter().position(|(prefix, _)| matches(prefix)) {
            return Ok(state.once.remove(i).1);
        }
        let rule = state
            .rules
            .iter()
            .rev()
            .find(|(prefix, _)| {
                call.args.len() >= prefix.len() && call.args[..prefix.len()] == prefix[..]
            })
            .map(|(_, r)| r.clone());
        if let Some(result) = rule {
            return Ok(result);
        }
        let args: Vec<&str> = call.args.iter().map(String::as_str).collect();
        Ok(match args.as_slice() {
            ["container", "create", ..] => {
                state.created += 1;
                CallResult {
                    stdout: format!("cid{}\n", state.created),
                    ..CallResult::default()
                }
            }
            ["container", "inspect", ids @ ..] if !ids.is_empty() => CallResult {
                stdout: inspect_array(
                    &ids.iter()
                        .map(|id| (*id, true, "172.17.0.9"))
                        .collect::<Vec<_>>(),
                ),
                ..CallResult::default()
            },
            _ => CallResult::default(),
        })
    }
}
