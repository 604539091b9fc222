//! `storage:ensure-directory`: run by root on a system install (where the dokku
//! user is somebody else) it keeps root's rights to hand the folder to the app's uid.

use std::os::unix::fs::MetadataExt;

use crate::install;

fn is_root() -> bool {
    dokku_core::ownership::effective_uid() == Some(0)
}

#[test]
fn root_hands_the_folder_to_the_app_uid_even_when_dokku_is_another_user() {
    if !is_root() {
        eprintln!("skipped: needs root, as the operator runs it");
        return;
    }
    let env = install();
    // A system install's dokku user is not root; `nobody` stands in for it.
    let run = env.run(
        env.command("dokku")
            .env("DOKKU_SYSTEM_USER", "nobody")
            .args(["storage:ensure-directory", "cache"]),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let dir = env.lib_root().join("data/storage/cache");
    let meta = std::fs::metadata(&dir).expect("created");
    assert_eq!(
        (meta.uid(), meta.gid()),
        (32767, 32767),
        "herokuish by default"
    );
    let parent = std::fs::metadata(dir.parent().expect("parent")).expect("parent");
    assert_eq!(
        parent.uid(),
        65534,
        "data/storage belongs to the dokku user"
    );
}

#[test]
fn bad_names_and_ids_are_refused_and_nothing_is_made() {
    let env = install();
    for args in [
        vec!["storage:ensure-directory", "../escape"],
        vec!["storage:ensure-directory", "a/b"],
        vec!["storage:ensure-directory", ".hidden"],
        vec!["storage:ensure-directory", "--chown", "65536", "ok1"],
        vec!["storage:ensure-directory", "--chown", "nope", "ok2"],
    ] {
        let run = env.dokku(&args);
        assert_ne!(run.code, 0, "{args:?} accepted\n{}", run.stdout);
        assert!(
            run.stderr.starts_with(" !     "),
            "{args:?}: {}",
            run.stderr
        );
    }
    let storage = env.lib_root().join("data/storage");
    for name in ["ok1", "ok2", ".hidden"] {
        assert!(!storage.join(name).exists(), "{name} was made");
    }
    assert!(!env.lib_root().join("data/escape").exists());
}
