//! The `docker-options` core plugin and the shared report layout, through the binary.

use dokku_test_support::TestEnv;

use crate::install;

fn app(env: &TestEnv, name: &str) {
    std::fs::create_dir_all(env.dokku_root().join(name)).expect("create app dir");
}

/// Every file under the plugin's property directory, with its contents.
fn state(env: &TestEnv) -> Vec<(String, String)> {
    let root = env.lib_root().join("config/docker-options");
    let mut out = Vec::new();
    let Ok(apps) = std::fs::read_dir(&root) else {
        return out;
    };
    for app in apps {
        let app = app.expect("entry").path();
        for file in std::fs::read_dir(&app).expect("ls") {
            let file = file.expect("entry").path();
            let name = file
                .strip_prefix(&root)
                .expect("prefix")
                .display()
                .to_string();
            if !name.contains("/.") {
                out.push((name, std::fs::read_to_string(&file).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn add_list_remove_clear_with_dokkus_output() {
    let env = install();
    app(&env, "web");
    env.dokku([
        "docker-options:add",
        "web",
        "deploy,run",
        "-v",
        "/data:/data",
        "--restart=always",
    ])
    .success();
    env.dokku([
        "docker-options:add",
        "web",
        "build",
        "--build-arg 'GREETING=hello world'",
    ])
    .success();
    env.dokku([
        "docker-options:add",
        "--process",
        "worker",
        "web",
        "deploy",
        "--cpus=2",
    ])
    .success();
    let list = |args: &[&str]| {
        env.dokku([&["docker-options:list"], args].concat())
            .success()
            .stdout
    };
    assert_eq!(
        list(&["--phase", "deploy", "web"]),
        "--restart=always\n-v /data:/data\n"
    );
    assert_eq!(
        list(&["--phase", "build", "web"]),
        "--build-arg 'GREETING=hello world'\n"
    );
    assert_eq!(
        list(&["--phase", "deploy", "--process", "worker", "web"]),
        "--cpus=2\n"
    );
    assert_eq!(
        std::fs::read_to_string(
            env.lib_root()
                .join("config/docker-options/web/_default_.run")
        )
        .expect("property"),
        "--restart=always\n-v /data:/data\n"
    );

    env.dokku(["docker-options:remove", "web", "run", "-v /data:/data"])
        .success();
    assert_eq!(list(&["--phase", "run", "web"]), "--restart=always\n");

    let run = env.dokku(["docker-options:clear", "web", "run"]).success();
    assert_eq!(
        run.stdout,
        "-----> Clearing docker-options for web on phase run\n"
    );
    let run = env
        .dokku(["docker-options:clear", "--process", "worker", "web"])
        .success();
    assert_eq!(
        run.stdout,
        "-----> Clearing docker-options for web on phase deploy for process worker\n"
    );
    let run = env.dokku(["docker-options:clear", "web"]).success();
    assert_eq!(
        run.stdout,
        "-----> Clearing docker-options for web on all phases\n"
    );
    assert_eq!(list(&["--phase", "deploy", "web"]), "");
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let env = install();
    app(&env, "web");
    env.dokku(["docker-options:add", "web", "deploy", "--init"])
        .success();
    let before = state(&env);
    let cases: &[(&[&str], i32, &str)] = &[
        (&["docker-options:add", "web", "release", "--init"], 1, " !     Phase(s) must be one of [build deploy run]\n"),
        (&["docker-options:add", "web", "deploy,bogus", "--init"], 1, " !     Phase(s) must be one of [build deploy run]\n"),
        (&["docker-options:clear", "web", "nope"], 1, " !     Phase(s) must be one of [build deploy run]\n"),
        (&["docker-options:add", "web", "deploy"], 1, " !     Please specify docker options to add to the phase\n"),
        (&["docker-options:remove", "web", "deploy"], 1, " !     Please specify docker options to remove from the phase\n"),
        (
            &["docker-options:add", "--process", "web", "web", "build", "--init"],
            1,
            " !     --process is only supported for the deploy phase, got \"build\"\n",
        ),
        (
            &["docker-options:add", "web", "deploy", "--label 'unbalanced"],
            1,
            " !     Unable to parse docker option: reached EOF without closing quote '\n",
        ),
        (&["docker-options:add", "nope", "deploy", "--init"], 20, " !     App nope does not exist\n"),
        (&["docker-options:list", "web"], 1, " !     --phase is required\n"),
        (&["docker-options:list", "--phase", "release", "web"], 1, " !     Phase must be one of [build deploy run]\n"),
        (&["docker-options:report", "web", "--nope"], 1, " !     Invalid flag passed, valid flags: --docker-options-build, --docker-options-deploy, --docker-options-run\n"),
        (&["docker-options:report", "web", "--format", "xml"], 1, " !     Format must be \"stdout\" or \"json\": \"xml\"\n"),
        (&["docker-options:report", "web", "--a", "--b"], 1, " !     docker-options:report command allows only a single flag\n"),
    ];
    for (args, code, stderr) in cases {
        let run = env.dokku(*args);
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (*code, *stderr),
            "{args:?}"
        );
        assert_eq!(state(&env), before, "{args:?} changed the options");
    }
}

#[test]
fn report_layout_json_and_single_flag() {
    let env = install();
    let run = env.dokku(["docker-options:report"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (0, " !     You haven't deployed any applications yet\n")
    );
    app(&env, "web");
    app(&env, "api");
    env.dokku([
        "docker-options:add",
        "web",
        "deploy",
        "-v /a:/a --restart=always",
    ])
    .success();
    env.dokku([
        "docker-options:add",
        "--process",
        "worker",
        "web",
        "deploy",
        "--label=x=<y>",
    ])
    .success();
    let report = env.dokku(["docker-options:report", "web"]).success().stdout;
    assert_eq!(
        report,
        "=====> web docker-options information\n\
         \x20      Docker options build:          \n\
         \x20      Docker options deploy:         --restart=always -v /a:/a\n\
         \x20      Docker options deploy worker:  '--label=x=<y>'\n\
         \x20      Docker options run:            \n"
    );
    let all = env.dokku(["docker-options:report"]).success().stdout;
    assert!(
        all.starts_with("=====> api docker-options information\n"),
        "{all}"
    );
    assert!(
        all.contains("=====> web docker-options information\n"),
        "{all}"
    );
    let quiet = env
        .dokku(["--quiet", "docker-options:report", "web"])
        .success()
        .stdout;
    assert!(!quiet.contains("=====>"), "{quiet}");
    let single = env
        .dokku(["docker-options:report", "web", "--docker-options-deploy"])
        .success()
        .stdout;
    assert_eq!(single, "--restart=always -v /a:/a\n");
    let json = env
        .dokku(["docker-options:report", "web", "--format", "json"])
        .success()
        .stdout;
    assert_eq!(
        json,
        "{\"build\":\"\",\"build-list\":[],\"deploy\":\"--restart=always -v /a:/a\",\
         \"deploy-list\":[\"--restart=always\",\"-v /a:/a\"],\"deploy.worker\":\"'--label=x=\\u003cy\\u003e'\",\
         \"deploy.worker-list\":[\"'--label=x=\\u003cy\\u003e'\"],\"docker-options-build\":\"\",\
         \"docker-options-deploy\":\"--restart=always -v /a:/a\",\
         \"docker-options-deploy.worker\":\"'--label=x=\\u003cy\\u003e'\",\"docker-options-run\":\"\",\
         \"run\":\"\",\"run-list\":[]}\n"
    );
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("valid json");
    assert_eq!(parsed["deploy-list"][1], "-v /a:/a");
    // `dokku report` fires the report trigger: the plugin answers in-process.
    let via_trigger = env
        .dokku(["plugin:trigger", "report", "web"])
        .success()
        .stdout;
    assert!(
        via_trigger.contains("Docker options deploy worker:  '--label=x=<y>'"),
        "{via_trigger}"
    );
}

#[test]
fn docker_args_triggers_emit_filtered_options() {
    let env = install();
    app(&env, "web");
    env.dokku([
        "docker-options:add",
        "web",
        "build,deploy,run",
        "-v /a:/a --restart=always --label=a=b",
    ])
    .success();
    env.dokku([
        "docker-options:add",
        "web",
        "build",
        "--file Dockerfile.prod",
    ])
    .success();
    env.dokku([
        "docker-options:add",
        "--process",
        "web",
        "web",
        "deploy",
        "--cpus=1",
    ])
    .success();
    let trigger = |args: &[&str]| {
        env.dokku([&["plugin:trigger"], args].concat())
            .success()
            .stdout
    };
    assert_eq!(
        trigger(&["docker-args-build", "web", "dockerfile"]),
        " --file Dockerfile.prod --label=a=b"
    );
    assert_eq!(
        trigger(&["docker-args-build", "web", "herokuish"]),
        " --label=a=b -v /a:/a"
    );
    assert_eq!(
        trigger(&["docker-args-deploy", "web", "latest"]),
        " --label=a=b --restart=always -v /a:/a"
    );
    assert_eq!(
        trigger(&["docker-args-run", "web", "latest"]),
        " --label=a=b -v /a:/a"
    );
    assert_eq!(
        trigger(&[
            "docker-args-process-deploy",
            "web",
            "dockerfile",
            "latest",
            "web"
        ]),
        // docker-options first, then the logs and ps plugins' own answers.
        " --cpus=1 --log-opt=max-size=10m  --restart=on-failure:10"
    );
    assert_eq!(
        trigger(&[
            "docker-args-process-deploy",
            "web",
            "dockerfile",
            "latest",
            "worker"
        ]),
        " --log-opt=max-size=10m  --restart=on-failure:10"
    );

    // Clone copies, rename moves, delete removes.
    env.dokku(["plugin:trigger", "post-app-clone-setup", "web", "copy"])
        .success();
    app(&env, "copy");
    let run_list = "--label=a=b\n--restart=always\n-v /a:/a\n";
    assert_eq!(
        env.dokku(["docker-options:list", "--phase", "run", "web"])
            .success()
            .stdout,
        run_list
    );
    assert_eq!(
        env.dokku(["docker-options:list", "--phase", "run", "copy"])
            .success()
            .stdout,
        run_list
    );
    env.dokku(["plugin:trigger", "post-delete", "copy"])
        .success();
    assert!(!env.lib_root().join("config/docker-options/copy").exists());
}
