//! The project's own nginx master: validating (`nginx -t`) and reloading it.
//!
//! dokku never touches a system nginx. `scripts/nginx.sh` runs a master with its own
//! main config (which includes `$DOKKU_ROOT/*/nginx.conf`) and pid file; dokku finds
//! them through [`env::DOKKU_NGINX_BIN`], [`env::DOKKU_NGINX_CONF`] and
//! [`env::DOKKU_NGINX_PID`]. The master's error log is `logs/error.log` beside the
//! main config.
//!
//! A reload is a SIGHUP to the master (what `nginx -s reload` sends), then a wait
//! until the switch really happened: the
//! master has started new worker processes and every old worker (which stops
//! accepting connections at once and finishes the requests it holds) has exited. Only
//! then may the caller retire the containers the old configuration pointed at. A
//! reload the master refuses (a port already in use, say) shows as no new workers
//! and an `[emerg]` line in the error log after the master's notice that it got
//! *our* signal; it is reported, not waited out.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::env;
use crate::process::Cmd;
use crate::settings::EnvMap;

/// How long a reload may take before it is reported as failed.
pub const RELOAD_TIMEOUT: Duration = Duration::from_secs(20);

/// Where the project's nginx is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nginx {
    /// The nginx binary.
    pub bin: PathBuf,
    /// The main config; `None` when not configured.
    pub conf: Option<PathBuf>,
    /// The master's pid file.
    pub pid_file: Option<PathBuf>,
}

/// What a reload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reload {
    /// New workers run the new config and the old ones are gone.
    Done,
    /// New workers run the new config; old ones were still finishing requests when
    /// the wait ended.
    Draining,
    /// No master is running: the config will be read when nginx starts.
    NotRunning,
}

fn var<'a>(env: &'a EnvMap, key: &str) -> Option<&'a str> {
    env.get(key).map(String::as_str).filter(|v| !v.is_empty())
}

impl Nginx {
    /// From the environment (see the module docs).
    pub fn from_env(vars: &EnvMap) -> Nginx {
        let bin = var(vars, env::DOKKU_NGINX_BIN)
            .map(PathBuf::from)
            .unwrap_or_else(default_bin);
        let conf = var(vars, env::DOKKU_NGINX_CONF).map(PathBuf::from);
        let pid_file = var(vars, env::DOKKU_NGINX_PID)
            .map(PathBuf::from)
            .or_else(|| conf.as_ref().map(|c| sibling(c, "nginx.pid")));
        Nginx {
            bin,
            conf,
            pid_file,
        }
    }

    /// The main config, when it is set and exists and the binary is there.
    pub fn config(&self) -> Option<&Path> {
        self.conf
            .as_deref()
            .filter(|c| c.is_file() && self.bin.is_file())
    }

    /// The master's error log (`logs/error.log` beside the main config).
    pub fn error_log(&self) -> Option<PathBuf> {
        self.conf
            .as_ref()
            .map(|c| sibling(c, "logs").join("error.log"))
    }

    pub(crate) fn base(&self, conf: &Path) -> Cmd {
        let prefix = conf.parent().unwrap_or(Path::new("/"));
        Cmd::new(&self.bin)
            .arg("-e")
            .arg("stderr")
            .arg("-p")
            .arg(prefix)
            .arg("-c")
            .arg(conf)
    }

    /// `(major, minor, patch)` from `nginx -v`, asked once per binary per process: a
    /// deploy renders the config more than once (the early proxy rebuild, then
    /// post-deploy), and each `nginx -v` is a process start on the deploy's path.
    pub fn version(&self) -> Option<(u32, u32, u32)> {
        type Versions = HashMap<PathBuf, Option<(u32, u32, u32)>>;
        static SEEN: OnceLock<Mutex<Versions>> = OnceLock::new();
        let seen = SEEN.get_or_init(Default::default);
        if let Some(known) = seen.lock().ok().and_then(|m| m.get(&self.bin).copied()) {
            return known;
        }
        let version = Cmd::new(&self.bin)
            .arg("-v")
            .output()
            .ok()
            .and_then(|out| parse_version(&String::from_utf8_lossy(&out.stderr)));
        if let Ok(mut m) = seen.lock() {
            m.insert(self.bin.clone(), version);
        }
        version
    }

