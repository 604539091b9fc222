use super::*;
use crate::deploy::testing::FakeHost;
use crate::docker::CallResult;

fn host_with_app_json(json: &str) -> FakeHost {
    let mut host = FakeHost::new();
    host.mkapp("web");
    host.env.insert("DOKKU_PID".into(), "7".into());
    let dir = super::super::data_dir(&host.layout, "web");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("app.json.7"), json).expect("app.json");
    host
}

#[test]
fn commands_come_from_app_json_and_the_procfile() {
    let host = host_with_app_json(
        r#"{"scripts":{"dokku":{"predeploy":"./migrate","postdeploy":" "},"postdeploy":"./seed"}}"#,
    );
    let procfile = crate::ps::data_dir(&host.layout, "web");
    std::fs::create_dir_all(&procfile).expect("mkdir");
    std::fs::write(
        procfile.join("Procfile.7"),
        "web: serve\nrelease: ./release\n",
    )
    .expect("procfile");
    let cmd = |p| command(&host, "web", p, Some("7")).expect("read");
    assert_eq!(cmd(Phase::Predeploy).as_deref(), Some("./migrate"));
    assert_eq!(cmd(Phase::Postdeploy), None, "blank is no task");
    assert_eq!(cmd(Phase::HerokuPostdeploy).as_deref(), Some("./seed"));
    assert_eq!(cmd(Phase::Release).as_deref(), Some("./release"));
}

#[test]
fn no_task_no_container() {
    let host = host_with_app_json("{}");
    run(&host, "web", "dokku/web:latest", Phase::Predeploy).expect("nothing to do");
    assert!(host.fake.calls().is_empty(), "{:?}", host.fake.calls());
    assert!(host
        .log_text()
        .contains("No predeploy task found, skipping"));
}

#[test]
fn predeploy_runs_in_a_shell_and_is_committed_into_the_image() {
    let host = host_with_app_json(r#"{"scripts":{"dokku":{"predeploy":"echo migrated"}}}"#);
    host.fake.respond_ok(&["container", "wait"], "0\n");
    host.fake.respond_ok(&["container", "logs"], "migrated\n");
    host.fake.respond_ok(
        &["image", "inspect", "--format", "{{json .Config.Cmd}}"],
        "[\"serve\"]\n",
    );
    run(&host, "web", "dokku/web:latest", Phase::Predeploy).expect("runs");
    let calls = host.fake.calls();
    let create = calls
        .iter()
        .find(|c| c.starts_with("container create"))
        .expect("create");
    assert!(
        create.ends_with("--label=dokku_phase_script=predeploy dokku/web:latest /bin/sh -c set -e; echo migrated || exit 1"),
        "{create}"
    );
    let commit = calls
        .iter()
        .find(|c| c.starts_with("container commit"))
        .expect("commit");
    assert!(commit.contains("--change CMD [\"serve\"]"), "{commit}");
    assert!(
        commit.contains("--change LABEL com.dokku.predeploy-phase=true"),
        "{commit}"
    );
    assert!(commit.ends_with("cid1 dokku/web:latest"), "{commit}");
    assert!(
        calls.contains(&"container rm --force cid1".to_string()),
        "{calls:?}"
    );
    let log = host.log_text();
    assert!(
        log.contains("Executing predeploy task from app.json: echo migrated"),
        "{log}"
    );
    assert!(log.contains("       migrated\n"), "{log}");
}

#[test]
fn a_failing_task_fails_with_its_output_and_leaves_no_container() {
    let host = host_with_app_json(r#"{"scripts":{"dokku":{"postdeploy":"exit 3"}}}"#);
    host.fake.respond_ok(&["container", "wait"], "3\n");
    host.fake.respond(
        &["container", "logs"],
        CallResult {
            code: 0,
            stdout: "boom\n".into(),
            stderr: String::new(),
        },
    );
    let err = run(&host, "web", "dokku/web:latest", Phase::Postdeploy).expect_err("fails");
    assert_eq!(
        err.to_string(),
        "Execution of postdeploy task failed: exit 3"
    );
    let calls = host.fake.calls();
    assert!(!calls.iter().any(|c| c.starts_with("container commit")));
    assert!(
        calls.contains(&"container rm --force cid1".to_string()),
        "{calls:?}"
    );
    assert!(host.log_text().contains("       boom\n"));
}

#[test]
fn tasks_do_not_take_the_processes_ports_restart_policy_or_limits() {
    let args = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    assert_eq!(
        without_process_flags(args(&[
            "--env=A",
            "--restart=always",
            "-p",
            "80:5000",
            "--memory",
            "512m",
            "-P",
            "--label=x",
            "--publish=1:2"
        ])),
        args(&["--env=A", "--label=x"])
    );
}
