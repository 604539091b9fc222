//! The Docker Engine API over its unix socket, in place of the `docker` CLI where
//! we can answer exactly as the CLI would.
//!
//! Image builds go to the engine's own BuildKit (`POST /build?version=2`): the CLI
//! here may lack buildx, which leaves it the legacy builder: one container commit per
//! metadata instruction and per `--label`, seconds per build. [`try_build`] sends the
//! context itself and renders BuildKit's progress as `--progress=plain` does.
//! Common queries and container/image operations ([`calls::try_call`]) skip the
//! client's 15-30 ms start-up. Anything we cannot do as the CLI would (a flag with no
//! engine form, a remote engine or docker context, no BuildKit, an operator's wrapper
//! client, `DOKKU_DOCKER_API=0`: see `reach`) is left to the CLI: `None`.

pub(crate) mod calls;
pub(crate) mod chunked;
pub(crate) mod context;
pub(crate) mod http;
mod reach;
mod render;
pub(crate) mod request;
mod shapes;
pub(crate) mod trace;

#[cfg(test)]
mod fuzz;

use std::io::{BufReader, Read, Write};
use std::path::Path;
use std::time::Duration;

use super::{Call, CallResult, Output};
use crate::settings::EnvMap;

/// How long `/_ping` may take before the CLI gets the build instead.
const PING_TIMEOUT: Duration = Duration::from_secs(5);

/// The client's variable `key` as the CLI would see it: `call.env` over `env`.
fn client_var(env: &EnvMap, call: &Call, key: &str) -> Option<String> {
    call.env
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .or_else(|| env.get(key).cloned())
}

/// Runs `call` (`image build ARGS`) through the engine when every condition holds
/// (see the module doc); `None` leaves it to the CLI `bin`. `env` is the client's
/// environment, which `call.env` extends as it does for the CLI.
pub(crate) fn try_build(bin: &str, env: &EnvMap, call: &Call) -> Option<CallResult> {
    let var = |key: &str| client_var(env, call, key);
    if !reach::enabled(var("DOCKER_BUILDKIT").as_deref()) {
        return None;
    }
    let socket = reach::socket(bin, &var)?;
    let args = match call.args.as_slice() {
        [image, build, rest @ ..] if image == "image" && build == "build" => rest,
        [build, rest @ ..] if build == "build" => rest,
        _ => return None,
    };
    let cwd = match &call.cwd {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().ok()?,
    };
    let request = request::translate(args, &cwd, &|k| var(k)).ok()?;
    if !has_buildkit(&socket) {
        return None;
    }
    let packed = context::pack(&request.context, request.dockerfile.as_deref()).ok()?;
    Some(build(&socket, &request, packed, call.output))
}

/// Whether the engine's `/_ping` answer says it builds with BuildKit.
fn has_buildkit(socket: &Path) -> bool {
    http::request(socket, "GET", "/_ping", None, Some(PING_TIMEOUT))
        .map(|r| offers_buildkit(&r))
        .unwrap_or(false)
}

/// `Builder-Version: 2` is BuildKit, `1` an engine set to the legacy builder
/// (`"features": {"buildkit": false}`). Without the header (Docker 20.10 sends it only
/// when daemon.json sets that feature either way) a Linux engine of API 1.39
/// (18.09) or later still has BuildKit built in and serves `version=2` builds.
fn offers_buildkit(ping: &http::Response) -> bool {
    if ping.status != 200 {
        return false;
    }
    match ping.header("builder-version") {
        Some(version) => version.trim() == "2",
        None => {
            let api = ping.header("api-version").and_then(|v| {
                let (major, minor) = v.trim().split_once('.')?;
                Some((major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?))
            });
            ping.header("ostype") == Some("linux") && api.is_some_and(|v| v >= (1, 39))
        }
    }
}

