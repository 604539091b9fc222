//! Dokku's documented triggers that our core plugins answer and fire, through the
//! real binary: `dokku plugin:trigger NAME ARGS...` asks a core plugin as another
//! plugin would, and a legacy recorder plugin observes what a command fires.

use std::path::PathBuf;

use dokku_test_support::{write_executable, FakeDocker, Run, TestEnv};

use crate::install;

/// An app directory, without the triggers `apps:create` fires.
fn app(env: &TestEnv, name: &str) {
    std::fs::create_dir_all(env.dokku_root().join(name)).expect("create app dir");
}

fn trigger(env: &TestEnv, args: &[&str]) -> Run {
    env.dokku([&["plugin:trigger"], args].concat())
}

fn write(path: PathBuf, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_default()
}

/// A legacy plugin named `name` whose `triggers` record their arguments, one line per
/// call (`trigger [arg]...`), and exit with `status`.
fn recorder(env: &TestEnv, name: &str, triggers: &[&str], status: i32) -> PathBuf {
    let dir = env.scratch("src").join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("plugin.toml"),
        "[plugin]\ndescription = \"rec\"\nversion = \"0\"\n[plugin.config]\n",
    )
    .expect("manifest");
    let log = env.scratch("rec").join(name);
    for trigger in triggers {
        write_executable(
            &dir.join(trigger),
            &format!(
                "#!/usr/bin/env bash\n{{ printf '%s' \"$(basename \"$0\")\"; printf ' [%s]' \"$@\"; echo; }} >>{log:?}\nexit {status}\n"
            ),
        );
    }
    env.dokku([
        "plugin:install",
        dir.to_str().expect("utf8"),
        "--name",
        name,
    ])
    .success();
    log
}

fn set_deployed(env: &TestEnv, app: &str) {
    env.dokku(["__core", "prop", "set", "common", app, "deployed", "true"])
        .success();
}

#[test]
fn ps_answers_procfile_get_command_and_procfile_exists() {
    let env = install();
    app(&env, "web");
    let exists = trigger(&env, &["procfile-exists", "web"]);
    assert_eq!(
        (exists.code, exists.stderr.as_str()),
        (1, " !     Procfile does not exist\n")
    );
    let none = trigger(&env, &["procfile-get-command", "web", "web", "5000"]).success();
    assert_eq!(none.stdout, "", "no Procfile, no command");

    write(
        env.lib_root().join("data/ps/web/Procfile"),
        "web: serve --port $PORT --name ${NAME}\nworker: work\n",
    );
    env.dokku(["config:set", "--no-restart", "web", "NAME=shop"])
        .success();
    trigger(&env, &["procfile-exists", "web"]).success();
    assert_eq!(
        trigger(&env, &["procfile-get-command", "web", "web", "8080"])
            .success()
            .stdout,
        "serve --port 8080 --name shop\n"
    );
    assert_eq!(
        trigger(&env, &["procfile-get-command", "web", "web", "not-a-port"])
            .success()
            .stdout,
        "serve --port 5000 --name shop\n",
        "Dokku's default port"
    );
    let missing = trigger(&env, &["procfile-get-command", "web", "clock", "5000"]);
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (1, " !     No process type clock found in the Procfile\n")
    );
}

