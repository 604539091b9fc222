//! Running apps: persistent storage across deploys, `logs`, `run` and `run:detached`.

use crate::harness::{commit_all, docker, output, skipped, Deployer};

#[test]
fn a_file_in_mounted_storage_survives_a_redeploy() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("storage");
    d.env.dokku(["apps:create", &app]).success();
    let name = format!("e2e{}", d.id);
    let ensured = d
        .env
        .dokku(["storage:ensure-directory", "--chown", "false", &name])
        .success();
    let host_dir = d.env.lib_root().join("data/storage").join(&name);
    assert_eq!(
        ensured.stdout,
        format!(
            "-----> Ensuring {} exists\n       Directory ready for mounting\n",
            host_dir.display()
        )
    );
    let spec = format!("{}:/storage", host_dir.display());
    d.env.dokku(["storage:mount", &app, &spec]).success();
    assert_eq!(
        d.env.dokku(["storage:mount", &app, &spec]).stderr,
        " !     Mount path already exists.\n"
    );
    // Without a colon it names a storage entry (Dokku 0.38).
    assert_eq!(
        d.env.dokku(["storage:mount", &app, "nonsense"]).stderr,
        " !     storage entry \"nonsense\" does not exist; create it first with `dokku storage:create`\n"
    );
    assert_eq!(
        d.env
            .dokku(["storage:mount", &app, "/host:relative"])
            .stderr,
        " !     Storage path must be two valid paths divided by colon.\n"
    );
    assert_eq!(
        d.env.dokku(["storage:list", &app]).success().stdout,
        format!("-----> {app} volume bind-mounts:\n       {spec}\n")
    );

    let src = d.hello_source("storage");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    let first = d.container_id(&app, "web.1").expect("container");
    let wrote = docker([
        "container",
        "exec",
        &first,
        "sh",
        "-c",
        "echo kept across deploys > /storage/note",
    ]);
    assert_eq!(wrote.code, 0, "{}", output(&wrote));

    commit_all(&src, "redeploy");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    let second = d.container_id(&app, "web.1").expect("container");
    assert_ne!(first, second);
    let read = docker(["container", "exec", &second, "cat", "/storage/note"]);
    assert_eq!(read.stdout, "kept across deploys\n", "{}", output(&read));
    assert_eq!(
        std::fs::read_to_string(host_dir.join("note")).expect("host file"),
        "kept across deploys\n"
    );

    d.env.dokku(["storage:unmount", &app, &spec]).success();
    assert_eq!(
        d.env.dokku(["storage:unmount", &app, &spec]).stderr,
        " !     Mount path does not exist.\n"
    );
}

