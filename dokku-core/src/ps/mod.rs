//! Process types and their scale: the Procfile and the `ps` plugin's properties.
//!
//! The Procfile is read in procfile-util's strict mode: one `type: command` per line,
//! `#` comment lines and blank lines ignored, type names of letters, digits, `-` and
//! `_`, no type twice. During a deploy the file extracted from the new source lives
//! at `data/ps/APP/Procfile.<DOKKU_PID>` (or `.missing`) and is promoted to
//! `Procfile` when the deploy succeeds, so a failed deploy keeps the old one.
//!
//! Scale is the list property `ps scale` of `type=N` lines. New apps get `web=1`;
//! each release adds every Procfile type it lacks with `0`.

use std::path::{Path, PathBuf};

use thiserror::Error;

mod formation;

pub use formation::{command_port, procfile_command, set_scale, CommandError, SetScaleError};

use crate::paths::Layout;
use crate::property::{PropertyError, PropertyStore};

/// The plugin name the ps properties live under.
pub const PLUGIN: &str = "ps";

/// Default `restart-policy`.
pub const DEFAULT_RESTART_POLICY: &str = "on-failure:10";
/// Default `stop-timeout-seconds`.
pub const DEFAULT_STOP_TIMEOUT: u32 = 30;

/// One Procfile entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessType {
    /// `web`, `worker`, ...
    pub name: String,
    /// The command, unexpanded.
    pub command: String,
}

/// A Procfile that breaks the strict format.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("Invalid Procfile: line {line}: {reason}")]
pub struct ProcfileError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl ProcfileError {
    /// How to fix it, for a `hint:` line.
    pub fn hint(&self) -> &'static str {
        "a Procfile holds one `<process type>: <command>` line per process type (each type once; `#` comments and blank lines are fine); fix it, commit and deploy again"
    }
}

/// Whether `name` is a process type name (`web`, `worker-2`): letters, digits, `-` and
/// `_`, not empty. The one rule for Procfile entries and for file names made from a
/// process type (`IP.TYPE.N`), so a type can never carry a path separator.
pub fn is_valid_process_type(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Parses the bytes of a Procfile in strict mode: they must be UTF-8 text.
pub fn parse_procfile_bytes(bytes: &[u8]) -> Result<Vec<ProcessType>, ProcfileError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ProcfileError {
        line: line_of(bytes, e.valid_up_to()),
        reason: "not UTF-8 text".into(),
    })?;
    parse_procfile(text)
}

/// Parses Procfile text in strict mode (a leading byte-order mark is ignored).
pub fn parse_procfile(text: &str) -> Result<Vec<ProcessType>, ProcfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(nul) = text.find('\0') {
        return Err(ProcfileError {
            line: line_of(text.as_bytes(), nul),
            reason: "contains a NUL byte".into(),
        });
    }
    let mut out: Vec<ProcessType> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |reason: String| ProcfileError {
            line: i + 1,
            reason,
        };
        let Some((name, command)) = line.split_once(':') else {
            return Err(err(format!(
                "expected `<process type>: <command>`, got `{}`",
                excerpt(line)
            )));
        };
        if !is_valid_process_type(name) {
            return Err(err(format!(
                "invalid process type name `{}` (letters, digits, - and _ only)",
                excerpt(name)
            )));
        }
        let command = command.trim();
        if command.is_empty() {
            return Err(err(format!("process type `{name}` has no command")));
        }
        if out.iter().any(|p| p.name == name) {
            return Err(err(format!("process type `{name}` is defined twice")));
        }
        out.push(ProcessType {
            name: name.to_string(),
            command: command.to_string(),
        });
    }
    Ok(out)
}

/// The 1-based line holding byte `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Text from the file as it may appear in a message: at most 60 characters, control
/// characters escaped, so the error stays one printable line.
fn excerpt(text: &str) -> String {
    crate::text::printable(text, Some(60), "...")
}

/// `data/ps/APP`.
pub fn data_dir(layout: &Layout, app: &str) -> PathBuf {
    layout.app_data_dir(PLUGIN, app)
}

