//! What the engine's `/_ping` says, asked once per engine per process: the API
//! version our requests name, and whether the engine builds with BuildKit.
//!
//! The version is negotiated as the CLI negotiates it: the engine's own version,
//! capped at the newest one whose answers our parsers were written against. A fixed
//! version would break twice over: an engine older than it refuses every request,
//! and newer engines drop old versions (Docker 29 refuses anything below 1.44).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use super::http;

/// How long `/_ping` (or another question asked before a call, such as whether an
/// image is there) may take before the CLI gets the call instead.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);

/// The newest API version we ask for (Docker 27): the answers of every endpoint we
/// use are unchanged from 1.41 to it, in the fields we read.
const NEWEST: ApiVersion = ApiVersion(1, 47);

/// The oldest engine we talk to (Docker 17.05's 1.29, where `/images/prune`, labels
/// filters and `/containers/{id}/update`'s restart policy all exist).
const OLDEST: ApiVersion = ApiVersion(1, 29);

/// An Engine API version, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ApiVersion(pub(crate) u32, pub(crate) u32);

impl ApiVersion {
    fn parse(text: &str) -> Option<ApiVersion> {
        let (major, minor) = text.trim().split_once('.')?;
        Some(ApiVersion(major.parse().ok()?, minor.parse().ok()?))
    }
}

/// An engine's answer to `/_ping`, as far as we use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ping {
    /// The version every request names (`/v1.47/...`).
    pub(crate) api: ApiVersion,
    /// Whether `POST /build?version=2` runs on BuildKit.
    pub(crate) buildkit: bool,
}

impl Ping {
    /// The path prefix of every request: `/v1.47`.
    pub(crate) fn prefix(&self) -> String {
        format!("/v{}.{}", self.api.0, self.api.1)
    }

    /// Reads a `/_ping` answer; `None` for an engine we do not talk to (no answer,
    /// no version, or one older than [`OLDEST`]).
    pub(crate) fn from_response(response: &http::Response) -> Option<Ping> {
        if response.status != 200 {
            return None;
        }
        let engine = ApiVersion::parse(response.header("api-version")?)?;
        if engine < OLDEST {
            return None;
        }
        // `Builder-Version: 2` is BuildKit, `1` an engine set to the legacy builder
        // (`"features": {"buildkit": false}`). Without the header (Docker 20.10 sends
        // it only when daemon.json sets that feature either way) a Linux engine of API
        // 1.39 (18.09) or later still has BuildKit built in and serves `version=2`.
        let buildkit = match response.header("builder-version") {
            Some(version) => version.trim() == "2",
            None => response.header("ostype") == Some("linux") && engine >= ApiVersion(1, 39),
        };
        Some(Ping {
            api: engine.min(NEWEST),
            buildkit,
        })
    }
}

/// The engine on `socket`'s ping, asked the first time and remembered: every
/// command is one short process, and an engine does not change version under it.
pub(crate) fn ping(socket: &Path) -> Option<Ping> {
    type Seen = HashMap<PathBuf, Option<Ping>>;
    static SEEN: OnceLock<Mutex<Seen>> = OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    if let Some(known) = seen.lock().ok().and_then(|m| m.get(socket).cloned()) {
        return known;
    }
    let answer = http::request(socket, "GET", "/_ping", None, Some(TIMEOUT))
        .ok()
        .and_then(|r| Ping::from_response(&r));
    if let Ok(mut m) = seen.lock() {
        m.insert(socket.to_path_buf(), answer.clone());
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(head: &'static str) -> Option<Ping> {
        let response =
            http::read_response(std::io::Cursor::new(head.as_bytes())).expect("a ping answer");
        Ping::from_response(&response)
    }

    #[test]
    fn the_version_is_the_engines_capped_at_the_newest_we_know() {
        let old = read("HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nOstype: linux\r\n\r\n")
            .expect("an engine we talk to");
        assert_eq!(old.prefix(), "/v1.41");
        let new = read("HTTP/1.1 200 OK\r\nApi-Version: 1.52\r\nBuilder-Version: 2\r\n\r\n")
            .expect("an engine we talk to");
        assert_eq!(new.prefix(), "/v1.47");
        assert_eq!(
            read("HTTP/1.1 200 OK\r\nApi-Version: 1.12\r\nOstype: linux\r\n\r\n"),
            None
        );
        assert_eq!(read("HTTP/1.1 200 OK\r\nOstype: linux\r\n\r\n"), None);
        assert_eq!(
            read("HTTP/1.1 500 Internal Server Error\r\nApi-Version: 1.41\r\n\r\n"),
            None
        );
    }

    #[test]
    fn the_ping_tells_whether_the_engine_builds_with_buildkit() {
        let buildkit = |head| read(head).is_some_and(|p| p.buildkit);
        assert!(buildkit(
            "HTTP/1.1 200 OK\r\nBuilder-Version: 2\r\nApi-Version: 1.38\r\n\r\n"
        ));
        assert!(!buildkit(
            "HTTP/1.1 200 OK\r\nBuilder-Version: 1\r\nApi-Version: 1.41\r\nOstype: linux\r\n\r\n"
        ));
        assert!(buildkit(
            "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nOstype: linux\r\n\r\n"
        ));
        assert!(!buildkit(
            "HTTP/1.1 200 OK\r\nApi-Version: 1.38\r\nOstype: linux\r\n\r\n"
        ));
        assert!(!buildkit(
            "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nOstype: windows\r\n\r\n"
        ));
    }
}