#[test]
fn ps_can_scale_and_ps_set_scale_answer_app_json_formations() {
    let env = install();
    app(&env, "web");
    write(
        env.lib_root().join("data/ps/web/Procfile"),
        "web: serve\nworker: work\n",
    );
    trigger(&env, &["ps-set-scale", "web", "true", "true", "worker=2"]).success();
    assert_eq!(
        read(env.lib_root().join("config/ps/web/scale")),
        "web=0\nworker=2\n"
    );
    trigger(&env, &["ps-set-scale", "web", "true", "false", "web=3"]).success();
    assert_eq!(
        read(env.lib_root().join("config/ps/web/scale")),
        "web=3\nworker=2\n"
    );
    let bad = trigger(&env, &["ps-set-scale", "web", "true", "true", "clock=1"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, " !     clock is not a valid process name to scale up\n")
    );

    trigger(&env, &["ps-can-scale", "web", "false"]).success();
    let refused = env.dokku(["ps:scale", "web", "web=1"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("cannot be manually scaled"),
        "{}",
        refused.stderr
    );
    trigger(&env, &["ps-can-scale", "web", "true"]).success();
    env.dokku(["ps:scale", "web", "web=1"]).success();
}

#[test]
fn app_restart_redeploys_a_deployed_app_and_warns_otherwise() {
    let env = install();
    app(&env, "web");
    let log = recorder(&env, "000-recorder", &["deploy"], 7);
    let run = trigger(&env, &["app-restart", "web"]).success();
    assert_eq!(run.stderr, " !     App web has not been deployed\n");
    assert_eq!(read(log.clone()), "");

    set_deployed(&env, "web");
    // The recorder runs first (plugin order) and stops the chain with its status.
    let run = trigger(&env, &["app-restart", "web"]);
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(read(log), "deploy [web] [latest]\n");
}

#[test]
fn proxy_enable_and_disable_restart_the_app_as_dokkus_nginx_plugin_does() {
    let env = install();
    env.fake_docker(FakeDocker::default());
    env.dokku(["apps:create", "web"]).success();
    let log = recorder(&env, "recorder", &["app-restart"], 0);
    env.dokku(["proxy:disable", "web"]).success();
    env.dokku(["proxy:enable", "web"]).success();
    assert_eq!(read(log), "app-restart [web]\napp-restart [web]\n");
}

#[test]
fn app_json_answers_deploy_parallelism() {
    let env = install();
    app(&env, "web");
    assert_eq!(
        trigger(&env, &["app-json-process-deploy-parallelism", "web", "web"])
            .success()
            .stdout,
        "1\n"
    );
    write(
        env.lib_root().join("data/app-json/web/app.json"),
        r#"{"formation": {"worker": {"quantity": 1, "max_parallel": 4}}}"#,
    );
    assert_eq!(
        trigger(
            &env,
            &["app-json-process-deploy-parallelism", "web", "worker"]
        )
        .success()
        .stdout,
        "4\n"
    );
}

#[test]
fn apps_answers_app_create_app_list_and_app_destroy() {
    let env = install();
    env.fake_docker(FakeDocker::default());
    let run = trigger(&env, &["app-create", "web"]).success();
    assert_eq!(run.stdout, "-----> Creating web...\n");
    assert!(env.dokku_root().join("web").is_dir());
    let taken = trigger(&env, &["app-create", "web"]);
    assert_eq!(
        (taken.code, taken.stderr.as_str()),
        (1, " !     Name is already taken\n")
    );
    trigger(&env, &["app-create", "api"]).success();
    assert_eq!(trigger(&env, &["app-list"]).success().stdout, "api\nweb\n");

    // Not forced: the name must be typed (stdin is empty here).
    let unconfirmed = trigger(&env, &["app-destroy", "api"]);
    assert_eq!(unconfirmed.code, 1);
    assert!(
        unconfirmed.stderr.ends_with(" !     EOF\n"),
        "{}",
        unconfirmed.stderr
    );
    assert!(env.dokku_root().join("api").is_dir());
    env.run(
        env.command("dokku")
            .env("DOKKU_APPS_FORCE_DELETE", "1")
            .args(["plugin:trigger", "app-destroy", "api"]),
    )
    .success();
    assert!(!env.dokku_root().join("api").exists());
    assert_eq!(trigger(&env, &["app-list"]).success().stdout, "web\n");
}

#[test]
fn user_auth_app_filters_the_apps_a_user_sees() {
    let env = install();
    for name in ["api", "shop", "store"] {
        app(&env, name);
    }
    let dir = env.scratch("src").join("auth");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("plugin.toml"),
        "[plugin]\ndescription = \"auth\"\nversion = \"0\"\n[plugin.config]\n",
    )
    .expect("manifest");
    let seen = env.scratch("rec").join("user-auth-app");
    write_executable(
        &dir.join("user-auth-app"),
        &format!(
            "#!/usr/bin/env bash\necho \"$1 $2\" >{seen:?}\nshift 2\nfor app in \"$@\"; do [[ $app == s* ]] && echo \"$app\"; done\ntrue\n"
        ),
    );
    env.dokku([
        "plugin:install",
        dir.to_str().expect("utf8"),
        "--name",
        "auth",
    ])
    .success();

    let run = env.run(
        env.command("dokku")
            .env("NAME", "alice")
            .args(["apps:list"]),
    );
    assert_eq!(run.success().stdout, "=====> My Apps\nshop\nstore\n");
    assert_eq!(read(seen), format!("{} alice\n", env.var("USER")));
    assert_eq!(
        trigger(&env, &["app-list"]).success().stdout,
        "shop\nstore\n"
    );
    assert_eq!(
        trigger(&env, &["app-list", "false"]).success().stdout,
        "api\nshop\nstore\n",
        "unfiltered"
    );
    assert_eq!(
        env.dokku(["apps:list", "--format", "json"])
            .success()
            .stdout,
        "[\"shop\",\"store\"]\n"
    );
}

