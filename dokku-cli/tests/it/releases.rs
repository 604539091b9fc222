//! `releases:*` without Docker (issue 15): the list and info of recorded releases
//! in both formats, a broken release file skipped with a warning, bad input refused
//! with one line and a hint and nothing changed, `checks:set ... watch-window`, and
//! the releases removed with the app. Deploys, rollbacks and the watch window are in
//! tests/e2e/releases.rs.

use std::path::PathBuf;

use dokku_test_support::TestEnv;

use crate::install;

fn dir(env: &TestEnv, app: &str) -> PathBuf {
    env.lib_root().join("data/releases").join(app)
}

fn write_release(env: &TestEnv, app: &str, version: u64, description: &str) {
    let d = dir(env, app);
    std::fs::create_dir_all(&d).expect("mkdir");
    std::fs::write(
        d.join(format!("v{version}.json")),
        format!(
            "{{\"version\": {version}, \"created_at\": \"2026-01-0{version}T00:00:00.000Z\", \
             \"description\": \"{description}\", \"image_id\": \"sha256:{version}abcdef0123456789\", \
             \"image\": \"dokku/{app}:latest\", \"builder\": \"dockerfile\", \"git_rev\": \"rev{version}\", \
             \"user\": \"alice\", \"config\": {{\"SECRET\": \"hunter2\"}}, \"formation\": {{\"web\": 1}}}}"
        ),
    )
    .expect("write release");
}

/// A refusal: exit 1, one ` !     ` line, then a `hint:` line.
#[track_caller]
fn refused_with_hint(run: &dokku_test_support::Run, message: &str) {
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(
        lines[0].starts_with(" !     ") && lines[0].contains(message),
        "{}",
        run.stderr
    );
    assert!(
        lines[1].trim_start().starts_with("hint: "),
        "{}",
        run.stderr
    );
}

#[test]
fn releases_list_and_info_in_both_formats_skip_a_broken_file() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let empty = env.dokku(["releases", "web"]).success();
    assert_eq!(empty.stdout, "No releases recorded for this app\n");
    write_release(&env, "web", 1, "deploy");
    write_release(&env, "web", 2, "config change: SECRET");
    std::fs::write(dir(&env, "web").join("v3.json"), "{ broken").expect("write");

    let list = env.dokku(["releases:list", "web"]).success();
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", list.stdout);
    assert!(lines[0].starts_with("Release"), "{}", list.stdout);
    assert!(lines[1].starts_with("v2 ") && lines[1].contains("config change: SECRET"));
    assert!(lines[2].starts_with("v1 ") && lines[2].contains("1abcdef01234"));
    assert!(
        list.stderr.contains("Skipping unreadable release file") && list.stderr.contains("v3.json"),
        "{}",
        list.stderr
    );

    let json = env.dokku(["releases", "web", "--format", "json"]).success();
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(value[0]["name"], "v2");
    assert_eq!(value[1]["git_rev"], "rev1");
    assert_eq!(value[0]["config"], serde_json::json!(["SECRET"]));
    assert!(
        !json.stdout.contains("hunter2"),
        "config values stay out of the list"
    );

    let info = env.dokku(["releases:info", "web", "v1"]).success();
    assert!(info.stdout.contains("Git rev:") && info.stdout.contains("rev1"));
    assert!(info.stdout.contains("Config keys:") && info.stdout.contains("SECRET"));
    assert!(!info.stdout.contains("hunter2"));
    let info = env
        .dokku(["releases:info", "web", "2", "--format", "json"])
        .success();
    assert!(info.stdout.starts_with("{\""), "{}", info.stdout);

    let report = env
        .dokku(["releases:report", "web", "--releases-current"])
        .success();
    assert_eq!(report.stdout, "v2\n");
    let report = env
        .dokku(["releases:report", "web", "--releases-computed-keep"])
        .success();
    assert_eq!(report.stdout, "5\n");

    env.dokku(["--force", "apps:destroy", "web"]).success();
    assert!(!dir(&env, "web").exists(), "releases go with the app");
}

#[test]
fn bad_input_is_refused_with_a_hint_and_nothing_changed() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    refused_with_hint(
        &env.dokku(["releases:rollback", "web"]),
        "web has no releases yet",
    );
    write_release(&env, "web", 1, "deploy");
    refused_with_hint(
        &env.dokku(["releases:rollback", "web"]),
        "web has no previous release",
    );
    refused_with_hint(
        &env.dokku(["releases:rollback", "web", "v1"]),
        "v1 is already the current release of web",
    );
    refused_with_hint(
        &env.dokku(["releases:rollback", "web", "v9"]),
        "web has no release v9",
    );
    refused_with_hint(
        &env.dokku(["releases:info", "web", "v0"]),
        "Invalid release 'v0'",
    );
    refused_with_hint(
        &env.dokku(["releases:info", "web", "../etc"]),
        "Invalid release",
    );
    refused_with_hint(
        &env.dokku(["releases:list", "web", "--format", "yaml"]),
        "Invalid format",
    );
    refused_with_hint(
        &env.dokku(["releases:set", "web", "keep", "many"]),
        "Invalid keep value 'many'",
    );
    refused_with_hint(
        &env.dokku(["releases:set", "web", "size", "3"]),
        "Invalid property \"size\"",
    );
    refused_with_hint(
        &env.dokku(["checks:set", "web", "watch-window", "-5"]),
        "Invalid watch-window value '-5'",
    );
    let props = env.lib_root().join("config/releases/web/keep");
    assert!(!props.exists());
    let report = env
        .dokku(["checks:report", "web", "--checks-computed-watch-window"])
        .success();
    assert_eq!(report.stdout, "0\n");

    env.dokku(["checks:set", "web", "watch-window", "30"])
        .success();
    env.dokku(["releases:set", "web", "keep", "2"]).success();
    assert_eq!(std::fs::read_to_string(&props).expect("keep"), "2");
    let report = env
        .dokku(["checks:report", "web", "--checks-computed-watch-window"])
        .success();
    assert_eq!(report.stdout, "30\n");
    let report = env
        .dokku(["releases:report", "web", "--releases-computed-keep"])
        .success();
    assert_eq!(report.stdout, "2\n");
}