    /// `nginx -t` on the main config: `Err` holds nginx's complaint (its `[emerg]` /
    /// `[alert]` lines, else all it said). `Ok` without a configured nginx.
    pub fn test(&self) -> Result<(), String> {
        let Some(conf) = self.config() else {
            return Ok(());
        };
        let out = self
            .base(conf)
            .arg("-t")
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let important: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains("[emerg]") || l.contains("[alert]") || l.contains("[crit]"))
            .collect();
        if !important.is_empty() && important.iter().all(|l| is_privileged_bind(l)) {
            // `nginx -t` binds the listen ports after the whole config was read; the
            // master may (it holds CAP_NET_BIND_SERVICE), dokku's user may not. A real
            // conflict shows at the reload, which reports it.
            return Ok(());
        }
        Err(if important.is_empty() {
            stderr.trim().to_string()
        } else {
            important.join("\n")
        })
    }

    /// The running master's pid: from the pid file, if that process is alive and is
    /// an nginx.
    pub fn master_pid(&self) -> Option<u32> {
        let text = std::fs::read_to_string(self.pid_file.as_ref()?).ok()?;
        let pid: u32 = text.trim().parse().ok()?;
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let cmdline = String::from_utf8_lossy(&cmdline);
        (cmdline.contains("nginx") && state(pid).is_some_and(|s| s != 'Z')).then_some(pid)
    }

    /// A reload (SIGHUP, as `nginx -s reload`) and the wait described in the module
    /// docs.
    pub fn reload(&self, timeout: Duration) -> Result<Reload, String> {
        if self.config().is_none() {
            return Ok(Reload::NotRunning);
        }
        let Some(master) = self.master_pid() else {
            return Ok(Reload::NotRunning);
        };
        let before = children(master);
        let log = self.error_log();
        let log_start = log
            .as_ref()
            .and_then(|l| std::fs::metadata(l).ok())
            .map(|m| m.len())
            .unwrap_or(0);
        // `nginx -s reload` would only read the pid file and send SIGHUP; sending it
        // ourselves names this process as the sender in the master's log, so that
        // only the lines of *this* reload count (a master still retrying a bind for
        // an earlier, refused reload logs its `[emerg]` lines after `log_start` too).
        signal(master, libc::SIGHUP)
            .map_err(|e| format!("cannot signal the nginx master {master}: {e}"))?;
        let sender = std::process::id();
        let start = Instant::now();
        let mut pause = Duration::from_millis(2);
        loop {
            let now = children(master);
            let fresh = now.difference(&before).count();
            if fresh > 0 && now.is_disjoint(&before) {
                return Ok(Reload::Done);
            }
            if fresh == 0 {
                if let Some(line) = log
                    .as_ref()
                    .and_then(|l| reload_emerg(l, log_start, sender))
                {
                    return Err(line);
                }
            }
            if state(master).is_none_or(|s| s == 'Z') {
                return Err("the nginx master exited while reloading".into());
            }
            if start.elapsed() >= timeout {
                return if fresh > 0 {
                    Ok(Reload::Draining)
                } else {
                    Err(format!(
                        "nginx started no new worker processes within {} seconds{}",
                        timeout.as_secs(),
                        log.map(|l| format!("; see {}", l.display()))
                            .unwrap_or_default()
                    ))
                };
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }
}

/// kill(2): `sig` to the process `pid` (a master found through its pid file).
#[allow(unsafe_code)]
pub(crate) fn signal(pid: u32, sig: libc::c_int) -> std::io::Result<()> {
    let pid = libc::pid_t::try_from(pid)
        .ok()
        .filter(|p| *p > 1)
        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    // SAFETY: kill only reads its two integer arguments; a positive pid names one
    // process, never a group.
    if unsafe { libc::kill(pid, sig) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// `bind() to 0.0.0.0:80 failed (13: Permission denied)`: a port below 1024 that
/// only the master may open.
fn is_privileged_bind(line: &str) -> bool {
    line.contains("bind() to ") && line.contains("failed (13: ")
}

fn sibling(path: &Path, name: &str) -> PathBuf {
    path.parent().unwrap_or(Path::new("/")).join(name)
}

fn default_bin() -> PathBuf {
    let path = std::env::var_os(env::PATH).unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("nginx");
        if candidate.is_file() {
            return candidate;
        }
    }
    PathBuf::from("/usr/sbin/nginx")
}

/// `nginx version: nginx/1.22.1` → `(1, 22, 1)`.
pub fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let rest = text.split("nginx/").nth(1)?;
    let version: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

/// A process's state letter (`R`, `S`, `Z`, ...), `None` when it does not exist.
pub(crate) fn state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// The live (not zombie) children of `pid` (every thread's, from
/// `/proc/PID/task/*/children`, else by scanning `/proc`).
fn children(pid: u32) -> BTreeSet<u32> {
    let mut listed: Option<Vec<u32>> = None;
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            if let Ok(text) = std::fs::read_to_string(task.path().join("children")) {
                listed.get_or_insert_with(Vec::new).extend(
                    text.split_whitespace()
                        .filter_map(|p| p.parse::<u32>().ok()),
                );
            }
        }
    }
    let candidates = listed.unwrap_or_else(|| scan_children(pid));
    candidates
        .into_iter()
        .filter(|c| state(*c).is_some_and(|s| s != 'Z'))
        .collect()
}

fn scan_children(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    s.rsplit_once(')')?
                        .1
                        .split_whitespace()
                        .nth(1)?
                        .parse::<u32>()
                        .ok()
                })
                == Some(parent)
        })
        .collect()
}

