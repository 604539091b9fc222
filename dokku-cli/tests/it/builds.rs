//! `builds:*`: records written by the build capture's triggers, listed, shown,
//! pruned, cancelled, and removed with the app. No Docker needed.

use std::path::PathBuf;

use dokku_test_support::TestEnv;

use crate::install;

fn records(env: &TestEnv, app: &str) -> PathBuf {
    env.lib_root().join("data/builds").join(app)
}

fn write_record(env: &TestEnv, app: &str, id: &str, status: &str, kind: &str, pid: u32) {
    let dir = records(env, app);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let finished = if status == "running" {
        String::new()
    } else {
        "\"finished_at\": \"2026-01-01T00:00:05Z\", \"exit_code\": 0,".to_string()
    };
    std::fs::write(
        dir.join(format!("{id}.json")),
        format!(
            "{{\"id\": \"{id}\", \"app\": \"{app}\", \"kind\": \"{kind}\", \"pid\": {pid}, \
             \"started_at\": \"2026-01-01T00:00:0{}Z\", {finished} \"status\": \"{status}\", \
             \"source\": \"git-hook\"}}",
            id.len() % 5
        ),
    )
    .expect("record");
    std::fs::write(dir.join(format!("{id}.log")), format!("log of {id}\n")).expect("log");
}

#[test]
fn the_capture_triggers_write_a_record_that_lists_and_finalizes() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let empty = env.dokku(["builds:list", "web"]).success();
    assert_eq!(empty.stdout, "No builds recorded for this app\n");
    let id = env
        .dokku(["plugin:trigger", "builds-generate-id"])
        .success()
        .stdout
        .trim()
        .to_string();
    assert_eq!(id.len(), 14, "{id}");
    let pid = std::process::id().to_string();
    env.dokku([
        "plugin:trigger",
        "builds-record-start",
        "web",
        &id,
        &pid,
        "ps:restart",
    ])
    .success();
    let list = env.dokku(["builds:list", "web"]).success();
    assert!(list.stdout.starts_with("Build ID"), "{}", list.stdout);
    assert!(list.stdout.contains("deploy") && list.stdout.contains("running"));
    env.dokku(["plugin:trigger", "builds-record-finalize", "web", &id, "0"])
        .success();
    let info = env
        .dokku(["builds:info", "web", &id, "--format", "json"])
        .success();
    let parsed: serde_json::Value = serde_json::from_str(&info.stdout).expect("json");
    assert_eq!(parsed["status"], "succeeded");
    assert_eq!(parsed["exit_code"], 0);
    assert!(parsed["log_path"]
        .as_str()
        .is_some_and(|p| p.ends_with(&format!("data/builds/web/{id}.log"))));
    let report = env
        .dokku(["builds:report", "web", "--format", "json"])
        .success();
    let parsed: serde_json::Value = serde_json::from_str(&report.stdout).expect("json");
    assert_eq!(parsed["build-id"], id.as_str());
    assert_eq!(parsed["computed-retention"], "20");
    assert_eq!(parsed["builds-computed-retention"], "20");
}

#[test]
fn list_filters_and_rejects_bad_input() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    write_record(&env, "web", "b1", "succeeded", "build", 1001);
    write_record(&env, "web", "d1", "succeeded", "deploy", 1002);
    let builds = env
        .dokku(["builds:list", "web", "--kind", "build"])
        .success();
    assert!(builds.stdout.contains("b1") && !builds.stdout.contains("d1"));
    let bad = env.dokku(["builds:list", "web", "--kind=garbage"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("Invalid --kind value"),
        "{}",
        bad.stderr
    );
    assert_eq!(env.dokku(["builds:info", "web", "nope"]).code, 1);
    assert_eq!(env.dokku(["builds:info", "web", "../../etc"]).code, 1);
    for bad in ["0", "abc", "-3"] {
        assert_eq!(env.dokku(["builds:set", "web", "retention", bad]).code, 1);
    }
    assert_eq!(
        env.dokku(["builds:output", "web", "b1"]).success().stdout,
        "log of b1\n"
    );
}

#[test]
fn prune_reaps_and_keeps_the_retention_and_destroy_removes_all() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    env.dokku(["builds:set", "web", "retention", "2"]).success();
    for id in ["p1", "p22", "p333", "p4444"] {
        write_record(&env, "web", id, "succeeded", "build", 1);
    }
    write_record(&env, "web", "ghost", "running", "build", 0);
    let live = std::process::id();
    write_record(&env, "web", "alive", "running", "build", live);
    env.dokku(["builds:prune", "web"]).success();
    let info = env.dokku(["builds:info", "web", "alive"]).success();
    assert!(info.stdout.contains("running"), "{}", info.stdout);
    let mut left: Vec<String> = std::fs::read_dir(records(&env, "web"))
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    left.sort();
    // The two newest ended records (ghost was reaped to failed) and the live one.
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(left.contains(&"alive.json".to_string()));
    env.dokku(["--force", "apps:destroy", "web"]).success();
    assert!(!records(&env, "web").exists());
}

#[test]
fn cancel_says_what_it_found_at_the_lock() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let none = env.dokku(["builds:cancel", "web"]).success();
    assert!(
        none.stdout.contains("App not currently deploying"),
        "{}",
        none.stdout
    );
    let lock = env.lib_root().join("data/apps/web/.deploy.lock");
    std::fs::create_dir_all(lock.parent().expect("dir")).expect("mkdir");
    write_record(&env, "web", "gone", "running", "build", 0);
    std::fs::write(&lock, "gone\n").expect("lock");
    let abandoned = env.dokku(["builds:cancel", "web"]).success();
    assert!(
        abandoned.stdout.contains("already terminated"),
        "{}",
        abandoned.stdout
    );
    assert!(!lock.exists());
    let info = env.dokku(["builds:info", "web", "gone"]).success();
    assert!(info.stdout.contains("failed"), "{}", info.stdout);
    env.dokku(["apps:lock", "web"]).success();
    let manual = env.dokku(["builds:cancel", "web"]).success();
    assert!(
        manual.stdout.contains("No matching app deploy found"),
        "{}",
        manual.stdout
    );
    assert!(lock.exists(), "a manual lock stays");
}
