//! Named storage (issue 14) on real Docker: one entry mounted into two process types
//! keeps what one process wrote across a redeploy, and the other process reads it.

use std::os::unix::fs::PermissionsExt;

use crate::harness::{commit_all, output, skipped, Deployer};

#[test]
fn a_named_entry_shared_by_two_process_types_survives_a_redeploy() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("storage");
    let src = d.hello_source("storage");
    std::fs::write(
        src.join("Procfile"),
        "web: /app/entrypoint.sh\nworker: sleep 100000\n",
    )
    .expect("Procfile");
    commit_all(&src, "web and worker");
    d.env.dokku(["apps:create", &app]).success();

    let entry = format!("{app}-data");
    d.env.dokku(["storage:create", &entry]).success();
    let dir = d.env.lib_root().join("data/storage").join(&entry);
    // Whatever user the image runs as may write into it.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    d.env
        .dokku(["storage:mount", &app, &entry, "--container-dir", "/shared"])
        .success();

    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    d.env.dokku(["ps:scale", &app, "worker=1"]).success();
    let write = d.env.dokku([
        "enter",
        &app,
        "web",
        "sh",
        "-c",
        "echo kept-by-web > /shared/note",
    ]);
    assert_eq!(write.code, 0, "{}", output(&write));
    assert_eq!(
        std::fs::read_to_string(dir.join("note")).expect("on the host"),
        "kept-by-web\n"
    );

    // A new release: new containers for both types.
    let web_before = d.container_id(&app, "web.1").expect("web.1");
    let worker_before = d.container_id(&app, "worker.1").expect("worker.1");
    std::fs::write(src.join("CHANGED"), "redeploy\n").expect("change");
    commit_all(&src, "redeploy");
    let again = d.push(&src, &app, "main");
    assert_eq!(again.code, 0, "{}", output(&again));
    assert_ne!(d.container_id(&app, "web.1"), Some(web_before));
    assert_ne!(d.container_id(&app, "worker.1"), Some(worker_before));

    let read = d
        .env
        .dokku(["enter", &app, "worker", "cat", "/shared/note"]);
    assert_eq!(
        (read.code, read.stdout.as_str()),
        (0, "kept-by-web\n"),
        "{}",
        read.stderr
    );

    d.env.dokku(["storage:unmount", &app, &entry]).success();
    d.env
        .dokku(["storage:destroy", &entry, "--force"])
        .success();
}
