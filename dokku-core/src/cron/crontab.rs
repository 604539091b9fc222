//! Installing the system user's crontab with `crontab(1)` (Debian's `cron` package):
//! `crontab -u USER FILE` replaces it, `crontab -r -u USER` removes it.

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
}
