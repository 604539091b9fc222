//! The events logger (`20_events`) and the `.dokkurc` switches behind `events:on` and
//! `trace:on` (`dokku-core-behaviour.md` §1.2, §1.5).
//!
//! A switch is a settings file `$DOKKU_ROOT/.dokkurc/<VAR>` holding `export <VAR>=1`,
//! which every later `dokku` reads at start-up. While `DOKKU_EVENTS` is set, each
//! trigger the events plugin listens to appends one line to `$DOKKU_EVENTS_LOGFILE`:
//! `INVOKED: <trigger>( <args> ) NAME=<key name> FINGERPRINT=<fp> DOKKU_PID=<pid>`.
//!
//! Where we differ from Dokku on purpose: Dokku hands the line to syslog
//! (`logger -t dokku-event`) and relies on an rsyslog rule to route it into the log
//! file; we append it to the file ourselves, prefixed as rsyslog would
//! (`<RFC 3339 time> <host> dokku-event[<pid>]: `), so events work without a syslog
//! daemon and `dokku events` shows them at once.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::env;

/// The triggers the events plugin logs (Dokku's `20_events` hook links).
pub const TRIGGERS: &[&str] = &[
    "app-list",
    "bind-external-ip",
    "check-deploy",
    "docker-args-build",
    "docker-args-deploy",
    "docker-args-run",
    "git-post-pull",
    "git-pre-pull",
    "install",
    "nginx-hostname",
    "nginx-pre-reload",
    "post-build-buildpack",
    "post-build-dockerfile",
    "post-create",
    "post-delete",
    "post-deploy",
    "post-domains-update",
    "post-release-buildpack",
    "post-release-dockerfile",
    "post-start",
    "pre-build-buildpack",
    "pre-build-dockerfile",
    "pre-delete",
    "pre-deploy",
    "pre-release-buildpack",
    "pre-release-dockerfile",
    "receive-app",
    "retire-container-failed",
    "update",
    "user-auth",
];

/// How many lines `dokku events` shows.
pub const TAIL_LINES: usize = 100;

/// The events log: `configured` (`$DOKKU_EVENTS_LOGFILE`, when set and not empty), else
/// `<logs_dir>/events.log`.
pub fn logfile(configured: Option<&str>, logs_dir: &Path) -> PathBuf {
    configured
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| logs_dir.join("events.log"))
}

/// `$DOKKU_ROOT/.dokkurc/<var>`: the settings file that turns `var` on.
pub fn switch_file(dokku_root: &Path, var: &str) -> PathBuf {
    dokku_root.join(".dokkurc").join(var)
}

/// Turns `var` on for every later `dokku`: writes `export <var>=1` to its switch file.
pub fn enable(dokku_root: &Path, var: &str) -> io::Result<()> {
    let file = switch_file(dokku_root, var);
    if let Some(dir) = file.parent() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(dir)?;
    }
    crate::fs::write_atomic(&file, format!("export {var}=1\n").as_bytes(), 0o644)
}

/// Turns `var` off: removes its switch file (missing is fine).
pub fn disable(dokku_root: &Path, var: &str) -> io::Result<()> {
    match fs::remove_file(switch_file(dokku_root, var)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The event message for one trigger call, as Dokku's `dokku_log_plugn_trigger_call`
/// writes it.
pub fn event_message(
    trigger: &str,
    args: &[String],
    name: &str,
    fingerprint: &str,
    pid: &str,
) -> String {
    format!(
        "INVOKED: {trigger}( {} ) NAME={name} FINGERPRINT={fingerprint} DOKKU_PID={pid}",
        args.join(" ")
    )
}

/// The message for `trigger` with the caller's environment (`NAME`, `FINGERPRINT`,
/// `DOKKU_PID`).
pub fn event_message_from_env(
    trigger: &str,
    args: &[String],
    vars: &crate::settings::EnvMap,
) -> String {
    let get = |k: &str| vars.get(k).map(String::as_str).unwrap_or("");
    event_message(
        trigger,
        args,
        get(env::NAME),
        get(env::FINGERPRINT),
        get(env::DOKKU_PID),
    )
}

/// Appends `message` to `logfile` as one syslog-style line
/// (`<time> <host> dokku-event[<pid>]: <message>`), in a single write so concurrent
/// writers never interleave within a line. The file is created `0664`.
pub fn record(logfile: &Path, message: &str) -> io::Result<()> {
    let line = format!(
        "{} {} dokku-event[{}]: {}\n",
        rfc3339(SystemTime::now()),
        hostname(),
        std::process::id(),
        message.replace('\n', " ")
    );
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o664)
        .open(logfile)?;
    file.write_all(line.as_bytes())
}

/// The events plugin's `install`: the log directory (`0775`) and an empty log file
/// (`0664`).
pub fn install(logs_dir: &Path, logfile: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o775)
        .create(logs_dir)?;
    if !logfile.exists() {
        OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o664)
            .open(logfile)?;
        fs::set_permissions(logfile, fs::Permissions::from_mode(0o664))?;
    }
    Ok(())
}

