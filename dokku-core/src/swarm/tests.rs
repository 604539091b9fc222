use super::spec::{bind_mount, restart_of, Health, ServiceSpec};
use super::tasks::{parse_services, parse_tasks, Service};
use super::*;

/// Two tasks as Docker 20.10 answers `docker inspect --type task` (trimmed): a
/// running one whose host-mode port is listed once per address family (IPv4 first;
/// the IPv6 binding got another port), and one being shut down.
const TASKS: &str = r#"[
 {"ID":"vaym6p1lpupf","Slot":1,"NodeID":"ybh25t3u","DesiredState":"running",
  "Spec":{"ForceUpdate":3},
  "Status":{"State":"running","ContainerStatus":{"ContainerID":"c3a4a01c","PID":10},
   "PortStatus":{"Ports":[
     {"Protocol":"tcp","TargetPort":5000,"PublishedPort":32769,"PublishMode":"host"},
     {"Protocol":"tcp","TargetPort":5000,"PublishedPort":32768,"PublishMode":"host"}]}}},
 {"ID":"mewdbxdm43af","Slot":2,"NodeID":"ybh25t3u","DesiredState":"shutdown",
  "Status":{"State":"failed","Err":"task: non-zero exit (1)","ContainerStatus":{"ContainerID":"b5aa"},
   "PortStatus":{}}}
]"#;

#[test]
fn tasks_are_read_with_their_ipv4_published_port() {
    let tasks = parse_tasks(TASKS).expect("parse");
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0].slot, 1);
    assert_eq!(tasks[0].ports, vec![(5000, 32769)]);
    assert_eq!(tasks[0].published(5000), Some(32769));
    assert!(tasks[0].is_live());
    assert_eq!(tasks[0].container_id, "c3a4a01c");
    assert_eq!(tasks[0].force_update, 3);
    assert!(!tasks[1].is_live());
    assert_eq!(tasks[1].error, "task: non-zero exit (1)");
    assert!(tasks[1].ports.is_empty());
    assert!(parse_tasks("").expect("empty").is_empty());
    assert!(parse_tasks("not json").is_err());
}

const SERVICE: &str = r#"[{"ID":"k4rng4","Spec":{"Name":"a-web",
 "Labels":{"com.dokku.app-name":"a","com.dokku.process-type":"web"},
 "TaskTemplate":{"ForceUpdate":7,"ContainerSpec":{"Image":"dokku/a:swarm-1","Env":["PORT=5000","SECRET=x=y"],
   "Healthcheck":{"Test":["CMD-SHELL","true"]}},
   "Placement":{"Constraints":["node.role==manager"]}},
 "Mode":{"Replicated":{"Replicas":3}}},
 "Endpoint":{"Spec":{"Ports":[{"TargetPort":5000,"PublishMode":"host"}]}},
 "UpdateStatus":{"State":"rollback_completed","StartedAt":"2026-12-03T18:32:46Z","Message":"rollback completed"}}]"#;

