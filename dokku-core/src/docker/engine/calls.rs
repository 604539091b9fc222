//! Common docker calls answered through the Engine API instead of the CLI.
//!
//! Each `docker` process costs 15-30 ms of Go client start-up, and a first deploy
//! made 27 of them besides its builds; the same request over the engine's unix socket
//! takes well under a millisecond (docs/deploy-path.md has the measurements).
//! [`try_call`] takes the calls whose argument list is exactly one of the [`shapes`]
//! our typed methods emit, sends the request and prints the answer as docker CLI 28
//! would ([`render`]), so no caller changes. Every other call, and every call that
//! [`reach`] keeps with the CLI, is `None`.

use std::io::{Cursor, Read};
use std::path::Path;

use serde_json::Value;

use super::shapes::{self, Filters, ImageField, Shape};
use super::{http, reach, render};
use crate::docker::{Call, CallResult, Output};
use crate::settings::EnvMap;

/// Answers `call` through the engine when its shape and the environment allow;
/// `None` leaves it to the CLI `bin` (also when the engine cannot be reached). `env`
/// is the client's environment, which `call.env` extends as it does for the CLI.
pub(crate) fn try_call(bin: &str, env: &EnvMap, call: &Call) -> Option<CallResult> {
    // Streamed and interactive calls show the CLI's own output as it comes.
    if call.stdin || call.output != Output::Capture {
        return None;
    }
    let shape = shapes::parse(&call.args)?;
    let socket = reach::socket(bin, &|key| super::client_var(env, call, key))?;
    let prefix = super::ping::ping(&socket)?.prefix();
    answer(
        &Engine {
            socket: &socket,
            prefix: &prefix,
        },
        &shape,
    )
}

/// Why a request got no answer.
enum Failure {
    /// The socket could not be connected: nothing was sent, the CLI may run it.
    Unreachable,
    /// The request went out but the answer did not come back whole.
    Broken(std::io::Error),
}

/// One engine, one request per connection.
struct Engine<'a> {
    socket: &'a Path,
    /// The negotiated API version's path prefix (`/v1.47`).
    prefix: &'a str,
}

impl Engine<'_> {
    /// `METHOD /vX.YTARGET` with an optional JSON body: the status and body text.
    fn send(&self, method: &str, target: &str, json: Option<&Value>) -> Result<Reply, Failure> {
        let stream = std::os::unix::net::UnixStream::connect(self.socket)
            .map_err(|_| Failure::Unreachable)?;
        let bytes = json.map(|v| v.to_string().into_bytes()).unwrap_or_default();
        let mut reader = Cursor::new(&bytes);
        let body = json.map(|_| http::Body {
            content_type: "application/json",
            reader: &mut reader,
            len: bytes.len() as u64,
        });
        let target = format!("{}{target}", self.prefix);
        let mut response =
            http::exchange(stream, method, &target, body, None).map_err(Failure::Broken)?;
        let mut text = String::new();
        response
            .body
            .read_to_string(&mut text)
            .map_err(Failure::Broken)?;
        Ok(Reply {
            status: response.status,
            text,
        })
    }
}

/// An answer read whole.
struct Reply {
    status: u16,
    text: String,
}

impl Reply {
    /// 2xx, or 304 (`start`/`stop` of a container already in that state).
    fn ok(&self) -> bool {
        (200..300).contains(&self.status) || self.status == 304
    }

    fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.text).ok()
    }

    /// The CLI's line for a refused request.
    fn error_line(&self) -> String {
        format!("{}\n", render::daemon_error(&self.text))
    }
}

/// What the calls print, built up as the requests are answered.
#[derive(Default)]
struct Printed(CallResult);

impl Printed {
    fn out(&mut self, text: &str) {
        self.0.stdout.push_str(text);
    }

    fn err(&mut self, text: &str) {
        self.0.stderr.push_str(text);
    }

    fn fail(&mut self, text: &str) {
        self.0.code = 1;
        self.err(text);
    }

    /// The request broke after it was sent: reported, not retried by the CLI (the
    /// engine may have acted on it).
    fn broken(mut self, e: std::io::Error) -> CallResult {
        self.fail(&format!("error during connect: {e}\n"));
        self.0
    }
}

