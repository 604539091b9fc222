use super::*;
use crate::deploy::testing::FakeHost;

fn setup() -> FakeHost {
    let mut host = FakeHost::new();
    host.mkapp("web");
    ps::init_scale(&host.properties(), "web").expect("scale");
    host.env.insert("DOKKU_PID".into(), "42".into());
    host.on("docker-args-deploy", |_, _| {
        (0, "--label=from.plugin=1 ".into())
    });
    host
}

#[test]
fn a_container_is_created_with_dokkus_arguments_and_recorded() {
    let mut host = setup();
    // What the logs and ps plugins answer.
    host.on("docker-args-process-deploy", |_, _| {
        (0, " --log-opt=max-size=10m  --restart=on-failure:10".into())
    });
    crate::deploy::set_config_no_restart(&host.layout, "web", &[("GREETING".into(), "hi".into())])
        .expect("config");
    deploy(&host, "web", "latest", None).expect("deploys");
    let create = host
        .fake
        .raw_calls()
        .into_iter()
        .find(|c| c.args[..2] == ["container", "create"])
        .expect("create");
    let args = create.args.join(" ");
    assert!(args.starts_with("container create --env=GREETING --label=from.plugin=1 --label=com.dokku.process-type=web --label=com.dokku.dyno=web.1 --env=DYNO=web.1 --name=web.web.1.upcoming-"), "{args}");
    assert!(args.contains(" --init --label=com.dokku.app-name=web --label=com.dokku.container-type=deploy --label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku --label=dokku --log-opt=max-size=10m --restart=on-failure:10 --env=PORT=5000 dokku/web:latest"), "{args}");
    assert!(args.ends_with("dokku/web:latest"), "{args}");
    assert_eq!(create.env, vec![("GREETING".to_string(), "hi".to_string())]);
    let layout = &host.layout;
    assert_eq!(
        std::fs::read_to_string(layout.container_file("web", "web", 1)).expect("file"),
        "cid1\n"
    );
    assert_eq!(
        std::fs::read_to_string(layout.ip_file("web", "web", 1)).expect("file"),
        "172.17.0.9\n"
    );
    assert_eq!(
        std::fs::read_to_string(layout.port_file("web", "web", 1)).expect("file"),
        "5000\n"
    );
    let fired = host.fired.borrow().join("\n");
    assert!(
        fired.contains("check-deploy web cid1 web 5000 172.17.0.9 1"),
        "{fired}"
    );
    assert!(fired.contains("core-post-deploy web   latest"), "{fired}");
    assert_eq!(web_listeners(layout, "web"), vec!["172.17.0.9:5000"]);
}

#[test]
fn a_failed_check_keeps_the_old_container() {
    let mut host = setup();
    std::fs::write(host.layout.container_file("web", "web", 1), "old\n").expect("old");
    host.on("check-deploy", |_, _| (1, String::new()));
    let err = deploy(&host, "web", "latest", None).expect_err("fails");
    assert_eq!(err.exit_code(), 1);
    assert_eq!(
        std::fs::read_to_string(host.layout.container_file("web", "web", 1)).expect("file"),
        "old\n"
    );
    let calls = host.fake.calls().join("\n");
    assert!(calls.contains("container stop -t=0 cid1"), "{calls}");
    assert!(!calls.contains("kill --signal=SIGTERM old"), "{calls}");
    let failed =
        std::fs::read_to_string(failed_containers_file(&host.layout, "web")).expect("failed list");
    assert_eq!(failed, "cid1 web.1\n");
}

#[test]
fn a_redeploy_retires_the_old_container() {
    let host = setup();
    host.properties()
        .write(checks::PLUGIN, "--global", "wait-to-retire", "0")
        .expect("wait");
    std::fs::write(host.layout.container_file("web", "web", 1), "old\n").expect("old");
    deploy(&host, "web", "latest", None).expect("deploys");
    let calls = host.fake.calls().join("\n");
    assert!(
        calls.contains("container kill --signal=SIGTERM old"),
        "{calls}"
    );
    assert!(calls.contains("container rm --force old"), "{calls}");
    assert_eq!(
        std::fs::read_to_string(host.layout.container_file("web", "web", 1)).expect("file"),
        "cid1\n"
    );
}

#[test]
fn procfile_commands_and_scale_drive_the_containers() {
    let host = setup();
    let dir = ps::data_dir(&host.layout, "web");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("Procfile.42"),
        "web: httpd -f -p $PORT\nworker: sleep 1000\n",
    )
    .expect("procfile");
    ps::write_scale(
        &host.properties(),
        "web",
        &[("web".into(), 1), ("worker".into(), 2)],
    )
    .expect("scale");
    deploy(&host, "web", "latest", None).expect("deploys");
    let creates: Vec<String> = host
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.starts_with("container create"))
        .collect();
    assert_eq!(creates.len(), 3);
    assert!(
        creates[0].ends_with("dokku/web:latest httpd -f -p 5000"),
        "{}",
        creates[0]
    );
    assert!(
        creates[1].contains("--name=web.worker.1.upcoming-"),
        "{}",
        creates[1]
    );
    assert!(!creates[1].contains("--env=PORT"), "{}", creates[1]);
    assert!(
        creates[2].ends_with("dokku/web:latest sleep 1000"),
        "{}",
        creates[2]
    );
    assert!(host.layout.container_file("web", "worker", 2).exists());
}

