//! The default check of a `web` process that has no `app.json` healthchecks:
//! readiness instead of Dokku's fixed wait.
//!
//! Dokku waits `default-wait` seconds (10) and only then asks whether the container
//! is still running, so every deploy costs ten seconds and a process that is slow to
//! listen still gets traffic. Here the check polls the container's web port every
//! 100 ms with an HTTP GET of `/` and is satisfied by the first answer with a status
//! below 500 (a 404 or a redirect is an answering app; a 502 or 503 is not ready),
//! waiting at most `default-wait` seconds, the length of Dokku's wait, and never
//! less than Dokku's default of 10 (operators lower `default-wait` to shorten the
//! fixed wait, which must not make a slower-booting app fail here). An uptime
//! guard (`uptime-guard` seconds, default 2, counted from the container's start:
//! [`super::guard`]) follows, which catches a process that answers once and then
//! dies.
//!
//! Properties (plugin `checks`, app then global): `default-mode` (`readiness`, the
//! default, or `uptime` for Dokku's fixed wait) and `uptime-guard`. Non-web process
//! types always get the uptime check.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use crate::docker::Docker;
use crate::property::{PropertyStore, GLOBAL};

use super::healthcheck::Target;
use super::PLUGIN;

/// The property naming the default check's mode.
pub const MODE_KEY: &str = "default-mode";
/// The property holding the uptime guard, seconds.
pub const GUARD_KEY: &str = "uptime-guard";
/// Default `uptime-guard`, seconds.
pub const DEFAULT_UPTIME_GUARD: u64 = 2;
/// Largest `uptime-guard` accepted, seconds: a longer guard is a fixed wait again.
pub const MAX_UPTIME_GUARD: u64 = 600;
/// Time between two probes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Longest one probe waits to connect and for the whole answer: a server that
/// accepts and then hangs is asked again rather than holding the check.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// Most bytes of an answer read before its status line must have come.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How often the container's state is asked while its port does not answer: a
/// process that died fails the check at once instead of at the cap.
const INSPECT_EVERY: Duration = Duration::from_secs(1);

/// What the default check of a web process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultMode {
    /// Wait until the port answers HTTP below 500, then the uptime guard.
    Readiness,
    /// Dokku's fixed wait: `default-wait` seconds of uptime.
    Uptime,
}

impl DefaultMode {
    /// Every mode's name, as `checks:set` accepts them.
    pub const NAMES: [&'static str; 2] = ["readiness", "uptime"];

    /// The mode named `value`, if any.
    pub fn parse(value: &str) -> Option<DefaultMode> {
        match value.trim() {
            "readiness" => Some(DefaultMode::Readiness),
            "uptime" => Some(DefaultMode::Uptime),
            _ => None,
        }
    }

    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            DefaultMode::Readiness => "readiness",
            DefaultMode::Uptime => "uptime",
        }
    }
}

/// `default-mode`: app, then global, then readiness. A value that is not a mode (a
/// hand-edited file; `checks:set` refuses one) reads as the default.
pub fn default_mode(props: &PropertyStore, app: &str) -> DefaultMode {
    crate::deploy::prop_app_or_global(props, PLUGIN, app, MODE_KEY)
        .and_then(|v| DefaultMode::parse(&v))
        .unwrap_or(DefaultMode::Readiness)
}

/// `uptime-guard`: app, then global, then 2 seconds.
pub fn uptime_guard(props: &PropertyStore, app: &str) -> u64 {
    crate::deploy::prop_app_or_global(props, PLUGIN, app, GUARD_KEY)
        .and_then(|v| v.trim().parse().ok())
        .filter(|s| *s <= MAX_UPTIME_GUARD)
        .unwrap_or(DEFAULT_UPTIME_GUARD)
}

/// How long the readiness check waits for an answer at most: `default-wait`
/// seconds, and at least Dokku's default of 10.
pub fn cap(props: &PropertyStore) -> Duration {
    Duration::from_secs(super::default_wait(props).max(super::DEFAULT_UPTIME_WAIT))
}