/// Sends `shape`'s requests and prints the answers.
fn answer(engine: &Engine<'_>, shape: &Shape) -> Option<CallResult> {
    match shape {
        Shape::ContainerList {
            all,
            full_ids,
            filters,
        } => {
            let mut query = Vec::new();
            if *all {
                query.push(("all", "1".to_string()));
            }
            let list = query_with_filters(engine, "/containers/json", query, filters)?;
            Some(ok(render::container_ids(&list, *full_ids)))
        }
        Shape::ImageList { filters } => {
            let query = vec![("all", "1".to_string())];
            let list = query_with_filters(engine, "/images/json", query, filters)?;
            Some(ok(render::image_ids(&list)))
        }
        Shape::ImageInspect { field, image } => image_inspect(engine, *field, image),
        Shape::ContainerInspect { ids } => container_inspect(engine, ids),
        Shape::LoggingDriver => {
            let reply = engine.send("GET", "/info", None).ok()?;
            if !reply.ok() {
                return Some(refused(&reply));
            }
            let driver = reply.json()?["LoggingDriver"].as_str()?.to_string();
            Some(ok(format!("{driver}\n")))
        }
        Shape::ContainerStart { id } => {
            let target = format!("/containers/{id}/start");
            one_change(engine, "POST", &target, None, |printed, reply| {
                if reply.ok() {
                    printed.out(&format!("{id}\n"));
                } else {
                    printed.fail(&reply.error_line());
                    printed.err(&format!("Error: failed to start containers: {id}\n"));
                }
            })
        }
        Shape::ContainerRename { id, name } => {
            let target = format!("/containers/{id}/rename?name={}", percent_encode(name));
            one_change(engine, "POST", &target, None, |printed, reply| {
                if !reply.ok() {
                    printed.fail(&reply.error_line());
                    printed.err(&format!("Error: failed to rename container named {id}\n"));
                }
            })
        }
        Shape::ContainerStop { id, timeout } => {
            let target = match timeout {
                Some(t) => format!("/containers/{id}/stop?t={t}"),
                None => format!("/containers/{id}/stop"),
            };
            one_change(engine, "POST", &target, None, |printed, reply| {
                echo_or_fail(printed, reply, id)
            })
        }
        Shape::ContainerRestartPolicy { id, name, retries } => {
            let body = serde_json::json!({
                "RestartPolicy": {"Name": name, "MaximumRetryCount": retries}
            });
            let target = format!("/containers/{id}/update");
            one_change(engine, "POST", &target, Some(&body), |printed, reply| {
                echo_or_fail(printed, reply, id);
                let warnings = reply.json().unwrap_or_default();
                for warning in warnings["Warnings"].as_array().into_iter().flatten() {
                    printed.err(&format!("{}\n", warning.as_str().unwrap_or_default()));
                }
            })
        }
        Shape::ContainerRemove { ids, force } => {
            each_change(
                engine,
                ids,
                |id| {
                    let query = if *force { "?force=1" } else { "" };
                    ("DELETE", format!("/containers/{id}{query}"))
                },
                |printed, reply, id| {
                    if reply.ok() {
                        printed.out(&format!("{id}\n"));
                    } else if *force && reply.status == 404 {
                        // `rm --force` of a container that is gone is no failure.
                        printed.err(&reply.error_line());
                    } else {
                        printed.fail(&reply.error_line());
                    }
                },
            )
        }
        Shape::ImageRemove { ids } => each_change(
            engine,
            ids,
            |id| ("DELETE", format!("/images/{id}")),
            |printed, reply, _| match reply.json().filter(|_| reply.ok()) {
                Some(items) => printed.out(&render::removed_images(&items)),
                None => printed.fail(&reply.error_line()),
            },
        ),
        Shape::ImagePrune { filters } => {
            let target = format!("/images/prune?filters={}", filters_query(filters));
            one_change(engine, "POST", &target, None, |printed, reply| match reply
                .json()
                .filter(|_| reply.ok())
            {
                Some(report) => printed.out(&render::prune_report(&report)),
                None => printed.fail(&reply.error_line()),
            })
        }
        Shape::ImageTag { source, repo, tag } => {
            let target = format!(
                "/images/{source}/tag?repo={}&tag={}",
                percent_encode(repo),
                percent_encode(tag)
            );
            one_change(engine, "POST", &target, None, |printed, reply| {
                if !reply.ok() {
                    printed.fail(&reply.error_line());
                }
            })
        }
    }
}

/// A successful call that printed `stdout`.
fn ok(stdout: String) -> CallResult {
    CallResult {
        stdout,
        ..CallResult::default()
    }
}

