//! `app.json` healthchecks (`healthchecks.<process type>`), run the way
//! docker-container-healthchecker runs them for the docker-local scheduler: every
//! check of the type (startup, readiness and liveness alike) must pass before the new
//! container replaces the old one.
//!
//! A check is an HTTP GET (`path`, optional `content` substring), a `command` run in
//! the container, a `listening` port probe, or an `uptime` requirement. HTTP checks
//! speak plain HTTP/1.1 over a socket (no client library): the container is on a
//! local bridge network.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

use crate::docker::{Call, Docker};

/// One entry of `healthchecks.<type>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Healthcheck {
    /// `startup`, `readiness` or `liveness`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Name shown in output; generated when empty.
    pub name: String,
    /// HTTP path (default `/`).
    pub path: String,
    /// `http` (default) or `https`.
    pub scheme: String,
    /// Port to probe (default: the process's `PORT`, 5000).
    pub port: Option<u16>,
    /// Extra request headers.
    pub http_headers: Vec<Header>,
    /// Substring the response body must contain.
    pub content: String,
    /// Command to run inside the container instead of an HTTP request.
    pub command: Vec<String>,
    /// A port-listening probe.
    pub listening: bool,
    /// Attempts before failing (default 3).
    pub attempts: Option<u32>,
    /// Seconds per attempt (default 5).
    pub timeout: Option<u64>,
    /// Seconds between attempts (default 5).
    pub wait: Option<u64>,
    /// Seconds before the first attempt (default 0).
    pub initial_delay: Option<u64>,
    /// Seconds the container must stay up without restarting.
    pub uptime: Option<u64>,
    /// Failure only warns.
    pub warn: bool,
}

/// An HTTP header of a check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Header {
    /// Header name.
    pub name: String,
    /// Header value.
    pub value: String,
}

/// An `app.json` whose healthchecks cannot be read.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("Invalid app.json healthchecks for process type {proc_type}: {message}")]
pub struct HealthcheckError {
    /// The process type.
    pub proc_type: String,
    /// What is wrong.
    pub message: String,
}

/// The healthchecks of `proc_type` in an `app.json` document (empty when none).
pub fn for_process(
    app_json: &serde_json::Value,
    proc_type: &str,
) -> Result<Vec<Healthcheck>, HealthcheckError> {
    // `null` is no checks, as the schema check accepts it and Go unmarshals it into a
    // nil slice.
    let Some(list) = app_json
        .get("healthchecks")
        .and_then(|h| h.get(proc_type))
        .filter(|list| !list.is_null())
    else {
        return Ok(Vec::new());
    };
    let mut checks: Vec<Healthcheck> =
        serde_json::from_value(without_nulls(list)).map_err(|e| HealthcheckError {
            proc_type: proc_type.to_string(),
            message: e.to_string(),
        })?;
    for (i, c) in checks.iter_mut().enumerate() {
        if c.name.is_empty() {
            c.name = format!(
                "{}-{}",
                if c.kind.is_empty() {
                    "startup"
                } else {
                    &c.kind
                },
                i + 1
            );
        }
    }
    Ok(checks)
}

/// `value` with every `null` member of its objects dropped: Go's decoder, which
/// Dokku's healthchecker uses, reads `"path": null` as an absent path.
fn without_nulls(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Where and how to reach the container under test.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    /// Container id.
    pub cid: &'a str,
    /// Its address.
    pub ip: &'a str,
    /// The process's `PORT`.
    pub port: u16,
    /// `Host:` header to send (the app's first domain), if any.
    pub host_header: Option<&'a str>,
}

impl Healthcheck {
    fn attempts(&self) -> u32 {
        self.attempts.unwrap_or(3).max(1)
    }

    /// A one-line description, as printed before the check runs.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("name='{}'", self.name)];
        if let Some(u) = self.uptime {
            parts.push(format!("uptime={u}"));
            return parts.join(" ");
        }
        if !self.command.is_empty() {
            parts.push(format!("command='{}'", self.command.join(" ")));
        } else if self.listening {
            parts.push("listening=true".into());
        } else {
            parts.push(format!(
                "path='{}'",
                if self.path.is_empty() {
                    "/"
                } else {
                    &self.path
                }
            ));
            if !self.content.is_empty() {
                parts.push(format!("content='{}'", self.content));
            }
        }
        parts.push(format!("attempts={}", self.attempts()));
        parts.push(format!("timeout={}", self.timeout.unwrap_or(5)));
        parts.push(format!("wait={}", self.wait.unwrap_or(5)));
        parts.join(" ")
    }

    /// Runs the check, calling `progress` with a line per failed attempt. Returns the
    /// last failure's reason.
    pub fn run(
        &self,
        docker: &Docker,
        target: &Target<'_>,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(), String> {
        if let Some(delay) = self.initial_delay.filter(|d| *d > 0) {
            std::thread::sleep(Duration::from_secs(delay));
        }
        if let Some(secs) = self.uptime {
            return super::uptime(docker, target.cid, secs);
        }
        let attempts = self.attempts();
        let mut last = String::new();
        for attempt in 1..=attempts {
            match self.attempt(docker, target) {
                Ok(()) => return Ok(()),
                Err(reason) => {
                    progress(&format!("Attempt {attempt}/{attempts} failed: {reason}"));
                    last = reason;
                }
            }
            if attempt < attempts {
                std::thread::sleep(Duration::from_secs(self.wait.unwrap_or(5)));
            }
        }
        Err(last)
    }

    fn attempt(&self, docker: &Docker, target: &Target<'_>) -> Result<(), String> {
        let timeout = Duration::from_secs(self.timeout.unwrap_or(5).max(1));
        if !self.command.is_empty() {
            let mut args = vec![
                "container".to_string(),
                "exec".to_string(),
                target.cid.to_string(),
            ];
            args.extend(self.command.iter().cloned());
            let out = docker.run(&Call::new(args)).map_err(|e| e.to_string())?;
            return if out.code == 0 {
                Ok(())
            } else {
                Err(format!(
                    "command exited with status {}: {}",
                    out.code,
                    out.stderr.trim()
                ))
            };
        }
        let port = self.port.unwrap_or(target.port);
        let addr = resolve(target.ip, port)?;
        if self.listening {
            return TcpStream::connect_timeout(&addr, timeout)
                .map(drop)
                .map_err(|e| format!("port {port} is not listening: {e}"));
        }
        if self.scheme == "https" {
            return Err("https healthchecks are not supported by this dokku".into());
        }
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        if !self
            .http_headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("host"))
        {
            let host = target
                .host_header
                .map(str::to_string)
                .unwrap_or_else(|| format!("{}:{port}", target.ip));
            headers.push(("Host".into(), host));
        }
        headers.extend(
            self.http_headers
                .iter()
                .map(|h| (h.name.clone(), h.value.clone())),
        );
        let (status, body) = http_get(addr, path, &headers, timeout)?;
        if !(200..400).contains(&status) {
            return Err(format!("GET {path} answered HTTP {status}"));
        }
        if !self.content.is_empty() && !body.contains(&self.content) {
            return Err(format!(
                "GET {path} answered HTTP {status} without the expected content '{}'",
                self.content
            ));
        }
        Ok(())
    }
}