/// The raw value of `key` for `app` (or `--global`), empty when unset: a report value.
pub fn raw(props: &PropertyStore, app: &str, key: &str) -> String {
    props
        .get(PLUGIN, app, key)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// The global raw value of `key`, empty when unset.
pub fn raw_global(props: &PropertyStore, key: &str) -> String {
    raw(props, GLOBAL, key)
}

/// A value `checks:set` refuses: what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadValue {
    /// One line naming the key and the value.
    pub message: String,
    /// The fix.
    pub hint: String,
}

/// Checks a value for `default-mode`, `uptime-guard` or `default-wait`; other keys
/// pass.
pub fn check_value(key: &str, value: &str) -> Result<(), BadValue> {
    match key {
        "default-wait" if value.parse::<u64>().is_err() => Err(BadValue {
            message: format!("Invalid value for {key}: '{value}'"),
            hint: "give a whole number of seconds".into(),
        }),
        MODE_KEY if DefaultMode::parse(value).is_none() => Err(BadValue {
            message: format!("Invalid value for {MODE_KEY}: '{value}'"),
            hint: format!("use one of: {}", DefaultMode::NAMES.join(", ")),
        }),
        GUARD_KEY
            if value
                .parse::<u64>()
                .ok()
                .filter(|s| *s <= MAX_UPTIME_GUARD)
                .is_none() =>
        {
            Err(BadValue {
                message: format!("Invalid value for {GUARD_KEY}: '{value}'"),
                hint: format!("give a whole number of seconds from 0 to {MAX_UPTIME_GUARD}"),
            })
        }
        _ => Ok(()),
    }
}

/// The first answer of a ready container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ready {
    /// Its HTTP status.
    pub status: u16,
    /// Time from the first probe to the answer.
    pub after: Duration,
}

/// Why a container was not ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The port gave no answer below 500 within the cap; `last` is the last probe's
    /// failure.
    NoAnswer {
        /// The port probed.
        port: u16,
        /// The cap.
        cap: Duration,
        /// The last probe's failure.
        last: String,
    },
    /// The container stopped, restarted or vanished before answering.
    Died {
        /// The port probed.
        port: u16,
        /// What happened to the container.
        reason: String,
    },
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::NoAnswer { port, cap, last } => write!(
                f,
                "port {port} never answered HTTP below 500 within {}s (last attempt: {last})",
                cap.as_secs()
            ),
            NotReady::Died { port, reason } => {
                write!(f, "{reason} before port {port} answered")
            }
        }
    }
}

/// Polls `GET /` on the target's port every `interval` until an answer below 500,
/// for at most `cap`. The container's state is read once a second while nothing
/// answers, so a process that exits fails the check at once.
pub fn wait_ready(
    docker: &Docker,
    target: &Target<'_>,
    cap: Duration,
    interval: Duration,
) -> Result<Ready, NotReady> {
    let port = target.port;
    let addr = address(target.ip, port).map_err(|last| NotReady::NoAnswer { port, cap, last })?;
    let host = target
        .host_header
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}:{port}", target.ip));
    let start = Instant::now();
    let deadline = start + cap;
    let mut last_inspect: Option<Instant> = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let timeout = left.clamp(Duration::from_millis(1), PROBE_TIMEOUT);
        let last = match status_of(addr, &host, timeout) {
            Ok(status) if status < 500 => {
                return Ok(Ready {
                    status,
                    after: start.elapsed(),
                })
            }
            Ok(status) => format!("GET / answered HTTP {status}"),
            Err(e) => e,
        };
        if last_inspect.is_none_or(|at| at.elapsed() >= INSPECT_EVERY) {
            last_inspect = Some(Instant::now());
            if let Err(reason) = alive(docker, target.cid) {
                return Err(NotReady::Died { port, reason });
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(NotReady::NoAnswer { port, cap, last });
        }
        std::thread::sleep(interval.min(deadline - now));
    }
}