/// The Procfile in force for a deploy run by `pid`: the freshly extracted
/// `Procfile.<pid>` if this deploy extracted one (or `None` if it found none), else
/// the promoted `Procfile` of the last successful deploy.
pub fn current_procfile(
    layout: &Layout,
    app: &str,
    pid: Option<&str>,
) -> Result<Option<Vec<ProcessType>>, ProcfileError> {
    let dir = data_dir(layout, app);
    let candidate = |name: &str| -> Option<Result<Option<Vec<ProcessType>>, ProcfileError>> {
        if dir.join(format!("{name}.missing")).exists() {
            return Some(Ok(None));
        }
        std::fs::read(dir.join(name))
            .ok()
            .map(|bytes| parse_procfile_bytes(&bytes).map(Some))
    };
    if let Some(pid) = pid {
        if let Some(found) = candidate(&format!("Procfile.{pid}")) {
            return found;
        }
    }
    candidate("Procfile").unwrap_or(Ok(None))
}

/// `core-post-extract`: copies `SOURCE/Procfile` (or the `procfile-path` property) to
/// `Procfile.<pid>`, or marks it missing; an invalid Procfile is refused here, before
/// anything is built.
pub fn extract_procfile(
    props: &PropertyStore,
    layout: &Layout,
    app: &str,
    source: &Path,
    pid: &str,
) -> Result<(), ExtractError> {
    let dir = data_dir(layout, app);
    std::fs::create_dir_all(&dir).map_err(|source| ExtractError::Io {
        path: dir.clone(),
        source,
    })?;
    let name = crate::deploy::prop_app_or_global(props, PLUGIN, app, "procfile-path")
        .unwrap_or_else(|| "Procfile".into());
    let dest = dir.join(format!("Procfile.{pid}"));
    let missing = dir.join(format!("Procfile.{pid}.missing"));
    let _ = std::fs::remove_file(&dest);
    let _ = std::fs::remove_file(&missing);
    let file = source.join(&name);
    match std::fs::read(&file) {
        Ok(bytes) => {
            parse_procfile_bytes(&bytes)?;
            crate::fs::write_atomic(&dest, &bytes, 0o644)
                .map_err(|source| ExtractError::Io { path: dest, source })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::write(&missing, "").map_err(|source| ExtractError::Io {
                path: missing,
                source,
            })
        }
        Err(source) => Err(ExtractError::Unreadable { path: file, source }),
    }
}

/// `core-post-deploy`: promotes `Procfile.<pid>` (or its `.missing` marker).
pub fn promote_procfile(layout: &Layout, app: &str, pid: &str) {
    let dir = data_dir(layout, app);
    let fresh = dir.join(format!("Procfile.{pid}"));
    let missing = dir.join(format!("Procfile.{pid}.missing"));
    if fresh.exists() {
        let _ = std::fs::rename(&fresh, dir.join("Procfile"));
        let _ = std::fs::remove_file(dir.join("Procfile.missing"));
    } else if missing.exists() {
        let _ = std::fs::remove_file(dir.join("Procfile"));
        let _ = std::fs::rename(&missing, dir.join("Procfile.missing"));
    }
}

/// Why the Procfile could not be extracted.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The Procfile is malformed.
    #[error(transparent)]
    Invalid(#[from] ProcfileError),
    /// The Procfile exists but cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The command for `proc_type`, with `$PORT` expanded to `port` and other `$VAR`s
/// from `env` (procfile-util's `show --default-port`).
pub fn expand_command(command: &str, port: &str, env: &crate::settings::EnvMap) -> String {
    let mut out = String::new();
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let braced = chars.peek() == Some(&'{');
        if braced {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphanumeric() || n == '_' {
                name.push(n);
                chars.next();
            } else {
                break;
            }
        }
        if braced && chars.peek() == Some(&'}') {
            chars.next();
        }
        if name.is_empty() {
            out.push('$');
            if braced {
                out.push('{');
            }
            continue;
        }
        if name == "PORT" {
            out.push_str(port);
        } else if let Some(v) = env.get(&name) {
            out.push_str(v);
        }
    }
    out
}