#[test]
fn scheduler_is_deployed_answers_from_the_recorded_containers() {
    let env = install();
    app(&env, "web");
    let run = trigger(&env, &["scheduler-is-deployed", "docker-local", "web"]);
    assert_eq!(run.code, 1);
    // ps asks it when the app's deployed property was never written, and records it.
    let start = env.dokku(["ps:start", "web"]).success();
    assert_eq!(start.stderr, " !     App web has not been deployed\n");
    assert_eq!(
        read(env.lib_root().join("config/common/web/deployed")),
        "false"
    );

    write(env.dokku_root().join("web/CONTAINER.web.1"), "abc123\n");
    trigger(&env, &["scheduler-is-deployed", "docker-local", "web"]).success();
    trigger(&env, &["scheduler-is-deployed", "k3s", "web"]).success();
}

#[test]
fn run_asks_the_scheduler_through_scheduler_run() {
    let env = install();
    env.fake_docker(FakeDocker::default());
    app(&env, "web");
    let log = recorder(&env, "recorder", &["scheduler-run"], 0);
    let run = env.dokku(["run", "-e", "A=1", "--env=B=2", "web", "echo", "--", "hi"]);
    // The recorder answers first; docker-local then finds no released image.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with(" !     Successfully deploy your app to fix dokku run calls\n"),
        "{}",
        run.stderr
    );
    assert_eq!(
        read(log),
        "scheduler-run [docker-local] [web] [2] [A=1] [B=2] [--] [echo] [--] [hi]\n"
    );
}

#[test]
fn git_answers_revision_deploy_branch_property_and_has_code() {
    let env = install();
    env.fake_docker(FakeDocker::default());
    env.dokku(["apps:create", "web"]).success();
    assert_eq!(trigger(&env, &["git-revision", "web"]).success().stdout, "");
    env.dokku([
        "config:set",
        "--no-restart",
        "web",
        "GIT_REV=abc123",
        "MINE=def",
    ])
    .success();
    assert_eq!(
        trigger(&env, &["git-revision", "web"]).success().stdout,
        "abc123\n"
    );
    env.dokku(["git:set", "web", "rev-env-var", "MINE"])
        .success();
    assert_eq!(
        trigger(&env, &["git-revision", "web"]).success().stdout,
        "def\n"
    );

    assert_eq!(
        trigger(&env, &["git-deploy-branch", "web"])
            .success()
            .stdout,
        "master\n"
    );
    env.dokku(["git:set", "web", "deploy-branch", "main"])
        .success();
    assert_eq!(
        trigger(&env, &["git-deploy-branch", "web"])
            .success()
            .stdout,
        "main\n"
    );

    assert_eq!(
        trigger(&env, &["git-get-property", "web", "source-image"])
            .success()
            .stdout,
        "\n"
    );
    assert_eq!(
        trigger(&env, &["git-get-property", "web", "deploy-branch"]).code,
        1
    );

    assert_eq!(trigger(&env, &["git-has-code", "web"]).code, 1);
    // A commit on `main` in the app's bare repository (fetched: no hook runs).
    let src = env.scratch("src").join("code");
    write(src.join("README"), "hello\n");
    dokku_test_support::git_commit_all(&src);
    let fetched = std::process::Command::new("git")
        .arg("-C")
        .arg(env.dokku_root().join("web"))
        .args(["fetch", "--quiet"])
        .arg(&src)
        .arg("main:refs/heads/main")
        .status()
        .expect("git fetch");
    assert!(fetched.success());
    trigger(&env, &["git-has-code", "web"]).success();
    trigger(&env, &["git-has-code", "web", "main"]).success();
    assert_eq!(trigger(&env, &["git-has-code", "web", "master"]).code, 1);
}

