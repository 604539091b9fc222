//! Per-app settings commands that need no Docker engine: `builder:*`,
//! `builder-dockerfile:*` (alias `dockerfile:*`), `network:set`/`network:report`,
//! `resource:*` and `git:report`, plus what `network:create` would ask docker (a fake
//! `docker` on `PATH` records argv).

use dokku_test_support::{FakeDocker, TestEnv};

use crate::install;

/// A fake `docker` that records its argv, answers `network ls`, and succeeds.
fn fake_docker(env: &TestEnv) -> std::path::PathBuf {
    env.fake_docker(FakeDocker {
        networks: &["bridge", "host", "backend", "cache"],
        ..FakeDocker::default()
    })
}

#[test]
fn builder_settings_and_reports() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let set = env
        .dokku(["builder:set", "web", "build-dir", "app"])
        .success();
    assert_eq!(set.stdout, "=====> Setting build-dir to app\n");
    env.dokku(["builder:set", "--global", "selected", "dockerfile"])
        .success();
    assert_eq!(
        env.dokku(["builder:report", "web", "--builder-computed-selected"])
            .success()
            .stdout,
        "dockerfile\n"
    );
    let report = env.dokku(["builder:report", "web"]).success();
    assert!(report
        .stdout
        .starts_with("=====> web builder information\n"));
    assert!(
        report
            .stdout
            .contains("       Builder computed build dir:    app\n"),
        "{}",
        report.stdout
    );
    let json = env
        .dokku(["builder:report", "web", "--format", "json"])
        .success();
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(parsed["build-dir"], "app");
    assert_eq!(parsed["computed-skip-cleanup"], "false");
    let unset = env.dokku(["builder:set", "web", "build-dir"]).success();
    assert_eq!(unset.stdout, "=====> Unsetting build-dir\n");

    let bad = env.dokku(["builder:set", "web", "nope", "x"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (
            1,
            " !     Invalid property specified, valid properties include: build-dir, selected, skip-cleanup\n"
        )
    );
    let missing = env.dokku(["builder:set", "nosuch", "selected", "x"]);
    assert_eq!(missing.code, 20, "{}", missing.stderr);
    let flag = env.dokku(["builder:report", "web", "--nope"]);
    assert!(
        flag.stderr
            .starts_with(" !     Invalid flag passed, valid flags: --builder-build-dir"),
        "{}",
        flag.stderr
    );

    // The dockerfile alias reaches builder-dockerfile.
    env.dokku(["dockerfile:set", "web", "dockerfile-path", "ops/Dockerfile"])
        .success();
    assert_eq!(
        env.dokku(["builder-dockerfile:report", "web", "--format", "json"])
            .success()
            .stdout,
        "{\"builder-dockerfile-computed-dockerfile-path\":\"ops/Dockerfile\",\
         \"builder-dockerfile-dockerfile-path\":\"ops/Dockerfile\",\
         \"builder-dockerfile-global-dockerfile-path\":\"\",\
         \"computed-dockerfile-path\":\"ops/Dockerfile\",\"dockerfile-path\":\"ops/Dockerfile\",\
         \"global-dockerfile-path\":\"\"}\n"
    );
}

#[test]
fn network_settings_are_checked_and_create_asks_docker() {
    let env = install();
    let log = fake_docker(&env);
    env.dokku(["apps:create", "web"]).success();
    for (args, stderr) in [
        (
            vec!["network:set", "web", "attach-post-create", "host"],
            " !     Invalid network name specified for attach: host\n",
        ),
        (
            vec!["network:set", "web", "initial-network", "no/slash"],
            " !     Invalid network name specified: no/slash (it must start with a letter or digit followed by letters, digits, '_', '.' or '-')\n",
        ),
        (
            vec!["network:set", "web", "bind-all-interfaces", "maybe"],
            " !     Invalid value specified for bind-all-interfaces: maybe (true or false)\n",
        ),
        (
            vec!["network:set", "--global", "static-web-listener", "1.2.3.4:80"],
            " !     Property cannot be specified globally\n",
        ),
        (
            vec!["network:create", "bad name"],
            " !     Invalid network name specified: bad name (it must start with a letter or digit followed by letters, digits, '_', '.' or '-')\n",
        ),
    ] {
        let run = env.dokku(&args);
        assert_eq!((run.code, run.stderr.as_str()), (1, stderr), "{args:?}");
    }
    assert!(!log.exists(), "nothing reached docker");

    env.dokku([
        "network:set",
        "web",
        "attach-post-create",
        "backend",
        "cache",
    ])
    .success();
    // A network docker does not know yet is accepted, as in Dokku, with a warning
    // at once (a deploy that attaches it still fails clearly if it is missing then).
    let missing = env.dokku(["network:set", "web", "attach-post-deploy", "nosuchnet"]);
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (
            0,
            " !     Network nosuchnet does not exist yet: create it before the next deploy (dokku network:create nosuchnet)\n"
        )
    );
    env.dokku(["network:set", "web", "attach-post-deploy"])
        .success();
    let taken = env.dokku(["network:set", "web", "attach-post-deploy", "cache"]);
    assert_eq!(
        taken.stderr,
        " !     Network name already associated with this app: cache\n"
    );
    assert_eq!(
        env.dokku(["network:report", "web", "--network-attach-post-create"])
            .success()
            .stdout,
        "backend,cache\n"
    );
    assert_eq!(
        env.dokku([
            "network:report",
            "web",
            "--network-computed-bind-all-interfaces"
        ])
        .success()
        .stdout,
        "false\n"
    );

    // network:set asked docker which networks exist; start the log afresh.
    std::fs::remove_file(&log).expect("reset docker log");
    let made = env
        .dokku(["network:create", "--label", "team=x", "backend2"])
        .success();
    assert_eq!(made.stdout, "-----> Creating network backend2\n");
    let calls = std::fs::read_to_string(&log).expect("docker log");
    assert_eq!(
        calls,
        "network create --attachable --label com.dokku.network-name=backend2 --label team=x backend2\n"
    );
    assert_eq!(env.dokku(["network:exists", "backend"]).code, 0);
    assert_eq!(env.dokku(["network:exists", "other"]).code, 1);
}

