//! Which process owns a piece of on-disk state, and whether it is still running.
//!
//! A command killed with `kill -9` (or by SIGHUP when its ssh session drops) runs no
//! clean-up, so every file it meant to remove stays behind: the deploy lock, a
//! half-made app. Such files record an [`Owner`]: the pid, the process start time
//! (field 22 of `/proc/<pid>/stat`, in clock ticks since boot) and the boot id. The
//! owner is alive only while a process with that pid exists, is not a zombie, and
//! started at that same time during the same boot, so a pid reused by an unrelated
//! process, or a reboot, makes the record stale.
//!
//! The text form is `key=value` lines (`pid=`, `start=`, `boot=`); other lines are
//! left to the file's own format.

use std::fmt;

/// The process that owns some state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// Its pid.
    pub pid: u32,
    /// Its start time, in clock ticks after boot (`/proc/<pid>/stat` field 22).
    pub start: u64,
    /// The kernel's boot id when it was recorded, if known.
    pub boot: Option<String>,
}

impl Owner {
    /// This process.
    pub fn current() -> Owner {
        let pid = std::process::id();
        Owner {
            pid,
            start: proc_stat(pid).map(|s| s.start).unwrap_or(0),
            boot: boot_id(),
        }
    }

    /// The running process `pid` (`None` when there is none): how a helper records
    /// the shell that called it, which outlives the helper.
    pub fn of_pid(pid: u32) -> Option<Owner> {
        let stat = proc_stat(pid)?;
        if matches!(stat.state, 'Z' | 'X' | 'x') {
            return None;
        }
        Some(Owner {
            pid,
            start: stat.start,
            boot: boot_id(),
        })
    }

    /// Whether the process is still running: same pid, same start time, same boot,
    /// and not a zombie (a killed process its parent has not reaped yet has already
    /// released its files and locks).
    pub fn is_alive(&self) -> bool {
        if let (Some(recorded), Some(now)) = (&self.boot, boot_id()) {
            if *recorded != now {
                return false;
            }
        }
        match proc_stat(self.pid) {
            Some(stat) => stat.start == self.start && !matches!(stat.state, 'Z' | 'X' | 'x'),
            None => false,
        }
    }

    /// Whether the owner is this process or one of its ancestors: a command's own
    /// children (the trigger handlers it runs, and the `dokku` commands they run) act
    /// on its behalf.
    pub fn is_self_or_ancestor(&self) -> bool {
        if !self.is_alive() {
            return false;
        }
        let mut pid = std::process::id();
        // Bounded: a chain of parents is short, and pid 1 ends it.
        for _ in 0..64 {
            if pid == self.pid {
                return true;
            }
            match proc_stat(pid) {
                Some(stat) if stat.ppid > 1 => pid = stat.ppid,
                _ => return false,
            }
        }
        false
    }

    /// Reads the `pid=` / `start=` / `boot=` lines of `text`; `None` unless both
    /// `pid` and `start` are there and numeric.
    pub fn parse(text: &str) -> Option<Owner> {
        let mut pid = None;
        let mut start = None;
        let mut boot = None;
        for line in text.lines() {
            match line.trim().split_once('=') {
                Some(("pid", v)) => pid = v.parse::<u32>().ok(),
                Some(("start", v)) => start = v.parse::<u64>().ok(),
                Some(("boot", v)) if !v.is_empty() => boot = Some(v.to_string()),
                _ => {}
            }
        }
        Some(Owner {
            pid: pid.filter(|p| *p > 0)?,
            start: start?,
            boot,
        })
    }
}

impl fmt::Display for Owner {
    /// The record: `pid=N\nstart=T\n` and `boot=ID\n` when known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "pid={}", self.pid)?;
        writeln!(f, "start={}", self.start)?;
        if let Some(boot) = &self.boot {
            writeln!(f, "boot={boot}")?;
        }
        Ok(())
    }
}

/// What `/proc/<pid>/stat` says about a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ProcStat {
    state: char,
    ppid: u32,
    start: u64,
}

fn proc_stat(pid: u32) -> Option<ProcStat> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_stat(&text)
}

/// Parses a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and
/// may itself hold spaces and parentheses, so fields are counted after the last `)`:
/// the state is field 3, the parent pid field 4, the start time field 22.
fn parse_stat(text: &str) -> Option<ProcStat> {
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(ProcStat {
        state: fields.first()?.chars().next()?,
        ppid: fields.get(4 - 3)?.parse().ok()?,
        start: fields.get(22 - 3)?.parse().ok()?,
    })
}

fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Owners for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A process that ran and was reaped: what a `kill -9`ed command leaves.
    pub(crate) fn dead_owner() -> Owner {
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("spawn true");
        let pid = child.id();
        let start = proc_stat(pid).map(|s| s.start).unwrap_or(1);
        child.wait().expect("wait");
        Owner {
            pid,
            start,
            boot: boot_id(),
        }
    }

    /// A running process that is not one of our ancestors, killed on drop.
    pub(crate) struct Stranger(std::process::Child);

    impl Stranger {
        pub(crate) fn start() -> Stranger {
            Stranger(
                std::process::Command::new("sleep")
                    .arg("30")
                    .spawn()
                    .expect("spawn sleep"),
            )
        }

        pub(crate) fn owner(&self) -> Owner {
            let pid = self.0.id();
            Owner {
                pid,
                start: proc_stat(pid).map(|s| s.start).unwrap_or(0),
                boot: boot_id(),
            }
        }
    }

    impl Drop for Stranger {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_are_counted_after_the_command_name() {
        let line = "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10 0\n";
        assert_eq!(
            parse_stat(line),
            Some(ProcStat {
                state: 'S',
                ppid: 1,
                start: 987_654
            })
        );
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn this_process_is_alive_and_round_trips() {
        let me = Owner::current();
        assert!(me.start > 0, "start time read from /proc");
        assert!(me.is_alive());
        assert_eq!(Owner::parse(&me.to_string()), Some(me.clone()));
        let reused = Owner {
            start: me.start + 1,
            ..me.clone()
        };
        assert!(!reused.is_alive(), "same pid, other start time: pid reuse");
        let rebooted = Owner {
            boot: Some("another-boot".into()),
            ..me
        };
        assert!(!rebooted.is_alive());
    }

    #[test]
    fn of_pid_names_a_running_process_only() {
        assert_eq!(Owner::of_pid(std::process::id()), Some(Owner::current()));
        let child = testing::Stranger::start();
        assert_eq!(Owner::of_pid(child.owner().pid), Some(child.owner()));
        let dead = testing::dead_owner();
        assert_eq!(Owner::of_pid(dead.pid), None);
    }

    #[test]
    fn our_parent_is_an_ancestor_and_a_sibling_is_not() {
        assert!(Owner::current().is_self_or_ancestor());
        let ppid = proc_stat(std::process::id()).expect("stat").ppid;
        let parent = Owner {
            pid: ppid,
            start: proc_stat(ppid).expect("parent stat").start,
            boot: None,
        };
        assert!(parent.is_self_or_ancestor());
        let child = testing::Stranger::start();
        let sibling = child.owner();
        assert!(sibling.is_alive() && !sibling.is_self_or_ancestor());
    }

    #[test]
    fn a_reaped_process_is_dead_and_bad_records_do_not_parse() {
        assert!(!testing::dead_owner().is_alive());
        assert_eq!(Owner::parse(""), None);
        assert_eq!(Owner::parse("manual\n"), None);
        assert_eq!(Owner::parse("pid=12\n"), None);
        assert_eq!(Owner::parse("pid=0\nstart=1\n"), None);
    }
}
