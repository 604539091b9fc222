use super::testing::FakeHost;
use super::*;

#[test]
fn a_failed_build_restores_the_previous_release() {
    let mut host = FakeHost::new();
    host.fake.respond_ok(&["image", "ls"], "sha256:old\n");
    host.on("builder-build", |_, _| (1, String::new()));
    let err = build(&host, "web", "dockerfile", "/tmp/x").expect_err("fails");
    assert_eq!(err.to_string(), "App build failed");
    assert!(host
        .fake
        .calls()
        .contains(&"image tag sha256:old dokku/web:latest".to_string()));
    assert!(host
        .log_text()
        .contains(" !     Retagging old image sha256:old as dokku/web:latest\n"));
}

/// Issue 15: the latest release names the image to put back, whatever order
/// `docker image ls` gives images created in the same second.
#[test]
fn a_failed_build_restores_the_latest_release_image() {
    let mut host = FakeHost::new();
    host.fake
        .respond_ok(&["image", "ls"], "sha256:parentlayer\n");
    host.fake
        .respond_ok(&["image", "inspect"], "sha256:0123456789abcdef\n");
    let store = crate::releases::AppReleases::new(&host.layout, "web");
    std::fs::create_dir_all(store.dir()).expect("mkdir");
    std::fs::write(
        store.dir().join("v1.json"),
        r#"{"version":1,"created_at":"","description":"deploy","image_id":"sha256:0123456789abcdef","image":"dokku/web:latest"}"#,
    )
    .expect("write");
    host.on("builder-build", |_, _| (1, String::new()));
    build(&host, "web", "dockerfile", "/tmp/x").expect_err("fails");
    assert!(
        host.fake
            .calls()
            .contains(&"image tag 0123456789ab dokku/web:latest".to_string()),
        "{:?}",
        host.fake.calls()
    );
}

#[test]
fn release_and_deploy_fires_release_then_the_scheduler() {
    let host = FakeHost::new();
    host.fake.respond_ok(
        &["image", "inspect"],
        r#"{"com.dokku.builder-type":"dockerfile"}"#,
    );
    release_and_deploy(&host, "web", None).expect("ok");
    let fired = host.fired.borrow().join("\n");
    assert_eq!(
        fired,
        "builder-release dockerfile web latest\nscheduler-deploy docker-local web latest"
    );
    let log = host.log_text();
    assert!(
        log.starts_with("-----> Releasing web...\n-----> Deploying web via the docker-local scheduler...\n       Recorded release v1 (deploy)\n=====> Application deployed:\n"),
        "{log}"
    );
}

#[test]
fn config_is_merged_global_then_app() {
    let host = FakeHost::new();
    set_config_no_restart(
        &host.layout,
        "--global",
        &[("A".into(), "g".into()), ("B".into(), "g".into())],
    )
    .expect("global");
    set_config_no_restart(&host.layout, "web", &[("B".into(), "app".into())]).expect("app");
    let env = app_env(&host.layout, "web").expect("env");
    assert_eq!(env.get("A").map(String::as_str), Some("g"));
    assert_eq!(env.get("B").map(String::as_str), Some("app"));
}

#[test]
fn a_release_that_fails_its_checks_never_becomes_latest() {
    let mut host = FakeHost::new();
    host.mkapp("web");
    // The live release: the recorded container, created from sha256:good with its
    // revision in its environment.
    std::fs::write(host.layout.container_file("web", "web", 1), "live\n").expect("slot");
    host.fake.respond_ok(
        &["container", "inspect", "live"],
        r#"[{"Id":"live","Image":"sha256:good","State":{"Running":true},"Config":{"Env":["GIT_REV=good","PORT=5000"]}}]"#,
    );
    // A push built sha256:bad as latest and recorded its revision; checks fail.
    set_config_no_restart(&host.layout, "web", &[("GIT_REV".into(), "bad".into())]).expect("rev");
    host.fake.respond_ok(
        &[
            "image",
            "inspect",
            "--format",
            "{{.Id}}",
            "dokku/web:latest",
        ],
        "sha256:bad\n",
    );
    host.fake.respond_ok(
        &["image", "inspect", "--format", "{{json .Config.Labels}}"],
        r#"{"com.dokku.builder-type":"dockerfile"}"#,
    );
    host.on("scheduler-deploy", |_, _| (1, String::new()));
    release_and_deploy(&host, "web", None).expect_err("rejected");

    assert!(
        host.fake
            .calls()
            .contains(&"image tag sha256:good dokku/web:latest".to_string()),
        "{:?}",
        host.fake.calls()
    );
    let env = app_env(&host.layout, "web").expect("env");
    assert_eq!(env.get("GIT_REV").map(String::as_str), Some("good"));
    assert!(host.log_text().contains("points at the live release again"));
}

#[test]
fn a_first_release_that_fails_has_nothing_to_put_back() {
    let mut host = FakeHost::new();
    host.mkapp("web");
    host.fake.respond_ok(
        &["image", "inspect", "--format", "{{json .Config.Labels}}"],
        r#"{"com.dokku.builder-type":"dockerfile"}"#,
    );
    host.on("scheduler-deploy", |_, _| (1, String::new()));
    release_and_deploy(&host, "web", None).expect_err("rejected");
    assert!(!host.fake.calls().iter().any(|c| c.starts_with("image tag")));
}

#[test]
fn is_deployed_asks_the_scheduler_once_and_records_the_answer() {
    let mut host = FakeHost::new();
    host.on("scheduler-is-deployed", |_, _| (1, String::new()));
    assert!(!is_deployed(&host, "web"));
    assert_eq!(
        *host.fired.borrow(),
        vec!["scheduler-is-deployed docker-local web"]
    );
    let props = host.properties();
    assert_eq!(
        props.get("common", "web", "deployed").expect("read"),
        Some("false".to_string())
    );
    assert!(!is_deployed(&host, "web"), "recorded: not asked again");
    assert_eq!(host.fired.borrow().len(), 1);

    host.on("scheduler-is-deployed", |_, _| (0, String::new()));
    assert!(is_deployed(&host, "api"));
    props
        .write("common", "web", "deployed", "true")
        .expect("write");
    assert!(is_deployed(&host, "web"));
}
