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
