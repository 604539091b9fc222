//! Named storage entries (issue 14) through the binary: `storage:create`, `:info`,
//! `:list-entries`, `:mount APP NAME --container-dir`, `:report`'s attachment keys,
//! `:unmount`, `:destroy`, `:set`, annotations, `:migrate`, and bad input refused
//! with nothing written. Nothing here needs root (no `--chown`, `--mode` or
//! `--destroy-host-dir`, which go through the sudo helpers).

use dokku_test_support::TestEnv;

use crate::install;

fn app(env: &TestEnv, name: &str) {
    std::fs::create_dir_all(env.dokku_root().join(name)).expect("create app dir");
}

fn json(run: &dokku_test_support::Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn entry_file(env: &TestEnv, name: &str) -> std::path::PathBuf {
    env.lib_root()
        .join(format!("data/storage-registry/entries/{name}.json"))
}

#[test]
fn a_named_entry_is_created_mounted_reported_and_destroyed() {
    let env = install();
    app(&env, "web");
    env.dokku(["storage:create", "uploads"]).success();
    let default_dir = env.lib_root().join("data/storage/uploads");
    assert!(default_dir.is_dir(), "the default host directory is made");
    let info = json(
        &env.dokku(["storage:info", "uploads", "--format", "json"])
            .success(),
    );
    assert_eq!(info["scheduler"], "docker-local");
    assert_eq!(info["host_path"], default_dir.display().to_string());
    assert_eq!(info["schema_version"], 1);
    let listed = json(
        &env.dokku(["storage:list-entries", "--format", "json"])
            .success(),
    );
    assert_eq!(listed[0]["name"], "uploads");

    env.dokku([
        "storage:mount",
        "web",
        "uploads",
        "--container-dir",
        "/data",
        "--volume-options",
        "Z",
        "--volume-subpath",
        "files",
    ])
    .success();
    let report = json(
        &env.dokku(["storage:report", "web", "--format", "json"])
            .success(),
    );
    assert_eq!(report["attachment.1.entry-name"], "uploads");
    assert_eq!(report["storage-attachment.1.entry-name"], "uploads");
    assert_eq!(report["attachment.1.process-type"], "_default_");
    assert_eq!(report["attachment.1.phases"], "deploy,run");
    assert_eq!(
        report["deploy-mounts"],
        format!("-v {}/files:/data:Z", default_dir.display())
    );
    assert_eq!(report["build-mounts"], "");
    let one = env
        .dokku([
            "storage:report",
            "web",
            "--storage-attachment.1.volume-options",
        ])
        .success();
    assert_eq!(one.stdout, "Z\n");

    // Still mounted: refused, and the entry stays.
    let busy = env.dokku(["storage:destroy", "uploads", "--force"]);
    assert_ne!(busy.code, 0);
    assert!(
        busy.stderr.contains("still mounted by app(s): web"),
        "{}",
        busy.stderr
    );
    assert!(entry_file(&env, "uploads").is_file());

    env.dokku(["storage:unmount", "web", "uploads"]).success();
    // No confirmation typed: refused.
    let unconfirmed = env.dokku(["storage:destroy", "uploads"]);
    assert_ne!(unconfirmed.code, 0);
    assert!(entry_file(&env, "uploads").is_file());
    env.dokku(["storage:destroy", "uploads", "--force"])
        .success();
    assert!(!entry_file(&env, "uploads").exists());
    assert!(
        default_dir.is_dir(),
        "the data stays without --destroy-host-dir"
    );
}

#[test]
fn remounting_the_same_slot_updates_it_in_place() {
    let env = install();
    app(&env, "web");
    env.dokku(["storage:create", "cache", "/srv/cache"])
        .success();
    for opts in ["Z", "noexec,nosuid"] {
        env.dokku([
            "storage:mount",
            "web",
            "cache",
            "--container-dir",
            "/cache",
            "--volume-options",
            opts,
        ])
        .success();
    }
    let rows = json(
        &env.dokku(["storage:list", "web", "--format", "json"])
            .success(),
    );
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    assert_eq!(rows[0]["volume_options"], "noexec,nosuid");
    assert_eq!(rows[0]["entry_name"], "cache");
    let quiet = env.dokku(["--quiet", "storage:list", "web"]).success();
    assert_eq!(quiet.stdout, "/srv/cache:/cache:noexec,nosuid\n");
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let env = install();
    app(&env, "web");
    for args in [
        vec!["storage:create", "Upper"],
        vec!["storage:create", "with_underscore"],
        vec!["storage:create", "legacy-mine"],
        vec!["storage:create", "--mode", "0888", "bad-mode"],
        vec!["storage:create", "--chown", "65536", "bad-chown"],
        vec![
            "storage:create",
            "--chown",
            "herokuish",
            "custom",
            "/srv/custom",
        ],
        vec![
            "storage:create",
            "--scheduler",
            "k3s",
            "--mode",
            "0777",
            "--size",
            "1Gi",
            "k",
        ],
        vec!["storage:create", "rel", "relative/path"],
    ] {
        let run = env.dokku(&args);
        assert_ne!(run.code, 0, "{args:?} accepted\n{}", run.stdout);
        assert!(
            run.stderr.starts_with(" !     "),
            "{args:?}: {}",
            run.stderr
        );
    }
    let entries = env.lib_root().join("data/storage-registry/entries");
    let left: Vec<_> = std::fs::read_dir(&entries)
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "entries written: {left:?}");

    env.dokku(["storage:create", "data"]).success();
    for args in [
        vec!["storage:mount", "web", "data"],
        vec!["storage:mount", "web", "missing", "--container-dir", "/x"],
        vec![
            "storage:mount",
            "web",
            "data",
            "--container-dir",
            "relative",
        ],
        vec![
            "storage:mount",
            "web",
            "data",
            "--container-dir",
            "/x",
            "--volume-subpath",
            "../up",
        ],
        vec![
            "storage:mount",
            "web",
            "data",
            "--container-dir",
            "/x",
            "--phase",
            "build",
        ],
        vec![
            "storage:mount",
            "web",
            "data",
            "--container-dir",
            "/x",
            "--process-type",
            "a b",
        ],
        vec!["storage:mount", "web", "relative/x:/data"],
        vec!["storage:set", "data", "bogus", "1"],
        vec!["storage:set", "data", "access-mode", "ReadWriteMany"],
        vec!["storage:set", "data", "mode", "0700", "--chown", "heroku"],
    ] {
        let run = env.dokku(&args);
        assert_ne!(run.code, 0, "{args:?} accepted\n{}", run.stdout);
    }
    let mounts = env.lib_root().join("config/storage/web/mounts");
    let text = std::fs::read_to_string(&mounts).unwrap_or_default();
    assert!(text.trim().is_empty(), "attachments written: {text}");
}

