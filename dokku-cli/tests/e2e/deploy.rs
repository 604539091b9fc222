//! `git push` → build → deploy → HTTP 200, and what must hold when things go wrong.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::harness::{commit_all, docker, git, http_get, output, skipped, Deployer};

#[test]
fn git_push_over_ssh_deploys_a_dockerfile_app_that_answers_200() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("hello");
    let src = d.hello_source("hello");
    let push = d.push(&src, &app, "main");
    let text = output(&push);
    assert_eq!(push.code, 0, "push failed\n{text}");
    for line in [
        "-----> Cleaning up...".to_string(),
        format!("-----> Building {app} from Dockerfile"),
        format!("-----> Releasing {app}..."),
        "=====> Processing deployment checks".to_string(),
        format!("-----> Deploying {app} via the docker-local scheduler..."),
        "-----> Deploying web (count=1)".to_string(),
        "       Attempting pre-flight checks (web.1)".to_string(),
        "       All checks successful (web.1)".to_string(),
        "=====> Application deployed:".to_string(),
    ] {
        assert!(text.contains(&line), "missing {line:?} in\n{text}");
    }
    // The first push of `main` makes it the deploy branch.
    assert!(text.contains("-----> Set main as deploy-branch"), "{text}");

    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Hello from hello-app!"), "{body}");
    let rev = git(&src, &["rev-parse", "HEAD"]).stdout.trim().to_string();
    assert!(body.contains(&format!("GIT_REV={rev}")), "{body}");
    // The URL is the proxy's (domains-urls): no domain is set in this install, so
    // the host's name and the port detected from EXPOSE.
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let url = format!("       http://{}:5000", hostname.trim());
    assert!(text.lines().any(|l| l.trim_end().ends_with(&url)), "{text}");

    // The container: Dokku's name, labels and environment.
    let cid = d.container_id(&app, "web.1").expect("CONTAINER.web.1");
    let inspect = docker(["container", "inspect", "--format", "{{.Name}}|{{json .Config.Labels}}|{{json .Config.Env}}|{{.HostConfig.Init}}|{{.HostConfig.RestartPolicy.Name}}", &cid]);
    assert_eq!(inspect.code, 0, "{}", inspect.stderr);
    let fields: Vec<&str> = inspect.stdout.trim().split('|').collect();
    assert_eq!(fields[0], format!("/{app}.web.1"));
    let labels: serde_json::Value = serde_json::from_str(fields[1]).expect("labels");
    assert_eq!(labels["com.dokku.app-name"], app.as_str());
    assert_eq!(labels["com.dokku.process-type"], "web");
    assert_eq!(labels["com.dokku.dyno"], "web.1");
    assert_eq!(labels["com.dokku.container-type"], "deploy");
    assert_eq!(labels["dokku"], "");
    assert_eq!(
        labels["com.dokku-rs.test"],
        d.id.as_str(),
        "the operator plugin's docker-args-deploy applied"
    );
    let env: Vec<String> = serde_json::from_str(fields[2]).expect("env");
    assert!(env.contains(&"PORT=5000".to_string()), "{env:?}");
    assert!(env.contains(&"DYNO=web.1".to_string()), "{env:?}");
    assert_eq!(fields[3], "true", "--init");
    assert_eq!(fields[4], "on-failure");

    // The image: build labels and the release relabel.
    let image = docker([
        "image",
        "inspect",
        "--format",
        "{{json .Config.Labels}}",
        &format!("dokku/{app}:latest"),
    ]);
    let labels: serde_json::Value =
        serde_json::from_str(image.stdout.trim()).expect("image labels");
    assert_eq!(labels["com.dokku.image-stage"], "release");
    assert_eq!(labels["com.dokku.builder-type"], "dockerfile");
    assert_eq!(labels["org.label-schema.vendor"], "dokku");

    // The legacy plugin's post-deploy got Dokku's arguments: APP "" "" TAG.
    assert_eq!(d.post_deploy_calls(), format!("[{app}][][][latest]\n"));

    // The app was created by the push; the ssh login runs other commands too.
    let list = d.ssh(&["apps:list"]);
    assert_eq!(list.code, 0, "{}", output(&list));
    assert!(list.stdout.lines().any(|l| l == app), "{}", output(&list));
    let keys = d.ssh(&["ssh-keys:list"]);
    assert!(keys.stdout.contains("NAME=\"e2e\""), "{}", output(&keys));

    // git-upload-pack: the pushed code can be cloned back.
    let clone_dir = d.env.scratch("clone");
    let clone = d.git_over_ssh(&clone_dir, &["clone", "--quiet", &d.url(&app), "copy"]);
    assert_eq!(clone.code, 0, "{}", output(&clone));
    assert_eq!(
        git(
            &clone_dir.join("copy"),
            &["rev-parse", "refs/remotes/origin/main"]
        )
        .stdout
        .trim(),
        rev
    );
}

