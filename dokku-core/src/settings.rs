//! Operator settings files: `/etc/default/dokku`, `$DOKKU_ROOT/dokkurc` and
//! `$DOKKU_ROOT/.dokkurc/*`.
//!
//! Dokku `source`s these bash files on every start. Starting bash costs milliseconds,
//! and nearly every real file is a list of `export KEY=value` lines, so we read that
//! subset directly and hand a file to bash only when it contains anything else (a
//! command, an expansion). The result is the same environment either way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// An environment: variable name to value, sorted for stable output.
pub type EnvMap = BTreeMap<String, String>;

/// The system-wide settings file, sourced before anything else.
pub const SYSTEM_DEFAULTS_FILE: &str = "/etc/default/dokku";

/// Why a settings file could not be applied.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The file exists but cannot be read (Dokku's exact message).
    #[error("Unable to read {} for sourcing", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
    },
    /// bash failed while sourcing a file that needed the shell.
    #[error("sourcing {} failed: {message}", path.display())]
    ShellFailed {
        /// The file.
        path: PathBuf,
        /// What bash said.
        message: String,
    },
}

/// The files under `DOKKU_ROOT` to source, in Dokku's order: `dokkurc`, then every
/// entry of `.dokkurc/` in name order. Missing ones are skipped.
pub fn dokkurc_files(dokku_root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let rc = dokku_root.join("dokkurc");
    if rc.is_file() {
        files.push(rc);
    }
    if let Ok(entries) = std::fs::read_dir(dokku_root.join(".dokkurc")) {
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        files.extend(names.into_iter().filter(|p| p.is_file()));
    }
    files
}

/// Applies one settings file to `vars`, as `source` would.
pub fn apply_file(path: &Path, vars: &mut EnvMap) -> Result<(), SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|_| SettingsError::Unreadable {
        path: path.to_path_buf(),
    })?;
    match parse_simple(&text) {
        Some(assignments) => {
            for (key, value) in assignments {
                vars.insert(key, value);
            }
            Ok(())
        }
        None => source_with_bash(path, vars),
    }
}

/// Parses a file made only of comments, blank lines and `[export] KEY=value` lines
/// whose values need no shell expansion. Returns `None` when bash is needed.
fn parse_simple(text: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let (key, value) = line.split_once('=')?;
        if !is_shell_name(key) {
            return None;
        }
        out.push((key.to_string(), simple_value(value)?));
    }
    Some(out)
}

fn is_shell_name(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// A value bash would take literally: single-quoted, double-quoted without
/// expansions or escapes, or a bare word without shell metacharacters.
fn simple_value(value: &str) -> Option<String> {
    const SPECIAL: &[char] = &[
        '$', '`', '\\', '"', '\'', ' ', '\t', ';', '&', '|', '<', '>', '(', ')', '*', '?', '[',
        '#', '~', '{',
    ];
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return (!inner.contains('\'')).then(|| inner.to_string());
    }
    if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return (!inner.contains(['"', '$', '`', '\\'])).then(|| inner.to_string());
    }
    (!value.contains(SPECIAL)).then(|| value.to_string())
}

/// Sources the file in bash with `vars` as its environment and reads back the result.
fn source_with_bash(path: &Path, vars: &mut EnvMap) -> Result<(), SettingsError> {
    let output = crate::process::Cmd::new("bash")
        .args(["-c", "set -a; source \"$1\" >/dev/null; env -0", "dokkurc"])
        .arg(path.as_os_str())
        .env_clear()
        .envs(vars.iter())
        .output()
        .map_err(|e| SettingsError::ShellFailed {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    if !output.status.success() {
        return Err(SettingsError::ShellFailed {
            path: path.to_path_buf(),
            message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        });
    }
    let mut fresh = EnvMap::new();
    for entry in output.stdout.split(|b| *b == 0) {
        let entry = String::from_utf8_lossy(entry);
        if let Some((k, v)) = entry.split_once('=') {
            fresh.insert(k.to_string(), v.to_string());
        }
    }
    // bash adds its own bookkeeping variables; keep only what the file changed.
    for noise in ["SHLVL", "_", "PWD", "OLDPWD"] {
        if !vars.contains_key(noise) {
            fresh.remove(noise);
        }
    }
    *vars = fresh;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_files_parse_without_bash() {
        let text = "# comment\nexport DOKKU_TRACE=1\nFOO='a b'\nBAR=\"x y\"\n\n";
        let parsed = parse_simple(text).expect("simple");
        assert_eq!(
            parsed,
            vec![
                ("DOKKU_TRACE".into(), "1".into()),
                ("FOO".into(), "a b".into()),
                ("BAR".into(), "x y".into())
            ]
        );
    }

    #[test]
    fn expansions_need_bash() {
        assert!(parse_simple("export A=$HOME/x\n").is_none());
        assert!(parse_simple("echo hi\n").is_none());
    }

    #[test]
    fn bash_fallback_sees_earlier_values() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("rc");
        std::fs::write(&file, "export B=\"${A}-b\"\n").expect("write");
        let mut vars = EnvMap::new();
        vars.insert("A".into(), "a".into());
        vars.insert("PATH".into(), "/usr/bin:/bin".into());
        apply_file(&file, &mut vars).expect("apply");
        assert_eq!(vars.get("B").map(String::as_str), Some("a-b"));
        assert!(!vars.contains_key("SHLVL"));
    }

    #[test]
    fn dokkurc_dir_is_read_in_name_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join(".dokkurc")).expect("mkdir");
        std::fs::write(dir.path().join(".dokkurc/b"), "X=2\n").expect("write");
        std::fs::write(dir.path().join(".dokkurc/a"), "X=1\n").expect("write");
        std::fs::write(dir.path().join("dokkurc"), "X=0\n").expect("write");
        let files = dokkurc_files(dir.path());
        let names: Vec<_> = files
            .iter()
            .map(|p| p.file_name().map(|n| n.to_owned()))
            .collect();
        assert_eq!(names.len(), 3);
        let mut vars = EnvMap::new();
        for f in &files {
            apply_file(f, &mut vars).expect("apply");
        }
        assert_eq!(vars.get("X").map(String::as_str), Some("2"));
    }
}
