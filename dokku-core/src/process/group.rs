//! Process groups: a command started as the leader of its own group, so that
//! everything it starts can be ended together, and the terminal lent to that group
//! while it runs.
//!
//! Used by the trigger bus when `DOKKU_TRIGGER_TIMEOUT` is set (see
//! [`crate::env::DOKKU_TRIGGER_TIMEOUT`]): a hook over its limit is ended with its
//! whole tree, grandchildren included.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::time::{Duration, Instant};

/// The process group led by a child started with [`super::Cmd::own_process_group`]:
/// its id is the child's pid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessGroup(libc::pid_t);

/// One line of `/proc/<pid>/stat`, the fields used here.
#[derive(Debug, Clone, Copy)]
struct Stat {
    pid: libc::pid_t,
    ppid: libc::pid_t,
    pgrp: libc::pid_t,
    live: bool,
}

fn parse_stat(pid: libc::pid_t, text: &str) -> Option<Stat> {
    // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses.
    let (_, rest) = text.rsplit_once(')')?;
    let mut fields = rest.split_whitespace();
    let state = fields.next()?;
    let ppid = fields.next()?.parse().ok()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some(Stat {
        pid,
        ppid,
        pgrp,
        // A zombie is dead, only waiting for its parent (or init) to reap it.
        live: !matches!(state, "Z" | "X" | "x"),
    })
}

/// Every process visible in `/proc`.
fn processes() -> Vec<Stat> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: libc::pid_t = entry.file_name().to_str()?.parse().ok()?;
            let text = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            parse_stat(pid, &text)
        })
        .collect()
}

/// Our own process group, never signalled.
#[allow(unsafe_code)]
fn own_group() -> libc::pid_t {
    // SAFETY: getpgrp takes no arguments, cannot fail and touches no memory of ours.
    unsafe { libc::getpgrp() }
}

#[allow(unsafe_code)]
fn signal_group(pgid: libc::pid_t, signal: libc::c_int) {
    if pgid <= 1 || pgid == own_group() {
        return;
    }
    // SAFETY: kill with a negative pid signals that process group; it only reads its
    // integer arguments. ESRCH (group already gone) is expected and ignored.
    unsafe {
        libc::kill(-pgid, signal);
    }
}

impl ProcessGroup {
    /// The group led by the process `leader` (a child started in its own group).
    pub fn led_by(leader: u32) -> ProcessGroup {
        ProcessGroup(leader as libc::pid_t)
    }

    /// The group the running process `pid` is in (`None` when there is no such
    /// process): how `builds:cancel` reaches a build it did not start.
    pub fn of_process(pid: u32) -> Option<ProcessGroup> {
        let pid = libc::pid_t::try_from(pid).ok()?;
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let stat = parse_stat(pid, &text)?;
        stat.live.then_some(ProcessGroup(stat.pgrp))
    }

    /// The group id (the leader's pid).
    pub fn id(&self) -> i32 {
        self.0
    }

    /// The groups of everything this group started: the group itself, and the groups
    /// of all descendants of its members (a nested `dokku` puts its own hooks in
    /// groups of their own). Our own group is never included.
    fn tree(&self, procs: &[Stat]) -> BTreeSet<libc::pid_t> {
        let mut groups = BTreeSet::from([self.0]);
        let mut frontier: Vec<libc::pid_t> = procs
            .iter()
            .filter(|p| p.pgrp == self.0 || p.pid == self.0)
            .map(|p| p.pid)
            .collect();
        let mut seen: BTreeSet<libc::pid_t> = frontier.iter().copied().collect();
        while let Some(parent) = frontier.pop() {
            for child in procs.iter().filter(|p| p.ppid == parent) {
                if seen.insert(child.pid) {
                    groups.insert(child.pgrp);
                    frontier.push(child.pid);
                }
            }
        }
        groups.remove(&own_group());
        groups
    }