#[test]
fn a_service_is_read_with_its_update_status() {
    let svc = parse_services(SERVICE).expect("parse").remove(0);
    assert_eq!(svc.name, "a-web");
    assert_eq!(svc.replicas, 3);
    assert_eq!(svc.env_keys, vec!["PORT", "SECRET"]);
    assert_eq!(svc.published_targets, vec![5000]);
    assert_eq!(svc.constraints, vec!["node.role==manager"]);
    assert!(svc.has_healthcheck);
    assert_eq!(svc.update_state, "rollback_completed");
    assert_eq!(svc.force_update, 7);
    assert_eq!(svc.labels["com.dokku.app-name"], "a");
    // A service never updated has no UpdateStatus.
    let fresh = parse_services(r#"[{"ID":"x","Spec":{"Name":"b-web"}}]"#).expect("parse");
    assert_eq!(fresh[0].update_state, "");
    assert_eq!(fresh[0].replicas, 0);
}

fn spec() -> ServiceSpec {
    ServiceSpec {
        name: "a-web".into(),
        image: "dokku/a:swarm-abc".into(),
        replicas: 2,
        env_keys: vec!["SECRET".into()],
        fixed_env: vec!["DYNO=web.{{.Task.Slot}}".into(), "PORT=5000".into()],
        labels: vec![("com.dokku.app-name".into(), "a".into())],
        publish: vec![5000],
        resources: vec![("--limit-memory".into(), "256m".into())],
        restart: ("on-failure".into(), Some(10)),
        health: Some(Health {
            cmd: "wget -q -O /dev/null http://127.0.0.1:5000/health || exit 1".into(),
            interval: 1,
            timeout: 5,
            retries: 3,
            start_period: 0,
        }),
        mounts: vec!["type=bind,source=/s,target=/d".into()],
        constraints: vec![],
        parallelism: 1,
        delay: 2,
        monitor: 5,
        stop_grace: 30,
        init: true,
        args: vec!["/app/run".into(), "a b".into()],
    }
}

#[test]
fn create_publishes_host_mode_ports_and_keeps_secrets_off_the_command_line() {
    let args = spec().create_args();
    let has = |a: &str| args.iter().any(|x| x == a);
    assert!(has("--name=a-web"));
    assert!(has("--env=SECRET"), "{args:?}");
    assert!(!args.iter().any(|a| a.contains("SECRET=")));
    assert!(has("--publish=mode=host,target=5000"));
    assert!(has("--update-order=start-first"));
    assert!(has("--update-failure-action=rollback"));
    assert!(has("--restart-condition=on-failure"));
    assert!(has("--restart-max-attempts=10"));
    assert!(has("--limit-memory=256m"));
    assert!(has("--label=com.dokku.app-name=a"));
    assert!(has("--container-label=com.dokku.app-name=a"));
    assert!(has("--health-retries=3"));
    assert!(has("--mount=type=bind,source=/s,target=/d"));
    // The image, then the command, last.
    let image = args
        .iter()
        .position(|a| a == "dokku/a:swarm-abc")
        .expect("image");
    assert_eq!(&args[image + 1..], ["/app/run", "a b"]);
}

#[test]
fn update_forces_new_tasks_and_drops_what_the_spec_no_longer_has() {
    let current = Service {
        env_keys: vec!["PORT".into(), "OLD".into(), "SECRET".into()],
        published_targets: vec![5000, 6000],
        constraints: vec!["node.role==worker".into()],
        has_healthcheck: true,
        ..Service::default()
    };
    let mut s = spec();
    s.health = None;
    s.constraints = vec!["node.role==manager".into()];
    let args = s.update_args(&current);
    let has = |a: &str| args.iter().any(|x| x == a);
    assert!(has("--force"));
    assert!(has("--image=dokku/a:swarm-abc"));
    assert!(has("--env-rm=OLD"));
    assert!(!has("--env-rm=PORT"), "PORT is set again: {args:?}");
    assert!(!has("--env-rm=SECRET"));
    assert!(has("--env-add=SECRET"));
    assert!(has("--no-healthcheck"));
    assert!(has("--publish-rm=6000"));
    assert!(!args.iter().any(|a| a.starts_with("--publish-add")));
    assert!(has("--constraint-rm=node.role==worker"));
    assert!(has("--constraint-add=node.role==manager"));
    assert!(has("--args=/app/run 'a b'"));
    assert_eq!(args.last().map(String::as_str), Some("a-web"));
}

#[test]
fn restart_policies_and_bind_mounts_translate() {
    assert_eq!(restart_of("on-failure:10"), ("on-failure".into(), Some(10)));
    assert_eq!(restart_of("always"), ("any".into(), None));
    assert_eq!(restart_of("unless-stopped"), ("any".into(), None));
    assert_eq!(restart_of("no"), ("none".into(), None));
    assert_eq!(
        bind_mount("/var/lib/dokku/data/storage/x:/data:ro").as_deref(),
        Some("type=bind,source=/var/lib/dokku/data/storage/x,target=/data,readonly")
    );
    assert_eq!(bind_mount("named:/data"), None);
}

#[test]
fn listeners_are_read_per_container_port() {
    let text = "5000 127.0.0.1:32768\n5000 10.0.0.2:32770\n6000 127.0.0.1:32769\ngarbage\n";
    assert_eq!(
        parse_listeners(text),
        vec![
            (5000, "127.0.0.1:32768".to_string()),
            (5000, "10.0.0.2:32770".to_string()),
            (6000, "127.0.0.1:32769".to_string())
        ]
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let layout = crate::paths::Layout::under(dir.path());
    let file = listeners_file(&layout, "a");
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, text).expect("write");
    assert_eq!(listeners(&layout, "a", Some(6000)), vec!["127.0.0.1:32769"]);
    assert_eq!(listeners(&layout, "a", None).len(), 3);
}

#[test]
fn property_values_are_checked() {
    assert!(validate("update-parallelism", "2").is_ok());
    assert!(validate("update-parallelism", "0").is_err());
    assert!(validate("update-delay", "x").is_err());
    assert!(validate("deploy-timeout", "").is_ok());
    assert!(validate(
        "placement-constraints",
        "node.role==manager,node.labels.db!=true"
    )
    .is_ok());
    assert!(validate("placement-constraints", "anywhere").is_err());
    assert_eq!(service_name("a", "web"), "a-web");
}

#[test]
fn service_log_lines_get_docker_locals_shape() {
    let line = "2026-12-03T18:32:59.614606036Z app-web.2@vm    | hello-app: serving";
    assert_eq!(
        swarm_log_line(line, "app", 36),
        "\x1b[36m2026-12-03T18:32:59.614606036Z app[web.2]:\x1b[0m hello-app: serving"
    );
    // Another app's service (or any other line) is left as it is.
    assert_eq!(swarm_log_line(line, "other", 36), line);
    assert_eq!(
        swarm_log_line("error from daemon", "app", 36),
        "error from daemon"
    );
}

#[test]
fn only_older_release_names_are_untagged() {
    let fake = crate::docker::fake::FakeDocker::new();
    fake.respond_ok(
        &["image", "ls"],
        "dokku/a:latest\ndokku/a:swarm-111\ndokku/a:swarm-222\ndokku/a:swarm-333\n",
    );
    let docker = fake.docker();
    super::deploy::remove_release_tags(
        &docker,
        "a",
        &[
            "dokku/a:swarm-222".to_string(),
            "dokku/a:swarm-333".to_string(),
        ],
    );
    let calls = fake.calls();
    assert!(
        calls.contains(&"image rm dokku/a:swarm-111".to_string()),
        "{calls:?}"
    );
    assert!(
        !calls
            .iter()
            .any(|c| c.contains("swarm-222") || c.contains("latest") && c.starts_with("image rm")),
        "{calls:?}"
    );
}

#[test]
fn plugin_docker_args_give_labels_and_env_and_name_the_rest() {
    let words: Vec<String> = [
        "--label=dokku",
        "--label",
        "com.dokku-rs.test=x1",
        "-e",
        "MODE=a=b",
        "--cpus=2",
        "--env",
        "BARE",
    ]
    .iter()
    .map(|w| w.to_string())
    .collect();
    let (labels, env, ignored) = super::plan::plugin_args(&words);
    assert_eq!(
        labels,
        vec![
            ("dokku".to_string(), String::new()),
            ("com.dokku-rs.test".to_string(), "x1".to_string())
        ]
    );
    assert_eq!(env, vec!["MODE=a=b"]);
    // A value-less --env would read the client's environment: not passed on.
    assert_eq!(ignored, vec!["--cpus=2", "--env"]);
}

fn task(slot: u32, force: u64, live: bool) -> super::tasks::Task {
    super::tasks::Task {
        id: format!("t{slot}-{force}"),
        slot,
        node_id: "n".into(),
        desired: if live { "running" } else { "shutdown" }.into(),
        state: if live { "running" } else { "shutdown" }.into(),
        error: String::new(),
        container_id: String::new(),
        ports: vec![],
        force_update: force,
    }
}

#[test]
fn a_deploy_is_done_when_the_new_tasks_and_only_they_run() {
    use super::tasks::{progress, Before, Progress};
    let before = Before {
        update_started: "T1".into(),
        force_update: 4,
    };
    let svc = |force: u64, state: &str, started: &str| Service {
        force_update: force,
        update_state: state.into(),
        update_started: started.into(),
        update_message: "msg".into(),
        ..Service::default()
    };
    // A created service: its replicas running.
    assert_eq!(
        progress(&svc(0, "", ""), &[task(1, 0, true)], None, 1),
        Progress::Done
    );
    assert_eq!(progress(&svc(0, "", ""), &[], None, 1), Progress::Waiting);
    // The update has not registered yet: the old tasks do not count.
    let old = [task(1, 4, true), task(2, 4, true)];
    assert_eq!(
        progress(&svc(4, "completed", "T1"), &old, Some(&before), 2),
        Progress::Waiting
    );
    // In progress, or an old task still live: waiting.
    let mixed = [task(1, 5, true), task(2, 4, true)];
    assert_eq!(
        progress(&svc(5, "updating", "T2"), &mixed, Some(&before), 2),
        Progress::Waiting
    );
    assert_eq!(
        progress(&svc(5, "completed", "T2"), &mixed, Some(&before), 1),
        Progress::Waiting
    );
    let new = [task(1, 5, true), task(2, 5, true), task(3, 4, false)];
    assert_eq!(
        progress(&svc(5, "updating", "T2"), &new, Some(&before), 2),
        Progress::Waiting
    );
    assert_eq!(
        progress(&svc(5, "completed", "T2"), &new, Some(&before), 2),
        Progress::Done
    );
    // From or to zero replicas Docker clears UpdateStatus: the counter decides.
    assert_eq!(
        progress(&svc(5, "", ""), &new, Some(&before), 2),
        Progress::Done
    );
    assert_eq!(
        progress(&svc(5, "", ""), &[], Some(&before), 0),
        Progress::Done
    );
    // Rolled back by this update; an earlier deploy's rollback is history.
    assert_eq!(
        progress(&svc(4, "rollback_completed", "T2"), &old, Some(&before), 2),
        Progress::RolledBack("msg".into())
    );
    assert_eq!(
        progress(&svc(4, "rollback_completed", "T1"), &old, Some(&before), 2),
        Progress::Waiting
    );
    assert_eq!(
        progress(&svc(5, "paused", "T2"), &mixed, Some(&before), 2),
        Progress::Paused("msg".into())
    );
}

#[test]
fn logs_failed_of_a_swarm_app_says_there_are_no_failed_containers() {
    let host = crate::deploy::testing::FakeHost::new();
    assert!(!failed_logs(&host));
    let logs = host.log_text();
    assert!(logs.contains("No failed containers found"), "{logs}");
    assert!(host.fake.calls().is_empty(), "docker is not asked");
}