#[test]
fn a_redeploy_replaces_the_container_and_keeps_serving() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("zdt");
    let src = d.hello_source("zdt");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    let old_cid = d.container_id(&app, "web.1").expect("first container");
    let old_addr = d.web_addr(&app);

    // Poll the serving container while the redeploy runs, until the switch.
    let container_file = d.env.dokku_root().join(&app).join("CONTAINER.web.1");
    let stop = Arc::new(AtomicBool::new(false));
    let poller = {
        let stop = stop.clone();
        let old_cid = old_cid.clone();
        std::thread::spawn(move || {
            let (mut ok, mut failed) = (0u32, Vec::new());
            while !stop.load(Ordering::SeqCst) {
                let current = std::fs::read_to_string(&container_file).unwrap_or_default();
                if current.trim() != old_cid {
                    break;
                }
                match http_get(old_addr, "/") {
                    Ok((200, _)) => ok += 1,
                    other => {
                        // The switch may land between reading the file and the request.
                        let now = std::fs::read_to_string(&container_file).unwrap_or_default();
                        if now.trim() == old_cid {
                            failed.push(format!("{other:?}"));
                        }
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            (ok, failed)
        })
    };
    let rev2 = commit_all(&src, "second release");
    let push = d.push(&src, &app, "main");
    stop.store(true, Ordering::SeqCst);
    let (ok, failed) = poller.join().expect("poller");
    assert_eq!(push.code, 0, "{}", output(&push));
    assert!(ok > 0, "the old container was polled during the deploy");
    assert!(
        failed.is_empty(),
        "the old container stopped answering before the switch: {failed:?}"
    );

    let new_cid = d.container_id(&app, "web.1").expect("second container");
    assert_ne!(new_cid, old_cid);
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200);
    assert!(body.contains(&format!("GIT_REV={rev2}")), "{body}");
    let text = output(&push);
    assert!(
        text.contains("Scheduling old container shutdown in 0 seconds (web.1)"),
        "{text}"
    );
    // wait-to-retire is 0 here: the old container is gone, the new one has the name.
    let old = docker(["container", "inspect", &old_cid]);
    assert_ne!(old.code, 0, "old container still exists");
    let name = docker(["container", "inspect", "--format", "{{.Name}}", &new_cid]);
    assert_eq!(name.stdout.trim(), format!("/{app}.web.1"));
}

#[test]
fn a_failing_build_rejects_the_push_and_the_old_release_keeps_serving() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("badbuild");
    let src = d.hello_source("badbuild");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    let good_rev = git(&src, &["rev-parse", "HEAD"]).stdout.trim().to_string();
    let cid = d.container_id(&app, "web.1").expect("container");
    let image_before = docker([
        "image",
        "inspect",
        "--format",
        "{{.Id}}",
        &format!("dokku/{app}:latest"),
    ])
    .stdout;

    let dockerfile = src.join("Dockerfile");
    let text = std::fs::read_to_string(&dockerfile).expect("Dockerfile");
    // A step that fails without a build container (a RUN failure would leave its
    // intermediate container behind, as the legacy builder does for Dokku too).
    std::fs::write(
        &dockerfile,
        format!("{text}COPY this-file-does-not-exist /nowhere\n"),
    )
    .expect("write");
    commit_all(&src, "broken build");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_ne!(push.code, 0, "the push must fail\n{out}");
    assert!(out.contains("App build failed"), "{out}");
    assert!(out.contains("pre-receive hook declined"), "{out}");

    // Nothing changed: same container, same release image, ref not updated.
    assert_eq!(d.container_id(&app, "web.1").as_deref(), Some(cid.as_str()));
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200);
    assert!(body.contains(&format!("GIT_REV={good_rev}")), "{body}");
    let image_after = docker([
        "image",
        "inspect",
        "--format",
        "{{.Id}}",
        &format!("dokku/{app}:latest"),
    ])
    .stdout;
    assert_eq!(
        image_after, image_before,
        "dokku/APP:latest points at the last release again"
    );
    let head = std::fs::read_to_string(d.env.dokku_root().join(&app).join("refs/heads/main"))
        .expect("ref");
    assert_eq!(head.trim(), good_rev);
}

