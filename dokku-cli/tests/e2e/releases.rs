//! Releases, rollback and automatic rollback (issue 15), with real Docker and nginx.
//!
//! - Three pushes (each with its own body and `GREETING`) record v1..v3. A fourth
//!   release that passes its app.json startup check and dies five seconds later is
//!   rolled back by the watch window while a loopback client sends requests through
//!   nginx the whole time: no request fails, the push fails with one line, and the
//!   client ends on v3. Then `releases:rollback APP v1` serves v1's body with v1's
//!   config, and `releases APP --format json` lists four releases (the one that
//!   failed its window never became a release).
//! - `releases:rollback` killed with SIGKILL at spread-out points always leaves the
//!   app serving through nginx and its release list readable.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::{commit_all, output, skipped, Deployer};
use crate::interrupted::{kill_group, spawn_dokku};
use crate::nginx_support::{create_app, get_via, TestNginx};

/// The bounded client: at most this many requests...
const MAX_REQUESTS: usize = 100_000;
/// ...or this long.
const MAX_TIME: Duration = Duration::from_secs(300);

/// app.json: a startup check on `/health` (so the test does not depend on the
/// default checks) and a liveness check the watch window runs.
const APP_JSON: &str = r#"{"healthchecks":{"web":[
  {"type":"startup","name":"up","path":"/health","attempts":10,"wait":1,"timeout":2},
  {"type":"liveness","name":"alive","path":"/health","attempts":2,"wait":1,"timeout":1}
]}}"#;

fn releases_json(d: &Deployer, app: &str) -> Vec<serde_json::Value> {
    let run = d.env.dokku(["releases", app, "--format", "json"]).success();
    serde_json::from_str::<Vec<serde_json::Value>>(&run.stdout)
        .unwrap_or_else(|e| panic!("releases --format json: {e}\n{}", run.stdout))
}

/// Pushes the source with `GREETING=greeting` set first; returns the revision.
fn release(d: &Deployer, src: &std::path::Path, app: &str, greeting: &str) -> String {
    std::fs::write(src.join("www/release.txt"), greeting).expect("write release.txt");
    let rev = commit_all(src, greeting);
    d.env
        .dokku([
            "config:set",
            "--no-restart",
            app,
            &format!("GREETING={greeting}"),
        ])
        .success();
    let push = d.push(src, app, "main");
    assert_eq!(push.code, 0, "push {greeting}\n{}", output(&push));
    rev
}

/// Replaces `from` with `to` in the source file at `path`; the file must contain
/// `from` (a changed example app fails here, not in a confusing deploy).
fn rewrite(path: &std::path::Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read source file");
    let changed = text.replace(from, to);
    assert_ne!(text, changed, "{} changed shape", path.display());
    std::fs::write(path, changed).expect("write source file");
}

fn body(nginx: &TestNginx, host: &str) -> String {
    match get_via(nginx.http, host, "/") {
        Ok((200, body)) => body,
        other => panic!("GET / through nginx: {other:?}"),
    }
}

