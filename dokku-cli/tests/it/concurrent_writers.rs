//! Twenty `dokku` processes changing one list-valued setting of one app at once must
//! not lose each other's entries (security issue 9). Each test races real processes,
//! each adding a distinct entry, then reads the setting back through its own report or
//! list command.
//!
//! Network has no command that appends: `network:set` replaces a property's whole
//! value, as in Dokku. Its read-modify-write is the check that a network is not named
//! by both attach properties, so its test races that check instead.

use std::process::Stdio;

use dokku_test_support::{Run, TestEnv};

use crate::install;

const WRITERS: usize = 20;

fn app(env: &TestEnv, name: &str) {
    env.dokku(["apps:create", name]).success();
}

/// Starts one `dokku` per argument list at once, then waits for all of them.
fn race(env: &TestEnv, commands: Vec<Vec<String>>) -> Vec<Run> {
    let children: Vec<_> = commands
        .iter()
        .map(|args| {
            env.command("dokku")
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn writer")
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().expect("wait");
            Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        })
        .collect()
}

/// [`race`], requiring every writer to succeed.
fn race_ok(env: &TestEnv, commands: Vec<Vec<String>>) {
    for (args, run) in commands.iter().zip(race(env, commands.clone())) {
        assert_eq!(run.code, 0, "{args:?} failed\n{}{}", run.stdout, run.stderr);
    }
}

/// `WRITERS` argument lists, `make(i)` for each writer.
fn each(make: impl Fn(usize) -> Vec<String>) -> Vec<Vec<String>> {
    (0..WRITERS).map(make).collect()
}

fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// Asserts that every one of `expected` is in `got`, reporting how many were kept.
#[track_caller]
fn all_kept(what: &str, got: &[String], expected: &[String]) {
    let kept = expected.iter().filter(|e| got.contains(e)).count();
    assert_eq!(
        kept,
        expected.len(),
        "{what}: kept {kept} of {} entries: {got:?}",
        expected.len()
    );
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

#[test]
fn domains_add_keeps_every_domain() {
    let env = install();
    app(&env, "web");
    let names: Vec<String> = (0..WRITERS).map(|i| format!("d{i}.example.com")).collect();
    race_ok(&env, each(|i| args(&["domains:add", "web", &names[i]])));
    let report = env
        .dokku(["domains:report", "web", "--domains-app-vhosts"])
        .success();
    all_kept("domains:add", &words(&report.stdout), &names);
}

#[test]
fn domains_add_global_keeps_every_domain() {
    let env = install();
    let names: Vec<String> = (0..WRITERS).map(|i| format!("g{i}.example.com")).collect();
    race_ok(&env, each(|i| args(&["domains:add-global", &names[i]])));
    let report = env
        .dokku(["domains:report", "--global", "--domains-global-vhosts"])
        .success();
    all_kept("domains:add-global", &words(&report.stdout), &names);
}

#[test]
fn ports_add_keeps_every_mapping() {
    let env = install();
    app(&env, "web");
    // A configured map to start from, so that no writer starts from the default one.
    env.dokku(["ports:set", "web", "http:80:5000"]).success();
    let maps: Vec<String> = (0..WRITERS)
        .map(|i| format!("http:{}:5000", 8000 + i))
        .collect();
    race_ok(&env, each(|i| args(&["ports:add", "web", &maps[i]])));
    let report = env.dokku(["ports:report", "web", "--ports-map"]).success();
    let got = words(&report.stdout);
    all_kept("ports:add", &got, &maps);
    assert!(got.contains(&"http:80:5000".to_string()), "{got:?}");
}

#[test]
fn storage_mount_keeps_every_mount() {
    let env = install();
    app(&env, "web");
    let mounts: Vec<String> = (0..WRITERS).map(|i| format!("/srv/d{i}:/d{i}")).collect();
    race_ok(&env, each(|i| args(&["storage:mount", "web", &mounts[i]])));
    let list = env.dokku(["storage:list", "web"]).success();
    all_kept("storage:mount", &words(&list.stdout), &mounts);
}

#[test]
fn docker_options_add_keeps_every_option() {
    let env = install();
    app(&env, "web");
    let options: Vec<String> = (0..WRITERS).map(|i| format!("--label=l{i}")).collect();
    race_ok(
        &env,
        each(|i| args(&["docker-options:add", "web", "deploy", &options[i]])),
    );
    let list = env
        .dokku(["docker-options:list", "--phase", "deploy", "web"])
        .success();
    all_kept("docker-options:add", &words(&list.stdout), &options);
}

#[test]
fn resource_limits_keep_every_process_type() {
    let env = install();
    app(&env, "web");
    // One value per process type: `resource:limit` adds to the app's set of limits.
    race_ok(
        &env,
        each(|i| {
            args(&[
                "resource:limit",
                "--process-type",
                &format!("p{i}"),
                "--memory",
                &format!("{}m", 100 + i),
                "web",
            ])
        }),
    );
    let json = env
        .dokku(["resource:report", "web", "--format", "json"])
        .success();
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let got: Vec<String> = (0..WRITERS)
        .filter_map(|i| report[format!("p{i}.limit.memory")].as_str())
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = (0..WRITERS).map(|i| format!("{}m", 100 + i)).collect();
    all_kept("resource:limit", &got, &expected);
}

#[test]
fn checks_disable_keeps_every_process_type() {
    let env = install();
    app(&env, "web");
    let types: Vec<String> = (0..WRITERS).map(|i| format!("p{i}")).collect();
    race_ok(&env, each(|i| args(&["checks:disable", "web", &types[i]])));
    let report = env
        .dokku(["checks:report", "web", "--checks-disabled-list"])
        .success();
    let got: Vec<String> = report
        .stdout
        .trim()
        .split(',')
        .map(str::to_string)
        .collect();
    all_kept("checks:disable", &got, &types);
}

/// `network:set APP attach-post-create|attach-post-deploy NET` replaces the property
/// (as in Dokku), so there is no entry to append. What it reads and then writes is the
/// other attach property: a network may be named by only one of them. Half the
/// writers name `shared` for each property; whatever order they run in, `shared` must
/// end up in exactly one, and every writer that lost must have been refused.
#[test]
fn network_set_never_puts_a_network_in_both_attach_lists() {
    let env = install();
    app(&env, "web");
    // network:set checks with docker that the network exists: a fake knows `shared`.
    env.fake_docker(dokku_test_support::FakeDocker {
        networks: &["bridge", "shared"],
        ..Default::default()
    });
    let keys = ["attach-post-create", "attach-post-deploy"];
    let runs = race(
        &env,
        each(|i| args(&["network:set", "web", keys[i % 2], "shared"])),
    );
    for run in &runs {
        assert!(
            run.code == 0
                || run
                    .stderr
                    .contains("Network name already associated with this app: shared"),
            "{}{}",
            run.stdout,
            run.stderr
        );
    }
    let get = |key: &str| {
        env.dokku(["network:report", "web", &format!("--network-{key}")])
            .success()
            .stdout
            .trim()
            .to_string()
    };
    let values: Vec<String> = keys.iter().map(|k| get(k)).collect();
    let holders = values.iter().filter(|v| v.as_str() == "shared").count();
    assert_eq!(
        holders, 1,
        "shared is named by {holders} attach lists: {values:?}"
    );
}
