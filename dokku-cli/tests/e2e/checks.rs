//! Zero-downtime checks: app.json healthchecks, checks:disable / checks:skip, and bad
//! app.json / Procfile input refused before anything is built.

use crate::harness::{commit_all, docker, output, skipped, Deployer};

#[test]
fn a_failing_healthcheck_fails_the_push_and_the_old_release_keeps_serving() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("health");
    let src = d.hello_source("health");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    let good = d.container_id(&app, "web.1").expect("container");

    std::fs::write(
        src.join("app.json"),
        r#"{"healthchecks":{"web":[{"type":"startup","name":"web check","path":"/missing","attempts":2,"timeout":2,"wait":1}]}}"#,
    )
    .expect("app.json");
    commit_all(&src, "a check that fails");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_ne!(push.code, 0, "{out}");
    assert!(
        out.contains(
            "Running healthcheck name='web check' path='/missing' attempts=2 timeout=2 wait=1"
        ),
        "{out}"
    );
    assert!(
        out.contains("Attempt 2/2 failed: GET /missing answered HTTP 404"),
        "{out}"
    );
    assert!(out.contains("Healthcheck failed name='web check'"), "{out}");
    assert!(
        out.contains("Could not start due to 1 failed checks (web.1)"),
        "{out}"
    );
    assert!(
        out.contains(&format!("=====> Start of {app} container output")),
        "{out}"
    );

    // The old container still serves; the new one was stopped and recorded as failed.
    assert_eq!(
        d.container_id(&app, "web.1").as_deref(),
        Some(good.as_str())
    );
    assert_eq!(d.get(&app, "/").0, 200);
    let failed = std::fs::read_to_string(
        d.env
            .lib_root()
            .join("data/scheduler-docker-local")
            .join(&app)
            .join("failed-containers"),
    )
    .expect("failed-containers");
    let failed_cid = failed
        .split_whitespace()
        .next()
        .expect("a failed container")
        .to_string();
    assert!(failed.trim_end().ends_with(" web.1"), "{failed}");
    let state = docker([
        "container",
        "inspect",
        "--format",
        "{{.State.Running}}",
        &failed_cid,
    ]);
    assert_eq!(state.stdout.trim(), "false");

    // logs:failed (answered by the scheduler through scheduler-logs-failed) shows the
    // failed container's output; once the container is gone, it says so and forgets it.
    let shown = d.env.dokku(["logs:failed", &app]);
    let out = output(&shown);
    assert_eq!(shown.code, 0, "{out}");
    assert!(
        out.contains(&format!("=====> {app} failed deploy logs")),
        "{out}"
    );
    assert!(
        out.contains("hello-app: serving /tmp/www on port 5000"),
        "{out}"
    );
    docker(["container", "rm", "--force", &failed_cid]);
    let gone = d.env.dokku(["logs:failed", &app]);
    let out = output(&gone);
    assert_eq!(gone.code, 0, "{out}");
    assert!(
        out.contains(&format!("App container {failed_cid} no longer running")),
        "{out}"
    );
    assert!(out.contains("No failed containers found"), "{out}");
    let left = d
        .env
        .lib_root()
        .join("data/scheduler-docker-local")
        .join(&app)
        .join("failed-containers");
    // The list is rewritten without the gone container, not deleted: a missing file
    // would hide a rewrite that never happened.
    assert_eq!(
        std::fs::read_to_string(&left).expect("failed-containers is still there"),
        ""
    );

    // A check that passes (path and content) lets the deploy through.
    std::fs::write(
        src.join("app.json"),
        r#"{"healthchecks":{"web":[{"type":"startup","name":"health","path":"/health","content":"ok","attempts":3,"timeout":2,"wait":1}]}}"#,
    )
    .expect("app.json");
    commit_all(&src, "a check that passes");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_eq!(push.code, 0, "{out}");
    assert!(out.contains("Healthcheck succeeded name='health'"), "{out}");
    assert!(
        !out.contains("No web healthchecks found in app.json"),
        "{out}"
    );
    assert_ne!(
        d.container_id(&app, "web.1").as_deref(),
        Some(good.as_str())
    );

    // checks:run runs the same checks against the running container, deploying nothing.
    let running = d.container_id(&app, "web.1");
    let checked = d.env.dokku(["checks:run", &app]);
    let out = output(&checked);
    assert_eq!(checked.code, 0, "{out}");
    assert!(out.contains("-----> Running pre-flight checks"), "{out}");
    assert!(
        out.contains(&format!("-----> Running checks for app ({app}.web.1)")),
        "{out}"
    );
    assert!(out.contains("Healthcheck succeeded name='health'"), "{out}");
    d.env.dokku(["checks:run", &app, "web.1"]).success();
    let bad_index = d.env.dokku(["checks:run", &app, "web.2"]);
    assert_eq!(bad_index.code, 1);
    assert!(
        bad_index
            .stderr
            .contains(&format!("Invalid container index specified ({app}.web.2)")),
        "{}",
        output(&bad_index)
    );
    let bad_type = d.env.dokku(["checks:run", &app, "web2"]);
    assert_eq!(bad_type.code, 1);
    assert!(
        bad_type
            .stderr
            .contains(&format!("Invalid process type specified ({app}.web2)")),
        "{}",
        output(&bad_type)
    );
    assert_eq!(d.container_id(&app, "web.1"), running);
}