#[test]
fn git_from_archive_and_from_image_fire_dokkus_import_triggers() {
    let env = install();
    env.fake_docker(FakeDocker::default());
    env.dokku(["apps:create", "web"]).success();
    // Sorted before `git`, the recorder sees each import first and stops the chain.
    let log = recorder(
        &env,
        "000-recorder",
        &["git-from-archive", "git-from-directory"],
        3,
    );
    let run = env.dokku(["git:from-archive", "web", "https://example.invalid/a.tgz"]);
    assert_eq!((run.code, run.stderr.as_str()), (3, ""));
    assert_eq!(
        read(log.clone()),
        "git-from-archive [web] [https://example.invalid/a.tgz] [tar] [Dokku] [automated@dokku.sh]\n"
    );
    std::fs::remove_file(&log).expect("reset");

    // git-from-image is the git plugin's: it writes the build context, then hands it
    // to git-from-directory.
    let run = env.dokku(["git:from-image", "web", "nginx:1", "Ann", "ann@example.com"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let calls = read(log);
    assert!(
        calls.starts_with("git-from-directory [web] [/")
            && calls.ends_with("] [Ann] [ann@example.com]\n"),
        "{calls}"
    );
    assert_eq!(
        trigger(&env, &["git-get-property", "web", "source-image"])
            .success()
            .stdout,
        "nginx:1\n"
    );
}

#[test]
fn network_answers_where_an_apps_containers_listen() {
    let env = install();
    env.fake_docker(FakeDocker::default());
    app(&env, "web");
    assert_eq!(
        trigger(&env, &["network-config-exists", "web"])
            .success()
            .stdout,
        "false\n"
    );
    trigger(
        &env,
        &["network-write-ipaddr", "web", "web", "1", "172.17.0.5"],
    )
    .success();
    trigger(&env, &["network-write-port", "web", "web", "1", "5000"]).success();
    write(env.dokku_root().join("web/CONTAINER.web.1"), "abc123\n");
    assert_eq!(read(env.dokku_root().join("web/IP.web.1")), "172.17.0.5");
    assert_eq!(
        trigger(&env, &["network-config-exists", "web"])
            .success()
            .stdout,
        "true\n"
    );
    assert_eq!(
        trigger(&env, &["network-get-listeners", "web", "web"])
            .success()
            .stdout,
        "172.17.0.5:5000\n"
    );
    let deprecated = trigger(&env, &["network-get-listeners", "web"]).success();
    assert_eq!(deprecated.stdout, "172.17.0.5:5000\n");
    assert!(
        deprecated.stderr.contains("Deprecated"),
        "{}",
        deprecated.stderr
    );
    let bad = trigger(
        &env,
        &["network-write-ipaddr", "web", "../web", "1", "1.2.3.4"],
    );
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, " !     Invalid process type specified: ../web\n")
    );

    env.dokku(["network:set", "web", "static-web-listener", "10.0.0.9:8080"])
        .success();
    assert_eq!(
        trigger(&env, &["network-get-static-listeners", "web", "web"])
            .success()
            .stdout,
        "10.0.0.9:8080\n"
    );
    assert_eq!(
        trigger(&env, &["network-get-ipaddr", "web", "web", "abc123"])
            .success()
            .stdout,
        "10.0.0.9\n"
    );
    assert_eq!(
        trigger(&env, &["network-get-listeners", "web", "web"])
            .success()
            .stdout,
        "10.0.0.9:8080\n"
    );
    assert_eq!(
        trigger(
            &env,
            &["network-get-property", "web", "bind-all-interfaces"]
        )
        .success()
        .stdout,
        "false\n"
    );
    env.dokku(["network:set", "--global", "tld", "svc.local"])
        .success();
    assert_eq!(
        trigger(&env, &["network-get-property", "web", "tld"])
            .success()
            .stdout,
        "svc.local\n"
    );
    let bad = trigger(&env, &["network-get-property", "web", "nope"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, " !     Invalid network property specified: nope\n")
    );
}

