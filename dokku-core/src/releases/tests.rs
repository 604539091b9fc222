use std::path::Path;

use super::*;

fn layout(dir: &Path) -> Layout {
    let mut vars = crate::settings::EnvMap::new();
    vars.insert(
        "DOKKU_LIB_PATH".into(),
        dir.join("lib").display().to_string(),
    );
    vars.insert("DOKKU_ROOT".into(), dir.join("home").display().to_string());
    Layout::from_env(&vars)
}

fn release(desc: &str) -> Release {
    Release {
        version: 0,
        created_at: "2026-01-01T00:00:00.000Z".into(),
        description: desc.into(),
        image_id: "sha256:abc".into(),
        image: "dokku/web:latest".into(),
        registry_image: None,
        builder: "dockerfile".into(),
        git_rev: Some("deadbeef".into()),
        build_id: None,
        user: "alice".into(),
        config: [("K".to_string(), "v".to_string())].into_iter().collect(),
        formation: [("web".to_string(), 1)].into_iter().collect(),
        procfile: None,
        app_json: Some("{}".into()),
        rollback_of: None,
    }
}

#[test]
fn releases_are_numbered_from_one_and_read_back_oldest_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = AppReleases::new(&layout(dir.path()), "web");
    assert!(store.latest().is_none());
    for desc in ["one", "two", "three"] {
        let _lock = store.lock().expect("lock");
        store.append_locked(release(desc)).expect("append");
    }
    let (all, skipped) = store.list().expect("list");
    assert!(skipped.is_empty());
    let names: Vec<String> = all.iter().map(Release::name).collect();
    assert_eq!(names, ["v1", "v2", "v3"]);
    assert_eq!(store.read(2).expect("v2").description, "two");
    assert_eq!(store.latest().expect("latest").version, 3);
    assert!(matches!(store.read(9), Err(ReleasesError::NotFound { .. })));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(store.dir().join("v1.json"))
        .expect("v1.json")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "release files hold config");
}

#[test]
fn a_broken_file_is_skipped_and_never_reused_as_a_number() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = AppReleases::new(&layout(dir.path()), "web");
    {
        let _lock = store.lock().expect("lock");
        store.append_locked(release("one")).expect("append");
    }
    std::fs::write(store.dir().join("v2.json"), "{ not json").expect("write");
    std::fs::write(store.dir().join("notes.txt"), "ignored").expect("write");
    let (all, skipped) = store.list().expect("list");
    assert_eq!(all.len(), 1);
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].to_string().contains("v2.json"), "{}", skipped[0]);
    let _lock = store.lock().expect("lock");
    let next = store.append_locked(release("three")).expect("append");
    assert_eq!(next.version, 3);
}

#[test]
fn a_file_whose_number_differs_from_its_name_is_refused() {
    let mut r = release("x");
    r.version = 4;
    let text = serde_json::to_string(&r).expect("json");
    assert!(parse_release(&text, Path::new("/x/v4.json")).is_ok());
    assert!(parse_release(&text, Path::new("/x/v5.json")).is_err());
}

#[test]
fn versions_parse_with_or_without_the_v() {
    assert_eq!(parse_version("v3").expect("v3"), 3);
    assert_eq!(parse_version("12").expect("12"), 12);
    for bad in ["", "v", "v0", "-1", "v+1", "v1.2", "vv1", "1e3"] {
        assert!(parse_version(bad).is_err(), "{bad}");
    }
}

#[test]
fn keep_defaults_to_five_and_is_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let props = PropertyStore::new(dir.path());
    assert_eq!(keep_count(&props, "web"), DEFAULT_KEEP);
    props.write(PLUGIN, GLOBAL, "keep", "2").expect("write");
    assert_eq!(keep_count(&props, "web"), 2);
    props.write(PLUGIN, "web", "keep", "9").expect("write");
    assert_eq!(keep_count(&props, "web"), 9);
    assert_eq!(check_keep("0"), Ok(0));
    assert!(check_keep("101").is_err());
    assert!(check_keep("-1").is_err());
    assert!(check_keep("three").is_err());
}

#[test]
fn pick_defaults_to_the_previous_release() {
    let mut all: Vec<Release> = Vec::new();
    for n in 1..=3 {
        let mut r = release("d");
        r.version = n;
        all.push(r);
    }
    let chosen = rollback::pick(&all, "web", None).expect("previous");
    assert_eq!(chosen.version, 2);
    assert_eq!(rollback::pick(&all, "web", Some(1)).expect("v1").version, 1);
    let current = rollback::pick(&all, "web", Some(3)).expect_err("current");
    assert!(current.to_string().contains("already the current release"));
    assert!(current.hint().is_some());
    assert!(rollback::pick(&all, "web", Some(7)).is_err());
    assert!(rollback::pick(&all[..1], "web", None).is_err());
    assert!(rollback::pick(&[], "web", None).is_err());
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(crate::fuzzing::config(256))]

        /// Whatever an operator leaves in a release file, reading it returns.
        #[test]
        fn any_text_parses_or_is_refused(text in ".{0,400}") {
            let _ = parse_release(&text, Path::new("/x/v1.json"));
        }

        /// JSON-shaped edits (wrong types, missing or extra fields) never panic.
        #[test]
        fn json_shaped_edits_parse_or_are_refused(
            key in "[a-z_]{1,12}",
            value in prop_oneof![
                Just("null".to_string()),
                Just("[]".to_string()),
                Just("{}".to_string()),
                "-?[0-9]{1,25}",
                "\"[^\"\\\\]{0,20}\"",
            ],
        ) {
            let mut doc = serde_json::to_value(release("fuzz")).expect("json");
            doc["version"] = 1.into();
            let text = doc.to_string();
            let edited = text.replacen('{', &format!("{{\"{key}\":{value},"), 1);
            let _ = parse_release(&edited, Path::new("/x/v1.json"));
        }

        /// A written release reads back the same.
        #[test]
        fn written_releases_read_back(
            desc in ".{0,40}",
            key in "[A-Z_][A-Z0-9_]{0,10}",
            value in ".{0,40}",
            web in 0u32..20,
        ) {
            let dir = tempfile::tempdir().expect("tempdir");
            let store = AppReleases::new(&layout(dir.path()), "web");
            let mut r = release(&desc);
            r.config = [(key, value)].into_iter().collect();
            r.formation = [("web".to_string(), web)].into_iter().collect();
            let _lock = store.lock().expect("lock");
            let written = store.append_locked(r).expect("append");
            prop_assert_eq!(store.read(written.version).expect("read"), written);
        }
    }
}
