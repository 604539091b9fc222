//! Builds through the engine's BuildKit (Docker Engine API) by default, and through
//! the `docker` CLI's legacy builder with `DOCKER_BUILDKIT=0` in dokku's settings.

use crate::harness::{commit_all, docker, output, skipped, Deployer};

/// Lines of BuildKit's plain progress (`#N ...`), as the engine path renders them.
fn progress_lines(out: &str) -> Vec<&str> {
    out.lines()
        .map(|l| l.trim_start_matches("remote: ").trim())
        .filter(|l| l.starts_with('#') && l[1..].starts_with(|c: char| c.is_ascii_digit()))
        .collect()
}

#[test]
fn a_push_builds_through_the_engine_without_the_dockerignored_files() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("engine");
    let src = d.hello_source("engine");
    // The whole context lands in /ctx, so what was sent can be listed.
    let dockerfile = std::fs::read_to_string(src.join("Dockerfile")).expect("Dockerfile");
    std::fs::write(src.join("Dockerfile"), format!("{dockerfile}COPY . /ctx\n"))
        .expect("Dockerfile");
    std::fs::write(src.join("secret.txt"), "not for the image\n").expect("secret");
    std::fs::write(src.join(".dockerignore"), "secret.txt\n").expect(".dockerignore");
    commit_all(&src, "a context with an ignored file");

    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_eq!(push.code, 0, "{out}");
    let progress = progress_lines(&out);
    assert!(
        progress.iter().any(|l| l.ends_with("COPY www /app/www")),
        "BuildKit progress for the app's steps:\n{out}"
    );
    assert!(
        progress
            .iter()
            .any(|l| l.contains(" DONE ") || l.ends_with(" CACHED")),
        "{out}"
    );
    assert!(!out.contains("Step 1/"), "not the legacy builder:\n{out}");
    assert_eq!(d.get(&app, "/").0, 200);

    let labels = docker([
        "image",
        "inspect",
        "--format",
        "{{json .Config.Labels}}",
        &format!("dokku/{app}:latest"),
    ]);
    let labels: serde_json::Value = serde_json::from_str(labels.stdout.trim()).expect("labels");
    assert_eq!(labels["com.dokku.image-stage"], "release", "{labels}");
    assert_eq!(labels["com.dokku.app-name"], app.as_str(), "{labels}");
    assert_eq!(labels["com.dokku.builder-type"], "dockerfile", "{labels}");
    assert_eq!(labels["com.dokku-rs.test"], d.id.as_str(), "{labels}");

    let cid = d.container_id(&app, "web.1").expect("container");
    let listing = docker(["container", "exec", &cid, "ls", "-a", "/ctx"]);
    assert_eq!(listing.code, 0, "{}", listing.stderr);
    let names: Vec<&str> = listing.stdout.split_whitespace().collect();
    assert!(names.contains(&"Dockerfile"), "{names:?}");
    assert!(names.contains(&".dockerignore"), "{names:?}");
    assert!(names.contains(&"www"), "{names:?}");
    assert!(!names.contains(&"secret.txt"), "{names:?}");
}

#[test]
fn a_failing_run_fails_the_push_and_buildkit_off_keeps_the_legacy_builder() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("enginefail");
    let src = d.hello_source("enginefail");
    assert_eq!(d.push(&src, &app, "main").code, 0);
    let good = d.container_id(&app, "web.1").expect("container");

    let dockerfile = std::fs::read_to_string(src.join("Dockerfile")).expect("Dockerfile");
    std::fs::write(
        src.join("Dockerfile"),
        format!("{dockerfile}RUN echo about-to-fail && exit 3\n"),
    )
    .expect("Dockerfile");
    commit_all(&src, "a step that fails");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_ne!(push.code, 0, "{out}");
    let progress = progress_lines(&out);
    assert!(
        progress.iter().any(|l| l.ends_with(" about-to-fail")),
        "the step's output:\n{out}"
    );
    assert!(
        progress
            .iter()
            .any(|l| l.contains(" ERROR: ") && l.contains("exit code: 3")),
        "the step's error:\n{out}"
    );
    assert!(out.contains("ERROR: "), "{out}");
    // The previous release still serves.
    assert_eq!(
        d.container_id(&app, "web.1").as_deref(),
        Some(good.as_str())
    );
    assert_eq!(d.get(&app, "/").0, 200);

    // An operator's DOCKER_BUILDKIT=0 keeps the CLI's legacy builder.
    let rc = d.env.dokku_root().join(".dokkurc");
    std::fs::create_dir_all(&rc).expect("mkdir .dokkurc");
    std::fs::write(rc.join("buildkit"), "export DOCKER_BUILDKIT=0\n").expect("write rc");
    std::fs::write(src.join("Dockerfile"), dockerfile).expect("Dockerfile");
    commit_all(&src, "the step is gone");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_eq!(push.code, 0, "{out}");
    assert!(
        out.contains("Step 1/"),
        "the legacy builder's output:\n{out}"
    );
    assert!(progress_lines(&out).is_empty(), "{out}");
    assert_eq!(d.get(&app, "/").0, 200);
}

/// The engine cannot pull without the CLI's session and logins: a build whose base is
/// not on the engine goes to the CLI (which would pull it; nothing can be pulled
/// here, so the push fails the CLI's way), while an image that is local serves
/// `COPY --from=` through the engine.
#[test]
fn a_base_image_the_engine_lacks_sends_the_build_to_the_cli() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("enginebase");
    let src = d.hello_source("enginebase");
    let dockerfile = std::fs::read_to_string(src.join("Dockerfile")).expect("Dockerfile");
    let base = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("FROM "))
        .expect("a FROM line")
        .trim()
        .to_string();

    // A local image as a COPY source: still the engine.
    std::fs::write(
        src.join("Dockerfile"),
        format!("{dockerfile}COPY --from={base} /bin/busybox /copied-busybox\n"),
    )
    .expect("Dockerfile");
    commit_all(&src, "copy from a local image");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_eq!(push.code, 0, "{out}");
    assert!(!progress_lines(&out).is_empty(), "the engine built:\n{out}");

    // A base nobody has: the CLI, which says why under DOKKU_TRACE.
    let rc = d.env.dokku_root().join(".dokkurc");
    std::fs::create_dir_all(&rc).expect("mkdir .dokkurc");
    std::fs::write(rc.join("trace"), "export DOKKU_TRACE=1\n").expect("write rc");
    let absent = format!("dokku-rs/absent-{}:1", d.id);
    std::fs::write(
        src.join("Dockerfile"),
        dockerfile.replacen(&format!("FROM {base}"), &format!("FROM {absent}"), 1),
    )
    .expect("Dockerfile");
    commit_all(&src, "a base that is not on the engine");
    let push = d.push(&src, &app, "main");
    let out = output(&push);
    assert_ne!(push.code, 0, "nothing can be pulled here:\n{out}");
    assert!(
        out.contains(&format!(
            "docker image build through the CLI: the image {absent} is not on the engine"
        )),
        "{out}"
    );
    assert!(progress_lines(&out).is_empty(), "not the engine:\n{out}");
    // The previous release still serves.
    assert_eq!(d.get(&app, "/").0, 200);
}
