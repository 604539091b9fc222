//! Reaching a running app: `enter`, `run:list`, `ps:inspect`, and `ps:restore` after
//! its containers stopped behind dokku's back (a reboot).

use crate::harness::{commit_all, docker, output, skipped, Deployer};

#[test]
fn enter_run_list_inspect_and_restore() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("enter");
    let src = d.hello_source("enter");
    std::fs::write(
        src.join("Procfile"),
        "web: /app/entrypoint.sh\nworker: sleep 100000\n",
    )
    .expect("Procfile");
    commit_all(&src, "web and worker");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    d.env
        .dokku(["config:set", &app, "SECRET_TOKEN=hunter2"])
        .success();

    // enter: no tty here, so no -i -t; the command's output and exit code come back.
    let hi = d
        .env
        .dokku(["enter", &app, "web", "sh", "-c", "echo in $DYNO"]);
    assert_eq!(
        (hi.code, hi.stdout.as_str()),
        (0, "in web.1\n"),
        "{}",
        hi.stderr
    );
    let by_index = d
        .env
        .dokku(["enter", &app, "web.1", "--", "sh", "-c", "exit 7"]);
    assert_eq!(by_index.code, 7, "{}", output(&by_index));
    let cid = d.container_id(&app, "web.1").expect("web.1");
    let by_id = d
        .env
        .dokku(["enter", &app, "--container-id", &cid[..12], "echo", "by id"]);
    assert_eq!(by_id.stdout, "by id\n", "{}", by_id.stderr);
    // One type only is running, so none needs naming (after `--`).
    let only = d.env.dokku(["enter", &app, "--", "echo", "only web"]);
    assert_eq!(only.stdout, "only web\n", "{}", only.stderr);
    let wrong = d.env.dokku(["enter", &app, "clock", "ls"]);
    assert_eq!(wrong.code, 1);
    assert_eq!(
        wrong.stderr,
        format!(" !     No containers found for type 'clock'\n !     Available types for app ({app}): web\n")
    );

    // Two running types: one must be named.
    d.env.dokku(["ps:scale", &app, "worker=1"]).success();
    let ambiguous = d.env.dokku(["enter", &app]);
    assert_eq!(
        (ambiguous.code, ambiguous.stderr.clone()),
        (
            1,
            format!(" !     No container type specified.\n !     Available types for app ({app}): web worker\n")
        )
    );

    // ps:inspect: docker inspect of every container, config values masked.
    let inspect = d.env.dokku(["ps:inspect", &app]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    let parsed: serde_json::Value = serde_json::from_str(&inspect.stdout).expect("json");
    assert_eq!(parsed.as_array().expect("array").len(), 2);
    assert!(inspect.stdout.contains("\"SECRET_TOKEN=XXXXXX\""));
    assert!(!inspect.stdout.contains("hunter2"));
    assert!(inspect.stdout.contains("\"DYNO=web.1\""));

    // run:list shows one-off containers, not the app's processes.
    let detached = d
        .env
        .dokku(["run:detached", &app, "sleep", "300"])
        .success();
    let name = detached.stdout.trim().to_string();
    let table = d.env.dokku_tty(["run:list", &app]).success();
    let mut lines = table.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(format!("=====> {app} run containers").as_str())
    );
    assert!(
        lines.next().is_some_and(|l| l.starts_with("NAMES")),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains(&name), "{}", table.stdout);
    assert!(
        !table.stdout.contains(&format!("{app}.web.1")),
        "{}",
        table.stdout
    );
    let json = d
        .env
        .dokku(["run:list", &app, "--format", "json"])
        .success();
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 1, "{}", json.stdout);
    assert_eq!(rows[0]["name"], name.as_str());
    assert_eq!(rows[0]["state"], "running");
    docker(["container", "rm", "--force", &name]);

    // ps:restore: containers that stopped behind dokku's back come back...
    let web = d.container_id(&app, "web.1").expect("web.1");
    let worker = d.container_id(&app, "worker.1").expect("worker.1");
    docker(["container", "update", "--restart=no", &web, &worker]);
    docker(["container", "stop", "-t", "1", &web, &worker]);
    let restored = d.env.dokku_tty(["ps:restore", &app]);
    let out = output(&restored);
    assert_eq!(restored.code, 0, "{out}");
    assert!(
        out.contains("-----> Clearing potentially invalid proxy configuration"),
        "{out}"
    );
    assert!(out.contains("-----> Starting app"), "{out}");
    // Started where they stand, not rebuilt.
    assert!(
        out.contains("App has been detected as not running, starting its existing containers"),
        "{out}"
    );
    assert!(!out.contains("releasing"), "{out}");
    assert_eq!(d.container_id(&app, "web.1").as_ref(), Some(&web));
    assert_eq!(d.container_id(&app, "worker.1").as_ref(), Some(&worker));
    assert_eq!(d.get(&app, "/").0, 200);
    assert_eq!(
        d.env
            .dokku(["ps:report", &app, "--running"])
            .success()
            .stdout,
        "true\n"
    );
    // ...but an app stopped with ps:stop stays stopped.
    d.env.dokku(["ps:stop", &app]).success();
    let skipped_restore = d.env.dokku(["ps:restore", &app]);
    assert_eq!(skipped_restore.code, 0, "{}", output(&skipped_restore));
    assert!(
        skipped_restore.stderr.contains(&format!(
            " !     Skipping ps:restore for {app} as restore property is false"
        )),
        "{}",
        skipped_restore.stderr
    );
    assert_eq!(
        d.env
            .dokku(["ps:report", &app, "--running"])
            .success()
            .stdout,
        "false\n"
    );
}
