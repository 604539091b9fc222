//! The uptime guard of the readiness check, counted from the container's start.
//!
//! The guard catches a process that answers once and then dies: the container must
//! have been up, without restarting, for `uptime-guard` seconds. It counts from
//! docker's `State.StartedAt`, not from the moment the port answered, so the time a
//! process took to listen already counts: an app that answered 4 s after its start
//! has passed a 2 s guard and waits no more, one that answered at once waits what
//! is left of the 2 s. A container that stops, restarts (its restart count grows or
//! its `StartedAt` moves) or vanishes before the guard is over fails it.
//!
//! Docker's clock and ours may disagree (a remote `DOCKER_HOST`): a start that
//! reads as later than now counts as just started, so the wait is never longer than
//! the guard and never negative.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::docker::Docker;

/// Time between two reads of the container's state while the guard runs.
const POLL: Duration = Duration::from_millis(500);

/// Where a container stands against the guard when the guard begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardClock {
    /// How long the container has been up, when its `StartedAt` could be read.
    pub up: Option<Duration>,
    /// What is left to wait: from zero to the whole guard.
    pub left: Duration,
}

/// `State.StartedAt` (RFC 3339 with up to nanoseconds, as docker writes it) as a
/// time; `None` for text that is not one, or docker's zero time of a container that
/// never started (`0001-01-01T00:00:00Z`).
pub fn started_at(text: &str) -> Option<SystemTime> {
    let (secs, nanos) = crate::builds::parse_time_precise(text.trim())?;
    let secs = u64::try_from(secs).ok()?;
    Some(UNIX_EPOCH + Duration::new(secs, nanos))
}

/// What is left of a `guard` for a container that docker says started at
/// `started` (its `State.StartedAt`), seen at `now`. An unreadable start, or one
/// later than `now` (clock skew), leaves the whole guard.
pub fn clock(guard: Duration, started: &str, now: SystemTime) -> GuardClock {
    let up = started_at(started).and_then(|at| now.duration_since(at).ok());
    GuardClock {
        up,
        left: up.map_or(guard, |up| guard.saturating_sub(up)),
    }
}