#[test]
fn nginx_asks_the_network_plugin_around_building_and_clearing_its_config() {
    let env = install();
    env.fake_docker(FakeDocker::default());
    env.dokku(["apps:create", "web"]).success();
    let log = recorder(
        &env,
        "recorder",
        &["network-build-config", "network-clear-config"],
        0,
    );
    env.dokku(["proxy:build-config", "web"]).success();
    assert_eq!(read(log.clone()), "", "no network config yet");
    trigger(
        &env,
        &["network-write-ipaddr", "web", "web", "1", "172.17.0.5"],
    )
    .success();
    trigger(&env, &["network-write-port", "web", "web", "1", "5000"]).success();
    env.dokku(["proxy:build-config", "web"]).success();
    env.dokku(["proxy:clear-config", "web"]).success();
    assert_eq!(
        read(log),
        "network-build-config [web]\nnetwork-clear-config [web]\n"
    );
}

#[test]
fn ports_answers_ports_configure_clear_and_get_available() {
    let env = install();
    app(&env, "web");
    assert_eq!(
        trigger(&env, &["ports-configure", "web"]).success().stdout,
        "",
        "virtual hosts on: the proxy's default port"
    );
    env.dokku(["config:set", "--no-restart", "web", "NO_VHOST=1"])
        .success();
    let run = trigger(&env, &["ports-configure", "web"]).success();
    assert!(
        run.stdout.starts_with(
            "-----> No port set, setting to random open high port\n-----> Random port "
        ),
        "{}",
        run.stdout
    );
    let port: u16 = read(env.lib_root().join("config/proxy/web/proxy-port"))
        .trim()
        .parse()
        .expect("a port");
    assert!(port > 1024);
    assert_eq!(
        trigger(&env, &["ports-configure", "web"]).success().stdout,
        "",
        "a port is set: nothing to do"
    );

    let free: u16 = trigger(&env, &["ports-get-available"])
        .success()
        .stdout
        .trim()
        .parse()
        .expect("a port");
    assert!(free > 1024);

    env.dokku(["ports:set", "web", "http:80:5000"]).success();
    trigger(&env, &["ports-set-detected", "web", "http:8080:8080"]).success();
    trigger(&env, &["ports-clear", "web"]).success();
    assert!(!env.lib_root().join("config/ports/web/map").exists());
    assert!(!env
        .lib_root()
        .join("config/ports/web/map-detected")
        .exists());
}

#[test]
fn app_urls_answers_replace_an_apps_urls() {
    let env = install();
    env.fake_docker(FakeDocker::default());
    env.dokku(["apps:create", "web"]).success();
    let dir = env.scratch("src").join("urls");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("plugin.toml"),
        "[plugin]\ndescription = \"urls\"\nversion = \"0\"\n[plugin.config]\n",
    )
    .expect("manifest");
    write_executable(
        &dir.join("app-urls"),
        "#!/usr/bin/env bash\n[[ $1 == web ]] && echo \"https://z.example.com http://b.example.com http://a.example.com\"\ntrue\n",
    );
    env.dokku([
        "plugin:install",
        dir.to_str().expect("utf8"),
        "--name",
        "urls",
    ])
    .success();
    assert_eq!(
        env.dokku(["urls", "web"]).success().stdout,
        "http://a.example.com\nhttp://b.example.com\nhttps://z.example.com\n"
    );
    assert_eq!(
        env.dokku(["url", "web"]).success().stdout,
        "http://b.example.com\n"
    );
}