/// The first `[emerg]` line of the reload `sender` asked for, in what `log` got
/// after byte `start`: the lines after the master's `signal 1 (SIGHUP) received
/// from SENDER` notice; nothing before it appears. (A config logging less than
/// `notice` never shows it: a refused reload is then reported by the timeout.)
fn reload_emerg(log: &Path, start: u64, sender: u32) -> Option<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(log).ok()?;
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    let marker = format!("(SIGHUP) received from {sender},");
    let at = text.find(&marker)?;
    text[at..]
        .lines()
        .find(|l| l.contains("[emerg]"))
        .map(|l| l.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(
            parse_version("nginx version: nginx/1.22.1\n"),
            Some((1, 22, 1))
        );
        assert_eq!(
            parse_version("nginx version: openresty/1.2 nginx/1.25"),
            Some((1, 25, 0))
        );
        assert_eq!(parse_version("nope"), None);
    }

    #[test]
    fn version_asks_each_binary_once() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let calls = dir.path().join("calls");
        let bin = dir.path().join("nginx");
        std::fs::write(
            &bin,
            format!(
                "#!/bin/sh\necho x >> '{}'\necho 'nginx version: nginx/1.22.1' >&2\n",
                calls.display()
            ),
        )
        .expect("write");
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let mut vars = EnvMap::new();
        vars.insert(env::DOKKU_NGINX_BIN.into(), bin.display().to_string());
        let nginx = Nginx::from_env(&vars);
        assert_eq!(nginx.version(), Some((1, 22, 1)));
        assert_eq!(nginx.version(), Some((1, 22, 1)));
        let asked = std::fs::read_to_string(&calls).expect("calls");
        assert_eq!(asked.lines().count(), 1, "nginx -v ran {asked:?}");
    }

    #[test]
    fn from_env_derives_the_pid_file_and_error_log() {
        let mut vars = EnvMap::new();
        vars.insert(env::DOKKU_NGINX_BIN.into(), "/opt/nginx".into());
        vars.insert(env::DOKKU_NGINX_CONF.into(), "/x/nginx/nginx.conf".into());
        let n = Nginx::from_env(&vars);
        assert_eq!(n.bin, PathBuf::from("/opt/nginx"));
        assert_eq!(n.pid_file, Some(PathBuf::from("/x/nginx/nginx.pid")));
        assert_eq!(
            n.error_log(),
            Some(PathBuf::from("/x/nginx/logs/error.log"))
        );
        assert_eq!(n.config(), None, "missing file: not configured");
        assert_eq!(n.test(), Ok(()));
        assert_eq!(n.reload(Duration::from_millis(1)), Ok(Reload::NotRunning));
    }

    #[test]
    fn children_of_this_process() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .expect("sleep");
        let me = std::process::id();
        assert!(children(me).contains(&child.id()));
        assert!(scan_children(me).contains(&child.id()));
        let _ = child.kill();
        let _ = child.wait();
        assert!(!children(me).contains(&child.id()));
    }

    #[test]
    fn only_privileged_port_binds_are_forgiven() {
        assert!(is_privileged_bind(
            "nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)"
        ));
        assert!(!is_privileged_bind(
            "nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)"
        ));
        assert!(!is_privileged_bind(
            "nginx: [emerg] unknown directive \"x\""
        ));
    }

    #[test]
    fn emerg_lines_after_an_offset() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("error.log");
        std::fs::write(&log, "old [emerg] x\n").expect("write");
        let start = std::fs::metadata(&log).expect("meta").len();
        assert_eq!(reload_emerg(&log, start, 7), None);
        std::fs::write(
            &log,
            "old [emerg] x\n[notice] 1#1: signal 1 (SIGHUP) received from 7, reconfiguring\n\
             2024 [emerg] bind() to 127.0.0.1:80 failed\n",
        )
        .expect("write");
        assert_eq!(
            reload_emerg(&log, start, 7).as_deref(),
            Some("2024 [emerg] bind() to 127.0.0.1:80 failed")
        );
    }

    #[test]
    fn only_the_emerg_lines_of_our_own_reload_count() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("error.log");
        // An earlier refused reload (sent by 70) still retrying its bind.
        let earlier = "[notice] 1#1: signal 1 (SIGHUP) received from 70, reconfiguring\n\
                       [emerg] 1#1: bind() to 127.0.0.1:9 failed (98: Address already in use)\n";
        std::fs::write(&log, earlier).expect("write");
        assert_eq!(reload_emerg(&log, 0, 71), None, "not ours");
        let ours = format!(
            "{earlier}[emerg] 1#1: still could not bind()\n\
             [notice] 1#1: signal 1 (SIGHUP) received from 71, reconfiguring\n\
             [notice] 1#1: start worker processes\n"
        );
        std::fs::write(&log, &ours).expect("write");
        assert_eq!(reload_emerg(&log, 0, 71), None, "ours went through");
        std::fs::write(
            &log,
            format!("{ours}[notice] 1#1: signal 1 (SIGHUP) received from 72, reconfiguring\n[emerg] 1#1: unknown directive\n"),
        )
        .expect("write");
        assert_eq!(
            reload_emerg(&log, 0, 72).as_deref(),
            Some("[emerg] 1#1: unknown directive")
        );
    }
}
