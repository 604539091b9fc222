//! Issue 13's settings commands without Docker: `scheduler:*`,
//! `scheduler-docker-local:*`, `app-json:*`, and `cron:*` with a fake `crontab` on
//! `PATH` that keeps the table in a scratch file; and `ps:stop` of an app never
//! deployed.

use dokku_test_support::{write_executable, TestEnv};

use crate::install;

fn json(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let run = env.dokku(args).success();
    serde_json::from_str(&run.stdout).expect("json report")
}

#[test]
fn scheduler_selection_and_docker_local_settings() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let report = json(&env, &["scheduler:report", "web", "--format", "json"]);
    assert_eq!(report["scheduler-computed-selected"], "docker-local");
    assert_eq!(report["selected"], "");
    env.dokku(["scheduler:set", "--global", "shell", "sh"])
        .success();
    env.dokku(["scheduler:set", "web", "shell", "bash"])
        .success();
    let report = json(&env, &["scheduler:report", "web", "--format", "json"]);
    assert_eq!(report["computed-shell"], "bash");
    assert_eq!(report["scheduler-global-shell"], "sh");
    let global = json(&env, &["scheduler:report", "--global", "--format", "json"]);
    assert!(global.get("scheduler-selected").is_none());
    assert_eq!(global["computed-shell"], "sh");

    let computed = env
        .dokku([
            "scheduler-docker-local:report",
            "--global",
            "--scheduler-docker-local-computed-parallel-schedule-count",
        ])
        .success();
    assert_eq!(computed.stdout, "1\n");
    env.dokku(["scheduler-docker-local:set", "web", "init-process", "false"])
        .success();
    let report = json(
        &env,
        &["scheduler-docker-local:report", "web", "--format", "json"],
    );
    assert_eq!(report["computed-init-process"], "false");
    let bad = env.dokku(["scheduler-docker-local:set", "web", "nope", "1"]);
    assert_eq!(bad.code, 1, "{}", bad.stderr);
}

#[test]
fn app_json_path_is_kept_inside_the_source() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let bad = env.dokku(["app-json:set", "web", "appjson-path", "../../etc/passwd"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("Invalid appjson-path"),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("hint:"), "{}", bad.stderr);
    let report = json(&env, &["app-json:report", "web", "--format", "json"]);
    assert_eq!(report["computed-appjson-path"], "app.json");
    env.dokku(["app-json:set", "web", "appjson-path", "deploy/app.json"])
        .success();
    let value = env
        .dokku(["app-json:report", "web", "--app-json-appjson-path"])
        .success();
    assert_eq!(value.stdout, "deploy/app.json\n");
}

#[test]
fn cron_tasks_settings_and_the_crontab() {
    let env = install();
    let table = env.scratch("cron").join("table");
    write_executable(
        &env.prefix().join("bin/crontab"),
        &format!(
            "#!/bin/sh\nT={t}\ncase \"$1\" in\n -l) test -f $T && cat $T ;;\n -r) rm $T ;;\n -u) cp \"$3\" $T ;;\nesac\n",
            t = table.display()
        ),
    );
    env.dokku(["apps:create", "web"]).success();
    // The app.json of the last deploy, as app-json promotes it.
    let data = env.lib_root().join("data/app-json/web");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(
        data.join("app.json"),
        r#"{"cron":[{"command":"echo hi","schedule":"@daily"}]}"#,
    )
    .expect("write app.json");

    let list = env
        .dokku(["cron:list", "web", "--format", "json"])
        .success();
    let tasks: serde_json::Value = serde_json::from_str(&list.stdout).expect("json");
    let id = tasks[0]["id"].as_str().expect("id").to_string();
    assert_eq!(tasks[0]["app"], "web");
    assert_eq!(tasks[0]["concurrency_policy"], "allow");

    env.dokku(["plugin:trigger", "scheduler-cron-write"])
        .success();
    let text = std::fs::read_to_string(&table).expect("crontab written");
    // A prefix install: its own block, calling its login wrapper (cron's bare
    // environment gets the install's).
    let root = env.dokku_root();
    let login = env.prefix().join("bin/dokku-login");
    assert_eq!(
        text,
        format!(
            "# BEGIN dokku-rs {root}\n@daily {login} cron:run web {id}\n# END dokku-rs {root}\n",
            root = root.display(),
            login = login.display()
        )
    );

    env.dokku(["cron:suspend", "web", &id]).success();
    assert!(!table.exists(), "a suspended last task removes the crontab");
    let report = json(&env, &["cron:report", "web", "--format", "json"]);
    assert_eq!(report[format!("maintenance-{id}").as_str()], "true");
    env.dokku(["cron:resume", "web", &id]).success();
    assert!(table.exists());

    let bad = env.dokku(["cron:set", "--global", "maintenance.x", "true"]);
    assert_eq!(bad.code, 1);
    assert!(bad
        .stderr
        .contains("Task maintenance properties cannot be set globally"));
    let bad = env.dokku(["cron:set", "web", "mailto", "a@b"]);
    assert!(bad
        .stderr
        .contains("Property cannot be specified on a per-app basis"));
    let bad = env.dokku(["cron:suspend", "web", "nope"]);
    assert!(
        bad.stderr.contains("no matching task ID found"),
        "{}",
        bad.stderr
    );

    // The user's own lines stay; MAILTO is left to the user's crontab in a prefix
    // install (it would apply to the user's lines too).
    let with_user_line = format!(
        "0 1 * * * mine\n{}",
        std::fs::read_to_string(&table).expect("crontab")
    );
    std::fs::write(&table, &with_user_line).expect("user line");
    env.dokku(["cron:set", "--global", "mailto", "ops@example.com"])
        .success();
    let text = std::fs::read_to_string(&table).expect("crontab");
    assert!(
        text.starts_with("0 1 * * * mine\n# BEGIN dokku-rs "),
        "{text}"
    );
    assert!(!text.contains("MAILTO"), "{text}");
    env.dokku(["apps:destroy", "web", "--force"]).success();
    assert_eq!(
        std::fs::read_to_string(&table).expect("crontab kept"),
        "0 1 * * * mine\n",
        "a destroyed app's tasks leave the crontab, the user's line stays"
    );
}