#[test]
fn builder_answers_its_property_and_what_an_image_was_built_with() {
    let env = install();
    app(&env, "web");
    let log = env.scratch("fake").join("docker.log");
    env.fake_docker_script(&format!(
            "#!/bin/sh\necho \"$*\" >> {log:?}\ncase \"$*\" in\n  *'image inspect'*cnb:1) echo '{{\"Labels\":{{\"io.buildpacks.stack.id\":\"heroku-22\"}},\"Env\":[]}}' ;;\n  *'image inspect'*hk:1) echo '{{\"Env\":[\"USER=herokuishuser\"]}}' ;;\n  *'image inspect'*) exit 1 ;;\nesac\nexit 0\n"
        ),
    );
    let ask = |args: &[&str]| trigger(&env, args).success().stdout;
    assert_eq!(ask(&["builder-image-is-cnb", "web", "cnb:1"]), "true\n");
    assert_eq!(
        ask(&["builder-image-is-herokuish", "web", "cnb:1"]),
        "true\n"
    );
    assert_eq!(ask(&["builder-image-is-cnb", "web", "hk:1"]), "false\n");
    assert_eq!(
        ask(&["builder-image-is-herokuish", "web", "hk:1"]),
        "true\n"
    );
    assert_eq!(
        ask(&["builder-image-is-herokuish", "web", "plain:1"]),
        "false\n"
    );
    env.dokku(["config:set", "--no-restart", "web", "DOKKU_APP_USER=app"])
        .success();
    assert_eq!(
        ask(&["builder-image-is-herokuish", "web", "hk:1"]),
        "false\n"
    );

    assert_eq!(ask(&["builder-get-property", "web", "selected"]), "\n");
    env.dokku(["builder:set", "web", "selected", "dockerfile"])
        .success();
    assert_eq!(
        ask(&["builder-get-property", "web", "selected"]),
        "dockerfile\n"
    );
    let bad = trigger(&env, &["builder-get-property", "web", "nope"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, " !     Invalid builder property specified\n")
    );
}

#[test]
fn checks_logs_and_resource_answer_their_properties() {
    let env = install();
    app(&env, "web");
    let ask = |args: &[&str]| trigger(&env, args).success().stdout;
    assert_eq!(
        ask(&["checks-get-property", "web", "wait-to-retire"]),
        "60\n"
    );
    env.dokku(["checks:set", "--global", "wait-to-retire", "30"])
        .success();
    assert_eq!(
        ask(&["checks-get-property", "web", "wait-to-retire"]),
        "30\n"
    );
    env.dokku(["checks:set", "web", "wait-to-retire", "5"])
        .success();
    assert_eq!(
        ask(&["checks-get-property", "web", "wait-to-retire"]),
        "5\n"
    );
    assert_eq!(
        trigger(&env, &["checks-get-property", "web", "skip"]).code,
        1
    );

    assert_eq!(ask(&["logs-get-property", "web", "max-size"]), "10m\n");
    let bad = trigger(&env, &["logs-get-property", "web", "vector-sink"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, " !     Invalid logs property specified\n")
    );

    env.dokku(["resource:limit", "--memory", "512m", "web"])
        .success();
    env.dokku([
        "resource:limit",
        "--memory",
        "1g",
        "--process-type",
        "worker",
        "web",
    ])
    .success();
    assert_eq!(
        ask(&["resource-get-property", "web", "worker", "limit", "memory"]),
        "1g\n"
    );
    assert_eq!(
        ask(&["resource-get-property", "web", "web", "limit", "memory"]),
        "512m\n",
        "the app's default"
    );
    assert_eq!(
        ask(&["resource-get-property", "web", "web", "reserve", "memory"]),
        "\n"
    );
}