/// Sends the build and renders its answer as it comes.
fn build(
    socket: &Path,
    request: &request::BuildRequest,
    mut packed: context::Packed,
    output: Output,
) -> CallResult {
    let mut sink = Sink::new(output);
    let body = http::Body {
        content_type: "application/x-tar",
        reader: &mut packed.file,
        len: packed.len,
    };
    let target = request.target(&packed.dockerfile);
    match http::request(socket, "POST", &target, Some(body), None) {
        Ok(response) if response.status == 200 => {
            follow(BufReader::new(response.body), &mut sink);
        }
        Ok(mut response) => {
            let mut text = String::new();
            let _ = response.body.read_to_string(&mut text);
            let message = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_string))
                .unwrap_or(text);
            sink.error(&format!(
                "the engine refused the build ({}): {}",
                response.status,
                message.trim()
            ));
        }
        Err(e) => sink.error(&format!(
            "talking to the engine at {}: {e}",
            socket.display()
        )),
    }
    sink.finish()
}

/// Renders the engine's stream of JSON messages into `sink`.
fn follow<R: Read>(body: R, sink: &mut Sink) {
    let mut renderer = trace::Renderer::new();
    let mut image = None;
    for message in serde_json::Deserializer::from_reader(body).into_iter::<serde_json::Value>() {
        let message = match message {
            Ok(m) => m,
            Err(e) => {
                sink.error(&format!("reading the engine's answer: {e}"));
                return;
            }
        };
        if let Some(error) = message["error"].as_str() {
            sink.error(error);
            return;
        }
        if let Some(text) = message["stream"].as_str() {
            sink.text(text);
        }
        match message["id"].as_str() {
            Some("moby.buildkit.trace") => {
                let decoded = message["aux"]
                    .as_str()
                    .and_then(|a| crate::config::base64::decode(a).ok())
                    .and_then(|bytes| trace::decode(&bytes).ok());
                // A malformed progress message is skipped; the result still counts.
                if let Some(status) = decoded {
                    for line in renderer.render(&status) {
                        sink.line(&line);
                    }
                }
            }
            Some("moby.image.id") => {
                image = message["aux"]["ID"].as_str().map(str::to_string);
            }
            _ => {}
        }
    }
    // BuildKit's own exporting step already showed the image's id and names.
    if image.is_none() {
        sink.error("the engine's answer ended without an image");
    }
}

/// Where rendered output goes: the user's terminal as it comes, or the result.
struct Sink {
    output: Output,
    result: CallResult,
}

impl Sink {
    fn new(output: Output) -> Sink {
        Sink {
            output,
            result: CallResult::default(),
        }
    }

    fn text(&mut self, text: &str) {
        match self.output {
            Output::Stream => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
            Output::Capture => self.result.stdout.push_str(text),
        }
    }

    fn line(&mut self, line: &str) {
        self.text(&format!("{line}\n"));
    }

    /// The build failed: exit code 1, the reason on stderr as the CLI shows it.
    fn error(&mut self, message: &str) {
        self.result.code = 1;
        let line = format!("ERROR: {}\n", message.trim_end());
        match self.output {
            Output::Stream => {
                let _ = std::io::stderr().write_all(line.as_bytes());
            }
            Output::Capture => self.result.stderr.push_str(&line),
        }
    }

