//! Deploy tasks and what a release that does not go live leaves behind: app.json
//! `predeploy` / `postdeploy`, the Procfile `release` type, a rejected release that
//! must not become what a restart starts, and a failure after the switch.

use crate::harness::{commit_all, docker, output, skipped, Deployer};
use crate::nginx_support::{create_app, TestNginx};

const TASKS_APP_JSON: &str = r#"{
  "scripts": {
    "dokku": {
      "predeploy": "sh -c 'echo predeploy-was-here > /app/www/predeploy.txt; echo predeploy-output'",
      "postdeploy": "sh -c 'echo postdeploy-output'"
    }
  }
}"#;

#[test]
fn predeploy_postdeploy_and_release_tasks_run_and_show_in_the_deploy_log() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("tasks");
    let src = d.hello_source("tasks");
    std::fs::write(src.join("app.json"), TASKS_APP_JSON).expect("app.json");
    std::fs::write(
        src.join("Procfile"),
        "web: /app/entrypoint.sh\nrelease: sh -c 'echo release-output'\n",
    )
    .expect("Procfile");
    commit_all(&src, "tasks");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_eq!(push.code, 0, "{out}");
    for line in [
        "-----> Checking for predeploy task",
        "       Executing predeploy task from app.json: sh -c 'echo predeploy-was-here > /app/www/predeploy.txt; echo predeploy-output'",
        "       predeploy-output",
        "       Executing release task from Procfile in ephemeral container: sh -c 'echo release-output'",
        "       release-output",
        "-----> Checking for postdeploy task",
        "       postdeploy-output",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    let predeploy = out.find("predeploy-output").expect("predeploy");
    let release = out.find("release-output").expect("release");
    let postdeploy = out.find("postdeploy-output").expect("postdeploy");
    assert!(predeploy < release && release < postdeploy, "{out}");
    // The predeploy task's change was committed into the image that serves.
    let (status, body) = d.get(&app, "/predeploy.txt");
    assert_eq!((status, body.trim()), (200, "predeploy-was-here"));
    // No task container is left behind.
    let left = docker([
        "container",
        "ls",
        "--all",
        "--quiet",
        "--filter",
        &format!("label=com.dokku.app-name={app}"),
        "--filter",
        "label=dokku_phase_script",
    ]);
    // The web container inherits the label from the committed predeploy image (as
    // in Dokku), and so does the created-never-started container that keeps the
    // release's image from prune (`com.dokku.release-keep`, docs/releases.md); any
    // other holder would be a task container left behind.
    let web = d.container_id(&app, "web.1").expect("web container");
    let keepers = docker([
        "container",
        "ls",
        "--all",
        "--quiet",
        "--filter",
        &format!("label=com.dokku.app-name={app}"),
        "--filter",
        "label=com.dokku.release-keep",
    ]);
    let others: Vec<&str> = left
        .stdout
        .lines()
        .filter(|id| !web.starts_with(id.trim()))
        .filter(|id| !keepers.stdout.lines().any(|k| k.trim() == id.trim()))
        .collect();
    assert!(others.is_empty(), "task containers left behind: {others:?}");
}

#[test]
fn a_failing_predeploy_fails_the_push_and_keeps_the_old_release() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("badtask");
    let src = d.hello_source("badtask");
    let good_rev = commit_all(&src, "good");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    let good = d.container_id(&app, "web.1").expect("container");

    std::fs::write(
        src.join("app.json"),
        r#"{"scripts":{"dokku":{"predeploy":"sh -c 'echo migration-broke; exit 3'"}}}"#,
    )
    .expect("app.json");
    commit_all(&src, "a migration that fails");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_ne!(push.code, 0, "{out}");
    assert!(out.contains("       migration-broke"), "{out}");
    assert!(
        out.contains("Execution of predeploy task failed: sh -c 'echo migration-broke; exit 3'"),
        "{out}"
    );
    assert_eq!(
        d.container_id(&app, "web.1").as_deref(),
        Some(good.as_str())
    );
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200);
    assert!(body.contains(&format!("GIT_REV={good_rev}")), "{body}");
}

