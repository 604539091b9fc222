//! `dokku cleanup APP` against a real Docker engine: it removes the app's exited
//! containers labelled `dokku`, its dangling images and its unused images, and nothing
//! else — not a running container, not a container without the `dokku` label, not a
//! created-but-never-started one, not another app's.
//!
//! Every container and image made here carries `com.dokku-rs.test=<unique>` and is
//! removed by that label on drop; the app names are unique too, so the app-scoped
//! filters `cleanup APP` uses cannot reach anything else on the machine. The global
//! `dokku cleanup` is not run here: it would act on every exited `dokku` container of
//! the host (tests/it/apps.rs checks its docker calls with a fake engine).

use std::process::Command;

use dokku_test_support::TestEnv;

use crate::harness::{docker, output, skipped};

const BASE_IMAGE: &str = "dokku-rs/base:busybox";

struct Fixture {
    env: TestEnv,
    unique: String,
}

impl Fixture {
    fn new() -> Fixture {
        let version = docker(["version"]);
        assert_eq!(
            version.code, 0,
            "the e2e tests need a Docker engine\n{}\nhint: start dockerd (scripts/ci-prepare.sh), or set DOKKU_SKIP_E2E=1 to skip them locally",
            version.stderr
        );
        if docker(["image", "inspect", BASE_IMAGE]).code != 0 {
            let script = dokku_test_support::repo_root().join("scripts/build-base-image.sh");
            let status = Command::new("bash")
                .arg(script)
                .status()
                .expect("run build-base-image.sh");
            assert!(status.success(), "scripts/build-base-image.sh failed");
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_nanos();
        Fixture {
            env: TestEnv::install(env!("CARGO_BIN_EXE_dokku")),
            unique: format!("{}-{nanos:x}", std::process::id()),
        }
    }

    fn test_label(&self) -> String {
        format!("com.dokku-rs.test={}", self.unique)
    }

    /// A container from the base image with `labels` (plus the test label). `state`:
    /// `exited` runs `true` to completion, `running` starts `sleep`, `created` only
    /// creates it. Returns its id.
    fn container(&self, labels: &[String], state: &str) -> String {
        let (verb, command): (&[&str], &[&str]) = match state {
            "exited" => (&["container", "run"], &["true"]),
            "running" => (&["container", "run", "--detach"], &["sleep", "300"]),
            _ => (&["container", "create"], &["sleep", "300"]),
        };
        let mut args: Vec<String> = verb.iter().map(|s| s.to_string()).collect();
        for label in labels.iter().cloned().chain([self.test_label()]) {
            args.push(format!("--label={label}"));
        }
        let cidfile = self.env.scratch("cids").join(format!(
            "{}",
            std::fs::read_dir(self.env.scratch("cids"))
                .map(|d| d.count())
                .unwrap_or(0)
        ));
        args.push(format!("--cidfile={}", cidfile.display()));
        args.push(BASE_IMAGE.into());
        args.extend(command.iter().map(|s| s.to_string()));
        let run = docker(&args);
        assert_eq!(run.code, 0, "{}", output(&run));
        std::fs::read_to_string(&cidfile)
            .expect("cidfile")
            .trim()
            .to_string()
    }

    /// Builds an image FROM the base image with `labels` (plus the test label),
    /// tagged `tag`; returns its id.
    fn image(&self, tag: &str, labels: &[String], salt: &str) -> String {
        let ctx = self.env.scratch("images").join(salt);
        std::fs::create_dir_all(&ctx).expect("mkdir");
        let mut dockerfile = format!("FROM {BASE_IMAGE}\nLABEL {}\n", self.test_label());
        for label in labels {
            dockerfile.push_str(&format!("LABEL {label}\n"));
        }
        dockerfile.push_str(&format!("LABEL com.dokku-rs.salt={salt}\n"));
        std::fs::write(ctx.join("Dockerfile"), dockerfile).expect("write Dockerfile");
        let built = docker([
            "image",
            "build",
            "--quiet",
            "--tag",
            tag,
            ctx.to_str().expect("utf8"),
        ]);
        assert_eq!(built.code, 0, "{}", output(&built));
        built.stdout.trim().to_string()
    }

    fn exists(&self, kind: &str, id: &str) -> bool {
        docker([kind, "inspect", id]).code == 0
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        crate::harness::remove_labelled(&format!("label={}", self.test_label()));
    }
}

#[test]
fn cleanup_app_removes_only_that_apps_exited_dokku_containers_and_unused_images() {
    if skipped() {
        return;
    }
    let f = Fixture::new();
    let app = format!("e2e-clean-{}", f.unique);
    let other = format!("e2e-other-{}", f.unique);
    f.env.dokku(["apps:create", &app]).success();
    let app_label = format!("com.dokku.app-name={app}");
    let other_label = format!("com.dokku.app-name={other}");
    let dokku = "dokku".to_string();

    let exited = f.container(&[dokku.clone(), app_label.clone()], "exited");
    let running = f.container(&[dokku.clone(), app_label.clone()], "running");
    let created = f.container(&[dokku.clone(), app_label.clone()], "created");
    let unlabelled = f.container(std::slice::from_ref(&app_label), "exited");
    let others = f.container(&[dokku.clone(), other_label.clone()], "exited");

    // Two builds of one tag leave the first dangling; another tag is unused.
    let tag = format!("dokku-rs-test/cleanup:{}", f.unique);
    let dangling = f.image(&tag, std::slice::from_ref(&app_label), "first");
    let current = f.image(&tag, std::slice::from_ref(&app_label), "second");
    assert_ne!(dangling, current);
    let other_tag = format!("dokku-rs-test/cleanup-other:{}", f.unique);
    let other_image = f.image(&other_tag, std::slice::from_ref(&other_label), "other");

    // skip-cleanup (app property) leaves everything in place.
    f.env
        .dokku([
            "__core",
            "prop",
            "set",
            "builder",
            &app,
            "skip-cleanup",
            "true",
        ])
        .success();
    assert_eq!(
        f.env.dokku(["cleanup", &app]).success().stdout,
        "-----> DOKKU_SKIP_CLEANUP set. Skipping dokku cleanup\n"
    );
    assert!(f.exists("container", &exited) && f.exists("image", &dangling));
    f.env
        .dokku(["__core", "prop", "del", "builder", &app, "skip-cleanup"])
        .success();

    let run = f.env.dokku(["cleanup", &app]).success();
    assert_eq!(run.stdout, "-----> Cleaning up...\n", "{}", output(&run));
    assert!(
        !f.exists("container", &exited),
        "the app's exited container is left"
    );
    for (what, id) in [
        ("running", &running),
        ("created", &created),
        ("without the dokku label", &unlabelled),
        ("of another app", &others),
    ] {
        assert!(
            f.exists("container", id),
            "the container {what} was removed"
        );
    }
    assert!(
        !f.exists("image", &dangling),
        "the app's dangling image is left"
    );
    assert!(
        !f.exists("image", &current),
        "the app's unused image is left"
    );
    assert!(
        f.exists("image", &other_image),
        "another app's image was removed"
    );
    assert!(f.exists("image", BASE_IMAGE));
}