/// A refused query: exit 1 and the engine's message.
fn refused(reply: &Reply) -> CallResult {
    CallResult {
        code: 1,
        stdout: String::new(),
        stderr: reply.error_line(),
    }
}

/// The containers' or images' listing: `GET path?query&filters=...` as JSON, or
/// `None` (the CLI runs it) when the engine did not answer with a list.
fn query_with_filters(
    engine: &Engine<'_>,
    path: &str,
    mut query: Vec<(&str, String)>,
    filters: &Filters,
) -> Option<Value> {
    // The CLI leaves `filters` out when there are none.
    if !filters.is_empty() {
        query.push(("filters", filters_query(filters)));
    }
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let target = match query.is_empty() {
        true => path.to_string(),
        false => format!("{path}?{}", query.join("&")),
    };
    let reply = engine.send("GET", &target, None).ok()?;
    let list = reply.json().filter(|_| reply.ok())?;
    list.is_array().then_some(list)
}

/// `image inspect --format F IMAGE`.
fn image_inspect(engine: &Engine<'_>, field: ImageField, image: &str) -> Option<CallResult> {
    let reply = engine
        .send("GET", &format!("/images/{image}/json"), None)
        .ok()?;
    if !reply.ok() {
        // The CLI prints an empty line for the image it could not render.
        return Some(CallResult {
            code: 1,
            stdout: "\n".into(),
            stderr: reply.error_line(),
        });
    }
    let info = reply.json()?;
    // Without a Config the CLI's template fails its own way; a field the engine
    // left out is Go's nil map, `null`.
    let config = |key: &str| -> Option<String> {
        let config = info["Config"].as_object()?;
        Some(render::go_json(config.get(key).unwrap_or(&Value::Null)))
    };
    let text = match field {
        ImageField::Id => info["Id"].as_str()?.to_string(),
        ImageField::Labels => config("Labels")?,
        ImageField::ExposedPorts => config("ExposedPorts")?,
    };
    Some(ok(format!("{text}\n")))
}

/// `container inspect ID...`: the ones found as a JSON array, a line on stderr and
/// exit 1 for each one that is not.
fn container_inspect(engine: &Engine<'_>, ids: &[String]) -> Option<CallResult> {
    let mut found = Vec::new();
    let mut printed = Printed::default();
    for id in ids {
        let reply = engine
            .send("GET", &format!("/containers/{id}/json"), None)
            .ok()?;
        if reply.ok() {
            // Kept byte for byte; only checked, so the array stays valid JSON.
            reply.json()?;
            found.push(reply.text);
        } else {
            printed.fail(&reply.error_line());
        }
    }
    printed.out(&render::inspect_array(&found));
    Some(printed.0)
}

/// One request that changes something, its answer printed by `print`.
fn one_change(
    engine: &Engine<'_>,
    method: &str,
    target: &str,
    json: Option<&Value>,
    print: impl FnOnce(&mut Printed, &Reply),
) -> Option<CallResult> {
    let mut printed = Printed::default();
    match engine.send(method, target, json) {
        Ok(reply) => print(&mut printed, &reply),
        Err(Failure::Unreachable) => return None,
        Err(Failure::Broken(e)) => return Some(printed.broken(e)),
    }
    Some(printed.0)
}

