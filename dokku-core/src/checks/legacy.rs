//! The deprecated `CHECKS` file: settings lines `WAIT=`, `TIMEOUT=`, `ATTEMPTS=`
//! (defaults 5, 30, 5) and check lines `PATH [expected content]`, where PATH is
//! `/relative`, `//host/relative` or an absolute `http(s)://host/path` URL. Blank lines
//! and `#` comments are ignored, and an inline ` #` starts a comment.
//!
//! The file is extracted at `core-post-extract` to
//! `data/scheduler-docker-local/APP/CHECKS.<DOKKU_PID>` (or a `.missing` marker) and
//! promoted at `core-post-deploy`, like the Procfile. Its checks apply to `web` and
//! run after the app.json ones. Unlike Dokku, the file is not rendered through sigil.

use std::path::{Path, PathBuf};

use super::healthcheck::{Header, Healthcheck};
use crate::paths::Layout;

/// `data/scheduler-docker-local/APP`.
fn dir(layout: &Layout, app: &str) -> PathBuf {
    layout.app_data_dir(crate::scheduler::PLUGIN, app)
}

/// Parses a CHECKS file into healthchecks.
pub fn parse(text: &str) -> Vec<Healthcheck> {
    let (mut wait, mut timeout, mut attempts) = (5u64, 30u64, 5u32);
    let mut lines: Vec<(String, String)> = Vec::new();
    for raw in text.lines() {
        let line = raw.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line
            .split_once('=')
            .filter(|(k, _)| !k.contains(' ') && !k.starts_with('/'))
        {
            match k {
                "WAIT" => wait = v.trim().parse().unwrap_or(wait),
                "TIMEOUT" => timeout = v.trim().parse().unwrap_or(timeout),
                "ATTEMPTS" => attempts = v.trim().parse().unwrap_or(attempts),
                _ => {}
            }
            continue;
        }
        let (path, content) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        lines.push((path.to_string(), content.trim().to_string()));
    }
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (target, content))| {
            let (host, path) = split_target(&target);
            Healthcheck {
                kind: "startup".into(),
                name: format!("CHECKS file check {}", i + 1),
                path,
                content,
                attempts: Some(attempts),
                timeout: Some(timeout),
                wait: Some(wait),
                http_headers: host
                    .map(|h| {
                        vec![Header {
                            name: "Host".into(),
                            value: h,
                        }]
                    })
                    .unwrap_or_default(),
                ..Healthcheck::default()
            }
        })
        .collect()
}

/// `//host/path` and `http(s)://host/path` name a host; `/path` does not.
fn split_target(target: &str) -> (Option<String>, String) {
    let rest = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
        .or_else(|| target.strip_prefix("//"));
    match rest {
        Some(rest) => {
            let (host, path) = rest
                .split_once('/')
                .map(|(h, p)| (h, format!("/{p}")))
                .unwrap_or((rest, "/".into()));
            (Some(host.to_string()), path)
        }
        None => (None, target.to_string()),
    }
}

/// `core-post-extract`: copies `SOURCE/CHECKS` for this deploy (or marks it missing).
pub fn extract(layout: &Layout, app: &str, source: &Path, pid: &str) -> std::io::Result<()> {
    let dir = dir(layout, app);
    std::fs::create_dir_all(&dir)?;
    let dest = dir.join(format!("CHECKS.{pid}"));
    let missing = dir.join(format!("CHECKS.{pid}.missing"));
    let _ = std::fs::remove_file(&dest);
    let _ = std::fs::remove_file(&missing);
    match std::fs::read(source.join("CHECKS")) {
        Ok(bytes) => crate::fs::write_atomic(&dest, &bytes, 0o644),
        Err(_) => std::fs::write(&missing, ""),
    }
}

/// The CHECKS text in force for the deploy run by `pid`, if any and non-empty.
pub fn current(layout: &Layout, app: &str, pid: Option<&str>) -> Option<String> {
    let dir = dir(layout, app);
    let mut names = Vec::new();
    if let Some(pid) = pid {
        names.push(format!("CHECKS.{pid}"));
    }
    names.push("CHECKS".into());
    for name in names {
        if dir.join(format!("{name}.missing")).exists() {
            return None;
        }
        if let Ok(text) = std::fs::read_to_string(dir.join(&name)) {
            return Some(text).filter(|t| !t.trim().is_empty());
        }
    }
    None
}

/// `core-post-deploy`: promotes this deploy's copy (or its absence).
pub fn promote(layout: &Layout, app: &str, pid: &str) {
    let dir = dir(layout, app);
    let fresh = dir.join(format!("CHECKS.{pid}"));
    let missing = dir.join(format!("CHECKS.{pid}.missing"));
    if fresh.exists() {
        let _ = std::fs::rename(&fresh, dir.join("CHECKS"));
    } else if missing.exists() {
        let _ = std::fs::remove_file(dir.join("CHECKS"));
        let _ = std::fs::remove_file(&missing);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_file_lines_become_http_checks() {
        let checks = parse("WAIT=2\nATTEMPTS=3 # fewer\n# comment\n\n/ Hello\n//example.com/about About us\nhttp://other.org/x\n");
        assert_eq!(checks.len(), 3);
        assert_eq!(checks[0].path, "/");
        assert_eq!(checks[0].content, "Hello");
        assert_eq!(checks[0].wait, Some(2));
        assert_eq!(checks[0].attempts, Some(3));
        assert_eq!(checks[0].timeout, Some(30));
        assert_eq!(checks[1].path, "/about");
        assert_eq!(checks[1].content, "About us");
        assert_eq!(checks[1].http_headers[0].value, "example.com");
        assert_eq!(checks[2].path, "/x");
        assert_eq!(checks[2].http_headers[0].value, "other.org");
    }
}
