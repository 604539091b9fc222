//! More ways to get code in: `git:sync` from another repository, `git:load-image`
//! from a `docker save` tarball on stdin, and `git:report` afterwards.

use std::process::Stdio;

use dokku_test_support::repo_root;

use crate::harness::{commit_all, docker, output, skipped, Deployer};

#[test]
fn git_sync_builds_from_a_local_repository_and_only_when_it_changed() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("sync");
    let src = d.hello_source("sync");
    let first = commit_all(&src, "first");
    d.env.dokku(["apps:create", &app]).success();
    let remote = format!("file://{}", src.display());

    let missing = d.env.dokku(["git:sync", &app]);
    assert_eq!(missing.stderr, " !     Missing GIT_REMOTE parameter\n");
    let bad_ref = d
        .env
        .dokku(["git:sync", "--build", &app, &remote, "no-such-ref"]);
    assert_eq!(bad_ref.code, 1, "{}", output(&bad_ref));
    assert!(
        bad_ref
            .stderr
            .contains(&format!("Unable to find git ref no-such-ref in {remote}")),
        "{}",
        bad_ref.stderr
    );

    let synced = d
        .env
        .dokku_tty(["git:sync", "--build", &app, &remote, "main"]);
    let out = output(&synced);
    assert_eq!(synced.code, 0, "{out}");
    assert!(
        out.contains(&format!("-----> Cloning {app} from {remote}#main")),
        "{out}"
    );
    assert!(
        out.contains("       Detected branch, setting deploy-branch to main"),
        "{out}"
    );
    assert!(
        out.contains(&format!("-----> Building {app} from Dockerfile")),
        "{out}"
    );
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200);
    assert!(body.contains(&format!("GIT_REV={first}")), "{body}");
    let props = d.env.lib_root().join("config/apps").join(&app);
    assert_eq!(
        std::fs::read_to_string(props.join("deploy-source-metadata")).expect("metadata"),
        format!("{remote}#{first}")
    );
    assert_eq!(
        d.env
            .dokku(["git:report", &app, "--git-sha"])
            .success()
            .stdout,
        format!("{first}\n")
    );

    // Unchanged: nothing is built.
    let cid = d.container_id(&app, "web.1").expect("web.1");
    let again = d
        .env
        .dokku_tty(["git:sync", "--build-if-changes", &app, &remote, "main"]);
    assert_eq!(again.code, 0, "{}", output(&again));
    assert!(
        output(&again).contains("-----> Skipping build as no changes were detected"),
        "{}",
        output(&again)
    );
    assert_eq!(d.container_id(&app, "web.1").as_deref(), Some(cid.as_str()));

    // A new commit: fetched and built.
    let second = commit_all(&src, "second");
    let changed = d.env.dokku([
        "git:sync",
        "--build-if-changes",
        &app,
        &src.display().to_string(),
    ]);
    assert_eq!(changed.code, 0, "{}", output(&changed));
    assert!(d.get(&app, "/").1.contains(&format!("GIT_REV={second}")));
    assert_ne!(d.container_id(&app, "web.1").as_deref(), Some(cid.as_str()));

    // Without a build flag only the repository moves.
    let third = commit_all(&src, "third");
    d.env.dokku(["git:sync", &app, &remote]).success();
    assert_eq!(
        d.env
            .dokku(["git:report", &app, "--git-sha"])
            .success()
            .stdout,
        format!("{third}\n")
    );
    assert!(d.get(&app, "/").1.contains(&format!("GIT_REV={second}")));
    let json = d
        .env
        .dokku(["git:report", &app, "--format", "json"])
        .success();
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(report["computed-deploy-branch"], "main");
    assert_eq!(report["rev-env-var"], "GIT_REV");
}

#[test]
fn git_load_image_deploys_a_saved_image_from_stdin() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("loadimage");
    let image = format!("e2e{}-loaded:v1", d.id);
    let built = docker([
        "image",
        "build",
        "--quiet",
        "--label",
        &format!("com.dokku-rs.test={}", d.id),
        "-t",
        &image,
        repo_root()
            .join("examples/hello-app")
            .to_str()
            .expect("utf8"),
    ]);
    assert_eq!(built.code, 0, "{}", output(&built));
    let tarball = d.env.scratch("images").join("loaded.tar");
    let saved = docker([
        "image",
        "save",
        "-o",
        tarball.to_str().expect("utf8"),
        &image,
    ]);
    assert_eq!(saved.code, 0, "{}", output(&saved));
    // Gone from the host: only the tarball has it now.
    docker(["image", "rm", &image]);
    assert_ne!(docker(["image", "inspect", &image]).code, 0);
    d.env.dokku(["apps:create", &app]).success();

    let load = |name: &str| {
        let file = std::fs::File::open(&tarball).expect("tarball");
        d.env.run(
            d.env
                .command("dokku")
                .args(["git:load-image", &app, name])
                .stdin(Stdio::from(file)),
        )
    };
    let wrong = load(&format!("e2e{}-other:v1", d.id));
    assert_eq!(wrong.code, 1, "{}", output(&wrong));
    assert!(
        wrong.stderr.contains(&format!(
            "Loaded image tarball but the specified docker image was not found: e2e{}-other:v1",
            d.id
        )),
        "{}",
        wrong.stderr
    );

    let loaded = load(&image);
    let out = output(&loaded);
    assert_eq!(loaded.code, 0, "{out}");
    assert!(out.contains(&format!("Loaded image: {image}")), "{out}");
    assert!(
        out.contains("-----> Image exists on host, skipping pull"),
        "{out}"
    );
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200);
    assert!(body.contains("Hello from hello-app!"), "{body}");
    assert_eq!(
        d.env
            .dokku(["git:report", &app, "--git-source-image"])
            .success()
            .stdout,
        format!("{image}\n")
    );
    let props = d.env.lib_root().join("config/apps").join(&app);
    assert_eq!(
        std::fs::read_to_string(props.join("deploy-source")).expect("deploy-source"),
        "docker-image"
    );
}
