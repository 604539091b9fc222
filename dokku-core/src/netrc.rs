//! `.netrc` files: the credentials git (through curl) sends to https remotes, which
//! `git:auth` manages in `$DOKKU_ROOT/.netrc` and the `netrc` command (Dokku's
//! `netrc` helper binary) reads and writes.
//!
//! The file is parsed as curl reads it: whitespace-separated tokens, `machine NAME`,
//! `default`, `login`, `password`, `account`, and `macdef` bodies (up to a blank line)
//! skipped. Writes render every entry back (comments are not kept), atomically, with
//! mode 0600, under the flock of `.netrc.lock` beside it.

use std::path::Path;

/// One `machine` (or `default`) entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Machine {
    /// The host, or `None` for `default`.
    pub name: Option<String>,
    /// `login`.
    pub login: String,
    /// `password`.
    pub password: String,
    /// `account`, rarely used.
    pub account: String,
}

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetrcError {
    /// A host, login or password that the format cannot hold.
    #[error("invalid netrc {what}: it must be non-empty and have no whitespace")]
    Invalid {
        /// `host`, `login` or `password`.
        what: &'static str,
    },
    /// Reading, locking or writing the file.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was attempted.
        action: &'static str,
        /// The file.
        path: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> NetrcError {
    let path = path.display().to_string();
    move |source| NetrcError::Io {
        action,
        path,
        source,
    }
}

/// The entries of a `.netrc` text, in order.
pub fn parse(text: &str) -> Vec<Machine> {
    let mut out: Vec<Machine> = Vec::new();
    let mut lines = text.lines();
    let mut pending: Vec<String> = Vec::new();
    loop {
        if pending.is_empty() {
            let Some(line) = lines.next() else { break };
            if line.trim_start().starts_with('#') {
                continue;
            }
            pending = line.split_whitespace().rev().map(str::to_string).collect();
            continue;
        }
        let Some(token) = pending.pop() else { continue };
        let mut value = |pending: &mut Vec<String>| -> String {
            if let Some(v) = pending.pop() {
                return v;
            }
            for line in lines.by_ref() {
                let mut words: Vec<String> =
                    line.split_whitespace().rev().map(str::to_string).collect();
                if let Some(v) = words.pop() {
                    *pending = words;
                    return v;
                }
            }
            String::new()
        };
        match token.as_str() {
            "machine" => out.push(Machine {
                name: Some(value(&mut pending)),
                ..Machine::default()
            }),
            "default" => out.push(Machine::default()),
            "login" => {
                let v = value(&mut pending);
                if let Some(m) = out.last_mut() {
                    m.login = v;
                }
            }
            "password" => {
                let v = value(&mut pending);
                if let Some(m) = out.last_mut() {
                    m.password = v;
                }
            }
            "account" => {
                let v = value(&mut pending);
                if let Some(m) = out.last_mut() {
                    m.account = v;
                }
            }
            "macdef" => {
                pending.clear();
                for line in lines.by_ref() {
                    if line.trim().is_empty() {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The text of `machines`, one token per line under each `machine` line.
pub fn render(machines: &[Machine]) -> String {
    let mut out = String::new();
    for m in machines {
        match &m.name {
            Some(name) => out.push_str(&format!("machine {name}\n")),
            None => out.push_str("default\n"),
        }
        for (key, value) in [
            ("login", &m.login),
            ("password", &m.password),
            ("account", &m.account),
        ] {
            if !value.is_empty() {
                out.push_str(&format!("  {key} {value}\n"));
            }
        }
    }
    out
}

fn check(what: &'static str, value: &str) -> Result<(), NetrcError> {
    if value.is_empty() || value.chars().any(char::is_whitespace) {
        return Err(NetrcError::Invalid { what });
    }
    Ok(())
}

/// `login:password` of `host`, if the file names it.
pub fn get(path: &Path, host: &str) -> Result<Option<(String, String)>, NetrcError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("read", path)(e)),
    };
    Ok(parse(&text)
        .into_iter()
        .find(|m| m.name.as_deref() == Some(host))
        .map(|m| (m.login, m.password)))
}

/// Edits the file under its lock: `edit` changes the entries; the result is written
/// with mode 0600 (even when the file was more open before).
fn update(path: &Path, edit: impl FnOnce(&mut Vec<Machine>)) -> Result<(), NetrcError> {
    let lock = crate::property::lock::FileLock::beside(path).map_err(io("lock", path))?;
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io("read", path)(e)),
    };
    let mut machines = parse(&text);
    edit(&mut machines);
    crate::fs::write_atomic(path, render(&machines).as_bytes(), 0o600)
        .map_err(io("write", path))?;
    drop(lock);
    Ok(())
}

/// Sets the login and password of `host` (replacing its entry, or adding one).
pub fn set(path: &Path, host: &str, login: &str, password: &str) -> Result<(), NetrcError> {
    check("host", host)?;
    check("login", login)?;
    check("password", password)?;
    update(path, |machines| {
        let entry = Machine {
            name: Some(host.to_string()),
            login: login.to_string(),
            password: password.to_string(),
            account: String::new(),
        };
        match machines
            .iter_mut()
            .find(|m| m.name.as_deref() == Some(host))
        {
            Some(m) => *m = entry,
            None => {
                // Before `default`, which curl only uses when nothing else matched.
                let at = machines
                    .iter()
                    .position(|m| m.name.is_none())
                    .unwrap_or(machines.len());
                machines.insert(at, entry);
            }
        }
    })
}

/// Removes `host`'s entry; a file without it is rewritten as it is (and made 0600);
/// no file stays no file.
pub fn unset(path: &Path, host: &str) -> Result<(), NetrcError> {
    check("host", host)?;
    if !path.exists() {
        return Ok(());
    }
    update(path, |machines| {
        machines.retain(|m| m.name.as_deref() != Some(host));
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn parses_curls_layouts() {
        let text = "# creds\nmachine a.com login u password p\n\
                    machine b.com\n  login v\n  password\n  q\n\
                    macdef init\ncd /\n\ndefault login anon password x\n";
        let m = parse(text);
        assert_eq!(m.len(), 3);
        assert_eq!((m[0].login.as_str(), m[0].password.as_str()), ("u", "p"));
        assert_eq!(m[1].name.as_deref(), Some("b.com"));
        assert_eq!((m[1].login.as_str(), m[1].password.as_str()), ("v", "q"));
        assert_eq!(m[2].name, None);
        assert_eq!(parse(&render(&m)), m, "render round-trips");
    }

    #[test]
    fn set_get_unset_keep_the_file_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".netrc");
        assert_eq!(get(&path, "github.com").expect("get"), None);
        set(&path, "github.com", "user", "pass").expect("set");
        set(&path, "other.example.com", "u2", "p2").expect("set");
        set(&path, "github.com", "user", "new").expect("set");
        assert_eq!(
            get(&path, "github.com").expect("get"),
            Some(("user".into(), "new".into()))
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        unset(&path, "github.com").expect("unset");
        assert_eq!(get(&path, "github.com").expect("get"), None);
        assert_eq!(
            get(&path, "other.example.com").expect("get"),
            Some(("u2".into(), "p2".into()))
        );
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn refuses_what_the_format_cannot_hold() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".netrc");
        assert!(set(&path, "h", "user", "two words").is_err());
        assert!(set(&path, "", "user", "p").is_err());
        assert!(set(&path, "h", "", "p").is_err());
        assert!(!path.exists(), "nothing written");
    }
}
