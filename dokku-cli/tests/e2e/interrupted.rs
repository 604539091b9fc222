//! What an interrupted command leaves behind, with real processes killed by SIGKILL
//! (what `kill -9` does, and near enough what SIGHUP does to a deploy whose ssh
//! session drops: no clean-up code runs either way).
//!
//! - A deploy killed while it is "Deploying web" leaves its `upcoming` container
//!   running and its `.deploy.lock` behind: the next deploy must succeed anyway
//!   (taking the stale lock over) and remove the orphan, and so must `dokku cleanup
//!   APP`.
//! - `apps:create` and `apps:rename` killed at many points (delays spread over the
//!   length of an uninterrupted run): the next commands must see either no app or a
//!   complete one, exactly one app after a rename, and a rename must be redoable.
//!
//! Each command runs in its own process group, and only that group is killed (by its
//! id); containers carry the test's label and are removed by the harness.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{docker, output, skipped, Deployer};

/// Starts `dokku ARGS` in a new process group, its output in `log`.
pub(crate) fn spawn_dokku(d: &Deployer, args: &[&str], log: &Path) -> Child {
    let out = std::fs::File::create(log).expect("log file");
    let err = out.try_clone().expect("log file");
    d.env
        .command("dokku")
        .args(args)
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .process_group(0)
        .spawn()
        .expect("spawn dokku")
}

/// SIGKILL to the process group `child` leads, then reaps it.
pub(crate) fn kill_group(mut child: Child) {
    let pgid = child.id();
    let killed = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .status()
        .expect("run kill");
    // The group may have finished on its own just before.
    let _ = killed;
    let _ = child.wait();
}

/// The app's containers still named `APP.TYPE.N.upcoming-R`: `(id, name, state)`.
pub(crate) fn upcoming(app: &str) -> Vec<(String, String, String)> {
    let ls = docker([
        "container",
        "ls",
        "--all",
        "--filter",
        &format!("label=com.dokku.app-name={app}"),
        "--filter",
        "name=upcoming",
        "--format",
        "{{.ID}} {{.Names}} {{.State}}",
    ]);
    ls.stdout
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            Some((f.next()?.into(), f.next()?.into(), f.next()?.into()))
        })
        .collect()
}

/// Sets the default check's mode (`uptime`: Dokku's fixed wait of `default-wait`
/// seconds, which holds a deploy in its checks; `readiness`: done once the web port
/// answers).
pub(crate) fn set_default_mode(d: &Deployer, mode: &str) {
    d.env
        .dokku(["checks:set", "--global", "default-mode", mode])
        .success();
}

pub(crate) fn set_default_wait(d: &Deployer, seconds: &str) {
    d.env
        .dokku([
            "__core",
            "prop",
            "set",
            "checks",
            "--global",
            "default-wait",
            seconds,
        ])
        .success();
}

