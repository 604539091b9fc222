//! Deploys that do not start with a push: `git:from-image` and `git:from-archive`.

use std::process::{Command, Stdio};

use dokku_test_support::repo_root;

use crate::harness::{docker, output, run, skipped, Deployer};

#[test]
fn git_from_image_deploys_an_existing_image() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("fromimage");
    let image = format!("e2e{}-source:v1", d.id);
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
    d.env.dokku(["apps:create", &app]).success();
    let deployed = d.env.dokku(["git:from-image", &app, &image]);
    let out = output(&deployed);
    assert_eq!(deployed.code, 0, "{out}");
    assert!(out.contains("-----> Generating build context"), "{out}");
    assert!(
        out.contains("-----> Image exists on host, skipping pull"),
        "{out}"
    );
    assert!(
        out.contains("-----> Updating git repository with specified build context"),
        "{out}"
    );
    assert!(
        out.contains(&format!("-----> Building {app} from Dockerfile")),
        "{out}"
    );
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200);
    assert!(body.contains("Hello from hello-app!"), "{body}");
    let props = d.env.lib_root().join("config");
    assert_eq!(
        std::fs::read_to_string(props.join("git").join(&app).join("source-image"))
            .expect("source-image"),
        image
    );
    assert_eq!(
        std::fs::read_to_string(props.join("apps").join(&app).join("deploy-source"))
            .expect("deploy-source"),
        "docker-image"
    );

    // The same image again: nothing to commit, nothing redeployed.
    let again = d.env.dokku(["git:from-image", &app, &image]);
    assert_ne!(again.code, 0);
    assert!(
        output(&again).contains("No changes detected, skipping git commit"),
        "{}",
        output(&again)
    );

    let missing = d.env.dokku(["git:from-image", &app]);
    assert_eq!(missing.stderr, " !     Please specify a docker image\n");
}

#[test]
fn git_from_archive_deploys_a_tarball_from_stdin() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("fromtar");
    d.env.dokku(["apps:create", &app]).success();
    // A tarball with a single top-level directory, which is stripped.
    let tar = d.env.scratch("archive").join("app.tar.gz");
    let made = run(Command::new("tar")
        .arg("-czf")
        .arg(&tar)
        .arg("-C")
        .arg(repo_root().join("examples"))
        .arg("hello-app"));
    assert_eq!(made.code, 0, "{}", output(&made));
    let deployed = d.env.run(
        d.env
            .command("dokku")
            .args(["git:from-archive", "--archive-type", "tar.gz", &app, "--"])
            .stdin(Stdio::from(
                std::fs::File::open(&tar).expect("open tarball"),
            )),
    );
    let out = output(&deployed);
    assert_eq!(deployed.code, 0, "{out}");
    assert!(
        out.contains("-----> Fetching tar.gz file from stdin"),
        "{out}"
    );
    assert_eq!(d.get(&app, "/").0, 200);
    let source = d
        .env
        .lib_root()
        .join("config/apps")
        .join(&app)
        .join("deploy-source");
    assert_eq!(
        std::fs::read_to_string(source).expect("deploy-source"),
        "tar.gz"
    );

    let bad = d.env.dokku(["git:from-archive", &app]);
    assert_eq!(
        bad.stderr,
        " !     Please specify an archive url or -- to fetch the archive from stdin\n"
    );
}
