//! Tests of `ConfigStore` against a temporary `DOKKU_LIB_ROOT`.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Barrier};

use super::*;

fn store() -> (tempfile::TempDir, ConfigStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = ConfigStore::new(dir.path());
    (dir, store)
}

fn web() -> ConfigScope {
    ConfigScope::app("web")
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

fn pairs(env: &Env) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[test]
fn paths_follow_dokkus_layout() {
    let (root, s) = store();
    assert_eq!(
        s.env_path(&web()).expect("app"),
        root.path().join("config/web/ENV")
    );
    assert_eq!(
        s.env_path(&ConfigScope::Global).expect("global"),
        root.path().join("config/--global/ENV")
    );
    for bad in ["", ".", "..", "a/b", "--global", "nul\0"] {
        let err = s.env_path(&ConfigScope::app(bad)).expect_err(bad);
        assert!(
            matches!(err, ConfigError::InvalidApp { .. }),
            "{bad:?}: {err}"
        );
    }
}

#[test]
fn missing_file_is_an_empty_env() {
    let (_root, s) = store();
    assert!(s.all(&web()).expect("all").is_empty());
    assert_eq!(s.get(&web(), "X").expect("get"), None);
    assert!(s.keys(&web()).expect("keys").is_empty());
}

#[test]
fn set_writes_dokkus_file_with_modes() {
    let (root, s) = store();
    s.set(&web(), &[("B", "two words"), ("A", "1")])
        .expect("set");
    let file = root.path().join("config/web/ENV");
    assert_eq!(
        fs::read_to_string(&file).expect("read"),
        "A=1\nB=\"two words\"\n"
    );
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&root.path().join("config/web")), 0o755);
    assert_eq!(
        s.get(&web(), "B").expect("get").as_deref(),
        Some("two words")
    );
    assert_eq!(
        s.keys(&web())
            .expect("keys")
            .iter()
            .map(ConfigKey::as_str)
            .collect::<Vec<_>>(),
        ["A", "B"]
    );
}

#[test]
fn set_validates_every_key_before_writing() {
    let (root, s) = store();
    s.set(&web(), &[("KEEP", "1")]).expect("seed");
    let err = s
        .set(&web(), &[("GOOD", "x"), ("BAD-KEY", "y")])
        .expect_err("invalid");
    assert_eq!(err.to_string(), "Invalid key name: 'BAD-KEY'");
    assert_eq!(
        fs::read_to_string(root.path().join("config/web/ENV")).expect("read"),
        "KEEP=1\n"
    );
    assert!(matches!(
        s.set::<&str, &str>(&web(), &[]),
        Err(ConfigError::NoPairs)
    ));
}

#[test]
fn set_overrides_and_last_duplicate_wins() {
    let (_root, s) = store();
    s.set(&web(), &[("A", "1")]).expect("set");
    s.set(&web(), &[("A", "2"), ("A", "3")]).expect("set");
    assert_eq!(s.get(&web(), "A").expect("get").as_deref(), Some("3"));
}

