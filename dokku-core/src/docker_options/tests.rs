//! docker-options rules against a temporary property store.

use super::*;

fn store() -> (tempfile::TempDir, PropertyStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let props = PropertyStore::new(dir.path());
    (dir, props)
}

fn phases(arg: &str) -> Vec<Phase> {
    parse_phases(arg).expect("valid phases")
}

#[test]
fn phases_parse_and_bad_ones_are_refused() {
    assert_eq!(phases("build,deploy,run"), Phase::ALL);
    assert!(phases("").is_empty());
    for bad in ["deploy,", "bogus", "Deploy", "deploy,release"] {
        assert_eq!(
            parse_phases(bad).expect_err(bad).to_string(),
            "Phase(s) must be one of [build deploy run]"
        );
    }
}

#[test]
fn add_stores_sorted_lists_per_scope_and_phase() {
    let (root, props) = store();
    add(
        &props,
        "web",
        &[],
        &phases("build,deploy"),
        "-v /b:/b --link db",
    )
    .expect("add");
    add(&props, "web", &[], &phases("deploy"), "--restart=always").expect("add");
    assert_eq!(
        options(&props, "web", None, Phase::Build).expect("list"),
        ["--link db", "-v /b:/b"]
    );
    assert_eq!(
        options(&props, "web", None, Phase::Deploy).expect("list"),
        ["--link db", "--restart=always", "-v /b:/b"]
    );
    let file = root
        .path()
        .join("config/docker-options/web/_default_.deploy");
    assert_eq!(
        std::fs::read_to_string(file).expect("file"),
        "--link db\n--restart=always\n-v /b:/b\n"
    );
    add(
        &props,
        "web",
        &["worker".into()],
        &phases("deploy"),
        "--memory=1g",
    )
    .expect("add process");
    assert_eq!(
        options(&props, "web", Some("worker"), Phase::Deploy).expect("list"),
        ["--memory=1g"]
    );
    assert_eq!(process_types(&props, "web").expect("types"), ["worker"]);
}

#[test]
fn bad_input_changes_nothing() {
    let (root, props) = store();
    add(&props, "web", &[], &phases("deploy"), "--init").expect("add");
    let before = std::fs::read(
        root.path()
            .join("config/docker-options/web/_default_.deploy"),
    )
    .expect("file");
    let err = |r: Result<(), DockerOptionsError>| r.expect_err("refused").to_string();
    assert_eq!(
        err(add(&props, "web", &[], &phases("deploy"), "  ")),
        "Please specify docker options to add to the phase"
    );
    assert_eq!(
        err(remove(&props, "web", &[], &phases("deploy"), "")),
        "Please specify docker options to remove from the phase"
    );
    assert_eq!(
        err(add(
            &props,
            "web",
            &["web".into()],
            &phases("build,deploy"),
            "--init"
        )),
        "--process is only supported for the deploy phase, got \"build\""
    );
    assert_eq!(
        err(add(
            &props,
            "web",
            &["_default_".into()],
            &phases("deploy"),
            "--init"
        )),
        "\"_default_\" is reserved and cannot be used as a --process value"
    );
    assert_eq!(
        err(add(&props, "web", &[], &phases("deploy"), "--label 'x")),
        "Unable to parse docker option: reached EOF without closing quote '"
    );
    assert_eq!(
        std::fs::read(
            root.path()
                .join("config/docker-options/web/_default_.deploy")
        )
        .expect("file"),
        before
    );
    assert!(!root
        .path()
        .join("config/docker-options/web/web.deploy")
        .exists());
}

#[test]
fn remove_and_clear() {
    let (_root, props) = store();
    add(&props, "web", &[], &Phase::ALL, "--init -v /a:/a").expect("add");
    add(
        &props,
        "web",
        &["web".into()],
        &phases("deploy"),
        "--cpus=1",
    )
    .expect("add");
    remove(&props, "web", &[], &phases("build"), "-v /a:/a").expect("remove");
    assert_eq!(
        options(&props, "web", None, Phase::Build).expect("list"),
        ["--init"]
    );
    assert_eq!(
        clear(&props, "web", &[], "run")
            .expect("clear")
            .messages("web"),
        ["Clearing docker-options for web on phase run"]
    );
    assert!(options(&props, "web", None, Phase::Run)
        .expect("list")
        .is_empty());
    assert_eq!(
        clear(&props, "web", &["web".into()], "")
            .expect("clear")
            .messages("web"),
        ["Clearing docker-options for web on phase deploy for process web"]
    );
    assert!(process_types(&props, "web").expect("types").is_empty());
    assert_eq!(
        clear(&props, "web", &[], "")
            .expect("clear")
            .messages("web"),
        ["Clearing docker-options for web on all phases"]
    );
    assert!(options(&props, "web", None, Phase::Deploy)
        .expect("list")
        .is_empty());
    assert!(clear(&props, "web", &[], "nope").is_err());
}