#[test]
fn logs_and_one_off_run_containers() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("ops");
    let src = d.hello_source("ops");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    d.env
        .dokku(["config:set", "--no-restart", &app, "GREETING=from-config"])
        .success();

    let logs = d.env.dokku(["logs", &app]);
    assert_eq!(logs.code, 0, "{}", output(&logs));
    let line = logs
        .stdout
        .lines()
        .find(|l| l.contains("hello-app: serving"))
        .unwrap_or_else(|| panic!("{}", logs.stdout));
    assert!(line.starts_with("\u{1b}[36m"), "{line:?}");
    assert!(
        line.contains("Z app[web.1]:\u{1b}[0m hello-app: serving /tmp/www on port 5000 (web.1)"),
        "{line:?}"
    );
    let raw = d.env.dokku(["logs", &app, "-q", "-n", "1"]).success();
    assert_eq!(
        raw.stdout,
        "hello-app: serving /tmp/www on port 5000 (web.1)\n"
    );
    let none = d.env.dokku(["logs", &app, "-p", "worker"]).success();
    assert_eq!(none.stdout, "");

    // No Procfile: any type scales, and its containers run the image's command
    // (its checks skipped: their uptime wait is not what is tested here).
    d.env.dokku(["checks:skip", &app, "worker"]).success();
    let scaled = d.env.dokku(["ps:scale", &app, "worker=1"]);
    assert_eq!(scaled.code, 0, "{}", output(&scaled));
    let worker = d.container_id(&app, "worker.1").expect("worker container");
    let state = docker([
        "container",
        "inspect",
        "--format",
        "{{.State.Running}} {{index .Config.Labels \"com.dokku.process-type\"}}",
        &worker,
    ]);
    assert_eq!(state.stdout.trim(), "true worker", "{}", output(&state));
    let formation = d
        .env
        .dokku(["ps:scale", &app, "--format", "json"])
        .success();
    assert_eq!(
        formation.stdout,
        "[{\"process_type\":\"web\",\"quantity\":1},{\"process_type\":\"worker\",\"quantity\":1}]\n"
    );

    let echo = d.env.dokku(["run", &app, "echo", "hi from run"]);
    assert_eq!(
        (echo.code, echo.stdout.as_str()),
        (0, "hi from run\n"),
        "{}",
        echo.stderr
    );
    let env = d
        .env
        .dokku([
            "run",
            "-e",
            "EXTRA=1",
            &app,
            "sh",
            "-c",
            "echo $GREETING $EXTRA $DYNO",
        ])
        .success();
    assert!(
        env.stdout.starts_with("from-config 1 run."),
        "{}",
        env.stdout
    );
    let failed = d.env.dokku(["run", &app, "sh", "-c", "exit 3"]);
    assert_eq!(failed.code, 3, "{}", output(&failed));

    let detached = d
        .env
        .dokku([
            "run:detached",
            "--ttl-seconds",
            "600",
            &app,
            "sh",
            "-c",
            // Ends on SIGTERM, so run:stop need not wait for the kill.
            "trap 'exit 0' TERM; echo detached-marker; sleep 300 & wait",
        ])
        .success();
    let name = detached.stdout.trim().to_string();
    assert!(name.starts_with(&format!("{app}.run.")), "{name}");
    let labels = docker([
        "container",
        "inspect",
        "--format",
        "{{index .Config.Labels \"com.dokku.container-type\"}} {{index .Config.Labels \"com.dokku.active-deadline-seconds\"}} {{.State.Running}}",
        &name,
    ]);
    assert_eq!(labels.stdout.trim(), "run 600 true");
    // Removed by label and name whatever the assertions below do.
    let _cleanup = RemoveOnDrop(name.clone());

    let listed = d.env.dokku(["run:list", &app]).success();
    assert!(listed.stdout.contains(&name), "{}", output(&listed));
    assert!(listed.stdout.contains("\nNAMES "), "{}", listed.stdout);
    let json = d
        .env
        .dokku(["run:list", "--format", "json", &app])
        .success();
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(rows[0]["name"], name.as_str(), "{}", json.stdout);
    assert_eq!(rows[0]["state"], "running", "{}", json.stdout);

    // Followed: `-t` streams until the container stops (run:stop below ends it).
    let follow = d
        .env
        .command("dokku")
        .args(["run:logs", &app, "-t"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn run:logs -t");
    let logs = d
        .env
        .dokku(["run:logs", "--container", &name, "-q"])
        .success();
    assert_eq!(logs.stdout, "detached-marker\n");
    let refused = d
        .env
        .dokku(["run:logs", "--container", &format!("{app}.web.1")]);
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains("Specified container must be a run container"),
        "{}",
        output(&refused)
    );

    d.env.dokku(["run:stop", &app, &name]).success();
    let followed = follow.wait_with_output().expect("run:logs -t ends");
    let followed = String::from_utf8_lossy(&followed.stdout);
    assert!(
        followed.contains(&format!(
            "app[{}]:",
            name.rsplit('.').next().unwrap_or_default()
        )) && followed.contains("detached-marker"),
        "{followed}"
    );
    // A stopped `--rm` container is removed by the daemon right after it exits.
    let mut after = String::new();
    for _ in 0..40 {
        after = d
            .env
            .dokku(["run:list", "--format", "json", &app])
            .success()
            .stdout;
        if after.trim() == "[]" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert_eq!(after.trim(), "[]");

    // run:retire: a run past its --ttl-seconds goes, one within it stays.
    let start = |ttl: &str| {
        let run = d
            .env
            .dokku([
                "run:detached",
                "--ttl-seconds",
                ttl,
                &app,
                "sh",
                "-c",
                "trap 'exit 0' TERM; sleep 300 & wait",
            ])
            .success();
        run.stdout.trim().to_string()
    };
    let (expiring, staying) = (start("1"), start("600"));
    let _cleanup = (
        RemoveOnDrop(expiring.clone()),
        RemoveOnDrop(staying.clone()),
    );
    std::thread::sleep(std::time::Duration::from_secs(2));
    let retired = d.env.dokku(["run:retire", &app]);
    assert_eq!(retired.code, 0, "{}", output(&retired));
    assert!(
        retired
            .stdout
            .contains(&format!("Retiring run and cron containers for app {app}")),
        "{}",
        output(&retired)
    );
    let running = docker([
        "container",
        "ls",
        "--filter",
        &format!("label=com.dokku.app-name={app}"),
        "--filter",
        "label=com.dokku.container-type=run",
        "--format",
        "{{.Names}}",
    ]);
    assert!(!running.stdout.contains(&expiring), "{}", running.stdout);
    assert!(running.stdout.contains(&staying), "{}", running.stdout);
}

/// Removes a run container at the end of a test (by its exact name).
struct RemoveOnDrop(String);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        docker(["container", "rm", "--force", &self.0]);
    }
}
