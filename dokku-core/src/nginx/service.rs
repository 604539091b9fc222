//! `nginx:start` / `nginx:stop`: the project's nginx master started and stopped by
//! dokku, by its pid file, never by name.
//!
//! Stopping needs no privilege: the master runs as the user dokku runs as (the
//! `dokku` user on a system install), so it is sent QUIT (finish the requests in
//! flight), then TERM if it is still there after [`STOP_GRACE`].
//!
//! Starting a system install's master needs root once: it runs as `dokku` with only
//! `CAP_NET_BIND_SERVICE` (ports 80 and 443). install.sh installs the root-owned
//! helper [`START_HELPER`], which takes no arguments and starts exactly that master
//! (through the `dokku-nginx` unit when systemd runs), and allows the `dokku` user to
//! run it, and only it, with `sudo -n` (`/etc/sudoers.d/dokku-rs-nginx`); it marks the
//! install with [`env::DOKKU_NGINX_SUDO_START`]. Nothing the caller says reaches
//! the helper: no argument, and sudo resets the environment. A `--prefix` install's
//! master runs as the installing user on its own ports and is started directly.

use std::path::Path;
use std::time::{Duration, Instant};

use super::control::{signal, state, Nginx};
use crate::env;
use crate::process::Cmd;
use crate::settings::EnvMap;

/// The root-owned start helper a system install allows through sudo.
pub const START_HELPER: &str = "/usr/lib/dokku-rs/nginx-start";

/// How long a stopping master may finish its requests before it is sent TERM
/// (nginx.sh's `worker_shutdown_timeout` is 10 s).
pub const STOP_GRACE: Duration = Duration::from_secs(15);

/// How long a starting master has to write its pid file.
pub const START_TIMEOUT: Duration = Duration::from_secs(15);

/// What `start` or `stop` found or did; each holds the master's pid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It was already running (start) or already stopped (stop: no pid).
    Unchanged(Option<u32>),
    /// It was started or stopped.
    Done(u32),
}

/// A start or stop that failed: the message and, where known, the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// What went wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl ServiceError {
    fn new(message: impl Into<String>, hint: Option<&str>) -> ServiceError {
        ServiceError {
            message: message.into(),
            hint: hint.map(str::to_string),
        }
    }
}

/// Whether this install starts its master through the sudo helper.
pub fn uses_helper(vars: &EnvMap) -> bool {
    vars.get(env::DOKKU_NGINX_SUDO_START)
        .is_some_and(|v| matches!(v.as_str(), "1" | "true"))
}

impl Nginx {
    /// The running master, if it is the one of our config: its command line (nginx
    /// keeps it in its process title) names our main config.
    pub fn own_master(&self) -> Option<u32> {
        let pid = self.master_pid()?;
        let conf = self.conf.as_ref()?;
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let cmdline = String::from_utf8_lossy(&cmdline);
        cmdline
            .contains(conf.to_string_lossy().as_ref())
            .then_some(pid)
    }