/// The status of `GET /` at `addr`. Only the status line is read: a server that
/// keeps the connection open after its answer (or sends a long body) is ready as
/// soon as that line is in. The container is untrusted: any bytes give a status or
/// a one-line error.
fn status_of(addr: SocketAddr, host: &str, timeout: Duration) -> Result<u16, String> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let _ = stream.set_read_timeout(Some(timeout));
    let _ = stream.set_write_timeout(Some(timeout));
    let request = format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: dokku-healthcheck\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("cannot send a request to {addr}: {e}"))?;
    let mut head: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.contains(&b'\n') && head.len() < MAX_HEAD_BYTES {
        let n = stream
            .read(&mut buf)
            .map_err(|e| format!("no answer from {addr}: {e}"))?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    if head.is_empty() {
        return Err(format!("{addr} closed the connection without an answer"));
    }
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    match (
        words.next(),
        words.next().and_then(|c| c.parse::<u16>().ok()),
    ) {
        (Some(version), Some(status)) if version.starts_with("HTTP/") => Ok(status),
        _ => Err(format!("{addr} answered something that is not HTTP")),
    }
}

/// `Ok` while the container runs and has not restarted.
fn alive(docker: &Docker, cid: &str) -> Result<(), String> {
    let Some(info) = docker.container_inspect(cid) else {
        return Err("the container no longer exists".into());
    };
    match super::down_state(&info) {
        None => Ok(()),
        Some(super::Down::Restarted(n)) => Err(format!("the container restarted {n} times")),
        Some(super::Down::Exited(code)) => Err(format!("the container exited (exit code {code})")),
    }
}