/// Runs `ps:rebuild APP` and kills it once its new web container is up and being
/// checked (the checks wait `default-wait` seconds of uptime). Returns the orphan's
/// name.
fn kill_while_deploying_web(d: &Deployer, app: &str, round: u32) -> String {
    set_default_mode(d, "uptime");
    set_default_wait(d, "20");
    let log = d.env.scratch("logs").join(format!("rebuild-{round}.log"));
    let child = spawn_dokku(d, &["ps:rebuild", app], &log);
    let deadline = Instant::now() + Duration::from_secs(180);
    let orphan = loop {
        if let Some((_, name, _)) = upcoming(app)
            .into_iter()
            .find(|(_, _, state)| state == "running")
        {
            break name;
        }
        assert!(
            Instant::now() < deadline,
            "no upcoming container appeared\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(text.contains("-----> Deploying web (count=1)"), "{text}");
    kill_group(child);
    set_default_wait(d, "1");
    set_default_mode(d, "readiness");
    orphan
}

#[test]
fn a_deploy_killed_while_deploying_web_leaves_nothing_that_blocks_the_next() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("killed");
    let src = d.hello_source("killed");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    let lock = d
        .env
        .lib_root()
        .join("data/apps")
        .join(&app)
        .join(".deploy.lock");

    // First kill: `dokku cleanup APP` removes the orphan.
    let orphan = kill_while_deploying_web(&d, &app, 1);
    assert!(lock.exists(), "the killed deploy left its lock");
    assert_eq!(
        upcoming(&app)
            .iter()
            .filter(|(_, _, s)| s == "running")
            .count(),
        1,
        "the killed deploy left its new container running"
    );
    let report = d.env.dokku(["apps:report", &app, "--app-locked"]).success();
    assert_eq!(report.stdout, "false\n", "a stale lock stops nothing");
    let cleanup = d.env.dokku(["cleanup", &app]);
    let text = output(&cleanup);
    assert_eq!(cleanup.code, 0, "{text}");
    assert!(
        text.contains(&format!("Removing container {orphan} ("))
            && text.contains("left by an interrupted deploy"),
        "{text}"
    );
    assert!(upcoming(&app).is_empty(), "{:?}", upcoming(&app));

    // Second kill: the next deploy takes the stale lock over and removes the orphan.
    let orphan = kill_while_deploying_web(&d, &app, 2);
    assert!(lock.exists());
    assert_eq!(upcoming(&app).len(), 1);
    let rebuild = d.env.dokku(["ps:rebuild", &app]);
    let text = output(&rebuild);
    assert_eq!(rebuild.code, 0, "the next deploy succeeds\n{text}");
    assert!(
        text.contains(&format!(
            " !     Taking over the deploy lock of {app}: the deploy that held it (pid "
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("Removing container {orphan} (")),
        "{text}"
    );
    assert!(
        upcoming(&app).is_empty(),
        "no orphan left: {:?}",
        upcoming(&app)
    );
    assert!(!lock.exists(), "released after the deploy");

    // What ps:report shows is the one recorded container, running.
    let report = d.env.dokku(["ps:report", &app]).success().stdout;
    assert!(report.contains("Processes:"), "{report}");
    let lines: Vec<&str> = report.lines().map(str::trim).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Processes:") && l.ends_with(" 1")),
        "{report}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Running:") && l.ends_with(" true")),
        "{report}"
    );
    let statuses: Vec<&&str> = lines.iter().filter(|l| l.starts_with("Status ")).collect();
    assert_eq!(statuses.len(), 1, "{report}");
    assert!(statuses[0].contains("running (CID: "), "{report}");
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200, "{body}");

    // A manual lock still refuses deploys.
    d.env.dokku(["apps:lock", &app]).success();
    let refused = d.env.dokku(["ps:rebuild", &app]);
    assert_ne!(refused.code, 0);
    assert!(
        output(&refused).contains(&format!(
            "{app} currently has a deploy lock in place. Exiting..."
        )),
        "{}",
        output(&refused)
    );
    d.env.dokku(["apps:unlock", &app]).success();
}

/// `count` delays spread over `[0, 1.5 × full]`: from before the command does
/// anything to after it is done (a spawned run is a little slower than the measured
/// one).
fn delays(full: Duration, count: u32) -> Vec<Duration> {
    (0..count)
        .map(|i| full * 3 * i / (2 * count) + Duration::from_millis(u64::from(i % 3)))
        .collect()
}

/// What a killed command left of `app` on disk: its directory (marked or not) and
/// staging directories, for the report of where the kills landed.
fn left_on_disk(d: &Deployer, app: &str) -> &'static str {
    let root = d.env.dokku_root();
    let dir = root.join(app);
    let staging = std::fs::read_dir(&root)
        .expect("ls DOKKU_ROOT")
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!(".creating-{app}-"))
        });
    match (dir.is_dir(), dir.join(".dokku-pending").exists(), staging) {
        (true, true, _) => "a marked directory",
        (true, false, _) => "a finished directory",
        (false, _, true) => "a staging directory",
        (false, _, false) => "nothing",
    }
}

