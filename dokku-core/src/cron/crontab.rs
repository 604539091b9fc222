//! Installing the system user's crontab with `crontab(1)` (Debian's `cron` package):
//! `crontab -u USER FILE` replaces it, `crontab -r -u USER` removes it.
//!
//! A system install owns the `dokku` user's whole crontab, as in Dokku. A prefix
//! install runs as an ordinary user whose crontab is not reserved for it, and several
//! prefixes may share that user: each keeps its tasks in its own marked block
//! ([`install_block`]) and leaves every other line alone.

use std::io::Write as _;

use crate::process::{Cmd, ProcessError};

/// What happened to the crontab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Installed {
    /// It was replaced.
    Updated,
    /// It was removed.
    Removed,
    /// There was none and none was wanted.
    Unchanged,
}

/// Why the crontab could not be changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CrontabError {
    /// `crontab` could not be run.
    #[error("Unable to update schedule file: {0}")]
    Spawn(#[from] ProcessError),
    /// The temporary file could not be written.
    #[error("Cannot create temporary schedule file: {0}")]
    Temp(#[from] std::io::Error),
    /// `crontab` refused.
    #[error("Unable to {action} schedule file: {stderr}")]
    Refused {
        /// `update` or `remove`.
        action: &'static str,
        /// What `crontab` said.
        stderr: String,
    },
}

/// Replaces `user`'s crontab with `text`, or removes it when `text` is `None` (and
/// there is one). `program` is the `crontab` binary.
pub fn install(program: &str, user: &str, text: Option<&str>) -> Result<Installed, CrontabError> {
    let Some(text) = text else {
        // Without crontab(1) there is no table to remove either.
        let Ok(listed) = Cmd::new(program).args(["-l", "-u", user]).output() else {
            return Ok(Installed::Unchanged);
        };
        if !listed.status.success() {
            return Ok(Installed::Unchanged);
        }
        let removed = Cmd::new(program).args(["-r", "-u", user]).output()?;
        if !removed.status.success() {
            return Err(CrontabError::Refused {
                action: "remove",
                stderr: String::from_utf8_lossy(&removed.stderr).trim().to_string(),
            });
        }
        return Ok(Installed::Removed);
    };
    let mut file = tempfile::Builder::new()
        .prefix("dokku-crontab-")
        .tempfile()?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    let out = Cmd::new(program)
        .args(["-u", user])
        .arg(file.path())
        .output()?;
    if !out.status.success() {
        return Err(CrontabError::Refused {
            action: "update",
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(Installed::Updated)
}

/// `user`'s home folder from `/etc/passwd` (the prefix installs of one user share
/// their crontab lock there, whatever `HOME` their caller passed).
pub fn user_home(user: &str) -> Option<std::path::PathBuf> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 7 && fields[0] == user && !fields[5].is_empty())
            .then(|| std::path::PathBuf::from(fields[5]))
    })
}

/// The first line of the block of the install whose `DOKKU_ROOT` is `key`.
fn begin_marker(key: &str) -> String {
    format!("# BEGIN dokku-rs {key}")
}

fn end_marker(key: &str) -> String {
    format!("# END dokku-rs {key}")
}

/// `current` with the block of `key` replaced by `block` (removed when `None`);
/// a new block goes at the end. Lines outside the block are kept as they are.
pub fn merge_block(current: &str, key: &str, block: Option<&str>) -> String {
    let (begin, end) = (begin_marker(key), end_marker(key));
    let mut out = String::new();
    let mut inside = false;
    for line in current.lines() {
        if line == begin {
            inside = true;
        } else if inside && line == end {
            inside = false;
        } else if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    if let Some(block) = block {
        out.push_str(&begin);
        out.push('\n');
        out.push_str(block);
        if !block.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&end);
        out.push('\n');
    }
    out
}

