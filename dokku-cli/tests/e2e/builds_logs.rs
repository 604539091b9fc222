//! Build records and log settings on real Docker: `builds:cancel` stops a running
//! build (its process group, its record `canceled`, its lock gone) and the next push
//! deploys; `logs:set max-size` reaches the containers' log config.

use std::time::{Duration, Instant};

use crate::harness::{commit_all, docker, output, skipped, Deployer};
use crate::interrupted::{set_default_mode, set_default_wait, spawn_dokku, upcoming};

#[test]
fn builds_cancel_stops_a_running_build_and_the_next_push_deploys() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("cancel");
    let src = d.hello_source("cancel");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    let lock = d
        .env
        .lib_root()
        .join("data/apps")
        .join(&app)
        .join(".deploy.lock");

    // A rebuild held in its checks (20 s of uptime wanted) is running.
    set_default_mode(&d, "uptime");
    set_default_wait(&d, "20");
    let log = d.env.scratch("logs").join("rebuild-cancel.log");
    let mut child = spawn_dokku(&d, &["ps:rebuild", &app], &log);
    let deadline = Instant::now() + Duration::from_secs(180);
    while !upcoming(&app)
        .iter()
        .any(|(_, _, state)| state == "running")
    {
        assert!(
            Instant::now() < deadline,
            "no upcoming container appeared\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let held = std::fs::read_to_string(&lock).expect("the rebuild holds the lock");
    assert!(held.contains("build="), "the lock names its build: {held}");

    let cancel = d.env.dokku(["builds:cancel", &app]);
    let text = output(&cancel);
    assert_eq!(cancel.code, 0, "{text}");
    assert!(text.contains("-----> Killing app deploy"), "{text}");
    let status = child.wait().expect("wait for the rebuild");
    assert!(!status.success(), "the canceled rebuild did not finish");
    assert!(!lock.exists(), "cancel released the lock");
    let list = d
        .env
        .dokku(["builds:list", &app, "--format", "json"])
        .success();
    let records: serde_json::Value = serde_json::from_str(&list.stdout).expect("json");
    let newest = &records[0];
    assert_eq!(newest["source"], "ps:rebuild", "{records}");
    assert_eq!(newest["status"], "canceled", "{records}");

    // The next push deploys (and removes what the canceled deploy left).
    set_default_wait(&d, "1");
    set_default_mode(&d, "readiness");
    std::fs::write(src.join("CHANGED"), "after the cancel\n").expect("write");
    commit_all(&src, "after the cancel");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    assert!(upcoming(&app).is_empty(), "{:?}", upcoming(&app));
    let (code, _) = d.get(&app, "/");
    assert_eq!(code, 200);
    let list = d
        .env
        .dokku(["builds:list", &app, "--format", "json"])
        .success();
    let records: serde_json::Value = serde_json::from_str(&list.stdout).expect("json");
    assert_eq!(records[0]["source"], "git-hook", "{records}");
    assert_eq!(records[0]["status"], "succeeded", "{records}");
}

#[test]
fn logs_max_size_reaches_the_container_log_config() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("maxsize");
    d.env.dokku(["apps:create", &app]).success();
    d.env.dokku(["logs:set", &app, "max-size", "20m"]).success();
    let src = d.hello_source("maxsize");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    let cid = d.container_id(&app, "web.1").expect("web.1");
    let config = docker([
        "container",
        "inspect",
        "--format",
        "{{json .HostConfig.LogConfig}}",
        &cid,
    ]);
    assert_eq!(config.code, 0, "{}", config.stderr);
    let parsed: serde_json::Value = serde_json::from_str(config.stdout.trim()).expect("json");
    assert_eq!(parsed["Config"]["max-size"], "20m", "{parsed}");
    // The ps plugin's answer to the same trigger: the restart policy.
    let policy = docker([
        "container",
        "inspect",
        "--format",
        "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}",
        &cid,
    ]);
    assert_eq!(policy.stdout.trim(), "on-failure:10", "{}", policy.stderr);
}