#[test]
fn a_restart_after_a_rejected_release_restarts_the_live_one() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("rejected");
    let src = d.hello_source("rejected");
    let good_rev = commit_all(&src, "good");
    assert_eq!(d.push(&src, &app, "main").code, 0);

    std::fs::write(
        src.join("app.json"),
        r#"{"healthchecks":{"web":[{"type":"startup","name":"never","path":"/missing","attempts":1,"timeout":2,"wait":1}]}}"#,
    )
    .expect("app.json");
    let bad_rev = commit_all(&src, "rejected by its checks");
    let push = d.push(&src, &app, "main");
    assert_ne!(push.code, 0, "{}", output(&push));

    // config:set restarts the app: the live release, which passes its checks.
    let before = d.container_id(&app, "web.1").expect("container");
    let set = d.env.dokku(["config:set", &app, "AFTER=reject"]);
    assert_eq!(set.code, 0, "{}", output(&set));
    assert!(!output(&set).contains("Failure"), "{}", output(&set));
    let after = d.container_id(&app, "web.1").expect("container");
    assert_ne!(before, after, "the restart replaced the container");
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200);
    assert!(body.contains(&format!("GIT_REV={good_rev}")), "{body}");
    assert!(!body.contains(&bad_rev), "{body}");
    let restart = d.env.dokku(["ps:restart", &app]);
    assert_eq!(restart.code, 0, "{}", output(&restart));
    assert!(d.get(&app, "/").1.contains(&format!("GIT_REV={good_rev}")));
}

#[test]
fn a_failed_restart_exits_non_zero() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("failrestart");
    let src = d.hello_source("failrestart");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    // The live release now fails its checks on every start.
    let procfile_cmd = d
        .env
        .dokku(["ps:set", &app, "dockerfile-start-cmd", "sh -c 'exit 7'"]);
    assert_eq!(procfile_cmd.code, 0, "{}", output(&procfile_cmd));
    let set = d.env.dokku(["config:set", &app, "X=1"]);
    let out = output(&set);
    assert_ne!(set.code, 0, "{out}");
    assert!(out.contains(" !     Failure while restarting app"), "{out}");
    assert!(out.contains("hint: the new config is saved"), "{out}");
}

#[test]
fn a_failure_after_the_switch_leaves_one_consistent_set_of_containers() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "postswitch");
    let src = d.hello_source("postswitch");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    let old = d.container_id(&app, "web.1").expect("container");

    // A network that exists when it is set and is gone by the next deploy.
    let net = format!("{app}-net");
    assert_eq!(
        docker([
            "network",
            "create",
            "--label",
            &format!("com.dokku-rs.test={}", d.id),
            &net
        ])
        .code,
        0
    );
    d.env
        .dokku(["network:set", &app, "attach-post-deploy", &net])
        .success();
    assert_eq!(docker(["network", "rm", &net]).code, 0);

    let restart = d.env.dokku(["ps:restart", &app]);
    let out = output(&restart);
    assert_ne!(restart.code, 0, "{out}");
    assert!(out.contains("putting"), "{out}");

    // One set: the old container, recorded, running, named, served through nginx.
    assert_eq!(d.container_id(&app, "web.1").as_deref(), Some(old.as_str()));
    let running = docker([
        "container",
        "ls",
        "--quiet",
        "--no-trunc",
        "--filter",
        &format!("label=com.dokku.app-name={app}"),
    ]);
    assert_eq!(running.stdout.trim(), old, "exactly the old container runs");
    let name = docker(["container", "inspect", "--format", "{{.Name}}", &old]);
    assert_eq!(name.stdout.trim(), format!("/{app}.web.1"));
    let (status, body) = nginx
        .get(nginx.http, &nginx.host_of(&app), "/")
        .expect("GET through nginx");
    assert_eq!(status, 200, "{body}");
    let report = d.env.dokku(["ps:report", &app]).success();
    assert!(
        report.stdout.contains(&old[..12]) || report.stdout.contains("running"),
        "{}",
        report.stdout
    );
    // The retire registry does not hold the old container any more.
    let dead = std::fs::read_to_string(
        d.env
            .lib_root()
            .join("data/scheduler-docker-local/dead-containers"),
    )
    .unwrap_or_default();
    assert!(!dead.contains(&old), "{dead}");
}