/// The scale: `type=N` pairs sorted by type.
pub fn scale(props: &PropertyStore, app: &str) -> Result<Vec<(String, u32)>, PropertyError> {
    // The first line of a type wins, as in Dokku's `parseProcessTuples`.
    let mut seen = std::collections::BTreeSet::new();
    let mut out: Vec<(String, u32)> = props
        .list_get(PLUGIN, app, "scale")?
        .iter()
        .filter_map(|line| {
            let (t, n) = line.split_once('=')?;
            Some((t.trim().to_string(), n.trim().parse().ok()?))
        })
        .filter(|(t, _)| seen.insert(t.clone()))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Replaces the scale.
pub fn write_scale(
    props: &PropertyStore,
    app: &str,
    scale: &[(String, u32)],
) -> Result<(), PropertyError> {
    let mut sorted = scale.to_vec();
    sorted.sort();
    let lines: Vec<String> = sorted.iter().map(|(t, n)| format!("{t}={n}")).collect();
    props.list_write(PLUGIN, app, "scale", &lines)
}

/// `post-create`: `web=1` for a new app (unless a scale exists).
pub fn init_scale(props: &PropertyStore, app: &str) -> Result<(), PropertyError> {
    if scale(props, app)?.is_empty() {
        write_scale(props, app, &[("web".to_string(), 1)])?;
    }
    Ok(())
}

/// On release: adds each Procfile type missing from the scale with `0`; types no
/// longer in the Procfile move to `scale.old`. Without a Procfile the scale is left
/// as it is (a Dockerfile app runs its image's `CMD` as `web`).
pub fn update_scale(
    props: &PropertyStore,
    app: &str,
    procfile: Option<&[ProcessType]>,
) -> Result<(), PropertyError> {
    let Some(procfile) = procfile else {
        return Ok(());
    };
    let current = scale(props, app)?;
    let mut next: Vec<(String, u32)> = Vec::new();
    let mut old = Vec::new();
    for (t, n) in &current {
        if procfile.iter().any(|p| &p.name == t) {
            next.push((t.clone(), *n));
        } else {
            old.push(format!("{t}=0"));
        }
    }
    for p in procfile {
        if p.name != "release" && !next.iter().any(|(t, _)| t == &p.name) {
            next.push((p.name.clone(), 0));
        }
    }
    if next != current {
        write_scale(props, app, &next)?;
    }
    if !old.is_empty() {
        props.list_write(PLUGIN, app, "scale.old", &old)?;
    }
    Ok(())
}

/// A `ps:scale` argument that cannot be used, with Dokku's messages.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScaleError {
    /// `type` without `=N`.
    #[error("Missing count for process type {0}")]
    MissingCount(String),
    /// `type=x` where x is not a count (negative numbers included).
    #[error("Invalid count for process type {0}")]
    InvalidCount(String),
    /// Scaling up a type the Procfile does not define.
    #[error("{0} is not a valid process name to scale up")]
    UnknownType(String),
}

/// Parses `type=N` arguments.
pub fn parse_scale_args(args: &[String]) -> Result<Vec<(String, u32)>, ScaleError> {
    args.iter()
        .map(|arg| {
            let (t, n) = arg
                .split_once('=')
                .ok_or_else(|| ScaleError::MissingCount(arg.clone()))?;
            if n.is_empty() {
                return Err(ScaleError::MissingCount(t.to_string()));
            }
            let n: u32 = n
                .parse()
                .map_err(|_| ScaleError::InvalidCount(t.to_string()))?;
            Ok((t.to_string(), n))
        })
        .collect()
}

/// Checks that every type scaled above zero exists in the Procfile. Without a
/// Procfile any type may be scaled, as in Dokku: each of its containers runs the
/// image's own command.
pub fn check_scale_types(
    request: &[(String, u32)],
    procfile: Option<&[ProcessType]>,
) -> Result<(), ScaleError> {
    for (t, n) in request {
        let known = match procfile {
            Some(p) => p.iter().any(|p| &p.name == t) && t != "release",
            None => true,
        };
        if *n > 0 && !known {
            return Err(ScaleError::UnknownType(t.clone()));
        }
    }
    Ok(())
}