#[test]
fn disabled_and_skipped_checks() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("nocheck");
    let src = d.hello_source("nocheck");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    let first = d.container_id(&app, "web.1").expect("container");

    let skip = d.env.dokku(["checks:skip", &app]).success();
    assert_eq!(
        skip.stdout,
        format!("-----> Skipping zero downtime for app ({app})\n")
    );
    commit_all(&src, "skipped");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_eq!(push.code, 0, "{out}");
    assert!(
        out.contains("=====> Zero downtime checks have been skipped (web.1)"),
        "{out}"
    );
    let second = d.container_id(&app, "web.1").expect("container");

    d.env.dokku(["checks:disable", &app]).success();
    let report = d
        .env
        .dokku(["checks:report", &app, "--checks-disabled-list"])
        .success();
    assert_eq!(report.stdout, "_all_\n");
    assert_eq!(
        d.env
            .dokku(["checks:report", &app, "--checks-skipped-list"])
            .success()
            .stdout,
        "none\n"
    );
    commit_all(&src, "disabled");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_eq!(push.code, 0, "{out}");
    assert!(
        out.contains("Zero downtime is disabled, stopping currently running containers  (web)"),
        "{out}"
    );
    assert!(out.contains(&format!("Stopping {second} (web)")), "{out}");
    assert!(!out.contains("Attempting pre-flight checks"), "{out}");
    assert_eq!(d.get(&app, "/").0, 200);

    d.env.dokku(["checks:enable", &app]).success();
    assert_eq!(
        d.env
            .dokku(["checks:report", &app, "--checks-disabled-list"])
            .success()
            .stdout,
        "none\n"
    );
    assert_ne!(first, second);
}

#[test]
fn bad_app_json_and_procfile_are_refused_before_building() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("badinput");
    let src = d.hello_source("badinput");
    std::fs::write(src.join("app.json"), "{ this is not json").expect("app.json");
    commit_all(&src, "bad app.json");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_ne!(push.code, 0, "{out}");
    assert!(out.contains("Invalid app.json file (app.json):"), "{out}");
    assert!(!out.contains("Building"), "{out}");

    std::fs::remove_file(src.join("app.json")).expect("rm");
    std::fs::write(
        src.join("Procfile"),
        "web: /app/entrypoint.sh\nthis line is not a process\n",
    )
    .expect("Procfile");
    commit_all(&src, "bad Procfile");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_ne!(push.code, 0, "{out}");
    assert!(out.contains("Invalid Procfile: line 2:"), "{out}");
    assert!(!out.contains("Building"), "{out}");

    // Security issue #9: wrong types, NUL bytes, bytes that are not UTF-8 and a
    // process type given twice used to deploy; each is one line plus a hint.
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "app.json",
            br#"{"healthchecks":"nope"}"#,
            "Invalid app.json file (app.json): `healthchecks` must be an object, not a string",
        ),
        (
            "app.json",
            br#"{"scripts":5}"#,
            "Invalid app.json file (app.json): `scripts` must be an object, not the number 5",
        ),
        (
            "Procfile",
            b"web: /app/entrypoint.sh\0\n",
            "Invalid Procfile: line 1: contains a NUL byte",
        ),
        (
            "Procfile",
            b"# caf\xe9\nweb: /app/entrypoint.sh\n",
            "Invalid Procfile: line 1: not UTF-8 text",
        ),
        (
            "Procfile",
            b"web: /app/entrypoint.sh\nweb: /app/entrypoint.sh\n",
            "Invalid Procfile: line 2: process type `web` is defined twice",
        ),
    ];
    for (file, bytes, expected) in cases {
        let _ = std::fs::remove_file(src.join("app.json"));
        let _ = std::fs::remove_file(src.join("Procfile"));
        std::fs::write(src.join(file), bytes).expect("write");
        commit_all(&src, expected);
        let push = d.push(&src, &app, "main");
        let out = output(&push);
        assert_ne!(push.code, 0, "{out}");
        assert!(out.contains(expected), "{out}");
        assert!(out.contains("       hint: "), "{out}");
        assert!(!out.contains("Building"), "{out}");
    }
    let image = docker(["image", "inspect", &format!("dokku/{app}:latest")]);
    assert_ne!(image.code, 0, "an image was built");
    assert!(d.container_id(&app, "web.1").is_none());
}
