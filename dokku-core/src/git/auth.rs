//! What git needs to reach private remotes: `.netrc` credentials for https
//! (`git:auth`, `git:auth-status`), the host's deploy key for ssh
//! (`git:generate-deploy-key`, `git:public-key`) and the hosts it trusts
//! (`git:allow-host`), all in the dokku user's home (`$DOKKU_ROOT`).

use std::path::{Path, PathBuf};

use crate::netrc::{self, NetrcError};
use crate::paths::Layout;

/// `$DOKKU_ROOT/.netrc`, which git (through curl) reads as the dokku user's.
pub fn netrc_path(layout: &Layout) -> PathBuf {
    layout.dokku_root.join(".netrc")
}

/// `$DOKKU_ROOT/.ssh`.
pub fn ssh_dir(layout: &Layout) -> PathBuf {
    layout.dokku_root.join(".ssh")
}

/// The deploy key's public half, ed25519 first, then rsa (Dokku's order).
pub fn public_key(layout: &Layout) -> Option<PathBuf> {
    ["id_ed25519.pub", "id_rsa.pub"]
        .into_iter()
        .map(|name| ssh_dir(layout).join(name))
        .find(|path| path.is_file())
}

/// Whether `host` may be handed to `ssh-keyscan` or written to `.netrc`: a host
/// name, IPv4 or bracketed IPv6 address, optionally with a port; never an option.
pub fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && !host.starts_with('-')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']'))
}

/// Sets (`Some((login, password))`) or removes (`None`) the credentials of `host`,
/// leaving the file 0600 and, when root writes it, owned by the system user.
pub fn set_credentials(
    layout: &Layout,
    host: &str,
    credentials: Option<(&str, &str)>,
    owner: Option<crate::ownership::Ids>,
) -> Result<(), NetrcError> {
    let path = netrc_path(layout);
    match credentials {
        Some((login, password)) => netrc::set(&path, host, login, password)?,
        None => netrc::unset(&path, host)?,
    }
    hand_to(&path, owner);
    Ok(())
}

/// Whether the credentials of `host` are the wanted ones (`None`: that it has none).
pub fn credentials_match(
    layout: &Layout,
    host: &str,
    wanted: Option<(&str, &str)>,
) -> Result<bool, NetrcError> {
    let current = netrc::get(&netrc_path(layout), host)?;
    Ok(match (wanted, current) {
        (None, current) => current.is_none(),
        (Some((login, password)), Some((l, p))) => login == l && password == p,
        (Some(_), None) => false,
    })
}

/// Appends `ssh-keyscan` output to `$DOKKU_ROOT/.ssh/known_hosts` (created 0600 in a
/// 0700 `.ssh` when missing), atomically; returns whether any key line was added.
pub fn add_known_hosts(
    layout: &Layout,
    scanned: &str,
    owner: Option<crate::ownership::Ids>,
) -> std::io::Result<bool> {
    let lines: Vec<&str> = scanned
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if lines.is_empty() {
        return Ok(false);
    }
    let dir = ssh_dir(layout);
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)?;
    }
    let path = dir.join("known_hosts");
    let mut text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    crate::fs::write_atomic(&path, text.as_bytes(), 0o600)?;
    hand_to(&path, owner);
    Ok(true)
}

/// Gives `path` to `owner` when there is one (root writing for the system user).
fn hand_to(path: &Path, owner: Option<crate::ownership::Ids>) {
    if let (Some(ids), true) = (owner, path.exists()) {
        let _ = std::os::unix::fs::chown(path, Some(ids.uid), Some(ids.gid));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_names_not_options() {
        assert!(valid_host("github.com"));
        assert!(valid_host("git.example.com:2222"));
        assert!(valid_host("[::1]"));
        assert!(!valid_host("-oProxyCommand=x"));
        assert!(!valid_host("a b"));
        assert!(!valid_host("a/b"));
        assert!(!valid_host(""));
    }

    #[test]
    fn credentials_set_match_and_unset() {
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = Layout::under(dir.path());
        std::fs::create_dir_all(&layout.dokku_root).expect("mkdir");
        assert!(credentials_match(&layout, "github.com", None).expect("read"));
        set_credentials(&layout, "github.com", Some(("u", "p")), None).expect("set");
        assert!(credentials_match(&layout, "github.com", Some(("u", "p"))).expect("read"));
        assert!(!credentials_match(&layout, "github.com", Some(("u", "x"))).expect("read"));
        assert!(!credentials_match(&layout, "github.com", None).expect("read"));
        set_credentials(&layout, "github.com", None, None).expect("unset");
        assert!(credentials_match(&layout, "github.com", None).expect("read"));
    }

    #[test]
    fn known_hosts_and_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = Layout::under(dir.path());
        assert_eq!(public_key(&layout), None);
        assert!(!add_known_hosts(&layout, "# github.com:22 SSH-2.0\n", None).expect("add"));
        assert!(add_known_hosts(&layout, "github.com ssh-rsa AAAA\n", None).expect("add"));
        assert!(add_known_hosts(&layout, "gitlab.com ssh-rsa BBBB", None).expect("add"));
        let text = std::fs::read_to_string(ssh_dir(&layout).join("known_hosts")).expect("read");
        assert_eq!(text, "github.com ssh-rsa AAAA\ngitlab.com ssh-rsa BBBB\n");
        std::fs::write(ssh_dir(&layout).join("id_rsa.pub"), "ssh-rsa K").expect("write");
        assert_eq!(
            public_key(&layout),
            Some(ssh_dir(&layout).join("id_rsa.pub"))
        );
    }
}