#[test]
fn annotations_and_labels_are_set_reported_and_cleared() {
    let env = install();
    env.dokku(["storage:create", "meta"]).success();
    env.dokku([
        "storage:annotations:set",
        "meta",
        "backup.velero.io/backup-volumes",
        "meta",
    ])
    .success();
    env.dokku(["storage:labels:set", "meta", "tier", "cache"])
        .success();
    let info = json(
        &env.dokku(["storage:info", "meta", "--format", "json"])
            .success(),
    );
    assert_eq!(
        info["annotations"]["backup.velero.io/backup-volumes"],
        "meta"
    );
    assert_eq!(info["labels"]["tier"], "cache");
    let one = env
        .dokku(["storage:labels:report", "meta", "--storage-labels.tier"])
        .success();
    assert_eq!(one.stdout, "cache\n");
    let text = env.dokku(["storage:annotations:report", "meta"]).success();
    assert!(
        text.stdout.contains("meta annotations information"),
        "{}",
        text.stdout
    );
    env.dokku(["storage:labels:set", "meta", "tier"]).success();
    let info = json(
        &env.dokku(["storage:info", "meta", "--format", "json"])
            .success(),
    );
    assert_eq!(info.get("labels"), None, "an emptied map is left out");
    assert_eq!(
        info["annotations"]["backup.velero.io/backup-volumes"],
        "meta"
    );
}

#[test]
fn migrate_moves_legacy_v_options_into_attachments() {
    let env = install();
    app(&env, "web");
    env.dokku([
        "docker-options:add",
        "web",
        "deploy,run",
        "-v /srv/old:/old",
    ])
    .success();
    env.dokku(["storage:migrate", "web"]).success();
    let quiet = env.dokku(["--quiet", "storage:list", "web"]).success();
    assert_eq!(quiet.stdout, "/srv/old:/old\n");
    let deploy = env
        .dokku(["docker-options:report", "web", "--docker-options-deploy"])
        .success();
    assert!(!deploy.stdout.contains("/srv/old"), "{}", deploy.stdout);
    let marker = env
        .lib_root()
        .join("config/storage/web/legacy-mounts-migrated");
    assert_eq!(
        std::fs::read_to_string(marker).expect("marker").trim(),
        "true"
    );
    env.dokku(["storage:migrate", "web"]).success();
    let rows = json(
        &env.dokku(["storage:list", "web", "--format", "json"])
            .success(),
    );
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "idempotent");
}

#[test]
fn attachments_follow_renames_and_clones_and_go_with_the_app() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    env.dokku(["storage:create", "shared", "/srv/shared"])
        .success();
    env.dokku([
        "storage:mount",
        "web",
        "shared",
        "--container-dir",
        "/shared",
    ])
    .success();
    env.dokku(["apps:rename", "--skip-deploy", "web", "api"])
        .success();
    env.dokku(["apps:clone", "--skip-deploy", "api", "copy"])
        .success();
    for app in ["api", "copy"] {
        let quiet = env.dokku(["--quiet", "storage:list", app]).success();
        assert_eq!(quiet.stdout, "/srv/shared:/shared\n", "{app}");
    }
    assert!(!env.lib_root().join("config/storage/web").exists());
    env.dokku(["--force", "apps:destroy", "copy"]).success();
    assert!(!env.lib_root().join("config/storage/copy").exists());
    let busy = env.dokku(["storage:destroy", "shared", "--force"]);
    assert!(
        busy.stderr.contains("still mounted by app(s): api"),
        "{}",
        busy.stderr
    );
}