    /// Ends the group and the groups its processes started: `SIGTERM` (and `SIGCONT`,
    /// so stopped processes see it), then `SIGKILL` for whatever is still alive after
    /// `grace`. Returns once no live process is left in those groups, or right after
    /// the `SIGKILL`. Processes that left for a new session (`setsid`) are not found.
    pub fn end(&self, grace: Duration) {
        let mut groups = self.tree(&processes());
        for &group in &groups {
            signal_group(group, libc::SIGTERM);
            signal_group(group, libc::SIGCONT);
        }
        let until = Instant::now() + grace;
        loop {
            let procs = processes();
            // Forks racing the signals, and groups of processes orphaned meanwhile
            // (those keep their group id, so the union still finds them).
            let more = self.tree(&procs);
            for group in more.difference(&groups) {
                signal_group(*group, libc::SIGTERM);
                signal_group(*group, libc::SIGCONT);
            }
            groups.extend(more);
            if !procs.iter().any(|p| p.live && groups.contains(&p.pgrp)) {
                return;
            }
            if Instant::now() >= until {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        for &group in &groups {
            signal_group(group, libc::SIGKILL);
        }
    }
}

/// The controlling terminal, lent to a process group for as long as this value lives.
///
/// A group other than the terminal's foreground group is stopped (`SIGTTIN`,
/// `SIGTTOU`) when it reads the terminal or changes its modes, and does not get the
/// `SIGINT` of a Ctrl-C. So when we are in the foreground, the group we start becomes
/// the foreground, like a shell's job, and we take the terminal back afterwards.
#[derive(Debug)]
pub struct Foreground {
    tty: File,
    ours: libc::pid_t,
}

impl Foreground {
    /// Makes `group` the foreground group of our controlling terminal, if we have one
    /// and are its foreground group; `None` otherwise (nothing to lend).
    #[allow(unsafe_code)]
    pub fn lend(group: ProcessGroup) -> Option<Foreground> {
        let tty = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open("/dev/tty")
            .ok()?;
        let ours = own_group();
        // SAFETY: tcgetpgrp only reads the descriptor number, which `tty` keeps open.
        if unsafe { libc::tcgetpgrp(tty.as_raw_fd()) } != ours {
            return None;
        }
        // SAFETY: as above; the group is in our session (our child's), and we are the
        // foreground group, so this raises no SIGTTOU.
        if unsafe { libc::tcsetpgrp(tty.as_raw_fd(), group.0) } != 0 {
            return None;
        }
        // Anything of the group that touched the terminal before it was lent was
        // stopped: let it go on.
        signal_group(group.0, libc::SIGCONT);
        Some(Foreground { tty, ours })
    }
}

impl Drop for Foreground {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // We are a background group now: taking the terminal back raises SIGTTOU
        // unless it is blocked, so block it in this thread for the call.
        // SAFETY: the sigset_t values are plain data initialised by sigemptyset before
        // use; pthread_sigmask and tcsetpgrp read and write only those and the fd,
        // which `self.tty` keeps open.
        unsafe {
            let mut block: libc::sigset_t = std::mem::zeroed();
            let mut previous: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut block);
            libc::sigaddset(&mut block, libc::SIGTTOU);
            libc::pthread_sigmask(libc::SIG_BLOCK, &block, &mut previous);
            libc::tcsetpgrp(self.tty.as_raw_fd(), self.ours);
            libc::pthread_sigmask(libc::SIG_SETMASK, &previous, std::ptr::null_mut());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_with_odd_command_names_parse() {
        let stat = parse_stat(42, "42 (a) b (c)) S 7 42 42 0 -1").expect("parse");
        assert_eq!(
            (stat.pid, stat.ppid, stat.pgrp, stat.live),
            (42, 7, 42, true)
        );
        let zombie = parse_stat(43, "43 (sleep) Z 1 42 42 0").expect("parse");
        assert!(!zombie.live);
        assert!(parse_stat(1, "garbage").is_none());
    }

    #[test]
    fn the_tree_follows_children_into_their_own_groups_but_never_ours() {
        let ours = own_group();
        let procs = [
            // The leader, a member orphaned to init, and a nested leader's group.
            Stat {
                pid: 100,
                ppid: 1,
                pgrp: 100,
                live: true,
            },
            Stat {
                pid: 101,
                ppid: 1,
                pgrp: 100,
                live: true,
            },
            Stat {
                pid: 102,
                ppid: 100,
                pgrp: 102,
                live: true,
            },
            Stat {
                pid: 103,
                ppid: 102,
                pgrp: 103,
                live: true,
            },
            // A child of a member that moved into our group: not signalled.
            Stat {
                pid: 104,
                ppid: 101,
                pgrp: ours,
                live: true,
            },
            // Unrelated.
            Stat {
                pid: 200,
                ppid: 1,
                pgrp: 200,
                live: true,
            },
        ];
        let groups = ProcessGroup::led_by(100).tree(&procs);
        assert_eq!(groups, BTreeSet::from([100, 102, 103]));
    }
}