#[test]
fn a_push_to_an_invalid_app_name_fails_clearly() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let src = d.hello_source("invalid");
    for bad in ["Bad_Name", "-leading-dash"] {
        let push = d.push(&src, bad, "main");
        let out = output(&push);
        assert_ne!(push.code, 0, "{out}");
        assert!(
            out.contains("App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens"),
            "{out}"
        );
        assert!(!d.env.dokku_root().join(bad).exists());
    }

    // Without a Dockerfile the (buildpack) builder is not available here: the push
    // fails and says what to do instead of deploying nothing.
    std::fs::remove_file(src.join("Dockerfile")).expect("rm Dockerfile");
    commit_all(&src, "no Dockerfile");
    let app = d.app("nodockerfile");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_ne!(push.code, 0, "{out}");
    assert!(out.contains(&format!("Unable to build {app}: the herokuish builder needs the image gliderlabs/herokuish:latest-24")), "{out}");
    assert!(out.contains("App build failed"), "{out}");
    assert!(d.container_id(&app, "web.1").is_none());
}

#[test]
fn a_second_push_during_a_deploy_is_refused_by_the_deploy_lock() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("locked");
    let src = d.hello_source("locked");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    // Make the next deploy slow: five seconds of uptime check (Dokku's fixed wait).
    d.env
        .dokku(["checks:set", "--global", "default-mode", "uptime"])
        .success();
    d.env
        .dokku([
            "__core",
            "prop",
            "set",
            "checks",
            "--global",
            "default-wait",
            "5",
        ])
        .success();
    let other = d.env.scratch("src").join("locked-2");
    dokku_test_support::copy_tree(&src, &other);
    commit_all(&src, "first writer");
    let lock = d
        .env
        .lib_root()
        .join("data/apps")
        .join(&app)
        .join(".deploy.lock");
    let d = Arc::new(d);
    let first = {
        let d = d.clone();
        let (src, app) = (src.clone(), app.clone());
        std::thread::spawn(move || d.push(&src, &app, "main"))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !lock.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(lock.exists(), "the first deploy took the lock");
    commit_all(&other, "second writer");
    let second = d.push(&other, &app, "main:refs/heads/main");
    let out = output(&second);
    assert_ne!(second.code, 0, "{out}");
    assert!(
        out.contains(&format!(
            "{app} currently has a deploy lock in place. Exiting..."
        )),
        "{out}"
    );
    assert!(
        out.contains("Run 'apps:unlock' to release the existing deploy lock"),
        "{out}"
    );
    let first = first.join().expect("first push");
    assert_eq!(first.code, 0, "{}", output(&first));
    assert!(!lock.exists(), "the lock is released after the deploy");
}