/// Replaces this install's block (keyed by its `DOKKU_ROOT`) in `user`'s crontab with
/// `block`, or removes it; the crontab itself is removed once nothing is left in it.
/// The caller holds the lock that orders writers of `user`'s crontab.
pub fn install_block(
    program: &str,
    user: &str,
    key: &str,
    block: Option<&str>,
) -> Result<Installed, CrontabError> {
    let current = match Cmd::new(program).args(["-l", "-u", user]).output() {
        Ok(listed) if listed.status.success() => {
            String::from_utf8_lossy(&listed.stdout).into_owned()
        }
        Ok(_) => String::new(),
        Err(e) => {
            if block.is_none() {
                return Ok(Installed::Unchanged);
            }
            return Err(CrontabError::Spawn(e));
        }
    };
    let merged = merge_block(&current, key, block);
    if merged == current {
        return Ok(Installed::Unchanged);
    }
    if merged.trim().is_empty() {
        return install(program, user, None);
    }
    install(program, user, Some(&merged)).map(|i| match (i, block) {
        (Installed::Updated, None) => Installed::Removed,
        (other, _) => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A fake `crontab` that keeps the table in a file beside itself.
    fn fake(dir: &std::path::Path) -> String {
        let bin = dir.join("crontab");
        let table = dir.join("table");
        std::fs::write(
            &bin,
            format!(
                "#!/bin/sh\nT={t}\ncase \"$1\" in\n -l) test -f $T && cat $T ;;\n -r) rm $T ;;\n -u) cp \"$3\" $T ;;\nesac\n",
                t = table.display()
            ),
        )
        .expect("write fake");
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        bin.display().to_string()
    }

    #[test]
    fn installs_replaces_and_removes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = fake(dir.path());
        let table = dir.path().join("table");
        assert_eq!(
            install(&bin, "dokku", None).expect("none"),
            Installed::Unchanged
        );
        assert_eq!(
            install(&bin, "dokku", Some("@daily x\n")).expect("set"),
            Installed::Updated
        );
        assert_eq!(
            std::fs::read_to_string(&table).expect("table"),
            "@daily x\n"
        );
        assert_eq!(
            install(&bin, "dokku", None).expect("rm"),
            Installed::Removed
        );
        assert!(!table.exists());
    }

    #[test]
    fn blocks_keep_other_lines_and_other_installs() {
        let user_line = "0 1 * * * backup\n";
        let a = merge_block(user_line, "/p1/home", Some("@daily a\n"));
        let ab = merge_block(&a, "/p2/home", Some("@daily b\n"));
        assert_eq!(
            ab,
            "0 1 * * * backup\n# BEGIN dokku-rs /p1/home\n@daily a\n# END dokku-rs /p1/home\n\
             # BEGIN dokku-rs /p2/home\n@daily b\n# END dokku-rs /p2/home\n"
        );
        let replaced = merge_block(&ab, "/p1/home", Some("@hourly a2"));
        assert!(replaced.contains("@hourly a2\n") && !replaced.contains("@daily a\n"));
        assert!(replaced.starts_with(user_line) && replaced.contains("@daily b"));
        let removed = merge_block(&merge_block(&replaced, "/p1/home", None), "/p2/home", None);
        assert_eq!(removed, user_line);
    }

    #[test]
    fn the_last_block_out_removes_the_crontab_and_a_user_line_keeps_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bin = fake(dir.path());
        let table = dir.path().join("table");
        assert_eq!(
            install_block(&bin, "me", "/p/home", Some("@daily x\n")).expect("set"),
            Installed::Updated
        );
        assert_eq!(
            install_block(&bin, "me", "/p/home", Some("@daily x\n")).expect("same"),
            Installed::Unchanged
        );
        assert_eq!(
            install_block(&bin, "me", "/p/home", None).expect("rm"),
            Installed::Removed
        );
        assert!(!table.exists(), "nothing else was in it");
        std::fs::write(&table, "0 1 * * * mine\n").expect("user line");
        install_block(&bin, "me", "/p/home", Some("@daily x\n")).expect("set");
        install_block(&bin, "me", "/p/home", None).expect("rm");
        assert_eq!(
            std::fs::read_to_string(&table).expect("kept"),
            "0 1 * * * mine\n"
        );
    }
}