/// Merges `request` into the app's scale; returns the types whose count changed.
pub fn apply_scale(
    props: &PropertyStore,
    app: &str,
    request: &[(String, u32)],
) -> Result<Vec<String>, PropertyError> {
    let mut current = scale(props, app)?;
    let mut changed = Vec::new();
    for (t, n) in request {
        match current.iter_mut().find(|(ct, _)| ct == t) {
            Some(entry) if entry.1 == *n => {}
            Some(entry) => {
                entry.1 = *n;
                changed.push(t.clone());
            }
            None => {
                current.push((t.clone(), *n));
                changed.push(t.clone());
            }
        }
    }
    write_scale(props, app, &current)?;
    Ok(changed)
}

/// `restart-policy` (app, then global), default `on-failure:10`.
pub fn restart_policy(props: &PropertyStore, app: &str) -> String {
    crate::deploy::prop_app_or_global(props, PLUGIN, app, "restart-policy")
        .unwrap_or_else(|| DEFAULT_RESTART_POLICY.into())
}

/// `stop-timeout-seconds` (app, then global), default 30.
pub fn stop_timeout(props: &PropertyStore, app: &str) -> u32 {
    crate::deploy::prop_app_or_global(props, PLUGIN, app, "stop-timeout-seconds")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_STOP_TIMEOUT)
}