#[test]
fn resource_values_are_checked_and_reported() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let set = env
        .dokku(["resource:limit", "--memory", "512", "--cpu", "1", "web"])
        .success();
    assert_eq!(
        set.stdout,
        "=====> Setting resource limits for web\n       cpu: 1\n       memory: 512\n"
    );
    env.dokku([
        "resource:reserve",
        "--process-type",
        "worker",
        "--memory",
        "1g",
        "web",
    ])
    .success();
    let bad = env.dokku(["resource:limit", "--cpu", "fast", "--memory", "1g", "web"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (
            1,
            " !     Invalid value for --cpu: \"fast\" (a number of CPUs such as 0.5 or 2)\n"
        )
    );
    let usage = env.dokku(["resource:limit", "--cpus", "1", "web"]);
    assert_eq!(
        (usage.code, usage.stderr.as_str()),
        (2, " !     unknown flag: --cpus\n")
    );
    let no_app = env.dokku(["resource:limit", "--cpu", "1"]);
    assert_eq!(
        no_app.stderr,
        " !     Please specify an app to run the command on\n"
    );
    assert_eq!(
        env.dokku(["resource:report", "web", "--format", "json"])
            .success()
            .stdout,
        "{\"_default_.limit.cpu\":\"1\",\"_default_.limit.memory\":\"512\",\
         \"resource-_default_.limit.cpu\":\"1\",\"resource-_default_.limit.memory\":\"512\",\
         \"resource-worker.reserve.memory\":\"1g\",\"worker.reserve.memory\":\"1g\"}\n"
    );
    let shown = env
        .dokku(["resource:reserve", "--process-type", "worker", "web"])
        .success();
    assert!(
        shown
            .stdout
            .starts_with("=====> resource reservation web information (worker)\n       cpu: \n       memory: 1g\n"),
        "{}",
        shown.stdout
    );
    assert_eq!(
        env.dokku(["resource:reserve-clear", "web"])
            .success()
            .stdout,
        "=====> clearing web reservation\n"
    );
    let report = env.dokku(["resource:report", "web"]).success();
    assert_eq!(
        report.stdout,
        format!(
            "=====> web resource information\n       {:<31}1\n       {:<31}512\n",
            "_default_ limit cpu:", "_default_ limit memory:"
        )
    );
}

#[test]
fn git_report_and_bad_sync_input() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    env.dokku(["git:set", "web", "deploy-branch", "main"])
        .success();
    let report = env.dokku(["git:report", "web"]).success();
    assert!(report.stdout.starts_with("=====> web git information\n"));
    for line in [
        "       Git computed deploy branch:     main\n",
        "       Git computed archive max size:  1073741824\n",
        "       Git rev env var:                GIT_REV\n",
    ] {
        assert!(
            report.stdout.contains(line),
            "{line:?} in {}",
            report.stdout
        );
    }
    assert_eq!(
        env.dokku(["git:report", "web", "--git-sha"])
            .success()
            .stdout,
        "\n",
        "nothing pushed yet"
    );
    let global = env.dokku(["git:report", "--global"]).success();
    assert!(!global.stdout.contains("Git sha"), "{}", global.stdout);
    assert_eq!(
        env.dokku(["git:sync", "web"]).stderr,
        " !     Missing GIT_REMOTE parameter\n"
    );
    let nowhere = env.scratch("nowhere").display().to_string();
    let failed = env.dokku(["git:sync", "--build", "web", &nowhere]);
    assert_eq!(failed.code, 1);
    assert!(
        failed
            .stderr
            .starts_with(&format!(" !     Unable to fetch from {nowhere}")),
        "{}",
        failed.stderr
    );
    let bad_flag = env.dokku(["git:sync", "--bulid", "web", &nowhere]);
    assert_eq!(bad_flag.code, 2, "{}", bad_flag.stderr);
    let tty = env.dokku(["git:load-image", "web"]);
    assert_eq!(tty.stderr, " !     Please specify a docker image\n");
}