#[test]
fn releases_rollback_and_a_watch_window_that_rolls_back_a_crashing_release() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "rel");
    let host = nginx.host_of(&app);
    let src = d.hello_source("rel");
    std::fs::write(src.join("app.json"), APP_JSON).expect("write app.json");
    let revs: Vec<String> = ["v1", "v2", "v3"]
        .iter()
        .map(|g| release(&d, &src, &app, g))
        .collect();
    let page = body(&nginx, &host);
    assert!(
        page.contains("GREETING=v3") && page.contains(&revs[2]),
        "{page}"
    );
    let listed = releases_json(&d, &app);
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert_eq!(listed[0]["name"], "v3");
    assert_eq!(listed[2]["user"], "e2e", "pushed over ssh with key e2e");
    assert_eq!(listed[2]["git_rev"], revs[0].as_str());

    // v4 answers for five seconds, then exits (and Docker restarts it).
    d.env
        .dokku(["checks:set", &app, "watch-window", "15"])
        .success();
    rewrite(
        &src.join("entrypoint.sh"),
        "wait \"$pid\"",
        "sleep 5\nkill \"$pid\"\nexit 1",
    );
    std::fs::write(src.join("www/release.txt"), "v4").expect("write release.txt");
    commit_all(&src, "v4 crashes");
    d.env
        .dokku(["config:set", "--no-restart", &app, "GREETING=v4"])
        .success();

    let stop = Arc::new(AtomicBool::new(false));
    let client = {
        let stop = stop.clone();
        let (port, host) = (nginx.http, host.clone());
        std::thread::spawn(move || {
            let begin = Instant::now();
            let mut answers: Vec<Result<String, String>> = Vec::new();
            while !stop.load(Ordering::SeqCst)
                && answers.len() < MAX_REQUESTS
                && begin.elapsed() < MAX_TIME
            {
                answers.push(match get_via(port, &host, "/") {
                    Ok((200, body)) => Ok(body),
                    Ok((status, body)) => Err(format!("HTTP {status}: {body}")),
                    Err(e) => Err(e),
                });
                std::thread::sleep(Duration::from_millis(5));
            }
            answers
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let push = d.push(&src, &app, "main");
    // A little more traffic after the push returned, all of it on v3.
    std::thread::sleep(Duration::from_millis(1500));
    stop.store(true, Ordering::SeqCst);
    let answers = client.join().expect("client thread");
    let text = output(&push);
    assert_ne!(
        push.code, 0,
        "the crashing release must fail its push\n{text}"
    );
    assert!(
        text.contains("failed its watch window") && text.contains("rolled back to v3"),
        "{text}"
    );
    let failed: Vec<&String> = answers.iter().filter_map(|a| a.as_ref().err()).collect();
    eprintln!(
        "watch window: {} requests sent through nginx, {} failed",
        answers.len(),
        failed.len()
    );
    assert!(
        answers.len() >= 20,
        "the client sent only {}",
        answers.len()
    );
    assert!(
        failed.is_empty(),
        "{} of {} requests failed, first: {}",
        failed.len(),
        answers.len(),
        failed[0]
    );
    let served_v4 = answers
        .iter()
        .filter_map(|a| a.as_ref().ok())
        .any(|b| b.contains("GREETING=v4"));
    assert!(
        served_v4,
        "v4 never went live, so the window was not what rolled it back\n{text}"
    );
    let last = answers
        .last()
        .and_then(|a| a.as_ref().ok())
        .expect("a last answer");
    assert!(
        last.contains("GREETING=v3") && last.contains(&revs[2]),
        "{last}"
    );
    let greeting = d.env.dokku(["config:get", &app, "GREETING"]).success();
    assert_eq!(greeting.stdout.trim(), "v3", "v3's config is back");
    assert_eq!(
        releases_json(&d, &app).len(),
        3,
        "v4 never became a release"
    );

    // A rollback by hand to v1: its body, its config, recorded as v4.
    d.env
        .dokku(["checks:set", &app, "watch-window", "0"])
        .success();
    let rollback = d.env.dokku(["releases:rollback", &app, "v1"]);
    assert_eq!(rollback.code, 0, "{}", output(&rollback));
    let page = body(&nginx, &host);
    assert!(
        page.contains("GREETING=v1") && page.contains(&revs[0]),
        "{page}"
    );
    let greeting = d.env.dokku(["config:get", &app, "GREETING"]).success();
    assert_eq!(greeting.stdout.trim(), "v1");
    let listed = releases_json(&d, &app);
    assert_eq!(listed.len(), 4, "{listed:?}");
    assert_eq!(listed[0]["name"], "v4");
    assert_eq!(listed[0]["description"], "rollback to v1");
    assert_eq!(listed[0]["rollback_of"], 1);
    let info = d.env.dokku(["releases:info", &app, "v4"]).success();
    assert!(info.stdout.contains("rollback to v1"), "{}", info.stdout);

    // The images of the kept releases survive a cleanup.
    d.env.dokku(["cleanup", &app]).success();
    for r in &listed {
        let id = r["image_id"].as_str().expect("image_id");
        let inspect = crate::harness::docker(["image", "inspect", "--format", "{{.Id}}", id]);
        assert_eq!(inspect.code, 0, "image of {} was pruned", r["name"]);
    }
}

#[test]
fn killed_rollbacks_leave_a_serving_release_and_a_readable_list() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "kill");
    let host = nginx.host_of(&app);
    let src = d.hello_source("kill");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    // v2: a config change that restarts the app.
    d.env.dokku(["config:set", &app, "GREETING=two"]).success();
    assert_eq!(releases_json(&d, &app).len(), 2);

    // Kill points spread over a rollback's length (about 3 s here), shifted each
    // run by the clock so different runs hit different steps.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|t| t.subsec_nanos())
        .unwrap_or(0);
    for round in 0..4u64 {
        let delay = (u64::from(nanos) / 1000 + round * 900) % 3600;
        let log = d.env.scratch("logs").join(format!("rollback-{round}.log"));
        let child = spawn_dokku(&d, &["releases:rollback", &app], &log);
        std::thread::sleep(Duration::from_millis(delay));
        kill_group(child);
        let listed = releases_json(&d, &app);
        assert!(listed.len() >= 2, "round {round}: {listed:?}");
        match get_via(nginx.http, &host, "/") {
            Ok((200, page)) => assert!(page.contains("Hello from hello-app"), "{page}"),
            other => panic!(
                "round {round} (killed after {delay} ms): not serving: {other:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            ),
        }
    }
    // And a rollback that is not killed still works afterwards.
    let rollback = d.env.dokku(["releases:rollback", &app]);
    assert_eq!(rollback.code, 0, "{}", output(&rollback));
    let page = body(&nginx, &host);
    assert!(page.contains("Hello from hello-app"), "{page}");
}

/// `ps:rebuild` goes through the same watch window as a push: a rebuild whose new
/// image passes the default readiness check and then crashes inside the window is
/// rolled back on its own, the command fails with one line saying so, and the
/// previous release keeps serving. The crash comes from the build alone (a build
/// arg from `docker-options`), so the config stays as it was.
#[test]
fn a_rebuild_that_crashes_in_its_watch_window_is_rolled_back() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "rebuild");
    let host = nginx.host_of(&app);
    let src = d.hello_source("rebuild");
    // Built with `--build-arg CRASH_AFTER=N`, the web process exits N seconds after
    // it starts; without it, it serves as usual.
    rewrite(
        &src.join("Dockerfile"),
        "ENTRYPOINT",
        "ARG CRASH_AFTER=\nENV CRASH_AFTER=$CRASH_AFTER\nENTRYPOINT",
    );
    rewrite(
        &src.join("entrypoint.sh"),
        "wait \"$pid\"",
        "if [ -n \"${CRASH_AFTER:-}\" ]; then sleep \"$CRASH_AFTER\"; kill \"$pid\"; exit 1; fi\nwait \"$pid\"",
    );
    let rev = release(&d, &src, &app, "v1");
    let good = d.container_id(&app, "web.1").expect("v1's container");
    let page = body(&nginx, &host);
    assert!(
        page.contains("GREETING=v1") && page.contains(&rev),
        "{page}"
    );

    d.env
        .dokku(["checks:set", &app, "watch-window", "15"])
        .success();
    d.env
        .dokku([
            "docker-options:add",
            &app,
            "build",
            "--build-arg CRASH_AFTER=5",
        ])
        .success();
    let rebuild = d.env.dokku(["ps:rebuild", &app]);
    let text = output(&rebuild);
    assert_ne!(rebuild.code, 0, "the crashing rebuild must fail\n{text}");
    // It passed readiness and went live before it crashed.
    assert!(
        text.contains("Port 5000 answered HTTP 200 after ")
            && text.contains("All checks successful (web.1)"),
        "{text}"
    );
    let said: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(&format!("{app} failed its watch window (")))
        .collect();
    assert_eq!(said.len(), 1, "{text}");
    assert!(said[0].trim_end().ends_with("rolled back to v1"), "{text}");

    assert_eq!(
        d.container_id(&app, "web.1").as_deref(),
        Some(good.as_str()),
        "v1's container is back in its slot"
    );
    let page = body(&nginx, &host);
    assert!(
        page.contains("GREETING=v1") && page.contains(&rev),
        "{page}"
    );
    let listed = releases_json(&d, &app);
    assert_eq!(
        listed.len(),
        1,
        "the rebuild never became a release: {listed:?}"
    );
}