/// Runs the guard on container `cid`: reads its state once, hands `announce` the
/// clock (to say how long it will wait), then waits what is left, reading the
/// state every half second and once more at the end. `Err` says what went wrong:
/// the container exited, restarted or vanished within the guard.
pub fn hold(
    docker: &Docker,
    cid: &str,
    guard: Duration,
    announce: &mut dyn FnMut(GuardClock),
) -> Result<(), String> {
    let Some(first) = docker.container_inspect(cid) else {
        return Err("container no longer exists".into());
    };
    if let Some(reason) = super::down(&first) {
        return Err(reason);
    }
    let clock = clock(guard, &first.started_at, SystemTime::now());
    announce(clock);
    let deadline = Instant::now() + clock.left;
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Ok(());
        }
        std::thread::sleep((deadline - now).min(POLL));
        let Some(info) = docker.container_inspect(cid) else {
            return Err("container no longer exists".into());
        };
        if let Some(reason) = super::down(&info) {
            return Err(reason);
        }
        if info.started_at != first.started_at {
            return Err(format!(
                "container has restarted (started again at {})",
                info.started_at
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::fake::FakeDocker;

    const GUARD: Duration = Duration::from_secs(2);

    fn at(text: &str) -> SystemTime {
        started_at(text).expect("a time")
    }

    #[test]
    fn docker_start_times_parse_to_the_nanosecond() {
        assert_eq!(
            started_at("2026-12-03T22:07:43.123456789Z"),
            Some(UNIX_EPOCH + Duration::new(1_796_335_663, 123_456_789))
        );
        assert_eq!(
            started_at("1970-01-01T01:00:01+01:00"),
            Some(UNIX_EPOCH + Duration::from_secs(1))
        );
        for bad in ["", "0001-01-01T00:00:00Z", "yesterday", "2026-12-03"] {
            assert_eq!(started_at(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_guard_counts_from_the_start() {
        let start = "2026-12-03T22:07:43.000000000Z";
        let now = at(start) + Duration::from_millis(400);
        assert_eq!(
            clock(GUARD, start, now),
            GuardClock {
                up: Some(Duration::from_millis(400)),
                left: Duration::from_millis(1600),
            }
        );
        // Up longer than the guard: nothing left, never negative.
        let late = at(start) + Duration::from_secs(4);
        assert_eq!(clock(GUARD, start, late).left, Duration::ZERO);
        assert_eq!(clock(GUARD, start, late).up, Some(Duration::from_secs(4)));
        // Exactly at the guard.
        assert_eq!(clock(GUARD, start, at(start) + GUARD).left, Duration::ZERO);
    }

    #[test]
    fn skew_and_unreadable_starts_wait_the_whole_guard_at_most() {
        let start = "2026-12-03T22:07:43Z";
        // Docker's clock ahead of ours: the start is in our future.
        let before = at(start) - Duration::from_secs(30);
        assert_eq!(
            clock(GUARD, start, before),
            GuardClock {
                up: None,
                left: GUARD
            }
        );
        for bad in ["", "0001-01-01T00:00:00Z", "garbage"] {
            assert_eq!(clock(GUARD, bad, at(start)).left, GUARD, "{bad}");
        }
        assert_eq!(clock(Duration::ZERO, start, before).left, Duration::ZERO);
    }

    fn inspect(started: &str, running: bool, restarts: u32) -> String {
        format!(
            r#"[{{"Id":"c","Name":"/x","RestartCount":{restarts},"State":{{"Running":{running},"Status":"{}","ExitCode":3,"StartedAt":"{started}"}},"Config":{{}},"NetworkSettings":{{}}}}]"#,
            if running { "running" } else { "exited" }
        )
    }

    /// A container up longer than the guard is read once and not waited for.
    #[test]
    fn an_old_enough_container_passes_at_once() {
        let fake = FakeDocker::new();
        fake.respond_ok(
            &["container", "inspect"],
            &inspect("2020-01-01T00:00:00Z", true, 0),
        );
        let mut seen = None;
        hold(&fake.docker(), "c", GUARD, &mut |c| seen = Some(c)).expect("up");
        assert_eq!(seen.map(|c| c.left), Some(Duration::ZERO));
        assert_eq!(fake.calls().len(), 1);
    }

    #[test]
    fn a_stopped_or_restarted_container_fails() {
        for (running, restarts, want) in [
            (false, 0, "container is not running (exit code 3)"),
            (true, 2, "container has restarted 2 times"),
        ] {
            let fake = FakeDocker::new();
            fake.respond_ok(
                &["container", "inspect"],
                &inspect("2020-01-01T00:00:00Z", running, restarts),
            );
            let err = hold(&fake.docker(), "c", GUARD, &mut |_| {}).expect_err(want);
            assert_eq!(err, want);
        }
    }

    /// A container that docker started again (a `docker restart` leaves the restart
    /// count at 0) fails at the next read.
    #[test]
    fn a_new_start_time_is_a_restart() {
        let fake = FakeDocker::new();
        let now = crate::builds::rfc3339_now();
        fake.respond_once(&["container", "inspect"], &inspect(&now, true, 0));
        fake.respond_ok(
            &["container", "inspect"],
            &inspect("2099-01-01T00:00:00Z", true, 0),
        );
        // A guard far longer than any test run: only the restart can end it.
        let guard = Duration::from_secs(600);
        let mut left = Duration::ZERO;
        let err = hold(&fake.docker(), "c", guard, &mut |c| left = c.left).expect_err("restarted");
        assert_eq!(
            err,
            "container has restarted (started again at 2099-01-01T00:00:00Z)"
        );
        assert!(left > Duration::ZERO && left <= guard, "{left:?}");
    }
}