fn resolve(ip: &str, port: u16) -> Result<SocketAddr, String> {
    (ip, port)
        .to_socket_addrs()
        .map_err(|e| format!("bad address {ip}:{port}: {e}"))?
        .next()
        .ok_or_else(|| format!("bad address {ip}:{port}"))
}

/// A minimal HTTP/1.1 GET: returns the status code and the (de-chunked) body.
pub fn http_get(
    addr: SocketAddr,
    path: &str,
    headers: &[(String, String)],
    timeout: Duration,
) -> Result<(u16, String), String> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let _ = stream.set_read_timeout(Some(timeout));
    let _ = stream.set_write_timeout(Some(timeout));
    let mut request = format!("GET {path} HTTP/1.1\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("User-Agent: dokku-healthcheck\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("cannot send request to {addr}: {e}"))?;
    let mut raw = Vec::new();
    stream
        .take(super::http::MAX_ANSWER_BYTES)
        .read_to_end(&mut raw)
        .map_err(|e| format!("no complete answer from {addr}: {e}"))?;
    let answer = super::http::parse_response(&raw).map_err(|e| format!("{e} from {addr}"))?;
    Ok((answer.status, answer.body))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `appjson::fuzz::what_the_schema_accepts_deploys`: the schema check let
    /// `{"healthchecks":{"web":null}}` through and the deploy then refused it.
    #[test]
    fn a_null_list_of_checks_is_no_checks() {
        let doc = serde_json::json!({ "healthchecks": { "web": null } });
        assert_eq!(for_process(&doc, "web").map(|c| c.len()).ok(), Some(0));
        assert!(crate::appjson::parse(&doc.to_string(), "app.json").is_ok());
    }

    #[test]
    fn reads_app_json_checks() {
        let doc: serde_json::Value = serde_json::from_str(
            r#"{"healthchecks":{"web":[{"type":"startup","path":"/health","content":"ok","attempts":2,"timeout":1,"wait":1,"httpHeaders":[{"name":"X","value":"y"}]},{"uptime":3}]}}"#,
        )
        .expect("json");
        let checks = for_process(&doc, "web").expect("checks");
        assert_eq!(checks.len(), 2);
        assert_eq!(checks[0].path, "/health");
        assert_eq!(checks[0].http_headers[0].name, "X");
        assert_eq!(checks[1].name, "startup-2");
        assert!(for_process(&doc, "worker").expect("none").is_empty());
        let bad: serde_json::Value =
            serde_json::from_str(r#"{"healthchecks":{"web":{"path":1}}}"#).expect("json");
        assert!(for_process(&bad, "web").is_err());
    }

    #[test]
    fn http_check_against_a_local_server() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = std::thread::spawn(move || {
            for body in ["hello world", "nope"] {
                let (mut s, _) = listener.accept().expect("accept");
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf);
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        let fake = crate::docker::fake::FakeDocker::new();
        let docker = fake.docker();
        let check = Healthcheck {
            name: "c".into(),
            content: "hello".into(),
            attempts: Some(1),
            ..Default::default()
        };
        let target = Target {
            cid: "x",
            ip: "127.0.0.1",
            port: addr.port(),
            host_header: None,
        };
        check.run(&docker, &target, &mut |_| {}).expect("passes");
        let err = check
            .run(&docker, &target, &mut |_| {})
            .expect_err("content missing");
        assert!(err.contains("expected content"), "{err}");
        server.join().expect("server");
    }

    /// Security issue #9: a chunked body holding bytes that are not UTF-8 used to
    /// panic the reader (a lossy string sliced by the chunk's byte count).
    #[test]
    fn chunked_body_with_invalid_utf8_does_not_panic() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().expect("accept");
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n\xff\xfeok\r\n3\r\n!\xe2\x82\r\n0\r\n\r\n",
            );
        });
        let (status, body) = http_get(addr, "/", &[], Duration::from_secs(5)).expect("an answer");
        assert_eq!(status, 200);
        assert_eq!(body, "\u{fffd}\u{fffd}ok!\u{fffd}");
        server.join().expect("server");
    }
}