/// Issue 13: `ps:stop` of a never-deployed app warns and changes nothing, so that its
/// first deploy is still restored at boot (Dokku's `Stop`).
#[test]
fn ps_stop_of_a_never_deployed_app_keeps_it_restorable() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let stop = env.dokku(["ps:stop", "web"]).success();
    assert_eq!(stop.stderr, " !     App web has not been deployed\n");
    assert!(!stop.stdout.contains("Stopping"), "{}", stop.stdout);
    assert!(!env.lib_root().join("config/ps/web/restore").exists());
    let restore = env.dokku(["ps:report", "web", "--restore"]).success();
    assert_eq!(restore.stdout, "true\n");
}

/// Issue 13: `ps:scale --skip-deploy` records without deploying; `ps:scale APP`
/// prints the formation (Dokku's text and json); without a Procfile any type scales.
#[test]
fn ps_scale_records_and_prints_the_formation() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let set = env
        .dokku(["ps:scale", "--skip-deploy", "web", "web=2", "worker=1"])
        .success();
    assert_eq!(set.stdout, "-----> Scaling web processes: web=2 worker=1\n");
    assert_eq!(
        std::fs::read_to_string(env.lib_root().join("config/ps/web/scale")).expect("scale"),
        "web=2\nworker=1\n"
    );
    let shown = env.dokku(["ps:scale", "web"]).success();
    assert_eq!(
        shown.stdout,
        "-----> Scaling for web\nproctype: qty\n--------: ---\nweb:  2\nworker: 1\n"
    );
    let json = env.dokku(["ps:scale", "web", "--format", "json"]).success();
    assert_eq!(
        json.stdout,
        "[{\"process_type\":\"web\",\"quantity\":2},{\"process_type\":\"worker\",\"quantity\":1}]\n"
    );
    let quiet = env.dokku(["--quiet", "ps:scale", "web"]).success();
    assert_eq!(quiet.stdout, "web:  2\nworker: 1\n");
}

/// Issue 16: `scheduler-docker-swarm:set|report`; a bad value is refused with a
/// hint and nothing is written. A deploy on an engine that is no swarm manager is
/// the e2e tier's (`swarm.rs`).
#[test]
fn docker_swarm_settings() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let report = json(
        &env,
        &["scheduler-docker-swarm:report", "web", "--format", "json"],
    );
    assert_eq!(report["computed-update-parallelism"], "1");
    assert_eq!(report["computed-deploy-timeout"], "600");
    env.dokku([
        "scheduler-docker-swarm:set",
        "--global",
        "update-delay",
        "3",
    ])
    .success();
    env.dokku([
        "scheduler-docker-swarm:set",
        "web",
        "placement-constraints",
        "node.role==manager",
    ])
    .success();
    let report = json(
        &env,
        &["scheduler-docker-swarm:report", "web", "--format", "json"],
    );
    assert_eq!(report["computed-update-delay"], "3");
    assert_eq!(
        report["scheduler-docker-swarm-placement-constraints"],
        "node.role==manager"
    );
    for (key, value) in [
        ("update-parallelism", "0"),
        ("update-delay", "soon"),
        ("placement-constraints", "anywhere"),
    ] {
        let bad = env.dokku(["scheduler-docker-swarm:set", "web", key, value]);
        assert_eq!(bad.code, 1, "{key}={value}: {}", bad.stderr);
        assert!(bad.stderr.contains("hint:"), "{}", bad.stderr);
    }
    let kept = env
        .dokku([
            "scheduler-docker-swarm:report",
            "web",
            "--scheduler-docker-swarm-computed-update-parallelism",
        ])
        .success();
    assert_eq!(kept.stdout, "1\n");
    let unknown = env.dokku(["scheduler-docker-swarm:set", "web", "nope", "1"]);
    assert_eq!(unknown.code, 1, "{}", unknown.stderr);
}

/// `run:logs` and `run:stop` name their target by `--container` or positionally
/// (`APP CONTAINER`); a third word is refused with the command's usage as the hint.
#[test]
fn run_logs_and_stop_refuse_an_extra_argument() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    for (args, usage) in [
        (
            vec!["run:stop", "web", "web.run.1", "extra"],
            "usage: dokku run:stop <app|--container CONTAINER>",
        ),
        (
            vec!["run:logs", "web", "-n", "5", "web.run.1", "extra"],
            "usage: dokku run:logs <app|--container CONTAINER> [-n num] [-q] [-t]",
        ),
    ] {
        let refused = env.dokku(args.clone());
        assert_eq!(refused.code, 1, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("Unexpected argument: extra"),
            "{}",
            refused.stderr
        );
        assert!(refused.stderr.contains(usage), "{}", refused.stderr);
    }
}