#[test]
fn renaming_moves_new_containers_to_their_final_names() {
    let host = setup();
    std::fs::write(host.layout.container_file("web", "web", 1), "cid9\n").expect("slot");
    host.fake.respond_ok(
        &["container", "inspect"],
        &crate::docker::fake::running_inspect("cid9", "web.web.1.upcoming-7", "1.2.3.4"),
    );
    core_post_deploy(&host, "web").expect("renamed");
    let calls = host.fake.calls().join("\n");
    assert!(calls.contains("container rename cid9 web.web.1"), "{calls}");
    assert!(
        host.log_text()
            .contains("       Renaming container web.web.1.upcoming-7 (cid9) to web.web.1\n"),
        "{}",
        host.log_text()
    );
}

#[test]
fn a_failure_after_the_switch_puts_the_old_containers_back() {
    let mut host = setup();
    let layout = host.layout.clone();
    std::fs::write(layout.container_file("web", "web", 1), "old\n").expect("old");
    std::fs::write(layout.ip_file("web", "web", 1), "172.17.0.2\n").expect("old ip");
    // Traffic switched to cid1 at scheduler-post-deploy-process; then this fails.
    host.on("core-post-deploy", |_, _| (1, String::new()));
    let err = deploy(&host, "web", "latest", None).expect_err("fails");
    assert_eq!(err.exit_code(), 1);
    assert_eq!(
        std::fs::read_to_string(layout.container_file("web", "web", 1)).expect("file"),
        "old\n"
    );
    assert_eq!(
        std::fs::read_to_string(layout.ip_file("web", "web", 1)).expect("file"),
        "172.17.0.2\n"
    );
    let calls = host.fake.calls().join("\n");
    assert!(calls.contains("container rm --force cid1"), "{calls}");
    assert!(!calls.contains("kill --signal=SIGTERM old"), "{calls}");
    let retiring = std::fs::read_to_string(layout.dead_containers()).unwrap_or_default();
    assert!(
        !retiring.contains(" old "),
        "old is no longer retired: {retiring}"
    );
    let fired = host.fired.borrow().join("\n");
    let switched = fired
        .find("scheduler-post-deploy-process web web")
        .expect("switch");
    let rebuilt = fired
        .rfind("proxy-build-config web")
        .expect("proxy rebuilt");
    assert!(rebuilt > switched, "{fired}");
    assert!(host
        .log_text()
        .contains("putting web back on its previous containers"));
}

#[test]
fn a_failed_first_deploy_leaves_no_slot_behind() {
    let mut host = setup();
    host.on("post-deploy", |_, _| (1, String::new()));
    deploy(&host, "web", "latest", None).expect_err("fails");
    assert!(slots(&host.layout, "web").is_empty());
    let calls = host.fake.calls().join("\n");
    assert!(calls.contains("container rm --force cid1"), "{calls}");
}

#[test]
fn container_ids_and_types_follow_the_slot_files() {
    let host = FakeHost::new();
    host.mkapp("web");
    let layout = &host.layout;
    assert!(container_ids(layout, "web", "").is_empty());
    assert!(container_types(layout, "web").is_empty());
    for (proc_type, index, cid) in [("web", 1, "w1"), ("web", 2, "w2"), ("worker", 1, "k1")] {
        std::fs::write(
            layout.container_file("web", proc_type, index),
            format!("{cid}\n"),
        )
        .expect("slot");
    }
    std::fs::write(layout.app_file("web", "CONTAINER"), "legacy\n").expect("legacy");
    assert_eq!(
        container_ids(layout, "web", ""),
        ["legacy", "w1", "w2", "k1"]
    );
    assert_eq!(container_ids(layout, "web", "web"), ["legacy", "w1", "w2"]);
    assert_eq!(container_ids(layout, "web", "web.2"), ["legacy", "w2"]);
    assert!(
        container_ids(layout, "web", "web.9").is_empty(),
        "a missing slot is nothing"
    );
    assert_eq!(container_ids(layout, "web", "worker"), ["legacy", "k1"]);
    assert_eq!(container_types(layout, "web"), ["web", "worker"]);
}

#[test]
fn a_failed_container_list_that_cannot_be_locked_is_left_alone_with_a_warning() {
    let host = setup();
    let file = failed_containers_file(&host.layout, "web");
    let dir = file.parent().expect("dir");
    std::fs::create_dir_all(dir.join(".failed-containers.lock")).expect("blocker");
    kill_new(&host, "web", "cid9", "web.1");
    assert!(!file.exists(), "not written without the lock");
    let logs = host.logs.borrow().join("\n");
    assert!(
        logs.contains("container cid9 is not recorded as failed"),
        "{logs}"
    );
    let calls = host.fake.calls().join("\n");
    assert!(
        calls.contains("container stop -t=0 cid9"),
        "still stopped: {calls}"
    );
}

#[test]
fn a_stopped_container_is_no_longer_vouched_for() {
    let host = setup();
    let cid = "stopped-vouched-cid";
    std::fs::write(
        host.layout.container_file("web", "web", 1),
        format!("{cid}\n"),
    )
    .expect("slot");
    vouched::vouch(cid, "172.17.0.9", "web.web.1");
    stop(&host, "web", false);
    assert_eq!(vouched::get(cid), None);
}
