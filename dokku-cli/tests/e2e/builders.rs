//! The builder settings (`builder:set`, `builder-dockerfile:set`) and Dokku's build
//! arguments: config values reach `docker image build` only through
//! `docker-options:add APP build '--build-arg KEY'`.

use crate::harness::{commit_all, git, output, skipped, Deployer};

#[test]
fn build_dir_dockerfile_path_and_build_args_shape_the_build() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("builder");
    let src = d.hello_source("builder");
    // The app moves into web/ and its Dockerfile becomes web/app.Dockerfile, which
    // records a build argument in a file the app serves.
    std::fs::create_dir_all(src.join("web")).expect("mkdir web");
    for entry in ["entrypoint.sh", "www", "README.md"] {
        git(&src, &["mv", entry, &format!("web/{entry}")]);
    }
    let dockerfile = std::fs::read_to_string(src.join("Dockerfile")).expect("Dockerfile");
    std::fs::remove_file(src.join("Dockerfile")).expect("rm Dockerfile");
    std::fs::write(
        src.join("web/app.Dockerfile"),
        format!(
            "{dockerfile}ARG BUILD_GREETING\nRUN echo \"built with ${{BUILD_GREETING:-nothing}}\" > /app/www/build.txt\n"
        ),
    )
    .expect("app.Dockerfile");
    commit_all(&src, "app in web/");

    d.env.dokku(["apps:create", &app]).success();
    for args in [
        vec!["builder:set", &app, "build-dir", "web"],
        vec!["builder:set", &app, "selected", "dockerfile"],
        vec!["dockerfile:set", &app, "dockerfile-path", "app.Dockerfile"],
        vec![
            "config:set",
            "--no-restart",
            &app,
            "BUILD_GREETING=from-config",
        ],
    ] {
        let run = d.env.dokku(&args);
        assert_eq!(run.code, 0, "{args:?}: {}", output(&run));
    }
    let bad = d.env.dokku(["builder:set", &app, "colour", "blue"]);
    assert_eq!(
        bad.stderr,
        " !     Invalid property specified, valid properties include: build-dir, selected, skip-cleanup\n"
    );

    // Without the docker option the config value is not a build argument.
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    assert_eq!(d.get(&app, "/build.txt").1, "built with nothing\n");
    assert_eq!(
        d.env
            .dokku(["builder:report", &app, "--builder-detected"])
            .success()
            .stdout,
        "dockerfile\n"
    );
    let json = d
        .env
        .dokku(["builder:report", &app, "--format", "json"])
        .success();
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(report["computed-build-dir"], "web");
    assert_eq!(report["computed-selected"], "dockerfile");
    assert_eq!(
        d.env
            .dokku([
                "builder-dockerfile:report",
                &app,
                "--builder-dockerfile-computed-dockerfile-path"
            ])
            .success()
            .stdout,
        "app.Dockerfile\n"
    );

    // With it, the value comes from the app's config.
    d.env
        .dokku([
            "docker-options:add",
            &app,
            "build",
            "--build-arg BUILD_GREETING",
        ])
        .success();
    let rebuild = d.env.dokku(["ps:rebuild", &app]);
    assert_eq!(rebuild.code, 0, "{}", output(&rebuild));
    assert_eq!(d.get(&app, "/build.txt").1, "built with from-config\n");

    // A dockerfile-path that is not in the source fails before anything is built;
    // the running release keeps serving.
    d.env
        .dokku([
            "dockerfile:set",
            &app,
            "dockerfile-path",
            "missing.Dockerfile",
        ])
        .success();
    let cid = d.container_id(&app, "web.1").expect("web.1");
    let failed = d.env.dokku(["ps:rebuild", &app]);
    assert_ne!(failed.code, 0);
    assert!(
        output(&failed).contains("Invalid dockerfile-path specified: missing.Dockerfile"),
        "{}",
        output(&failed)
    );
    assert_eq!(d.container_id(&app, "web.1").as_deref(), Some(cid.as_str()));
    assert_eq!(d.get(&app, "/").0, 200);
}
