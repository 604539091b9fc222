//! `$DOKKU_ROOT/.ssh/authorized_keys` in sshcommand's exact format (the
//! `ssh-keys` plugin and `sshcommand acl-*`).
//!
//! Each key is one line whose forced command sets `FINGERPRINT` and `NAME` and runs
//! the command stored in `$DOKKU_ROOT/.sshcommand` with the client's command:
//!
//! ```text
//! command="FINGERPRINT=<fp> NAME=\"<name>\" `cat <home>/.sshcommand` $SSH_ORIGINAL_COMMAND",<allowed> <type> <base64> [comment]
//! ```
//!
//! Keys are checked with `ssh-keygen -l`, the same tool sshd trusts.

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use thiserror::Error;

use crate::paths::Layout;
use crate::process::Cmd;

/// sshcommand's default key options (`$SSHCOMMAND_ALLOWED_KEYS`).
pub const DEFAULT_ALLOWED_KEYS: &str =
    "no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding";

/// Why a key was refused, with Dokku's messages.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SshKeyError {
    /// Nothing but whitespace.
    #[error("Empty key was specified")]
    Empty,
    /// More than one line.
    #[error(
        "Too many keys provided, set one per invocation of dokku ssh-keys:add <NAME> <KEY_FILE>"
    )]
    TooMany,
    /// `ssh-keygen -l` refuses it (Dokku's message, typo included).
    #[error("Key specified in is not a valid ssh public key")]
    Invalid,
    /// The key carries options, or sshcommand's fingerprint check failed.
    #[error("Invalid ssh public key")]
    InvalidForAcl,
    /// A key with this name exists.
    #[error("Duplicate ssh key name")]
    DuplicateName,
    /// This key exists under another name.
    #[error("Duplicate ssh public key specified")]
    DuplicateKey,
    /// The key name would break the line format.
    #[error("Invalid key name: a name may only contain letters, digits, '.', '_', '@' and '-'")]
    BadName,
    /// The file holds lines ssh-keygen refuses.
    #[error("{}", lines.iter().map(|n| format!("{path} line {n} failed ssh-keygen check.")).collect::<Vec<_>>().join("\n"))]
    BadLines {
        /// The file.
        path: String,
        /// 1-based line numbers.
        lines: Vec<usize>,
    },
    /// The file has no keys.
    #[error("No public keys found.")]
    NoKeys,
    /// A file could not be read or written, or ssh-keygen could not run.
    #[error("{0}")]
    Io(String),
}

/// One key of the file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyEntry {
    /// `SHA256:...`.
    pub fingerprint: String,
    /// The key's name.
    pub name: String,
    /// The options after the forced command.
    #[serde(rename = "SSHCOMMAND_ALLOWED_KEYS")]
    pub allowed: String,
    /// `TYPE BASE64 [COMMENT]`.
    #[serde(rename = "public-key")]
    pub public_key: String,
}

