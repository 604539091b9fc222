//! app.json cron tasks run by the host's real cron daemon (Debian's `cron`, started by
//! scripts/ci-prepare.sh) through the installing user's crontab.

use std::time::{Duration, Instant};

use crate::harness::{commit_all, output, skipped, Deployer};

/// Destroys the app at the end of the test, which takes its block out of the
/// user's crontab, so a failed test leaves no task calling a removed prefix.
struct DestroyOnDrop<'a>(&'a Deployer, String);

impl Drop for DestroyOnDrop<'_> {
    fn drop(&mut self) {
        self.0.env.dokku(["apps:destroy", &self.1, "--force"]);
    }
}

fn cron_running() -> bool {
    std::fs::read_to_string("/var/run/crond.pid")
        .ok()
        .and_then(|p| p.trim().parse::<i32>().ok())
        .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists())
}

#[test]
fn an_app_json_cron_task_fires_from_the_cron_daemon() {
    if skipped() {
        return;
    }
    assert!(
        cron_running(),
        "the cron daemon is not running: run scripts/ci-prepare.sh (it installs and starts cron)"
    );
    let d = Deployer::new();
    let app = d.app("cron");
    d.env.dokku(["apps:create", &app]).success();
    let _destroy_on_panic = DestroyOnDrop(&d, app.clone());
    // The task writes to a mounted folder (when it ran) and to stdout, which goes
    // to cron's MAILTO as in Dokku and (ours) to `dokku logs APP`.
    let name = format!("e2e{}cron", d.id);
    d.env
        .dokku(["storage:ensure-directory", "--chown", "false", &name])
        .success();
    let host_dir = d.env.lib_root().join("data/storage").join(&name);
    let spec = format!("{}:/storage", host_dir.display());
    d.env.dokku(["storage:mount", &app, &spec]).success();

    let src = d.hello_source("cron");
    std::fs::write(
        src.join("app.json"),
        r#"{"cron": [{"command": "sh -c 'echo fired $DYNO; echo fired $DYNO >> /storage/cron.log; sleep 20'", "schedule": "* * * * *", "concurrency_policy": "forbid"}]}"#,
    )
    .expect("app.json");
    commit_all(&src, "cron task");
    let pushed = d.push(&src, &app, "main");
    assert_eq!(pushed.code, 0, "{}", output(&pushed));

    let listed = d
        .env
        .dokku(["cron:list", &app, "--format", "json"])
        .success();
    let tasks: serde_json::Value = serde_json::from_str(&listed.stdout).expect("json");
    let id = tasks[0]["id"].as_str().expect("task id").to_string();
    assert_eq!(tasks[0]["concurrency_policy"], "forbid");

    // The prefix install's block in the user's crontab calls its own login wrapper.
    let table = crate::harness::run(std::process::Command::new("crontab").args([
        "-l",
        "-u",
        d.env.var("DOKKU_SYSTEM_USER"),
    ]));
    let login = d.env.prefix().join("bin/dokku-login");
    let line = format!("* * * * * {} cron:run {app} {id}", login.display());
    assert!(
        table.stdout.contains(&line),
        "{line} not in:\n{}",
        table.stdout
    );

    // cron fires each minute: wait for up to two of them.
    let log = host_dir.join("cron.log");
    let start = Instant::now();
    while !log.exists() && start.elapsed() < Duration::from_secs(150) {
        std::thread::sleep(Duration::from_secs(2));
    }
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(text.starts_with("fired cron."), "cron.log: {text:?}");

    // forbid: the run cron started sleeps 20 s after writing, so another is refused.
    let refused = d.env.dokku(["cron:run", &app, &id]);
    assert_eq!(refused.code, 1, "{}", output(&refused));
    assert!(
        refused.stderr.contains(&format!(
            "{app} currently has a cron lock in place for {id}. Exiting..."
        )),
        "{}",
        output(&refused)
    );

    // The task's output is in the app's logs, labelled with its dyno.
    let logs = d.env.dokku(["logs", &app, "-p", "cron"]);
    assert_eq!(logs.code, 0, "{}", output(&logs));
    assert!(
        logs.stdout.contains(" app[cron.") && logs.stdout.contains("fired cron."),
        "{}",
        output(&logs)
    );
    // Once the run has ended its container (not `--rm`) keeps the output.
    let cron_ids = crate::harness::run(std::process::Command::new("docker").args([
        "container",
        "ls",
        "--all",
        "--quiet",
        "--filter",
        &format!("label=com.dokku.app-name={app}"),
        "--filter",
        "label=com.dokku.container-type=cron",
    ]));
    for cid in cron_ids.stdout.split_whitespace() {
        crate::harness::run(std::process::Command::new("docker").args(["container", "wait", cid]));
    }
    let all = d.env.dokku(["logs", &app]).success();
    assert!(all.stdout.contains("fired cron."), "{}", all.stdout);

    let destroyed = d.env.dokku(["apps:destroy", &app, "--force"]);
    assert_eq!(destroyed.code, 0, "{}", output(&destroyed));
    // Kept cron containers go with the app.
    let left = crate::harness::run(std::process::Command::new("docker").args([
        "container",
        "ls",
        "--all",
        "--quiet",
        "--filter",
        &format!("label=com.dokku.app-name={app}"),
        "--filter",
        "label=com.dokku.container-type=cron",
    ]));
    assert!(left.stdout.trim().is_empty(), "left: {}", left.stdout);
    let after = crate::harness::run(std::process::Command::new("crontab").args([
        "-l",
        "-u",
        d.env.var("DOKKU_SYSTEM_USER"),
    ]));
    assert!(!after.stdout.contains(&line), "{}", after.stdout);
}
