//! Whether a call may go to the engine's socket instead of the `docker` CLI, and
//! which socket: the rules builds (`try_build`) and other calls (`calls`) share.
//!
//! The CLI stays in charge whenever it would reach the engine differently from us or
//! someone asked to see every call: an operator's `DOCKER_BIN` wrapper, a
//! `DOCKER_HOST` that is not a unix socket, a docker context (`DOCKER_CONTEXT` or the
//! client config's `currentContext`: its endpoint, TLS or ssh settings are the CLI's
//! business), or `DOKKU_DOCKER_API=0`.

use std::path::{Path, PathBuf};

/// The engine's socket when `DOCKER_HOST` is not set.
const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// The socket to send the call to, or `None` to leave it to the CLI `bin`. `var`
/// reads the client's environment as the CLI would see it.
pub(crate) fn socket(bin: &str, var: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    // An operator's DOCKER_BIN wrapper sees every call.
    if bin != "docker" || !enabled(var(crate::env::DOKKU_DOCKER_API).as_deref()) {
        return None;
    }
    if !is_default_context(var("DOCKER_CONTEXT").as_deref()) {
        return None;
    }
    // DOCKER_HOST wins over the config's context in the CLI; it is checked first
    // here too, so a unix DOCKER_HOST with a context configured is still ours.
    let host = var("DOCKER_HOST");
    if host.as_deref().is_none_or(|h| h.trim().is_empty()) && !config_context_is_default(var) {
        return None;
    }
    unix_socket(host.as_deref())
}

/// A switch that is on unless set to `0` or `false` (`DOCKER_BUILDKIT`,
/// `DOKKU_DOCKER_API`).
pub(crate) fn enabled(value: Option<&str>) -> bool {
    !matches!(
        value.map(|v| v.trim().to_ascii_lowercase()).as_deref(),
        Some("0" | "false")
    )
}

/// `DOCKER_CONTEXT` unset, empty or `default`.
fn is_default_context(name: Option<&str>) -> bool {
    matches!(name.map(str::trim), None | Some("" | "default"))
}

/// Whether the client config (`$DOCKER_CONFIG/config.json`, else
/// `~/.docker/config.json`) selects no context but `default`. A config we cannot
/// read as JSON is the CLI's to complain about.
fn config_context_is_default(var: &dyn Fn(&str) -> Option<String>) -> bool {
    let dir = match var("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => match var("HOME")
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var("HOME").ok())
        {
            Some(home) => Path::new(&home).join(".docker"),
            None => return false,
        },
    };
    let text = match std::fs::read_to_string(dir.join("config.json")) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return true,
        Err(_) => return false,
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(config) => is_default_context(config["currentContext"].as_str()),
        Err(_) => false,
    }
}

/// The unix socket `DOCKER_HOST` names (`unix://PATH`), or the default one when it
/// is unset; `None` for any other engine address (tcp, ssh), which the CLI handles.
pub(crate) fn unix_socket(docker_host: Option<&str>) -> Option<PathBuf> {
    match docker_host.map(str::trim).filter(|h| !h.is_empty()) {
        None => Some(PathBuf::from(DEFAULT_SOCKET)),
        Some(host) => host
            .strip_prefix("unix://")
            .filter(|p| p.starts_with('/'))
            .map(PathBuf::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn socket_with(bin: &str, vars: &[(&str, &str)]) -> Option<PathBuf> {
        let vars: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        socket(bin, &|k| vars.get(k).cloned())
    }

    #[test]
    fn the_engine_is_chosen_only_where_the_cli_would_reach_it() {
        assert!(enabled(None));
        assert!(enabled(Some("1")));
        assert!(!enabled(Some("0")));
        assert!(!enabled(Some("False")));
        assert_eq!(unix_socket(None), Some(PathBuf::from(DEFAULT_SOCKET)));
        assert_eq!(unix_socket(Some("")), Some(PathBuf::from(DEFAULT_SOCKET)));
        assert_eq!(
            unix_socket(Some("unix:///run/user/1000/docker.sock")),
            Some(PathBuf::from("/run/user/1000/docker.sock"))
        );
        assert_eq!(unix_socket(Some("tcp://10.0.0.1:2375")), None);
        assert_eq!(unix_socket(Some("ssh://me@host")), None);
        assert_eq!(unix_socket(Some("unix://relative.sock")), None);
    }

    #[test]
    fn a_wrapper_an_opt_out_or_a_context_keep_the_cli() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().to_str().expect("utf-8");
        let base = [("DOCKER_CONFIG", config)];
        assert_eq!(
            socket_with("docker", &base),
            Some(PathBuf::from(DEFAULT_SOCKET)),
            "no config.json: the default context"
        );
        assert_eq!(socket_with("/usr/local/bin/docker-wrapper", &base), None);
        for off in ["0", "false", "FALSE"] {
            assert_eq!(
                socket_with("docker", &[base[0], ("DOKKU_DOCKER_API", off)]),
                None
            );
        }
        assert!(socket_with("docker", &[base[0], ("DOKKU_DOCKER_API", "1")]).is_some());
        assert_eq!(
            socket_with("docker", &[base[0], ("DOCKER_CONTEXT", "remote")]),
            None
        );
        assert!(socket_with("docker", &[base[0], ("DOCKER_CONTEXT", "default")]).is_some());
        assert_eq!(
            socket_with("docker", &[base[0], ("DOCKER_HOST", "tcp://h:2375")]),
            None
        );

        let file = dir.path().join("config.json");
        std::fs::write(&file, r#"{"auths":{},"currentContext":"remote"}"#).expect("write");
        assert_eq!(socket_with("docker", &base), None);
        assert_eq!(
            socket_with(
                "docker",
                &[base[0], ("DOCKER_HOST", "unix:///run/docker.sock")]
            ),
            Some(PathBuf::from("/run/docker.sock")),
            "DOCKER_HOST overrides the config's context, as in the CLI"
        );
        std::fs::write(&file, r#"{"currentContext":"default"}"#).expect("write");
        assert!(socket_with("docker", &base).is_some());
        std::fs::write(&file, "{not json").expect("write");
        assert_eq!(socket_with("docker", &base), None);

        // Without DOCKER_CONFIG: HOME's .docker/config.json.
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(home.path().join(".docker")).expect("mkdir");
        std::fs::write(
            home.path().join(".docker/config.json"),
            r#"{"currentContext":"colima"}"#,
        )
        .expect("write");
        let home = home.path().to_str().expect("utf-8");
        assert_eq!(socket_with("docker", &[("HOME", home)]), None);
    }
}