/// One request per id, in order, as the CLI prints them; an engine that cannot be
/// reached before the first is the CLI's, one that goes away later is an error.
fn each_change(
    engine: &Engine<'_>,
    ids: &[String],
    request: impl Fn(&str) -> (&'static str, String),
    print: impl Fn(&mut Printed, &Reply, &str),
) -> Option<CallResult> {
    let mut printed = Printed::default();
    for (i, id) in ids.iter().enumerate() {
        let (method, target) = request(id);
        match engine.send(method, &target, None) {
            Ok(reply) => print(&mut printed, &reply, id),
            Err(Failure::Unreachable) if i == 0 => return None,
            Err(Failure::Unreachable) => {
                let e = std::io::Error::other("the engine's socket went away");
                return Some(printed.broken(e));
            }
            Err(Failure::Broken(e)) => return Some(printed.broken(e)),
        }
    }
    Some(printed.0)
}

/// Echoes `id` (as `stop`/`update` do) or prints the refusal.
fn echo_or_fail(printed: &mut Printed, reply: &Reply, id: &str) {
    if reply.ok() {
        printed.out(&format!("{id}\n"));
    } else {
        printed.fail(&reply.error_line());
    }
}

/// The `filters` query value: `{"K":{"V":true}}` (keys sorted, as Go's encoder
/// writes maps), percent-encoded.
fn filters_query(filters: &Filters) -> String {
    percent_encode(&filters_json(filters))
}

fn filters_json(filters: &Filters) -> String {
    serde_json::to_string(filters).unwrap_or_else(|_| "{}".into())
}

/// Every byte outside `[A-Za-z0-9._~-]` as `%XX`: nothing from a call can end the
/// query or the request line.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'~' | b'-' => {
                out.push(b as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn filters_are_the_apis_json_and_safe_in_a_query() {
        let mut filters = Filters::new();
        filters
            .entry("label".into())
            .or_default()
            .insert("com.dokku.app-name=web app".into(), true);
        filters
            .entry("label".into())
            .or_default()
            .insert("dokku".into(), true);
        filters.insert("dangling".into(), BTreeMap::from([("false".into(), true)]));
        assert_eq!(
            filters_json(&filters),
            r#"{"dangling":{"false":true},"label":{"com.dokku.app-name=web app":true,"dokku":true}}"#
        );
        let query = filters_query(&filters);
        assert!(
            query
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"%._~-".contains(&b)),
            "{query}"
        );
        assert!(query.starts_with("%7B%22dangling%22%3A"), "{query}");
        assert_eq!(percent_encode("a b\r\n/é"), "a%20b%0D%0A%2F%C3%A9");
    }

    /// A fake engine on a unix socket: answers each connection from `replies` in
    /// turn and records the request lines (and bodies) it saw.
    fn fake_engine(
        replies: Vec<&'static str>,
    ) -> (tempfile::TempDir, std::thread::JoinHandle<Vec<String>>) {
        use std::io::{BufRead, BufReader, Write};
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("engine.sock");
        let listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
        let server = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for reply in replies {
                let (mut conn, _) = listener.accept().expect("accept");
                let mut reader = BufReader::new(conn.try_clone().expect("clone"));
                let mut length = 0usize;
                let mut first = String::new();
                reader.read_line(&mut first).expect("request line");
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).expect("header");
                    if line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.trim().parse().expect("length");
                    }
                }
                let mut body = vec![0u8; length];
                reader.read_exact(&mut body).expect("body");
                seen.push(format!(
                    "{}{}",
                    first.trim_end(),
                    String::from_utf8_lossy(&body)
                ));
                let (status, text) = reply.split_once('|').expect("status|body");
                conn.write_all(
                    format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\n\r\n{text}",
                        text.len()
                    )
                    .as_bytes(),
                )
                .expect("reply");
            }
            seen
        });
        (dir, server)
    }

    fn answered(line: &str, replies: Vec<&'static str>) -> (Option<CallResult>, Vec<String>) {
        let (dir, server) = fake_engine(replies);
        let args = shapes::tests::words(line);
        let shape = shapes::parse(&args).expect("a shape");
        let socket = dir.path().join("engine.sock");
        let engine = Engine {
            socket: &socket,
            prefix: "/v1.41",
        };
        let result = answer(&engine, &shape);
        (result, server.join().expect("server"))
    }

    #[test]
    fn each_shape_sends_its_request_and_prints_as_the_cli() {
        let (r, seen) = answered(
            "container ls --quiet --all --filter label=dokku",
            vec![r#"200|[{"Id":"0123456789abcdef"}]"#],
        );
        assert_eq!(r, Some(ok("0123456789ab\n".into())));
        assert_eq!(
            seen,
            ["GET /v1.41/containers/json?all=1&filters=%7B%22label%22%3A%7B%22dokku%22%3Atrue%7D%7D HTTP/1.1"]
        );

        let (r, seen) = answered(
            "image inspect --format {{json .Config.Labels}} dokku/web:latest",
            vec![r#"200|{"Id":"sha256:ab","Config":{"Labels":{"z":"1","a":"2"}}}"#],
        );
        assert_eq!(r, Some(ok("{\"a\":\"2\",\"z\":\"1\"}\n".into())));
        assert_eq!(seen, ["GET /v1.41/images/dokku/web:latest/json HTTP/1.1"]);

        let (r, _) = answered(
            "image inspect --format {{json .Config.ExposedPorts}} busybox",
            vec![r#"200|{"Id":"sha256:ab","Config":{"Labels":null}}"#],
        );
        assert_eq!(r, Some(ok("null\n".into())), "a field the engine left out");

        let (r, _) = answered(
            "image inspect --format {{.Id}} nosuch",
            vec![r#"404|{"message":"No such image: nosuch:latest"}"#],
        );
        assert_eq!(
            r,
            Some(CallResult {
                code: 1,
                stdout: "\n".into(),
                stderr: "Error response from daemon: No such image: nosuch:latest\n".into()
            })
        );

        let (r, seen) = answered(
            "container inspect a gone",
            vec![
                "200|{\"Id\":\"a\"}\n",
                r#"404|{"message":"No such container: gone"}"#,
            ],
        );
        assert_eq!(
            r,
            Some(CallResult {
                code: 1,
                stdout: "[\n    {\n        \"Id\": \"a\"\n    }\n]\n".into(),
                stderr: "Error response from daemon: No such container: gone\n".into()
            })
        );
        assert_eq!(seen.len(), 2);

        let (r, seen) = answered(
            "container update --restart=on-failure:3 abc",
            vec![r#"200|{"Warnings":["careful"]}"#],
        );
        assert_eq!(
            r,
            Some(CallResult {
                code: 0,
                stdout: "abc\n".into(),
                stderr: "careful\n".into()
            })
        );
        assert_eq!(
            seen,
            [
                r#"POST /v1.41/containers/abc/update HTTP/1.1{"RestartPolicy":{"MaximumRetryCount":3,"Name":"on-failure"}}"#
            ]
        );

        let (r, _) = answered(
            "container start nosuch",
            vec![r#"404|{"message":"No such container: nosuch"}"#],
        );
        assert_eq!(
            r.expect("answered").stderr,
            "Error response from daemon: No such container: nosuch\n\
             Error: failed to start containers: nosuch\n"
        );
        let (r, _) = answered("container start a", vec!["304|"]);
        assert_eq!(r, Some(ok("a\n".into())));

        let (r, seen) = answered(
            "container rm --force a gone b",
            vec![
                "204|",
                r#"404|{"message":"No such container: gone"}"#,
                "204|",
            ],
        );
        assert_eq!(
            r,
            Some(CallResult {
                code: 0,
                stdout: "a\nb\n".into(),
                stderr: "Error response from daemon: No such container: gone\n".into()
            })
        );
        assert_eq!(seen[0], "DELETE /v1.41/containers/a?force=1 HTTP/1.1");

        let (r, _) = answered(
            "image rm x:1 used",
            vec![
                r#"200|[{"Untagged":"x:1"},{"Deleted":"sha256:ab"}]"#,
                r#"409|{"message":"conflict: unable to remove"}"#,
            ],
        );
        assert_eq!(
            r,
            Some(CallResult {
                code: 1,
                stdout: "Untagged: x:1\nDeleted: sha256:ab\n".into(),
                stderr: "Error response from daemon: conflict: unable to remove\n".into()
            })
        );

        let (r, seen) = answered("image tag abc dokku/web:2", vec!["201|"]);
        assert_eq!(r, Some(ok(String::new())));
        assert_eq!(
            seen,
            ["POST /v1.41/images/abc/tag?repo=dokku%2Fweb&tag=2 HTTP/1.1"]
        );

        let (r, seen) = answered(
            "container stop -t=5 a",
            vec![r#"500|{"message":"cannot stop"}"#],
        );
        assert_eq!(
            r,
            Some(CallResult {
                code: 1,
                stdout: String::new(),
                stderr: "Error response from daemon: cannot stop\n".into()
            })
        );
        assert_eq!(seen, ["POST /v1.41/containers/a/stop?t=5 HTTP/1.1"]);

        let (r, _) = answered(
            "system info --format {{ .LoggingDriver }}",
            vec![r#"200|{"LoggingDriver":"journald"}"#],
        );
        assert_eq!(r, Some(ok("journald\n".into())));
    }

    #[test]
    fn an_engine_that_is_not_there_leaves_the_call_to_the_cli() {
        let env: EnvMap = [(
            "DOCKER_HOST".to_string(),
            "unix:///nonexistent/docker.sock".to_string(),
        )]
        .into();
        let call = Call::new(["container", "start", "a"]);
        assert_eq!(try_call("docker", &env, &call), None);
        assert_eq!(
            try_call("docker", &env, &Call::new(["container", "rm", "a", "b"])),
            None
        );
        // Never for a streamed call or one that reads our stdin.
        let ours: EnvMap = EnvMap::new();
        assert_eq!(try_call("docker", &ours, &call.clone().streamed()), None);
        assert_eq!(try_call("docker", &ours, &call.with_stdin()), None);
    }
}