/// The fingerprint `ssh-keygen -l` prints for `key` (its second field), or `None`
/// when it is not a valid key line.
pub fn fingerprint(key: &str) -> Result<Option<String>, SshKeyError> {
    let io = |e: String| SshKeyError::Io(format!("cannot run ssh-keygen: {e}"));
    let mut child = Cmd::new("ssh-keygen")
        .args(["-l", "-f", "-"])
        .spawn(Stdio::piped(), Stdio::piped(), Stdio::null())
        .map_err(|e| io(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(format!("{}\n", key.trim_end()).as_bytes());
    }
    let out = child.wait_with_output().map_err(|e| io(e.to_string()))?;
    if !out.status.success() {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .split_whitespace()
        .nth(1)
        .filter(|fp| fp.contains(':'))
        .map(str::to_string))
}

/// The authorized_keys line for a key.
pub fn line(fingerprint: &str, name: &str, home: &Path, allowed: &str, key: &str) -> String {
    format!(
        "command=\"FINGERPRINT={fingerprint} NAME=\\\"{name}\\\" `cat {}/.sshcommand` $SSH_ORIGINAL_COMMAND\",{allowed} {}",
        home.display(),
        key.trim()
    )
}

/// Parses one line written by [`line`](fn@line) (also the legacy unquoted `NAME=name`).
pub fn parse_line(text: &str) -> Option<KeyEntry> {
    let rest = text.trim().strip_prefix("command=\"")?;
    let fp_start = rest.strip_prefix("FINGERPRINT=")?;
    let (fingerprint, rest) = fp_start.split_once(' ')?;
    let rest = rest.strip_prefix("NAME=")?;
    let (name, rest) = if let Some(q) = rest.strip_prefix("\\\"") {
        q.split_once("\\\"")?
    } else {
        rest.split_once(' ')?
    };
    // The command ends at the first unescaped `"`.
    let end = rest.find("\",")?;
    let after = &rest[end + 2..];
    let (allowed, key) = after.split_once(' ')?;
    Some(KeyEntry {
        fingerprint: fingerprint.to_string(),
        name: name.to_string(),
        allowed: allowed.to_string(),
        public_key: key.trim().to_string(),
    })
}

fn check_name(name: &str) -> Result<(), SshKeyError> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c))
    {
        return Err(SshKeyError::BadName);
    }
    Ok(())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn write(path: &Path, text: &str) -> Result<(), SshKeyError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| SshKeyError::Io(format!("cannot create {}: {e}", dir.display())))?;
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    crate::fs::write_atomic(path, text.as_bytes(), 0o600)
        .map_err(|e| SshKeyError::Io(format!("cannot write {}: {e}", path.display())))?;
    // Root edits the dokku user's file: the new file must stay the user's, or sshd
    // (reading it as that user) cannot.
    if let Some(dir) = path.parent() {
        use std::os::unix::fs::MetadataExt;
        if let Ok(meta) = std::fs::metadata(dir) {
            let _ = std::os::unix::fs::chown(path, Some(meta.uid()), Some(meta.gid()));
        }
    }
    Ok(())
}

/// Checks a key given to `ssh-keys:add` and returns it as one trimmed line.
pub fn validate_key(text: &str) -> Result<String, SshKeyError> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match lines.as_slice() {
        [] => Err(SshKeyError::Empty),
        [one] => {
            fingerprint(one)?.ok_or(SshKeyError::Invalid)?;
            Ok(one.to_string())
        }
        _ => Err(SshKeyError::TooMany),
    }
}

/// `sshcommand acl-add dokku NAME`: appends the key's line; returns its fingerprint.
pub fn add(
    layout: &Layout,
    name: &str,
    key: &str,
    allowed: Option<&str>,
) -> Result<String, SshKeyError> {
    check_name(name)?;
    // As sshcommand: a file ssh-keygen already refuses is not added to (a broken line
    // would hide the new key from sshd); nothing is written.
    match verify(layout) {
        Ok(()) | Err(SshKeyError::NoKeys) => {}
        Err(e) => return Err(e),
    }
    let path = layout.authorized_keys();
    let text = read(&path);
    if text.contains(&format!("NAME=\\\"{name}\\\"")) {
        return Err(SshKeyError::DuplicateName);
    }
    let fp = fingerprint(&format!("command=\"dummy\" {}", key.trim()))?
        .ok_or(SshKeyError::InvalidForAcl)?;
    if text.contains(&fp) {
        return Err(SshKeyError::DuplicateKey);
    }
    let mut next = text;
    if !next.is_empty() && !next.ends_with('\n') {
        next.push('\n');
    }
    next.push_str(&line(
        &fp,
        name,
        &layout.dokku_root,
        allowed.unwrap_or(DEFAULT_ALLOWED_KEYS),
        key,
    ));
    next.push('\n');
    write(&path, &next)?;
    Ok(fp)
}