    fn finish(self) -> CallResult {
        self.result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapper_client_disabled_buildkit_or_a_foreign_flag_leave_the_build_to_the_cli() {
        let call = Call::new(["image", "build", "--tag", "x", "."]);
        assert_eq!(
            try_build("/usr/local/bin/docker-wrapper", &EnvMap::new(), &call),
            None
        );
        let off: EnvMap = [("DOCKER_BUILDKIT".to_string(), "0".to_string())].into();
        assert_eq!(try_build("docker", &off, &call), None);
        let on_in_env_off_in_call = call
            .clone()
            .with_env(vec![("DOCKER_BUILDKIT".into(), "false".into())]);
        assert_eq!(
            try_build("docker", &EnvMap::new(), &on_in_env_off_in_call),
            None
        );
        let opted_out: EnvMap = [("DOKKU_DOCKER_API".to_string(), "0".to_string())].into();
        assert_eq!(try_build("docker", &opted_out, &call), None);
        let remote: EnvMap = [("DOCKER_HOST".to_string(), "tcp://h:2375".to_string())].into();
        assert_eq!(try_build("docker", &remote, &call), None);
        let secret = Call::new(["image", "build", "--secret", "id=a", "."]);
        let nowhere: EnvMap = [(
            "DOCKER_HOST".to_string(),
            "unix:///nonexistent/docker.sock".to_string(),
        )]
        .into();
        assert_eq!(try_build("docker", &nowhere, &secret), None);
        // No engine answering the ping: the CLI again.
        assert_eq!(try_build("docker", &nowhere, &call), None);
    }

    #[test]
    fn the_ping_tells_whether_the_engine_builds_with_buildkit() {
        let offers = |head: &'static str| {
            let ping =
                http::read_response(std::io::Cursor::new(head.as_bytes())).expect("a ping answer");
            offers_buildkit(&ping)
        };
        assert!(offers(
            "HTTP/1.1 200 OK\r\nBuilder-Version: 2\r\nApi-Version: 1.38\r\n\r\n"
        ));
        assert!(!offers(
            "HTTP/1.1 200 OK\r\nBuilder-Version: 1\r\nApi-Version: 1.41\r\nOstype: linux\r\n\r\n"
        ));
        assert!(offers(
            "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nOstype: linux\r\n\r\n"
        ));
        assert!(!offers(
            "HTTP/1.1 200 OK\r\nApi-Version: 1.38\r\nOstype: linux\r\n\r\n"
        ));
        assert!(!offers(
            "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nOstype: windows\r\n\r\n"
        ));
        assert!(!offers(
            "HTTP/1.1 500 Internal Server Error\r\nBuilder-Version: 2\r\n\r\n"
        ));
    }

    fn followed(body: &str) -> CallResult {
        let mut sink = Sink::new(Output::Capture);
        follow(body.as_bytes(), &mut sink);
        sink.finish()
    }

    #[test]
    fn the_answer_stream_becomes_progress_or_an_error() {
        use trace::encode::{bytes, timestamp};
        let mut vertex = Vec::new();
        bytes(1, b"d", &mut vertex);
        bytes(3, b"[1/1] FROM busybox", &mut vertex);
        bytes(5, &timestamp(1, 0), &mut vertex);
        let mut status = Vec::new();
        bytes(1, &vertex, &mut status);
        // That status as the engine sends it (Go's JSON of []byte: padded base64).
        let aux = "Ch0KAWQaElsxLzFdIEZST00gYnVzeWJveCoECAEQAA==";
        assert_eq!(crate::config::base64::decode(aux), Ok(status));
        let ok = followed(&format!(
            "{{\"stream\":\"Step note\\n\"}}\r\n{{\"id\":\"moby.buildkit.trace\",\"aux\":\"{aux}\"}}\n\
             {{\"id\":\"moby.buildkit.trace\",\"aux\":\"not base64!\"}}\n\
             {{\"id\":\"moby.image.id\",\"aux\":{{\"ID\":\"sha256:abc\"}}}}\n"
        ));
        assert_eq!(ok.code, 0, "{ok:?}");
        assert_eq!(ok.stdout, "Step note\n#1 [1/1] FROM busybox\n");
        let failed = followed(
            r#"{"error":"failed to solve: exit code: 1","errorDetail":{"message":"failed to solve: exit code: 1"}}"#,
        );
        assert_eq!(failed.code, 1);
        assert_eq!(failed.stderr, "ERROR: failed to solve: exit code: 1\n");
        let cut = followed(r#"{"stream":"a"}{"str"#);
        assert_eq!(cut.code, 1);
        assert!(
            cut.stderr.starts_with("ERROR: reading the engine's answer"),
            "{cut:?}"
        );
        let empty = followed("");
        assert_eq!(
            empty.stderr,
            "ERROR: the engine's answer ended without an image\n"
        );
    }
}
