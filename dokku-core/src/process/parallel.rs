//! Running several commands side by side, a bounded number at a time, with each line
//! they print prefixed by the job's name (`app-one | -----> Starting app`), so that
//! interleaved output stays readable. Lines are handed over whole, stdout and stderr
//! kept apart; the caller decides where they go (the crate never prints).

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Cmd;
use crate::log::Stream;

/// One command to run under a name.
#[derive(Debug, Clone)]
pub struct Job {
    /// What prefixes its lines.
    pub name: String,
    /// The command (its stdin is `/dev/null`).
    pub cmd: Cmd,
}

/// How one job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The job's name.
    pub name: String,
    /// Its exit code (128 + signal when killed; 127 when it could not start).
    pub code: i32,
    /// How long it ran.
    pub elapsed: Duration,
}

/// Where prefixed lines go: the stream and one whole line, newline included.
pub type LineSink<'a> = &'a (dyn Fn(Stream, &str) + Sync);

/// The prefix of a job's lines when names are padded to `width`.
pub fn prefix(name: &str, width: usize) -> String {
    format!("{name:<width$} | ")
}

/// Runs `jobs`, at most `limit` at once (at least one), in the given order. Every
/// line a job writes goes to `sink` prefixed by its name, names padded to the
/// longest; `done` hears of each job as it ends. Returns the results in the order
/// of `jobs`.
pub fn run_prefixed(
    jobs: &[Job],
    limit: usize,
    sink: LineSink<'_>,
    done: &(dyn Fn(&Finished) + Sync),
) -> Vec<Finished> {
    let width = jobs
        .iter()
        .map(|j| j.name.chars().count())
        .max()
        .unwrap_or(0);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Finished)>> = Mutex::new(Vec::with_capacity(jobs.len()));
    std::thread::scope(|scope| {
        for _ in 0..limit.max(1).min(jobs.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(job) = jobs.get(i) else {
                    break;
                };
                let finished = run_one(job, &prefix(&job.name, width), sink);
                done(&finished);
                results
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push((i, finished));
            });
        }
    });
    let mut results = results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, f)| f).collect()
}

fn run_one(job: &Job, prefix: &str, sink: LineSink<'_>) -> Finished {
    let start = Instant::now();
    let code = match job.cmd.spawn(Stdio::null(), Stdio::piped(), Stdio::piped()) {
        Err(err) => {
            sink(Stream::Stderr, &format!("{prefix}{err}\n"));
            127
        }
        Ok(mut child) => {
            let stdout = child.stdout.take();
            let stderr = child.stderr.take();
            std::thread::scope(|scope| {
                if let Some(out) = stdout {
                    scope.spawn(move || forward(out, prefix, Stream::Stdout, sink));
                }
                if let Some(err) = stderr {
                    scope.spawn(move || forward(err, prefix, Stream::Stderr, sink));
                }
            });
            match child.wait() {
                Ok(status) => crate::trigger::exit_code(status),
                Err(err) => {
                    sink(Stream::Stderr, &format!("{prefix}{err}\n"));
                    1
                }
            }
        }
    };
    Finished {
        name: job.name.clone(),
        code,
        elapsed: start.elapsed(),
    }
}

/// Copies `from` line by line to `sink`, each line prefixed (a last line without a
/// newline gets one).
fn forward(from: impl Read, prefix: &str, stream: Stream, sink: LineSink<'_>) {
    let mut reader = BufReader::new(from);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                let text = String::from_utf8_lossy(&buf);
                let line = text.strip_suffix('\n').unwrap_or(&text);
                sink(stream, &format!("{prefix}{line}\n"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(name: &str, script: &str) -> Job {
        Job {
            name: name.into(),
            cmd: Cmd::new("sh").args(["-c", script]),
        }
    }

    #[test]
    fn lines_are_prefixed_and_kept_whole_per_stream() {
        let lines = Mutex::new(Vec::new());
        let sink = |stream: Stream, line: &str| {
            lines
                .lock()
                .expect("lock")
                .push((stream == Stream::Stdout, line.to_string()));
        };
        let ended = Mutex::new(Vec::new());
        let done = |f: &Finished| ended.lock().expect("lock").push(f.name.clone());
        let jobs = [
            sh("one", "echo a; echo b >&2; printf 'no newline'"),
            sh("three", "echo c; exit 3"),
        ];
        let results = run_prefixed(&jobs, 2, &sink, &done);
        assert_eq!(
            results.iter().map(|r| r.code).collect::<Vec<_>>(),
            vec![0, 3]
        );
        assert_eq!(results[0].name, "one");
        let mut lines = lines.into_inner().expect("lines");
        lines.sort();
        assert_eq!(
            lines,
            vec![
                (false, "one   | b\n".to_string()),
                (true, "one   | a\n".to_string()),
                (true, "one   | no newline\n".to_string()),
                (true, "three | c\n".to_string()),
            ]
        );
        assert_eq!(ended.into_inner().expect("ended").len(), 2);
    }

    #[test]
    fn at_most_limit_jobs_run_at_once() {
        // Each job records how many were running when it started.
        let dir = tempfile::tempdir().expect("tempdir");
        let script = format!(
            "d={}; touch \"$d/$$\"; ls \"$d\" | wc -l >> \"$d.counts\"; sleep 0.3; rm \"$d/$$\"",
            dir.path().join("running").display()
        );
        std::fs::create_dir(dir.path().join("running")).expect("mkdir");
        let jobs: Vec<Job> = (0..6).map(|i| sh(&format!("j{i}"), &script)).collect();
        let start = Instant::now();
        let results = run_prefixed(&jobs, 2, &|_, _| {}, &|_| {});
        assert!(results.iter().all(|r| r.code == 0), "{results:?}");
        let counts = std::fs::read_to_string(dir.path().join("running.counts")).expect("counts");
        let max = counts
            .split_whitespace()
            .filter_map(|n| n.parse::<u32>().ok())
            .max()
            .expect("counts");
        assert!(max <= 2, "{counts}");
        // Six jobs of 0.3 s, two at a time: about 0.9 s, well under the 1.8 s serial.
        assert!(
            start.elapsed() < Duration::from_millis(1700),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn a_command_that_cannot_start_is_reported() {
        let lines = Mutex::new(String::new());
        let sink = |_: Stream, line: &str| lines.lock().expect("lock").push_str(line);
        let job = Job {
            name: "x".into(),
            cmd: Cmd::new("/nonexistent/program"),
        };
        let results = run_prefixed(&[job], 4, &sink, &|_| {});
        assert_eq!(results[0].code, 127);
        assert!(lines.into_inner().expect("lines").starts_with("x | "));
    }
}
