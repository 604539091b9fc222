//! Issue 14: `push-on-release` against a real registry. Debian's `docker-registry`
//! is started by the test on a free loopback port with its own config and storage
//! directory (Docker trusts loopback registries without TLS) and stopped by its pid;
//! the system service is never touched. A deploy pushes `<server>/dokku/APP:1` and
//! the extra tag; once the local copy is removed, the core's `verify-app-image`
//! (what `fn-verify-app-image` and the bash helpers use) pulls it back, and so does a
//! restart once every local name of the release is gone.

use std::process::{Child, Command, Stdio};

use crate::harness::{docker, output, skipped, start_on_free_port, Deployer};

const REGISTRY_BIN: &str = "/usr/bin/docker-registry";

/// A registry of this test's own, stopped by pid on drop (the swarm test uses it
/// too).
pub(crate) struct Registry {
    child: Child,
    port: u16,
}

impl Registry {
    pub(crate) fn start(dir: &std::path::Path) -> Registry {
        assert!(
            std::path::Path::new(REGISTRY_BIN).exists(),
            "the registry e2e test needs {REGISTRY_BIN}\nhint: apt-get install docker-registry (scripts/ci-prepare.sh installs it)"
        );
        let storage = dir.join("storage");
        std::fs::create_dir_all(&storage).expect("mkdir storage");
        let started = start_on_free_port(|port| {
            let config = dir.join("config.yml");
            std::fs::write(
                &config,
                format!(
                    "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
                    storage.display()
                ),
            )
            .expect("write config");
            let log = std::fs::File::create(dir.join("registry.log")).expect("log");
            Command::new(REGISTRY_BIN)
                .arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("start docker-registry")
        });
        if let Some((child, port)) = started {
            return Registry { child, port };
        }
        let log = std::fs::read_to_string(dir.join("registry.log")).unwrap_or_default();
        panic!("the test registry did not start\n{log}");
    }

    pub(crate) fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `GET /v2/REPO/tags/list` of the registry.
    pub(crate) fn tags(&self, repo: &str) -> String {
        let out = Command::new("curl")
            .args(["-s", "-f"])
            .arg(format!("http://{}/v2/{repo}/tags/list", self.server()))
            .output()
            .expect("curl");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn push_on_release_pushes_each_release_and_a_missing_image_is_pulled_back_and_served() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let registry = Registry::start(&d.env.scratch("registry"));
    let app = d.app("pushed");
    let server = registry.server();
    d.env.dokku(["apps:create", &app]).success();
    for (key, value) in [
        ("push-on-release", "true"),
        ("server", server.as_str()),
        ("push-extra-tags", "stable"),
    ] {
        d.env.dokku(["registry:set", &app, key, value]).success();
    }

    let src = d.hello_source("pushed");
    let push = d.push(&src, &app, "main");
    let text = output(&push);
    assert_eq!(push.code, 0, "push failed\n{text}");
    assert!(text.contains("-----> Pushing image to registry"), "{text}");
    let remote = format!("{server}/dokku/{app}:1");
    assert!(text.contains(&format!("Image {remote} pushed")), "{text}");
    let tags = registry.tags(&format!("dokku/{app}"));
    assert!(
        tags.contains("\"1\"") && tags.contains("\"stable\""),
        "{tags}"
    );
    assert_eq!(
        d.env
            .dokku(["registry:report", &app, "--registry-tag-version"])
            .success()
            .stdout,
        "1\n"
    );
    let (status, _) = d.get(&app, "/");
    assert_eq!(status, 200);
    // As in Dokku, the container runs the pushed name.
    let image_of = |slot: &str| {
        let cid = d.container_id(&app, slot).expect("container");
        docker([
            "container",
            "inspect",
            "--format",
            "{{.Config.Image}}",
            &cid,
        ])
        .stdout
        .trim()
        .to_string()
    };
    assert_eq!(image_of("web.1"), remote);

    // The extra tag is untagged locally after its push; the release tag stays.
    assert_ne!(
        docker(["image", "inspect", &format!("{server}/dokku/{app}:stable")]).code,
        0
    );
    assert_eq!(docker(["image", "inspect", &remote]).code, 0);

    // Gone locally: the app's registry settings bring it back.
    let removed = docker(["image", "rm", &remote]);
    assert_eq!(removed.code, 0, "{}", output(&removed));
    let pulled = d.env.dokku(["__core", "verify-app-image", &app, &remote]);
    assert_eq!(pulled.code, 0, "{}", output(&pulled));
    assert_eq!(docker(["image", "inspect", &remote]).code, 0, "pulled back");

    // Every local name of the release gone (the running container keeps the image
    // itself): a restart pulls the pushed release and serves it again.
    for name in [
        format!("dokku/{app}:latest"),
        format!("dokku/{app}:1"),
        remote.clone(),
    ] {
        let untagged = docker(["image", "rm", "--force", &name]);
        assert_eq!(untagged.code, 0, "{}", output(&untagged));
    }
    let restart = d.env.dokku(["ps:restart", &app]);
    let text = output(&restart);
    assert_eq!(restart.code, 0, "{text}");
    assert!(
        text.contains(&format!(
            "not found locally, pulling {remote} from registry"
        )),
        "{text}"
    );
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200, "{body}");
    assert_eq!(image_of("web.1"), remote);

    // Issue 15: a rollback to a release whose image was pruned pulls it back from
    // the registry. v2 is a new image; with no release images kept, cleanup prunes
    // v1's.
    let rev1 = crate::harness::git(&src, &["rev-parse", "HEAD"])
        .stdout
        .trim()
        .to_string();
    std::fs::write(src.join("www/v2.txt"), "v2").expect("write");
    crate::harness::commit_all(&src, "v2");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    d.env.dokku(["releases:set", &app, "keep", "0"]).success();
    d.env.dokku(["cleanup", &app]).success();
    assert_ne!(
        docker(["image", "inspect", &remote]).code,
        0,
        "v1's image pruned"
    );
    let rollback = d.env.dokku(["releases:rollback", &app, "v1"]);
    let text = output(&rollback);
    assert_eq!(rollback.code, 0, "{text}");
    assert!(
        text.contains(&format!("pulling {remote} from registry")),
        "{text}"
    );
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!("GIT_REV={rev1}")), "{body}");
}
