//! Zero downtime through nginx: a loopback client sends requests without pause
//! while the app is redeployed five times. No request may fail, and once a push has
//! returned every response must come from the release it deployed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::{commit_all, output, skipped, Deployer};
use crate::nginx_support::{create_app, get_via, TestNginx};

/// The client stops after this many requests...
const MAX_REQUESTS: usize = 200_000;
/// ...or after this long, whichever comes first.
const MAX_TIME: Duration = Duration::from_secs(600);
/// The redeploys.
const DEPLOYS: usize = 5;

/// One request: when it started, and what came back (`Err` for a failure).
struct Sample {
    started: Instant,
    answer: Result<String, String>,
}

#[test]
fn five_redeploys_under_load_drop_no_request() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "load");
    let host = nginx.host_of(&app);
    let src = d.hello_source("load");
    let first = output(&d.push(&src, &app, "main"));
    assert!(first.contains("=====> Application deployed:"), "{first}");
    let rev0 = crate::harness::git(&src, &["rev-parse", "HEAD"])
        .stdout
        .trim()
        .to_string();

    let stop = Arc::new(AtomicBool::new(false));
    let client = {
        let stop = stop.clone();
        let (port, host) = (nginx.http, host.clone());
        std::thread::spawn(move || {
            let begin = Instant::now();
            let mut samples = Vec::new();
            while !stop.load(Ordering::SeqCst)
                && samples.len() < MAX_REQUESTS
                && begin.elapsed() < MAX_TIME
            {
                let started = Instant::now();
                let answer = match get_via(port, &host, "/") {
                    Ok((200, body)) => Ok(body),
                    Ok((status, body)) => Err(format!("HTTP {status}: {body}")),
                    Err(e) => Err(e),
                };
                samples.push(Sample { started, answer });
                // A new connection per request; a short breath keeps the loopback's
                // TIME_WAIT table small.
                std::thread::sleep(Duration::from_millis(1));
            }
            samples
        })
    };

    // (rev, push started, push returned) per deploy.
    let mut deploys: Vec<(String, Instant, Instant)> = Vec::new();
    std::thread::sleep(Duration::from_millis(500));
    for i in 1..=DEPLOYS {
        let rev = commit_all(&src, &format!("release {i}"));
        let began = Instant::now();
        let push = d.push(&src, &app, "main");
        let ended = Instant::now();
        assert_eq!(push.code, 0, "deploy {i} failed\n{}", output(&push));
        deploys.push((rev, began, ended));
        std::thread::sleep(Duration::from_millis(700));
    }
    stop.store(true, Ordering::SeqCst);
    let samples = client.join().expect("client thread");

    let failed: Vec<&String> = samples
        .iter()
        .filter_map(|s| s.answer.as_ref().err())
        .collect();
    let sent = samples.len();
    eprintln!(
        "zero downtime: {sent} requests sent through nginx during {DEPLOYS} redeploys, {} failed",
        failed.len()
    );
    assert!(sent >= 200, "the client sent only {sent} requests");
    assert!(
        failed.is_empty(),
        "{} of {sent} requests failed, first: {}",
        failed.len(),
        failed[0]
    );

    // Before the first push finished its switch, only the first release answered;
    // between push k's end and push k+1's start, only release k.
    let rev_of = |body: &str| {
        body.lines()
            .find_map(|l| l.strip_prefix("GIT_REV="))
            .unwrap_or("")
            .to_string()
    };
    for (k, (rev, _, ended)) in deploys.iter().enumerate() {
        let next_start = deploys.get(k + 1).map(|d| d.1);
        let window: Vec<String> = samples
            .iter()
            .filter(|s| s.started >= *ended && next_start.is_none_or(|n| s.started < n))
            .filter_map(|s| s.answer.as_ref().ok().map(|b| rev_of(b)))
            .collect();
        assert!(
            !window.is_empty(),
            "no request landed after deploy {}",
            k + 1
        );
        let stale: Vec<&String> = window.iter().filter(|r| *r != rev).collect();
        assert!(
            stale.is_empty(),
            "after deploy {} returned, {} of {} responses came from another release (e.g. {}), expected {rev}",
            k + 1,
            stale.len(),
            window.len(),
            stale[0]
        );
    }
    let before_first: Vec<String> = samples
        .iter()
        .filter(|s| s.started < deploys[0].1)
        .filter_map(|s| s.answer.as_ref().ok().map(|b| rev_of(b)))
        .collect();
    assert!(before_first.iter().all(|r| *r == rev0));
}