    /// Starts the master (see the module docs) unless it runs; waits for its pid.
    pub fn start(&self, vars: &EnvMap) -> Result<Outcome, ServiceError> {
        if let Some(pid) = self.own_master() {
            return Ok(Outcome::Unchanged(Some(pid)));
        }
        let Some(conf) = self.config() else {
            return Err(ServiceError::new(
                "nginx is not set up: DOKKU_NGINX_CONF or DOKKU_NGINX_BIN is missing",
                Some("run install.sh, which writes the project's nginx config"),
            ));
        };
        self.test().map_err(|e| {
            ServiceError::new(
                format!("nginx -t failed; nginx was not started:\n{e}"),
                Some("dokku nginx:validate-config finds the app at fault (--clean removes its config)"),
            )
        })?;
        if let Some(pid_file) = &self.pid_file {
            // A stale file (no master behind it): nginx writes a fresh one.
            let _ = std::fs::remove_file(pid_file);
        }
        let cmd = if uses_helper(vars) {
            helper_command()?
        } else {
            let log = self.error_log();
            let mut cmd = Cmd::new(&self.bin);
            if let Some(log) = &log {
                cmd = cmd.arg("-e").arg(log);
            }
            cmd.arg("-p")
                .arg(conf.parent().unwrap_or(Path::new("/")))
                .arg("-c")
                .arg(conf)
        };
        let out = cmd
            .output()
            .map_err(|e| ServiceError::new(format!("cannot start nginx: {e}"), None))?;
        if !out.status.success() {
            let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
            return Err(ServiceError::new(
                format!("nginx did not start: {said}"),
                self.error_log()
                    .map(|l| format!("see {}", l.display()))
                    .as_deref(),
            ));
        }
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(pid) = self.own_master() {
                return Ok(Outcome::Done(pid));
            }
            if Instant::now() >= deadline {
                return Err(ServiceError::new(
                    format!(
                        "nginx did not start within {} seconds",
                        START_TIMEOUT.as_secs()
                    ),
                    self.error_log()
                        .map(|l| {
                            format!("see {} (is another server using its ports?)", l.display())
                        })
                        .as_deref(),
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the master by its pid file: QUIT, then TERM after [`STOP_GRACE`].
    pub fn stop(&self) -> Result<Outcome, ServiceError> {
        let Some(pid) = self.own_master() else {
            return Ok(Outcome::Unchanged(None));
        };
        signal(pid, libc::SIGQUIT).map_err(|e| {
            ServiceError::new(
                format!("cannot stop the nginx master {pid}: {e}"),
                Some("it runs as another user; stop it as root (scripts/nginx.sh stop)"),
            )
        })?;
        let gone = |until: Instant| loop {
            if state(pid).is_none_or(|s| s == 'Z') {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        if !gone(Instant::now() + STOP_GRACE) {
            let _ = signal(pid, libc::SIGTERM);
            if !gone(Instant::now() + Duration::from_secs(5)) {
                return Err(ServiceError::new(
                    format!("the nginx master {pid} did not exit"),
                    None,
                ));
            }
        }
        if let Some(pid_file) = &self.pid_file {
            let _ = std::fs::remove_file(pid_file);
        }
        Ok(Outcome::Done(pid))
    }
}

/// `sudo -n START_HELPER`, or the helper itself for root once it is checked to be
/// root's alone (root must not run a file another user could have changed).
fn helper_command() -> Result<Cmd, ServiceError> {
    use std::os::unix::fs::MetadataExt;
    let missing = || {
        ServiceError::new(
            format!("the nginx start helper {START_HELPER} is missing or not root's alone"),
            Some("re-run install.sh as root, which installs it and its sudoers rule"),
        )
    };
    let meta = std::fs::metadata(START_HELPER).map_err(|_| missing())?;
    if meta.uid() != 0 || meta.mode() & 0o022 != 0 {
        return Err(missing());
    }
    Ok(if effective_uid() == Some(0) {
        Cmd::new(START_HELPER)
    } else {
        Cmd::new("sudo").arg("-n").arg(START_HELPER)
    })
}

/// The effective uid, from `/proc/self/status` (no `unsafe`, no subprocess).
fn effective_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_helper_is_used_only_when_the_install_says_so() {
        let mut vars = EnvMap::new();
        assert!(!uses_helper(&vars));
        vars.insert(env::DOKKU_NGINX_SUDO_START.into(), "true".into());
        assert!(uses_helper(&vars));
        vars.insert(env::DOKKU_NGINX_SUDO_START.into(), "/tmp/x".into());
        assert!(!uses_helper(&vars), "a path is not a switch");
    }

    #[test]
    fn without_a_config_nothing_starts_and_nothing_stops() {
        let nginx = Nginx::from_env(&EnvMap::new());
        assert_eq!(nginx.own_master(), None);
        assert_eq!(nginx.stop(), Ok(Outcome::Unchanged(None)));
        let err = nginx.start(&EnvMap::new()).expect_err("not set up");
        assert!(err.message.contains("not set up"), "{err:?}");
    }

    #[test]
    fn a_pid_file_naming_another_program_is_not_our_master() {
        let dir = tempfile::tempdir().expect("tempdir");
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, "events {}\n").expect("conf");
        // This test process: alive, but neither nginx nor started with our config.
        std::fs::write(dir.path().join("nginx.pid"), std::process::id().to_string()).expect("pid");
        let mut vars = EnvMap::new();
        vars.insert(env::DOKKU_NGINX_CONF.into(), conf.display().to_string());
        let nginx = Nginx::from_env(&vars);
        assert_eq!(nginx.own_master(), None);
        assert_eq!(nginx.stop(), Ok(Outcome::Unchanged(None)));
    }

    #[test]
    fn effective_uid_is_read() {
        assert!(effective_uid().is_some());
    }
}
