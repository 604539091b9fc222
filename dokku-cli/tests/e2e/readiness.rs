//! Readiness by default (issue 15): without app.json healthchecks a web container
//! gets traffic only once its port answers, a container that answers and then dies
//! within the uptime guard fails the deploy, and `default-mode uptime` is Dokku's
//! fixed wait again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::{commit_all, git, output, skipped, Deployer};
use crate::nginx_support::{create_app, get_via, TestNginx};

/// The load client stops after this many requests or this long, whichever first.
const MAX_REQUESTS: usize = 100_000;
const MAX_TIME: Duration = Duration::from_secs(300);

fn rev(src: &std::path::Path) -> String {
    git(src, &["rev-parse", "HEAD"]).stdout.trim().to_string()
}

/// The harness's `default-wait` is 1 s: with Dokku's fixed wait this release, which
/// listens only 4 s after it starts, would get traffic 3 s too early and nginx would
/// answer 502. With readiness the switch waits for it.
#[test]
fn a_web_process_that_listens_late_gets_traffic_only_once_it_answers() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "late");
    let host = nginx.host_of(&app);
    let src = d.hello_source("late");
    let first = d.push(&src, &app, "main");
    assert_eq!(first.code, 0, "{}", output(&first));

    std::fs::write(
        src.join("Procfile"),
        "web: sh -c 'sleep 4; exec /app/entrypoint.sh'\n",
    )
    .expect("Procfile");
    let late_rev = commit_all(&src, "listens 4 s after it starts");

    let stop = Arc::new(AtomicBool::new(false));
    let client = {
        let stop = stop.clone();
        let (port, host) = (nginx.http, host.clone());
        std::thread::spawn(move || {
            let begin = Instant::now();
            let (mut sent, mut failed) = (0usize, Vec::new());
            while !stop.load(Ordering::SeqCst) && sent < MAX_REQUESTS && begin.elapsed() < MAX_TIME
            {
                sent += 1;
                match get_via(port, &host, "/") {
                    Ok((200, _)) => {}
                    Ok((status, body)) => failed.push(format!("HTTP {status}: {body}")),
                    Err(e) => failed.push(e),
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            (sent, failed)
        })
    };
    let push = d.push(&src, &app, "main");
    stop.store(true, Ordering::SeqCst);
    let (sent, failed) = client.join().expect("client thread");
    let out = output(&push);
    assert_eq!(push.code, 0, "{out}");
    eprintln!(
        "readiness: {sent} requests through nginx during the deploy, {} failed",
        failed.len()
    );
    assert!(
        out.contains(
            "Running healthcheck name='default' path='/' port=5000 timeout=10 type='readiness' uptime-guard=1 wait=0.1"
        ),
        "{out}"
    );
    assert!(
        out.contains("       Port 5000 answered HTTP 200 after "),
        "{out}"
    );
    // The 1 s uptime guard counts from the start, 4 s before the first answer: no
    // further wait.
    assert!(
        out.contains(" seconds already, past the 1s uptime guard (web.1)"),
        "{out}"
    );
    assert!(!out.contains("more seconds of uptime"), "{out}");
    assert!(
        out.contains("Healthcheck succeeded name='default'"),
        "{out}"
    );
    assert!(sent >= 50, "the client sent only {sent} requests");
    assert!(
        failed.is_empty(),
        "{} of {sent} requests failed, first: {}",
        failed.len(),
        failed[0]
    );
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET after the deploy");
    assert_eq!(status, 200);
    assert!(body.contains(&format!("GIT_REV={late_rev}")), "{body}");
}

/// A release that answers, then exits 2 s after it starts, passes readiness but not
/// the uptime guard: the push fails and the old container keeps serving. Then
/// `default-mode uptime` deploys with Dokku's fixed wait.
#[test]
fn the_uptime_guard_catches_a_crash_after_the_first_answer_and_uptime_mode_stays() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("guard");
    let src = d.hello_source("guard");
    let first = d.push(&src, &app, "main");
    let out = output(&first);
    assert_eq!(first.code, 0, "{out}");
    assert!(out.contains("type='readiness'"), "{out}");
    let good = d.container_id(&app, "web.1").expect("container");
    let good_rev = rev(&src);

    d.env
        .dokku(["checks:set", &app, "uptime-guard", "6"])
        .success();
    std::fs::write(
        src.join("Procfile"),
        "web: sh -c '/app/entrypoint.sh & sleep 2; exit 3'\n",
    )
    .expect("Procfile");
    commit_all(&src, "answers, then dies");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_ne!(push.code, 0, "{out}");
    assert!(
        out.contains("       Port 5000 answered HTTP 200 after "),
        "{out}"
    );
    // The guard counts from the container's start: what is left of the 6 s.
    assert!(
        out.lines().any(|l| l.contains("Waiting for ")
            && l.trim_end().ends_with(" more seconds of uptime (web.1)")),
        "{out}"
    );
    assert!(
        out.contains("Healthcheck failed name='default': port 5000 answered, but within the 6s uptime guard: container"),
        "{out}"
    );
    assert!(
        out.contains("Could not start due to 1 failed checks (web.1)"),
        "{out}"
    );
    assert_eq!(
        d.container_id(&app, "web.1").as_deref(),
        Some(good.as_str())
    );
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200);
    assert!(body.contains(&format!("GIT_REV={good_rev}")), "{body}");

    // Dokku's fixed wait: the uptime check of `default-wait` seconds (1 here), no
    // readiness probe.
    d.env
        .dokku(["checks:set", &app, "default-mode", "uptime"])
        .success();
    std::fs::remove_file(src.join("Procfile")).expect("rm Procfile");
    let fixed_rev = commit_all(&src, "fixed wait");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_eq!(push.code, 0, "{out}");
    assert!(
        out.contains("Running healthcheck name='default' uptime=1"),
        "{out}"
    );
    assert!(!out.contains("type='readiness'"), "{out}");
    assert!(!out.contains("Port 5000 answered"), "{out}");
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200);
    assert!(body.contains(&format!("GIT_REV={fixed_rev}")), "{body}");
}