/// Every line number (1-based) of the file that ssh-keygen refuses.
pub fn verify(layout: &Layout) -> Result<(), SshKeyError> {
    let path = layout.authorized_keys();
    let text = read(&path);
    let keys: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if keys.is_empty() {
        return Err(SshKeyError::NoKeys);
    }
    // One ssh-keygen for the whole file; only when it skipped lines do we look for
    // which ones.
    let whole = Cmd::new("ssh-keygen")
        .args(["-l", "-f"])
        .arg(&path)
        .read()
        .unwrap_or_default();
    if whole.lines().filter(|l| !l.trim().is_empty()).count() == keys.len() {
        return Ok(());
    }
    let mut bad = Vec::new();
    for (n, l) in keys {
        if fingerprint(l)?.is_none() {
            bad.push(n);
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(SshKeyError::BadLines {
            path: path.display().to_string(),
            lines: bad,
        })
    }
}

/// The keys in the file, in file order.
pub fn list(layout: &Layout) -> Vec<KeyEntry> {
    read(&layout.authorized_keys())
        .lines()
        .filter_map(parse_line)
        .collect()
}

/// `sshcommand acl-remove dokku NAME`: drops every line naming `name`.
pub fn remove_by_name(layout: &Layout, name: &str) -> Result<(), SshKeyError> {
    let needle = format!(" NAME=\\\"{name}\\\" ");
    remove_matching(layout, |l| l.contains(&needle))
}

/// `sshcommand acl-remove-by-fingerprint dokku FP`.
pub fn remove_by_fingerprint(layout: &Layout, fp: &str) -> Result<(), SshKeyError> {
    let needle = format!("\"FINGERPRINT={fp} ");
    remove_matching(layout, |l| l.contains(&needle))
}

fn remove_matching(layout: &Layout, matches: impl Fn(&str) -> bool) -> Result<(), SshKeyError> {
    let path = layout.authorized_keys();
    let text = read(&path);
    let kept: String = text
        .lines()
        .filter(|l| !matches(l))
        .map(|l| format!("{l}\n"))
        .collect();
    if kept != text {
        write(&path, &kept)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_format_round_trips() {
        let l = line(
            "SHA256:abc",
            "admin",
            Path::new("/home/dokku"),
            DEFAULT_ALLOWED_KEYS,
            "ssh-ed25519 AAAA me@x\n",
        );
        assert_eq!(
            l,
            "command=\"FINGERPRINT=SHA256:abc NAME=\\\"admin\\\" `cat /home/dokku/.sshcommand` $SSH_ORIGINAL_COMMAND\",no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding ssh-ed25519 AAAA me@x"
        );
        let e = parse_line(&l).expect("parses");
        assert_eq!(e.name, "admin");
        assert_eq!(e.fingerprint, "SHA256:abc");
        assert_eq!(e.allowed, DEFAULT_ALLOWED_KEYS);
        assert_eq!(e.public_key, "ssh-ed25519 AAAA me@x");
        let legacy = "command=\"FINGERPRINT=x NAME=old `cat /h/.sshcommand` $SSH_ORIGINAL_COMMAND\",no-pty ssh-rsa BBB";
        assert_eq!(parse_line(legacy).expect("legacy").name, "old");
    }

    #[test]
    fn add_refuses_duplicates_and_garbage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key_path = dir.path().join("k");
        let ok = Cmd::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "t@x", "-f"])
            .arg(&key_path)
            .read();
        if ok.is_err() {
            return; // no ssh-keygen on this machine
        }
        let key = std::fs::read_to_string(dir.path().join("k.pub")).expect("pub");
        let mut vars = crate::settings::EnvMap::new();
        vars.insert(
            "DOKKU_ROOT".into(),
            dir.path().join("home").display().to_string(),
        );
        let layout = Layout::from_env(&vars);
        assert_eq!(validate_key("not a key"), Err(SshKeyError::Invalid));
        assert_eq!(validate_key("  \n"), Err(SshKeyError::Empty));
        assert_eq!(
            validate_key(&format!("{key}{key}")),
            Err(SshKeyError::TooMany)
        );
        let key = validate_key(&key).expect("valid");
        let fp = add(&layout, "admin", &key, None).expect("added");
        assert!(fp.starts_with("SHA256:"), "{fp}");
        assert_eq!(
            add(&layout, "admin", &key, None),
            Err(SshKeyError::DuplicateName)
        );
        assert_eq!(
            add(&layout, "other", &key, None),
            Err(SshKeyError::DuplicateKey)
        );
        assert_eq!(
            add(&layout, "x", &format!("command=\"x\" {key}"), None),
            Err(SshKeyError::InvalidForAcl)
        );
        verify(&layout).expect("valid file");
        assert_eq!(list(&layout).len(), 1);
        remove_by_name(&layout, "admin").expect("removed");
        assert!(list(&layout).is_empty());
        assert_eq!(verify(&layout), Err(SshKeyError::NoKeys));
        // A file with a line ssh-keygen refuses is not added to.
        let path = layout.authorized_keys();
        std::fs::write(&path, "invalid\n").expect("write");
        assert!(matches!(
            add(&layout, "admin", &key, None),
            Err(SshKeyError::BadLines { .. })
        ));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "invalid\n");
    }
}