#[test]
fn awkward_values_survive_the_file() {
    let (_root, s) = store();
    let values = [
        ("QUOTES", "say \"hi\" and 'bye'"),
        ("NEWLINES", "a\nb\r\nc"),
        ("DOLLAR", "$HOME ${PATH} \\$x"),
        ("EQUALS", "a=b=c"),
        ("BACKSLASH", "C:\\dir\\"),
        ("UNICODE", "ünïcödé ✓"),
        ("EMPTY", ""),
        ("BANG", "wow!"),
        ("TICK", "`id`"),
        ("TRAILING_QUOTE", "ends with \""),
        ("ZIP", "01234"),
        ("JSON", r#"{"a": [1, "b\"c"]}"#),
    ];
    s.set(&web(), &values).expect("set");
    let env = s.all(&web()).expect("all");
    let mut want = values.to_vec();
    want.sort();
    assert_eq!(pairs(&env), want);
}

#[test]
fn unset_reports_per_key_in_order() {
    let (root, s) = store();
    s.set(&web(), &[("A", "1"), ("B", "2")]).expect("set");
    let out = s.unset(&web(), &["B", "MISSING", "B"]).expect("unset");
    let report: Vec<(&str, bool)> = out.keys.iter().map(|(k, r)| (k.as_str(), *r)).collect();
    assert_eq!(report, [("B", true), ("MISSING", false), ("B", false)]);
    assert!(out.changed());
    assert_eq!(
        out.removed().map(ConfigKey::as_str).collect::<Vec<_>>(),
        ["B"]
    );
    assert_eq!(
        fs::read_to_string(root.path().join("config/web/ENV")).expect("read"),
        "A=1\n"
    );

    let none = s.unset(&web(), &["NOPE"]).expect("unset");
    assert!(!none.changed());
    assert!(matches!(
        s.unset::<&str>(&web(), &[]),
        Err(ConfigError::NoKeys)
    ));
    assert_eq!(
        s.unset(&web(), &["A", "bad key"])
            .expect_err("invalid")
            .to_string(),
        "Invalid key name: 'bad key'"
    );
    assert_eq!(
        s.get(&web(), "A").expect("still there").as_deref(),
        Some("1")
    );
}

#[test]
fn unset_of_nothing_does_not_create_a_file() {
    let (root, s) = store();
    s.unset(&web(), &["A"]).expect("unset");
    assert!(!root.path().join("config/web/ENV").exists());
}

#[test]
fn clear_returns_removed_keys_and_writes_an_empty_file() {
    let (root, s) = store();
    s.set(&web(), &[("B", "2"), ("A", "1")]).expect("set");
    let removed = s.clear(&web()).expect("clear");
    assert_eq!(
        removed.iter().map(ConfigKey::as_str).collect::<Vec<_>>(),
        ["A", "B"]
    );
    assert_eq!(
        fs::read_to_string(root.path().join("config/web/ENV")).expect("read"),
        "\n"
    );
    assert!(s.clear(&web()).expect("clear again").is_empty());
}

#[test]
fn merged_is_global_overridden_by_app() {
    let (_root, s) = store();
    s.set(&ConfigScope::Global, &[("TZ", "UTC"), ("ONLY_GLOBAL", "g")])
        .expect("global");
    s.set(&web(), &[("TZ", "Europe/Paris"), ("ONLY_APP", "a")])
        .expect("app");
    let merged = s.merged(&web()).expect("merged");
    assert_eq!(
        pairs(&merged),
        [
            ("ONLY_APP", "a"),
            ("ONLY_GLOBAL", "g"),
            ("TZ", "Europe/Paris")
        ]
    );
    assert_eq!(
        pairs(&s.merged(&ConfigScope::Global).expect("global")).len(),
        2
    );
}

#[test]
fn invalid_keys_are_reported_then_purged() {
    let (root, s) = store();
    let file = root.path().join("config/web/ENV");
    fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
    fs::write(&file, "GOOD=1\nBAD.KEY=2\nexport OK_TOO='x'\n1NUM=3\n").expect("seed");

    let loaded = s.load(&web()).expect("load");
    assert_eq!(loaded.invalid_keys, ["1NUM", "BAD.KEY"]);
    assert_eq!(pairs(&loaded.env), [("GOOD", "1"), ("OK_TOO", "x")]);
    assert!(
        fs::read_to_string(&file).expect("read").contains("BAD.KEY"),
        "load writes nothing"
    );

    assert_eq!(
        s.purge_invalid_keys(&web()).expect("purge"),
        ["1NUM", "BAD.KEY"]
    );
    assert_eq!(
        fs::read_to_string(&file).expect("read"),
        "GOOD=1\nOK_TOO=\"x\"\n"
    );
    assert!(s
        .purge_invalid_keys(&web())
        .expect("nothing left")
        .is_empty());
}

#[test]
fn a_write_drops_invalid_keys_too() {
    let (root, s) = store();
    let file = root.path().join("config/web/ENV");
    fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
    fs::write(&file, "BAD.KEY=2\n").expect("seed");
    s.unset(&web(), &["NOT_THERE"]).expect("unset");
    assert_eq!(fs::read_to_string(&file).expect("read"), "\n");
}

#[test]
fn unparsable_file_is_an_error_not_an_empty_env() {
    let (root, s) = store();
    let file = root.path().join("config/web/ENV");
    fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
    fs::write(&file, "A=1\nB=\"never closed\n").expect("seed");
    let err = s.all(&web()).expect_err("parse error");
    assert_eq!(
        err.to_string(),
        format!(
            "Unable to parse {}: unterminated quoted value \"never closed",
            file.display()
        )
    );
    assert!(
        s.set(&web(), &[("C", "3")]).is_err(),
        "set must not wipe the file"
    );
    assert!(fs::read_to_string(&file)
        .expect("read")
        .contains("never closed"));

    // replace does not read the old file, so it can repair it.
    let fresh: Env = [(ConfigKey::new("C").expect("key"), "3".to_owned())]
        .into_iter()
        .collect();
    s.replace(&web(), &fresh).expect("replace");
    assert_eq!(pairs(&s.all(&web()).expect("all")), [("C", "3")]);
}

#[test]
fn non_utf8_file_is_an_error() {
    let (root, s) = store();
    let file = root.path().join("config/web/ENV");
    fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
    fs::write(&file, b"A=\"\xff\"\n").expect("seed");
    assert!(matches!(s.all(&web()), Err(ConfigError::NotUtf8 { .. })));
}

#[test]
fn reads_files_dokku_wrote() {
    let (root, s) = store();
    let file = root.path().join("config/--global/ENV");
    fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
    // As godotenv v1.5.1 writes them, integers bare.
    fs::write(
        &file,
        "CURL_TIMEOUT=600\nDOKKU_RM_CONTAINER=1\nGREETING=\"hello \\$USER\\nbye\\!\"\n",
    )
    .expect("seed");
    let env = s.all(&ConfigScope::Global).expect("all");
    assert_eq!(
        pairs(&env),
        [
            ("CURL_TIMEOUT", "600"),
            ("DOKKU_RM_CONTAINER", "1"),
            ("GREETING", "hello $USER\nbye!")
        ]
    );
}

#[test]
fn update_writes_only_on_change() {
    let (root, s) = store();
    let seen = s.update(&web(), |env| env.len()).expect("update");
    assert_eq!(seen, 0);
    assert!(
        !root.path().join("config/web/ENV").exists(),
        "no change, no file"
    );
    s.update(&web(), |env| {
        env.insert(ConfigKey::new("X").expect("key"), "1".to_owned());
    })
    .expect("update");
    assert_eq!(s.get(&web(), "X").expect("get").as_deref(), Some("1"));
}

#[test]
fn concurrent_sets_from_separate_stores_all_survive() {
    let (root, _s) = store();
    let root = Arc::new(root.path().to_path_buf());
    let barrier = Arc::new(Barrier::new(20));
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let root = Arc::clone(&root);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                // A fresh store per thread: each operation opens its own lock file
                // description, exactly as separate `dokku` processes would.
                let store = ConfigStore::new(root.as_path());
                barrier.wait();
                store
                    .set(
                        &ConfigScope::app("web"),
                        &[(format!("KEY_{i}"), format!("value {i}"))],
                    )
                    .expect("set");
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("thread");
    }
    let env = ConfigStore::new(root.as_path()).all(&web()).expect("all");
    assert_eq!(env.len(), 20, "{env:?}");
    for i in 0..20 {
        assert_eq!(
            env.get(format!("KEY_{i}").as_str()).map(String::as_str),
            Some(format!("value {i}").as_str())
        );
    }
    let leftovers: Vec<_> = fs::read_dir(root.join("config/web"))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    let mut leftovers = leftovers;
    leftovers.sort();
    assert_eq!(leftovers, [".ENV.lock", "ENV"], "no temp files left behind");
}

#[test]
fn setup_makes_the_scope_directory_without_an_env_file() {
    let (root, s) = store();
    s.setup(&ConfigScope::Global).expect("setup");
    let dir = root.path().join("config/--global");
    assert!(dir.is_dir());
    assert_eq!(mode(&dir), 0o755);
    assert!(!dir.join("ENV").exists());
    s.setup(&ConfigScope::Global).expect("setup again");
    assert!(s.setup(&ConfigScope::app("a/b")).is_err());
}
