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

pub(crate) mod base_images;
pub(crate) mod calls;
pub(crate) mod chunked;
pub(crate) mod context;
pub(crate) mod http;
pub(crate) mod ping;
mod reach;
mod render;
pub(crate) mod request;
mod shapes;
pub(crate) mod trace;

#[cfg(test)]
mod fuzz;

use std::io::{BufReader, Read, Write};
use std::path::Path;

use super::{Call, CallResult, Output};
use crate::settings::EnvMap;

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
    let trace = var(crate::env::DOKKU_TRACE).is_some_and(|v| !v.is_empty());
    // Why the CLI builds instead, for DOKKU_TRACE (an operator wondering why a build
    // is slow, or looks different).
    let to_cli = |reason: &str| {
        if trace {
            eprintln!("+ docker image build through the CLI: {reason}");
        }
        None
    };
    let request = match request::translate(args, &cwd, &|k| var(k)) {
        Ok(request) => request,
        Err(flag) => return to_cli(&format!("{flag} has no engine form")),
    };
    let Some(ping) = ping::ping(&socket).filter(|p| p.buildkit) else {
        return to_cli("the engine offers no BuildKit");
    };
    let prefix = ping.prefix();
    let packed = match context::pack(&request.context, request.dockerfile.as_deref()) {
        Ok(packed) => packed,
        Err(e) => return to_cli(&e.to_string()),
    };
    if let Err(reason) = bases_are_local(&socket, &prefix, &request, &packed) {
        return to_cli(&reason);
    }
    Some(build(&socket, &prefix, &request, packed, call.output))
}

/// The largest Dockerfile read for its base images; a larger one goes to the CLI.
const MAX_DOCKERFILE: u64 = 1 << 20;

/// `Ok` when every image the Dockerfile names is in the engine's image store: the
/// engine cannot pull them itself (see [`base_images`]).
fn bases_are_local(
    socket: &Path,
    prefix: &str,
    request: &request::BuildRequest,
    packed: &context::Packed,
) -> Result<(), String> {
    let path = request.context.join(&packed.dockerfile);
    let mut text = String::new();
    std::fs::File::open(&path)
        .and_then(|f| f.take(MAX_DOCKERFILE + 1).read_to_string(&mut text))
        .map_err(|e| format!("reading {}: {e}", path.display()))?;
    if text.len() as u64 > MAX_DOCKERFILE {
        return Err(format!("{} is over {MAX_DOCKERFILE} bytes", path.display()));
    }
    for image in base_images::needed(&text, &request.build_args)? {
        if !image_is_local(socket, prefix, &image) {
            return Err(format!(
                "the image {image} is not on the engine (the CLI pulls it)"
            ));
        }
    }
    Ok(())
}

/// Whether the engine has `image` (`GET /images/NAME/json`). The name comes from
/// the pushed Dockerfile: it reaches the request line only through the check every
/// engine call's path value passes (`shapes::path_value`).
fn image_is_local(socket: &Path, prefix: &str, image: &str) -> bool {
    let Some(image) = shapes::path_value(image) else {
        return false;
    };
    let target = format!("{prefix}/images/{image}/json");
    http::request(socket, "GET", &target, None, Some(ping::TIMEOUT))
        .map(|r| r.status == 200)
        .unwrap_or(false)
}

/// Sends the build and renders its answer as it comes.
fn build(
    socket: &Path,
    prefix: &str,
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
    let target = request.target(prefix, &packed.dockerfile);
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
            sink.hint(CLI_HINT);
        }
        Err(e) => {
            sink.error(&format!(
                "talking to the engine at {}: {e}",
                socket.display()
            ));
            sink.hint(CLI_HINT);
        }
    }
    sink.finish()
}

/// What an operator can do when the engine itself fails a build (not a step of it).
const CLI_HINT: &str =
    "export DOCKER_BUILDKIT=0 in a file of ~dokku/.dokkurc/ to build with the docker CLI";

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

    /// A `hint:` line after an error, on the error's stream.
    fn hint(&mut self, hint: &str) {
        let line = format!("hint: {hint}\n");
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
        // An engine that would answer: none of these may even connect to it.
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("engine.sock");
        let listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
        let host = format!("unix://{}", socket.display());
        let env = |pairs: &[(&str, &str)]| -> EnvMap {
            let mut env: EnvMap = [("DOCKER_HOST".to_string(), host.clone())].into();
            env.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            env
        };
        let call = Call::new(["image", "build", "--tag", "x", "."]);
        assert_eq!(
            try_build("/usr/local/bin/docker-wrapper", &env(&[]), &call),
            None
        );
        assert_eq!(
            try_build("docker", &env(&[("DOCKER_BUILDKIT", "0")]), &call),
            None
        );
        let on_in_env_off_in_call = call
            .clone()
            .with_env(vec![("DOCKER_BUILDKIT".into(), "false".into())]);
        assert_eq!(try_build("docker", &env(&[]), &on_in_env_off_in_call), None);
        assert_eq!(
            try_build("docker", &env(&[("DOKKU_DOCKER_API", "0")]), &call),
            None
        );
        let remote: EnvMap = [("DOCKER_HOST".to_string(), "tcp://h:2375".to_string())].into();
        assert_eq!(try_build("docker", &remote, &call), None);
        let secret = Call::new(["image", "build", "--secret", "id=a", "."]);
        assert_eq!(try_build("docker", &env(&[]), &secret), None);
        listener.set_nonblocking(true).expect("nonblocking");
        assert_eq!(
            listener.accept().map(|_| ()).map_err(|e| e.kind()),
            Err(std::io::ErrorKind::WouldBlock),
            "a call that belongs to the CLI reached the engine"
        );
        // No engine answering the ping: the CLI again.
        let nowhere: EnvMap = [(
            "DOCKER_HOST".to_string(),
            "unix:///nonexistent/docker.sock".to_string(),
        )]
        .into();
        assert_eq!(try_build("docker", &nowhere, &call), None);
    }

    #[test]
    fn a_refused_build_says_why_and_how_to_use_the_cli() {
        use std::io::{BufRead, BufReader as Reader};
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").expect("Dockerfile");
        let socket = dir.path().join("engine.sock");
        let listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
        let engine = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = Reader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let body = r#"{"message":"client version 1.41 is too old"}"#;
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        });
        let args: Vec<String> = ["-t", "x", "."].map(String::from).to_vec();
        let request = request::translate(&args, dir.path(), &|_| None).expect("translate");
        let packed = context::pack(&request.context, None).expect("pack");
        let result = build(&socket, "/v1.41", &request, packed, Output::Capture);
        engine.join().expect("engine");
        assert_eq!(result.code, 1, "{result:?}");
        assert!(
            result.stderr.starts_with(
                "ERROR: the engine refused the build (400): client version 1.41 is too old\n"
            ),
            "{result:?}"
        );
        assert!(
            result.stderr.ends_with(&format!("hint: {CLI_HINT}\n")),
            "{result:?}"
        );
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