/// The last `n` lines of `logfile` (`tail -n`), each with its newline; a missing file
/// is `None`.
pub fn tail(logfile: &Path, n: usize) -> io::Result<Option<String>> {
    let text = match fs::read(logfile) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    Ok(Some(lines[lines.len().saturating_sub(n)..].concat()))
}

fn hostname() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// `time` as `YYYY-MM-DDTHH:MM:SS+00:00` (UTC).
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_logfile_is_configured_or_under_the_logs_dir() {
        let logs = Path::new("/var/log/dokku");
        assert_eq!(logfile(Some("/tmp/e.log"), logs), Path::new("/tmp/e.log"));
        assert_eq!(logfile(Some(""), logs), logs.join("events.log"));
        assert_eq!(logfile(None, logs), logs.join("events.log"));
    }

    #[test]
    fn switches_are_dokkurc_files() {
        let dir = tempfile::tempdir().expect("tmp");
        enable(dir.path(), "DOKKU_TRACE").expect("on");
        let file = dir.path().join(".dokkurc/DOKKU_TRACE");
        assert_eq!(
            fs::read_to_string(&file).expect("read"),
            "export DOKKU_TRACE=1\n"
        );
        disable(dir.path(), "DOKKU_TRACE").expect("off");
        assert!(!file.exists());
        disable(dir.path(), "DOKKU_TRACE").expect("off twice");
    }

    #[test]
    fn messages_and_lines() {
        let msg = event_message(
            "post-deploy",
            &["web".into(), "5000".into()],
            "admin",
            "SHA256:x",
            "42",
        );
        assert_eq!(
            msg,
            "INVOKED: post-deploy( web 5000 ) NAME=admin FINGERPRINT=SHA256:x DOKKU_PID=42"
        );
        assert_eq!(
            event_message("install", &[], "", "", "1"),
            "INVOKED: install(  ) NAME= FINGERPRINT= DOKKU_PID=1"
        );
        let dir = tempfile::tempdir().expect("tmp");
        let log = dir.path().join("events.log");
        record(&log, "one").expect("record");
        record(&log, "two").expect("record");
        let text = fs::read_to_string(&log).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[1].ends_with(&format!(" dokku-event[{}]: two", std::process::id())),
            "{}",
            lines[1]
        );
        assert_eq!(
            tail(&log, 1).expect("tail").as_deref(),
            Some(lines[1]).map(|l| format!("{l}\n")).as_deref()
        );
        assert_eq!(tail(&dir.path().join("none"), 5).expect("tail"), None);
    }

    #[test]
    fn the_plugin_manifest_lists_the_same_triggers() {
        let manifest =
            crate::plugin::Manifest::parse(include_str!("../../plugins/20_events/plugin.toml"))
                .expect("manifest");
        let mut declared: Vec<&str> = manifest.trigger.iter().map(|t| t.name.as_str()).collect();
        declared.sort_unstable();
        let mut ours = TRIGGERS.to_vec();
        ours.sort_unstable();
        assert_eq!(declared, ours);
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00+00:00");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400 + 3661)),
            "2000-02-29T01:01:01+00:00"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_735_689_599)),
            "2024-12-31T23:59:59+00:00"
        );
    }
}