#[test]
fn certs_answers_certs_get_set_and_remove() {
    let env = install();
    env.fake_docker(FakeDocker::default());
    env.dokku(["apps:create", "web"]).success();
    assert_eq!(trigger(&env, &["certs-get", "web", "crt"]).code, 1);
    let dir = env.scratch("certs");
    let made = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=web.test"])
        .arg("-keyout")
        .arg(dir.join("server.key"))
        .arg("-out")
        .arg(dir.join("server.crt"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("openssl");
    assert!(made.status.success());
    let crt = dir.join("server.crt").display().to_string();
    let key = dir.join("server.key").display().to_string();
    trigger(&env, &["certs-set", "web", &crt, &key]).success();
    assert_eq!(
        trigger(&env, &["certs-get", "web", "crt"]).success().stdout,
        read(dir.join("server.crt"))
    );
    assert_eq!(
        trigger(&env, &["certs-get", "web", "key"]).success().stdout,
        read(dir.join("server.key"))
    );
    assert_eq!(trigger(&env, &["certs-get", "web", "pem"]).code, 1);
    trigger(&env, &["certs-remove", "web"]).success();
    assert_eq!(trigger(&env, &["certs-get", "web", "crt"]).code, 1);
    let missing = trigger(&env, &["certs-set", "nope", &crt, &key]);
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (1, " !     App nope does not exist\n")
    );
}

#[test]
fn storage_answers_the_deprecated_storage_list() {
    let env = install();
    app(&env, "web");
    env.dokku(["storage:mount", "web", "/srv/data:/app/data"])
        .success();
    env.dokku(["storage:mount", "web", "/srv/ro:/app/ro:ro"])
        .success();
    // Dokku's order: by entry name, here legacy-<sha1 of the host path>
    // (`/srv/ro` → 0b9f…, `/srv/data` → eeb3…).
    let run = trigger(&env, &["storage-list", "web", "deploy"]).success();
    assert_eq!(run.stdout, "/srv/ro:/app/ro:ro\n/srv/data:/app/data\n");
    assert!(run.stderr.contains("Deprecated"), "{}", run.stderr);
    let json = trigger(&env, &["storage-list", "web", "run", "json"]).success();
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["host_path"], "/srv/data");
    assert_eq!(rows[1]["container_path"], "/app/data");
    assert_eq!(rows[1].get("readonly"), None);
    assert_eq!(rows[0]["readonly"], true);
    assert_eq!(rows[0]["entry_name"], "legacy-0b9f2ec624");
    assert_eq!(
        trigger(&env, &["storage-list", "web", "build"])
            .success()
            .stdout,
        "",
        "no mount for build containers"
    );
}

#[test]
fn network_build_config_rewrites_the_addresses_of_running_containers() {
    let env = install();
    app(&env, "web");
    set_deployed(&env, "web");
    write(env.dokku_root().join("web/CONTAINER.web.1"), "abc123\n");
    write(env.dokku_root().join("web/CONTAINER.web.2"), "def456\n");
    write(env.dokku_root().join("web/IP.web.1"), "172.17.0.2");
    write(env.dokku_root().join("web/IP.web.2"), "172.17.0.3");
    // abc123 came back from a restart with a new address; def456 is stopped.
    let inspect = |id: &str, running: bool, ip: &str| {
        format!(
            "{{\"Id\":\"{id}\",\"Name\":\"/web.web\",\"State\":{{\"Running\":{running},\"Status\":\"x\"}},\"NetworkSettings\":{{\"Networks\":{{\"bridge\":{{\"IPAddress\":\"{ip}\"}}}}}},\"Config\":{{}}}}"
        )
    };
    let both = format!(
        "[{},{}]",
        inspect("abc123", true, "172.17.0.9"),
        inspect("def456", false, "")
    );
    let one = format!("[{}]", inspect("abc123", true, "172.17.0.9"));
    env.fake_docker_script(&format!(
            "#!/bin/sh\ncase \"$*\" in\n  'container inspect abc123 def456') echo '{both}' ;;\n  'container inspect abc123') echo '{one}' ;;\n  *) exit 1 ;;\nesac\n"
        ),
    );
    let run = trigger(&env, &["network-build-config", "web"]).success();
    assert_eq!(
        run.stdout,
        "-----> Ensuring network configuration is in sync for web\n"
    );
    assert_eq!(read(env.dokku_root().join("web/IP.web.1")), "172.17.0.9");
    assert_eq!(
        read(env.dokku_root().join("web/IP.web.2")),
        "172.17.0.3",
        "a stopped container is left alone"
    );
    assert_eq!(
        trigger(&env, &["network-get-ipaddr", "web", "worker", "abc123"])
            .success()
            .stdout,
        "172.17.0.9\n"
    );
}
