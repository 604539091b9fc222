//! Procfile process types, `ps:*` and `config:set` restarts on a deployed app.

use crate::harness::{commit_all, docker, output, skipped, Deployer};

fn container_name(cid: &str) -> String {
    docker(["container", "inspect", "--format", "{{.Name}}", cid])
        .stdout
        .trim()
        .trim_start_matches('/')
        .to_string()
}

fn label(cid: &str, key: &str) -> String {
    docker([
        "container",
        "inspect",
        "--format",
        &format!("{{{{index .Config.Labels \"{key}\"}}}}"),
        cid,
    ])
    .stdout
    .trim()
    .to_string()
}

#[test]
fn procfile_web_and_worker_scale_and_ps_commands() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("procs");
    let src = d.hello_source("procs");
    std::fs::write(
        src.join("Procfile"),
        "# processes\nweb: /app/entrypoint.sh\nworker: sleep 100000\n",
    )
    .expect("Procfile");
    commit_all(&src, "with a Procfile");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    assert_eq!(d.get(&app, "/").0, 200);
    assert!(
        d.container_id(&app, "worker.1").is_none(),
        "a new type starts at 0"
    );

    let scale = d.env.dokku(["ps:scale", &app, "worker=2"]);
    let out = output(&scale);
    assert_eq!(scale.code, 0, "{out}");
    assert!(
        out.contains(&format!("-----> Scaling {app} processes: worker=2")),
        "{out}"
    );
    assert!(out.contains("-----> Deploying worker (count=2)"), "{out}");
    for slot in ["web.1", "worker.1", "worker.2"] {
        let cid = d
            .container_id(&app, slot)
            .unwrap_or_else(|| panic!("no {slot}"));
        assert_eq!(container_name(&cid), format!("{app}.{slot}"));
        assert_eq!(label(&cid, "com.dokku.dyno"), slot);
        assert_eq!(
            label(&cid, "com.dokku.process-type"),
            slot.split('.').next().expect("type")
        );
        assert_eq!(label(&cid, "com.dokku.app-name"), app);
    }
    let worker_env = docker([
        "container",
        "inspect",
        "--format",
        "{{json .Config.Env}}",
        &d.container_id(&app, "worker.1").expect("worker"),
    ]);
    assert!(
        !worker_env.stdout.contains("PORT="),
        "{}",
        worker_env.stdout
    );
    let listing = d.env.dokku(["ps:scale", &app]).success();
    assert_eq!(
        listing.stdout,
        format!("-----> Scaling for {app}\nproctype: qty\n--------: ---\nweb:  1\nworker: 2\n")
    );
    assert_eq!(
        d.env
            .dokku(["ps:report", &app, "--processes"])
            .success()
            .stdout,
        "3\n"
    );
    assert_eq!(
        d.env
            .dokku(["ps:report", &app, "--running"])
            .success()
            .stdout,
        "true\n"
    );

    // Bad input is refused and changes nothing.
    let bad = d.env.dokku(["ps:scale", &app, "web=-1"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, " !     Invalid count for process type web\n")
    );
    let bad = d.env.dokku(["ps:scale", &app, "clock=1"]);
    assert_eq!(
        bad.stderr,
        " !     clock is not a valid process name to scale up\n"
    );
    assert_eq!(
        d.env.dokku(["ps:scale", &app]).success().stdout,
        format!("-----> Scaling for {app}\nproctype: qty\n--------: ---\nweb:  1\nworker: 2\n")
    );

    // Scaling down retires the extra container.
    let old_worker2 = d.container_id(&app, "worker.2").expect("worker.2");
    let down = d.env.dokku(["ps:scale", &app, "worker=1"]);
    assert_eq!(down.code, 0, "{}", output(&down));
    assert!(
        output(&down).contains("Scheduling orphaned container shutdown in 0 seconds (worker.2)"),
        "{}",
        output(&down)
    );
    assert!(d.container_id(&app, "worker.2").is_none());
    assert_ne!(
        docker(["container", "inspect", &old_worker2]).code,
        0,
        "worker.2 was removed"
    );

    // ps:stop / ps:start / ps:restart / ps:rebuild.
    let web = d.container_id(&app, "web.1").expect("web");
    let stop = d.env.dokku(["ps:stop", &app]);
    assert_eq!(stop.code, 0, "{}", output(&stop));
    assert_eq!(
        docker([
            "container",
            "inspect",
            "--format",
            "{{.State.Running}}",
            &web
        ])
        .stdout
        .trim(),
        "false"
    );
    assert_eq!(
        d.env
            .dokku(["ps:report", &app, "--running"])
            .success()
            .stdout,
        "false\n"
    );
    let start = d.env.dokku(["ps:start", &app]);
    assert_eq!(start.code, 0, "{}", output(&start));
    assert!(
        output(&start).contains("App has been detected as not running, releasing"),
        "{}",
        output(&start)
    );
    assert_eq!(d.get(&app, "/").0, 200);
    let before = d.container_id(&app, "web.1").expect("web");
    let restart = d.env.dokku(["ps:restart", &app, "web"]);
    assert_eq!(restart.code, 0, "{}", output(&restart));
    assert_ne!(d.container_id(&app, "web.1").expect("web"), before);
    let rebuild = d.env.dokku(["ps:rebuild", &app]);
    assert_eq!(rebuild.code, 0, "{}", output(&rebuild));
    assert!(
        output(&rebuild).contains(&format!("-----> Building {app} from Dockerfile")),
        "{}",
        output(&rebuild)
    );
    assert_eq!(d.get(&app, "/").0, 200);
}

#[test]
fn config_set_restarts_the_app_with_the_new_value() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("config");
    let src = d.hello_source("config");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    assert!(d.get(&app, "/").1.contains("GREETING=\n"));
    let set = d
        .env
        .dokku(["config:set", &app, "GREETING=hello from config"]);
    let out = output(&set);
    assert_eq!(set.code, 0, "{out}");
    assert!(
        out.contains(&format!("-----> Restarting app {app}")),
        "{out}"
    );
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200);
    assert!(body.contains("GREETING=hello from config\n"), "{body}");
    // --no-restart leaves the running container alone.
    let cid = d.container_id(&app, "web.1").expect("web");
    d.env
        .dokku(["config:set", "--no-restart", &app, "GREETING=later"])
        .success();
    assert_eq!(d.container_id(&app, "web.1").as_deref(), Some(cid.as_str()));
}
