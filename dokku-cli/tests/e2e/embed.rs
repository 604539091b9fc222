//! Embedding: `examples/embed-deploy`, a program linking `dokku-platform` instead of
//! running `dokku`, deploys examples/hello-app to a prefix install on real Docker, and
//! the triggers of that deploy reach a native (library) plugin as a CLI deploy's do.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use dokku_test_support::{repo_root, TestEnv};

use crate::harness::{output, run, skipped, Deployer};

/// The workspace target directory (respecting `CARGO_TARGET_DIR`).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
}

/// Builds the example program and the native fixture plugin once per test run, and
/// returns the program's path.
fn built() -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet"])
            .args(["-p", "dokku-example-embed-deploy"])
            .args(["-p", "dokku-fixture-deploy-marker"])
            .current_dir(repo_root())
            .status()
            .expect("run cargo build");
        assert!(
            status.success(),
            "building embed-deploy and the fixture failed"
        );
    });
    target_dir().join("debug/dokku-example-embed-deploy")
}

/// Installs the prebuilt `deploy-marker` fixture (a native library plugin answering
/// `post-deploy`) from a local directory, as an operator installs a plugin.
fn install_deploy_marker(env: &TestEnv) {
    let dir = env.scratch("src").join("deploy-marker");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let fixture = repo_root().join("dokku-test-support/fixtures/deploy-marker");
    std::fs::copy(fixture.join("plugin.toml"), dir.join("plugin.toml")).expect("copy manifest");
    let library = "libdokku_fixture_deploy_marker.so";
    std::fs::copy(target_dir().join("debug").join(library), dir.join(library))
        .expect("copy library");
    env.dokku([
        "plugin:install",
        dir.to_str().expect("utf8"),
        "--name",
        "deploy-marker",
    ])
    .success();
}

/// The arguments the fixture's `post-deploy` recorded for `app`, if it ran.
fn marker(env: &TestEnv, app: &str) -> Option<String> {
    std::fs::read_to_string(
        env.lib_root()
            .join("config/deploy-marker")
            .join(app)
            .join("post-deploy"),
    )
    .ok()
}

#[test]
fn embed_deploy_deploys_hello_app_and_a_native_post_deploy_handler_runs() {
    if skipped() {
        return;
    }
    let program = built();
    let d = Deployer::new();
    install_deploy_marker(&d.env);
    let app = d.app("embed");
    assert_eq!(marker(&d.env, &app), None);

    // Only what `PREFIX/env` gives: no DOKKU_* from this process, no install's PATH.
    let mut cmd = Command::new(&program);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("DOKKU_") {
            cmd.env_remove(key);
        }
    }
    cmd.arg("--prefix")
        .arg(d.env.prefix())
        .args(["--app", &app, "--source"])
        .arg(repo_root().join("examples/hello-app"));
    let ran = run(&mut cmd);
    let text = output(&ran);
    assert_eq!(ran.code, 0, "embed-deploy failed\n{text}");

    for line in [
        format!(
            "embed-deploy: using {}",
            d.env.prefix().join("bin/dokku").display()
        ),
        format!("embed-deploy: created {app}"),
        "embed-deploy: set GREETING without a restart".to_string(),
        "-----> Downloading tar file from file://".to_string(),
        format!("-----> Building {app} from Dockerfile"),
        format!("-----> Deploying {app} via the docker-local scheduler..."),
        "=====> Application deployed:".to_string(),
    ] {
        assert!(text.contains(&line), "missing {line:?} in\n{text}");
    }

    // The native handler ran during the deploy: its line comes before the program
    // lists the apps, and it recorded `post-deploy APP PORT IP TAG`.
    let said = format!("-----> deploy-marker: post-deploy {app}");
    let said_at = ran
        .stdout
        .find(&said)
        .unwrap_or_else(|| panic!("no {said:?} in\n{text}"));
    let listed_at = ran.stdout.find("embed-deploy: apps:").expect("the listing");
    assert!(said_at < listed_at, "{text}");
    let recorded = marker(&d.env, &app).expect("the native post-deploy handler recorded nothing");
    assert!(recorded.starts_with(&format!("{app} ")), "{recorded:?}");

    // The listing and the URL: the proxy's, from the host's name and EXPOSE 5000.
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let url = format!("http://{}:5000", hostname.trim());
    assert!(
        ran.stdout.contains(&format!(
            "embed-deploy:   {app} deployed=true running=Yes processes=1 url={url}\n"
        )),
        "{text}"
    );
    assert!(
        ran.stdout
            .contains(&format!("embed-deploy: {app} is at {url}\n")),
        "{text}"
    );

    // The app answers, with the config set before the deploy.
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Hello from hello-app!"), "{body}");
    assert!(body.contains("GREETING=hello from embed-deploy"), "{body}");

    // The CLI sees the same deployed app.
    let deployed = d.env.dokku(["ps:report", &app, "--deployed"]).success();
    assert_eq!(deployed.stdout.trim(), "true");
    let source = d
        .env
        .dokku(["apps:report", &app, "--app-deploy-source"])
        .success();
    assert_eq!(source.stdout.trim(), "tar");
}