fn address(ip: &str, port: u16) -> Result<SocketAddr, String> {
    (ip, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| format!("bad container address {ip}:{port}"))
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;
    use crate::docker::fake::FakeDocker;

    const RUNNING: &str = r#"[{"Id":"c","Name":"/x","RestartCount":0,"State":{"Running":true,"Status":"running","ExitCode":0,"StartedAt":""},"Config":{},"NetworkSettings":{}}]"#;
    const EXITED: &str = r#"[{"Id":"c","Name":"/x","RestartCount":0,"State":{"Running":false,"Status":"exited","ExitCode":3,"StartedAt":""},"Config":{},"NetworkSettings":{}}]"#;

    fn target(port: u16) -> Target<'static> {
        Target {
            cid: "c",
            ip: "127.0.0.1",
            port,
            host_header: Some("app.example"),
        }
    }

    /// A loopback server answering each connection with the next status in turn;
    /// returns its port and the Host headers it saw.
    fn server(statuses: &'static [u16]) -> (u16, std::thread::JoinHandle<Vec<String>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let handle = std::thread::spawn(move || {
            let mut hosts = Vec::new();
            for status in statuses {
                let (mut s, _) = listener.accept().expect("accept");
                let mut buf = [0u8; 2048];
                let n = s.read(&mut buf).unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).into_owned();
                hosts.extend(
                    request
                        .lines()
                        .filter_map(|l| l.strip_prefix("Host: "))
                        .map(str::to_string),
                );
                let _ = write!(s, "HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n");
            }
            hosts
        });
        (port, handle)
    }

    #[test]
    fn modes_and_guard_read_app_then_global() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        assert_eq!(default_mode(&props, "a"), DefaultMode::Readiness);
        assert_eq!(uptime_guard(&props, "a"), 2);
        assert_eq!(cap(&props), Duration::from_secs(10));
        props
            .write(PLUGIN, GLOBAL, "default-wait", "0")
            .expect("write");
        assert_eq!(cap(&props), Duration::from_secs(10), "never below 10");
        props
            .write(PLUGIN, GLOBAL, "default-wait", "45")
            .expect("write");
        assert_eq!(cap(&props), Duration::from_secs(45));
        props
            .write(PLUGIN, GLOBAL, MODE_KEY, "uptime")
            .expect("write");
        props.write(PLUGIN, GLOBAL, GUARD_KEY, "5").expect("write");
        assert_eq!(default_mode(&props, "a"), DefaultMode::Uptime);
        assert_eq!(uptime_guard(&props, "a"), 5);
        props
            .write(PLUGIN, "a", MODE_KEY, "readiness")
            .expect("write");
        props.write(PLUGIN, "a", GUARD_KEY, "0").expect("write");
        assert_eq!(default_mode(&props, "a"), DefaultMode::Readiness);
        assert_eq!(uptime_guard(&props, "a"), 0);
        assert_eq!(default_mode(&props, "b"), DefaultMode::Uptime);
        props.write(PLUGIN, "b", MODE_KEY, "bogus").expect("write");
        assert_eq!(default_mode(&props, "b"), DefaultMode::Readiness);
    }

    #[test]
    fn set_values_are_checked() {
        assert!(check_value(MODE_KEY, "uptime").is_ok());
        assert!(check_value(MODE_KEY, "readiness").is_ok());
        let bad = check_value(MODE_KEY, "fast").expect_err("not a mode");
        assert_eq!(bad.message, "Invalid value for default-mode: 'fast'");
        assert_eq!(bad.hint, "use one of: readiness, uptime");
        assert!(check_value(GUARD_KEY, "0").is_ok());
        assert!(check_value(GUARD_KEY, "600").is_ok());
        for bad in ["-1", "2s", "601", "1.5", ""] {
            assert!(check_value(GUARD_KEY, bad).is_err(), "{bad}");
        }
        assert!(check_value("default-wait", "0").is_ok());
        assert!(check_value("default-wait", "soon").is_err());
        assert!(check_value("wait-to-retire", "anything").is_ok());
    }

    #[test]
    fn waits_past_errors_for_the_first_answer_below_500() {
        let (port, server) = server(&[503, 502, 404]);
        let fake = FakeDocker::new();
        fake.respond_ok(&["container", "inspect"], RUNNING);
        let ready = wait_ready(
            &fake.docker(),
            &target(port),
            Duration::from_secs(30),
            Duration::from_millis(1),
        )
        .expect("ready");
        assert_eq!(ready.status, 404);
        assert_eq!(server.join().expect("server"), vec!["app.example"; 3]);
    }

    /// A server that answers and keeps the connection open is ready at once, and
    /// one that speaks another protocol is not ready.
    #[test]
    fn only_the_status_line_counts() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = std::thread::spawn(move || {
            let mut held = Vec::new();
            for answer in [
                &b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial"[..],
                b"+OK redis-like\r\n",
                b"",
            ] {
                let (mut s, _) = listener.accept().expect("accept");
                let mut buf = [0u8; 2048];
                let _ = s.read(&mut buf);
                let _ = s.write_all(answer);
                if answer.is_empty() {
                    drop(s);
                } else {
                    // Kept open until every probe is done.
                    held.push(s);
                }
            }
            held.len()
        });
        let long = Duration::from_secs(30);
        assert_eq!(status_of(addr, "h", long), Ok(200));
        let other = status_of(addr, "h", long).expect_err("not HTTP");
        assert_eq!(other, format!("{addr} answered something that is not HTTP"));
        let closed = status_of(addr, "h", long).expect_err("closed");
        assert_eq!(
            closed,
            format!("{addr} closed the connection without an answer")
        );
        assert_eq!(server.join().expect("server"), 2);
    }

    #[test]
    fn a_container_that_exited_fails_before_the_cap() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let fake = FakeDocker::new();
        fake.respond_ok(&["container", "inspect"], EXITED);
        let err = wait_ready(
            &fake.docker(),
            &target(port),
            // Far longer than any test run: only the exit can end the wait.
            Duration::from_secs(3600),
            Duration::from_millis(1),
        )
        .expect_err("exited");
        assert_eq!(
            err.to_string(),
            format!("the container exited (exit code 3) before port {port} answered")
        );
    }

    #[test]
    fn a_port_that_never_answers_fails_at_the_cap() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let fake = FakeDocker::new();
        fake.respond_ok(&["container", "inspect"], RUNNING);
        let err = wait_ready(
            &fake.docker(),
            &target(port),
            Duration::from_millis(300),
            Duration::from_millis(10),
        )
        .expect_err("no answer");
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "port {port} never answered HTTP below 500 within 0s (last attempt: cannot connect"
            )),
            "{text}"
        );
    }
}