#[test]
fn list_validates_like_dokku() {
    let (_root, props) = store();
    add(&props, "web", &[], &phases("run"), "--rm").expect("add");
    assert_eq!(list(&props, "web", None, "run").expect("list"), ["--rm"]);
    assert_eq!(
        list(&props, "web", None, "")
            .expect_err("no phase")
            .to_string(),
        "--phase is required"
    );
    assert_eq!(
        list(&props, "web", None, "x").expect_err("bad").to_string(),
        "Phase must be one of [build deploy run]"
    );
    assert_eq!(
        list(&props, "web", Some("web"), "run")
            .expect_err("bad")
            .to_string(),
        "--process is only supported for the deploy phase, got \"run\""
    );
}

#[test]
fn emission_filters_by_phase_and_builder() {
    let opts: Vec<String> = [
        "--restart=always",
        "-v /a:/a",
        "--link db",
        "--file x",
        "# comment",
        "",
        "--label=a=b",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(
        emit(Phase::Deploy, "", &opts),
        " --restart=always -v /a:/a --link db --file x --label=a=b"
    );
    assert_eq!(
        emit(Phase::Build, "dockerfile", &opts),
        " --file x --label=a=b"
    );
    assert_eq!(
        emit(Phase::Build, "herokuish", &opts),
        " -v /a:/a --link db --label=a=b"
    );
    assert_eq!(emit(Phase::Run, "", &[]), "");
}

#[test]
fn report_flags_and_json_lists() {
    let (_root, props) = store();
    add(&props, "web", &[], &phases("deploy"), "-v /a:/a --init").expect("add");
    add(
        &props,
        "web",
        &["worker".into()],
        &phases("deploy"),
        "--cpus=2",
    )
    .expect("add");
    let report = report(&props, "web").expect("report");
    let flags: Vec<(&str, &str)> = report.flags().collect();
    assert_eq!(
        flags,
        [
            ("--docker-options-build", ""),
            ("--docker-options-deploy", "--init -v /a:/a"),
            ("--docker-options-deploy.worker", "--cpus=2"),
            ("--docker-options-run", ""),
        ]
    );
    let args = crate::report::ReportArgs {
        format: crate::report::ReportFormat::Json,
        ..Default::default()
    };
    let crate::report::Rendered::Json(json) = report.render(&args).expect("json") else {
        panic!("json")
    };
    assert!(
        json.contains("\"deploy-list\":[\"--init\",\"-v /a:/a\"]"),
        "{json}"
    );
    assert!(
        json.contains("\"deploy.worker-list\":[\"--cpus=2\"]"),
        "{json}"
    );
    assert!(
        json.contains("\"docker-options-deploy.worker\":\"--cpus=2\""),
        "{json}"
    );
}

#[test]
fn rename_copies_and_install_migrates_legacy_files_once() {
    let (root, props) = store();
    add(&props, "old", &[], &phases("deploy"), "--init").expect("add");
    rename(&props, "old", "new").expect("rename");
    assert_eq!(
        options(&props, "new", None, Phase::Deploy).expect("list"),
        ["--init"]
    );
    // The old app keeps its options until it is destroyed (post-delete).
    assert_eq!(
        options(&props, "old", None, Phase::Deploy).expect("list"),
        ["--init"]
    );

    let dokku_root = root.path().join("home");
    std::fs::create_dir_all(dokku_root.join("legacy")).expect("mkdir");
    let file = dokku_root.join("legacy/DOCKER_OPTIONS_RUN");
    std::fs::write(&file, "# comment\n--rm\n\n -e X=1 \n").expect("legacy");
    let migrated = install(&props, &dokku_root, &["legacy".into()]).expect("install");
    assert_eq!(migrated, [file.display().to_string()]);
    assert!(!file.exists());
    assert_eq!(
        options(&props, "legacy", None, Phase::Run).expect("list"),
        ["--rm", "-e X=1"]
    );
    std::fs::write(&file, "--again\n").expect("legacy");
    assert!(
        install(&props, &dokku_root, &["legacy".into()])
            .expect("install")
            .is_empty(),
        "only once"
    );
}

#[test]
fn concurrent_adds_lose_nothing() {
    let (root, _props) = store();
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let path = root.path().to_path_buf();
            std::thread::spawn(move || {
                add(
                    &PropertyStore::new(path),
                    "web",
                    &[],
                    &[Phase::Deploy],
                    &format!("--label=n={i}"),
                )
                .expect("add")
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let props = PropertyStore::new(root.path());
    assert_eq!(
        options(&props, "web", None, Phase::Deploy)
            .expect("list")
            .len(),
        16
    );
}

#[test]
fn remove_matches_a_line_stored_verbatim_before_0_38_26() {
    let (root, props) = store();
    add(&props, "web", &[], &phases("deploy"), "-v /k:/k").expect("add");
    let file = root
        .path()
        .join("config/docker-options/web/_default_.deploy");
    let legacy = "--group-add $(getent group docker | cut -d: -f3)";
    std::fs::write(&file, format!("{legacy}\n-v /k:/k\n")).expect("seed");
    remove(&props, "web", &[], &phases("deploy"), legacy).expect("remove");
    assert_eq!(
        options(&props, "web", None, Phase::Deploy).expect("list"),
        ["-v /k:/k"]
    );
}