fn tally(counts: &mut Vec<(&'static str, u32)>, what: &'static str) {
    match counts.iter_mut().find(|(w, _)| *w == what) {
        Some((_, n)) => *n += 1,
        None => counts.push((what, 1)),
    }
}

fn listed(d: &Deployer, app: &str) -> bool {
    let list = d.env.dokku(["apps:list"]).success();
    list.stdout.lines().any(|l| l == app)
}

/// A complete app: listed, `apps:exists`, its bare repo with the pre-receive hook for
/// its own name.
fn assert_complete(d: &Deployer, app: &str, context: &str) {
    assert!(listed(d, app), "{context}: {app} not listed");
    assert_eq!(d.env.dokku(["apps:exists", app]).code, 0, "{context}");
    let hook = d.env.dokku_root().join(app).join("hooks/pre-receive");
    let text = std::fs::read_to_string(&hook)
        .unwrap_or_else(|e| panic!("{context}: {}: {e}", hook.display()));
    assert!(
        text.contains(&format!("dokku git-hook {app}\n")),
        "{context}: {text}"
    );
}

/// The staging directories of `app` still in `$DOKKU_ROOT` that hold a marker (those
/// of commands killed before writing one are swept once they are a minute old).
fn marked_staging(d: &Deployer, app: &str) -> Vec<String> {
    std::fs::read_dir(d.env.dokku_root())
        .expect("ls DOKKU_ROOT")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!(".creating-{app}-"))
        })
        .filter(|e| e.path().join(".dokku-pending").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn apps_create_killed_at_any_point_leaves_no_half_app() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("made");
    let started = Instant::now();
    d.env.dokku(["apps:create", &app]).success();
    let full = started.elapsed();
    d.env.dokku(["apps:destroy", &app, "--force"]).success();

    let (mut absent, mut present) = (0, 0);
    let mut landed = Vec::new();
    for (round, delay) in delays(full, 20).into_iter().enumerate() {
        let context =
            format!("round {round}, killed after {delay:?} (a full create takes {full:?})");
        let log = d.env.scratch("logs").join(format!("create-{round}.log"));
        let child = spawn_dokku(&d, &["apps:create", &app], &log);
        std::thread::sleep(delay);
        kill_group(child);
        tally(&mut landed, left_on_disk(&d, &app));
        if listed(&d, &app) {
            present += 1;
            assert_complete(&d, &app, &context);
            let again = d.env.dokku(["apps:create", &app]);
            assert_eq!(again.code, 1, "{context}");
            assert!(
                output(&again).contains("Name is already taken"),
                "{context}"
            );
        } else {
            absent += 1;
            assert_ne!(d.env.dokku(["apps:exists", &app]).code, 0, "{context}");
            // The name is free: the next create repairs what was left and succeeds.
            let again = d.env.dokku(["apps:create", &app]);
            assert_eq!(again.code, 0, "{context}\n{}", output(&again));
            assert_complete(&d, &app, &context);
        }
        assert!(marked_staging(&d, &app).is_empty(), "{context}");
        d.env.dokku(["apps:destroy", &app, "--force"]).success();
        assert!(!d.env.dokku_root().join(&app).exists(), "{context}");
    }
    eprintln!(
        "apps:create killed 20 times: {absent} left no app, {present} a complete one; on disk: {landed:?}"
    );
}

#[test]
fn apps_rename_killed_at_any_point_leaves_exactly_one_app_and_can_be_redone() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let (a, b) = (d.app("one"), d.app("two"));
    d.env.dokku(["apps:create", &a]).success();
    d.env
        .dokku(["config:set", "--no-restart", &a, "KEPT=yes"])
        .success();
    let started = Instant::now();
    d.env.dokku(["apps:rename", &a, &b]).success();
    let full = started.elapsed();
    let (mut from, mut to) = (b.clone(), a.clone());

    let (mut before, mut after) = (0, 0);
    let mut landed = Vec::new();
    for (round, delay) in delays(full, 20).into_iter().enumerate() {
        let context = format!(
            "round {round}: rename {from} to {to} killed after {delay:?} (a full rename takes {full:?})"
        );
        let log = d.env.scratch("logs").join(format!("rename-{round}.log"));
        let child = spawn_dokku(&d, &["apps:rename", &from, &to], &log);
        std::thread::sleep(delay);
        kill_group(child);
        let state = match (left_on_disk(&d, &from), left_on_disk(&d, &to)) {
            ("a finished directory", "nothing" | "a staging directory") => "not started",
            ("a finished directory", "a marked directory") => "new half made",
            ("a marked directory", "a finished directory") => "switched, old not yet removed",
            ("nothing", "a finished directory") => "done",
            _ => "other",
        };
        tally(&mut landed, state);

        // Exactly one of the two names is an app.
        let (has_from, has_to) = (listed(&d, &from), listed(&d, &to));
        assert!(
            has_from != has_to,
            "{context}: {from}={has_from} {to}={has_to}"
        );
        let exists = |app: &str| d.env.dokku(["apps:exists", app]).code == 0;
        assert_eq!(
            (exists(&from), exists(&to)),
            (has_from, has_to),
            "{context}"
        );
        let current = if has_from { &from } else { &to };
        assert_complete(&d, current, &context);
        assert_eq!(
            d.env
                .dokku(["config:get", current, "KEPT"])
                .success()
                .stdout,
            "yes\n",
            "{context}"
        );

        // The rename can be run again: it is redone, or finished, or already done.
        let again = d.env.dokku(["apps:rename", &from, &to]);
        if has_from {
            before += 1;
            assert_eq!(again.code, 0, "{context}\n{}", output(&again));
        } else {
            after += 1;
            assert!(
                again.code == 0 || (again.code == 20 && output(&again).contains("does not exist")),
                "{context}\n{}",
                output(&again)
            );
        }
        assert!(
            !listed(&d, &from) && !d.env.dokku_root().join(&from).exists(),
            "{context}"
        );
        assert_complete(&d, &to, &context);
        assert_eq!(
            d.env.dokku(["config:get", &to, "KEPT"]).success().stdout,
            "yes\n",
            "{context}"
        );
        assert!(marked_staging(&d, &to).is_empty(), "{context}");
        std::mem::swap(&mut from, &mut to);
    }
    eprintln!(
        "apps:rename killed 20 times: {before} before its switch, {after} after it; on disk: {landed:?}"
    );
}