/// How many apps `ps:restore` starts at once: `--parallel N` when given (Dokku's
/// flag: `-1` is the CPU count, `0` and `1` mean one at a time), else the
/// `DOKKU_RESTORE_PARALLEL` knob (the same values), else twice the CPU count.
pub fn restore_parallelism(
    flag: Option<&str>,
    knob: Option<&str>,
    cpus: usize,
) -> Result<usize, String> {
    let cpus = cpus.max(1);
    let parse = |value: &str, what: &str| -> Result<usize, String> {
        match value.trim().parse::<i64>() {
            Ok(-1) => Ok(cpus),
            Ok(n) if n >= 0 => Ok((n as usize).max(1)),
            _ => Err(format!("Invalid value {value} for {what}")),
        }
    };
    match (flag, knob.filter(|k| !k.trim().is_empty())) {
        (Some(flag), _) => parse(flag, "--parallel flag"),
        (None, Some(knob)) => parse(knob, crate::env::DOKKU_RESTORE_PARALLEL),
        (None, None) => Ok(cpus * 2),
    }
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_parallelism_follows_flag_then_knob_then_cpus() {
        assert_eq!(restore_parallelism(None, None, 2), Ok(4));
        assert_eq!(restore_parallelism(None, None, 0), Ok(2));
        assert_eq!(restore_parallelism(None, Some("6"), 2), Ok(6));
        assert_eq!(restore_parallelism(None, Some(" "), 2), Ok(4));
        assert_eq!(restore_parallelism(Some("3"), Some("6"), 2), Ok(3));
        assert_eq!(restore_parallelism(Some("-1"), None, 8), Ok(8));
        assert_eq!(restore_parallelism(Some("0"), None, 8), Ok(1));
        assert_eq!(restore_parallelism(Some("1"), None, 8), Ok(1));
        assert_eq!(
            restore_parallelism(Some("-2"), None, 8),
            Err("Invalid value -2 for --parallel flag".into())
        );
        assert_eq!(
            restore_parallelism(None, Some("many"), 8),
            Err("Invalid value many for DOKKU_RESTORE_PARALLEL".into())
        );
    }

    #[test]
    fn strict_procfile() {
        let p = parse_procfile("# c\n\nweb: httpd -p $PORT\nworker:  sh -c 'x'\n").expect("ok");
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].command, "sh -c 'x'");
        let e = parse_procfile("web httpd\n").expect_err("no colon");
        assert_eq!(e.line, 1);
        assert!(e.to_string().starts_with("Invalid Procfile: line 1"), "{e}");
        assert!(parse_procfile("web: a\nweb: b\n").is_err());
        assert!(parse_procfile("we b: a\n").is_err());
        assert!(parse_procfile("web:\n").is_err());
    }

    /// Security issue #9: NUL bytes and bytes that are not UTF-8 used to deploy (the
    /// latter as "no Procfile"); they are refused with their line.
    #[test]
    fn nul_bytes_and_non_utf8_are_refused_with_their_line() {
        let e = parse_procfile_bytes(b"# c\nweb: a\0b\n").expect_err("nul");
        assert_eq!(
            e.to_string(),
            "Invalid Procfile: line 2: contains a NUL byte"
        );
        let e = parse_procfile_bytes(b"web: a\nworker: caf\xe9\n").expect_err("latin1");
        assert_eq!(e.to_string(), "Invalid Procfile: line 2: not UTF-8 text");
        let e = parse_procfile_bytes(b"web: a\n\nweb: b\n").expect_err("twice");
        assert_eq!(
            e.to_string(),
            "Invalid Procfile: line 3: process type `web` is defined twice"
        );
        assert!(!e.hint().is_empty());
        let ok = parse_procfile_bytes(b"\xef\xbb\xbf# bom comment\r\nweb: a # b\r\n\r\n")
            .expect("crlf, comments");
        assert_eq!(ok[0].command, "a # b");
    }

    #[test]
    fn echoed_lines_stay_one_short_printable_line() {
        let e = parse_procfile(&format!("web \u{1b}[2J{}\n", "x".repeat(500))).expect_err("bad");
        let text = e.to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(text.len() < 160, "{text}");
    }

    #[test]
    fn scale_arguments() {
        let ok = parse_scale_args(&["web=2".into(), "worker=0".into()]).expect("ok");
        assert_eq!(ok, vec![("web".to_string(), 2), ("worker".to_string(), 0)]);
        assert_eq!(
            parse_scale_args(&["web=-1".into()]),
            Err(ScaleError::InvalidCount("web".into()))
        );
        assert_eq!(
            parse_scale_args(&["web".into()]).map_err(|e| e.to_string()),
            Err("Missing count for process type web".into())
        );
        let procfile = parse_procfile("web: a\nworker: b\n").expect("procfile");
        assert!(check_scale_types(&[("worker".into(), 2)], Some(&procfile)).is_ok());
        assert_eq!(
            check_scale_types(&[("clock".into(), 1)], Some(&procfile)).map_err(|e| e.to_string()),
            Err("clock is not a valid process name to scale up".into())
        );
        assert!(check_scale_types(&[("worker".into(), 1)], None).is_ok());
        assert!(check_scale_types(&[("clock".into(), 0)], Some(&procfile)).is_ok());
    }

    #[test]
    fn port_and_env_expand() {
        let mut env = crate::settings::EnvMap::new();
        env.insert("GREETING".into(), "hi".into());
        assert_eq!(
            expand_command("httpd -p $PORT ${GREETING} $NOPE $", "5000", &env),
            "httpd -p 5000 hi  $"
        );
    }

    #[test]
    fn scale_follows_the_procfile() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        init_scale(&props, "a").expect("init");
        assert_eq!(
            scale(&props, "a").expect("scale"),
            vec![("web".to_string(), 1)]
        );
        let procfile = parse_procfile("web: x\nworker: y\nrelease: z\n").expect("parse");
        update_scale(&props, "a", Some(&procfile)).expect("update");
        assert_eq!(
            scale(&props, "a").expect("scale"),
            vec![("web".to_string(), 1), ("worker".to_string(), 0)]
        );
        let procfile = parse_procfile("worker: y\n").expect("parse");
        update_scale(&props, "a", Some(&procfile)).expect("update");
        assert_eq!(
            scale(&props, "a").expect("scale"),
            vec![("worker".to_string(), 0)]
        );
        assert_eq!(
            props.list_get(PLUGIN, "a", "scale.old").expect("old"),
            vec!["web=0"]
        );
    }

    /// Dokku's `ps:scale formatting` test: a hand-edited scale file with padded and
    /// repeated types; the first line of a type wins.
    #[test]
    fn the_first_line_of_a_type_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        let lines: Vec<String> = ["web=4", "worker=1", "beat      =0", "web       =0"]
            .map(String::from)
            .to_vec();
        props
            .list_write(PLUGIN, "a", "scale", &lines)
            .expect("write");
        assert_eq!(
            scale(&props, "a").expect("scale"),
            vec![
                ("beat".to_string(), 0),
                ("web".to_string(), 4),
                ("worker".to_string(), 1)
            ]
        );
    }
}
