//! `logs:set`, `logs:report` and the `vector.json` they keep: sinks decoded as
//! Dokku decodes them, redacted in text reports, following apps through rename,
//! clone and destroy; `logs:vector-start` when the image cannot be pulled.

use dokku_test_support::TestEnv;

use crate::install;

fn vector(env: &TestEnv) -> serde_json::Value {
    let text =
        std::fs::read_to_string(env.lib_root().join("data/logs/vector.json")).expect("vector.json");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn sinks_are_stored_raw_shown_redacted_and_decoded_into_vector_json() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let set = env
        .dokku([
            "logs:set",
            "web",
            "vector-sink",
            "loki://?endpoint=https://host&auth[token]=foobar%3D",
        ])
        .success();
    assert!(
        set.stdout.contains("=====> Setting vector-sink"),
        "{}",
        set.stdout
    );
    assert!(set.stdout.contains("Writing updated vector config to"));
    let v = vector(&env);
    assert_eq!(v["sinks"]["docker-sink:web"]["auth"]["token"], "foobar=");
    assert_eq!(
        v["sinks"]["docker-sink:web"]["inputs"][0],
        "docker-source:web"
    );
    assert_eq!(
        v["sources"]["docker-source:web"]["include_labels"][0],
        "com.dokku.app-name=web"
    );
    let raw = env
        .dokku(["logs:report", "web", "--logs-vector-sink"])
        .success();
    assert_eq!(
        raw.stdout,
        "loki://?endpoint=https://host&auth[token]=foobar%3D\n"
    );
    let text = env.dokku(["logs:report", "web"]).success();
    assert!(text.stdout.contains("loki://redacted"), "{}", text.stdout);
    assert!(!text.stdout.contains("foobar"), "{}", text.stdout);
    let json = env
        .dokku(["logs:report", "web", "--format", "json"])
        .success();
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(parsed["computed-max-size"], "10m");
    assert_eq!(parsed["logs-computed-max-size"], "10m");
    assert_eq!(
        parsed["computed-vector-image"],
        "timberio/vector:0.57.0-debian"
    );
}

#[test]
fn bad_settings_change_nothing() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    for (args, message) in [
        (
            vec!["web", "max-size", "20x"],
            "Invalid max-size unit measure",
        ),
        (
            vec!["web", "app-label-alias", "not a label"],
            "Invalid app-label-alias value",
        ),
        (vec!["web", "vector-image", "x"], "may only be set globally"),
        (
            vec!["web", "vector-sink", "console://?sinks=a"],
            "Invalid option sinks",
        ),
        (vec!["web", "nope", "x"], "Invalid property specified"),
    ] {
        let mut full = vec!["logs:set"];
        full.extend(args);
        let run = env.dokku(&full);
        assert_eq!(run.code, 1, "{full:?}");
        assert!(run.stderr.contains(message), "{full:?}: {}", run.stderr);
    }
    assert!(!env.lib_root().join("data/logs/vector.json").exists());
    assert_eq!(
        env.dokku(["logs:report", "web", "--logs-max-size"])
            .success()
            .stdout,
        "\n"
    );
}

#[test]
fn vector_json_follows_rename_clone_and_destroy() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    env.dokku([
        "logs:set",
        "web",
        "vector-sink",
        "console://?encoding[codec]=json",
    ])
    .success();
    env.dokku(["apps:rename", "--skip-deploy", "web", "shop"])
        .success();
    let v = vector(&env);
    assert!(v["sources"].get("docker-source:web").is_none(), "{v}");
    assert_eq!(
        v["sources"]["docker-source:shop"]["include_labels"][0],
        "com.dokku.app-name=shop"
    );
    env.dokku(["apps:clone", "--skip-deploy", "shop", "copy"])
        .success();
    assert!(vector(&env)["sinks"].get("docker-sink:copy").is_some());
    env.dokku(["--force", "apps:destroy", "copy"]).success();
    let v = vector(&env);
    assert!(v["sinks"].get("docker-sink:copy").is_none(), "{v}");
    assert!(v["sinks"].get("docker-sink:shop").is_some(), "{v}");
}

#[test]
fn vector_start_names_the_image_it_cannot_pull() {
    let env = install();
    let log = env.scratch("fake").join("docker.log");
    env.fake_docker_script(&format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\ncase \"$*\" in\n  'image inspect'*|'image pull'*) echo 'pull access denied' >&2; exit 1 ;;\nesac\nexit 0\n",
            log.display()
        ),
    );
    let run = env.dokku(["logs:vector-start"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(
            "Unable to pull the vector image timberio/vector:0.57.0-debian: pull access denied"
        ),
        "{}",
        run.stderr
    );
    let calls = std::fs::read_to_string(&log).expect("log");
    assert!(!calls.contains("container run"), "{calls}");
    assert!(env.lib_root().join("data/logs/vector.json").exists());
}

/// Dokku's logs-1 "max-size with alternate log-driver": the logs plugin answers
/// `docker-args-process-deploy` with the max-size option while the app's log driver
/// takes one, the ps plugin with the restart policy.
#[test]
fn docker_args_process_deploy_carries_max_size_and_restart_policy() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    env.dokku(["logs:set", "web", "max-size", "20m"]).success();
    let words = |env: &TestEnv| {
        let run = env
            .dokku(["plugin:trigger", "docker-args-process-deploy", "web"])
            .success();
        run.stdout.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    for (driver, expected) in [
        ("local", "--log-opt=max-size=20m --restart=on-failure:10"),
        (
            "json-file",
            "--log-opt=max-size=20m --restart=on-failure:10",
        ),
        // The options are kept sorted: journald now comes first and takes no max-size.
        ("journald", "--restart=on-failure:10"),
    ] {
        env.dokku([
            "docker-options:add",
            "web",
            "deploy",
            &format!("--log-driver={driver}"),
        ])
        .success();
        assert_eq!(words(&env), expected, "after --log-driver={driver}");
    }
    env.dokku(["ps:set", "web", "restart-policy", "no"])
        .success();
    assert_eq!(words(&env), "--restart=no");
}
