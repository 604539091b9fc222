//! The operations against a temporary `DOKKU_LIB_ROOT` and a recording host.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use super::*;
use crate::config::parse_pairs;

struct Recorder {
    root: tempfile::TempDir,
    lines: RefCell<Vec<String>>,
    fired: RefCell<Vec<String>>,
    status: i32,
}

impl Recorder {
    fn new() -> Recorder {
        Recorder {
            root: tempfile::tempdir().expect("temp dir"),
            lines: RefCell::new(Vec::new()),
            fired: RefCell::new(Vec::new()),
            status: 0,
        }
    }

    fn lines(&self) -> Vec<String> {
        self.lines.borrow().clone()
    }

    fn fired(&self) -> Vec<String> {
        self.fired.borrow().clone()
    }

    fn props(&self) -> PropertyStore {
        PropertyStore::new(self.root.path())
    }

    fn env_file(&self, dir: &str) -> PathBuf {
        self.root.path().join("config").join(dir).join("ENV")
    }
}

impl ConfigHost for Recorder {
    fn lib_root(&self) -> &Path {
        self.root.path()
    }
    fn log(&self, level: Level, msg: &str) {
        self.lines.borrow_mut().push(crate::log::line(level, msg));
    }
    fn fire(&self, trigger: &str, args: &[String]) -> Result<i32, String> {
        self.fired
            .borrow_mut()
            .push(format!("{trigger} {}", args.join("|")));
        Ok(self.status)
    }
}

fn web() -> ConfigScope {
    ConfigScope::app("web")
}

fn pairs(args: &[&str]) -> Vec<(ConfigKey, String)> {
    parse_pairs(args, false).expect("valid pairs")
}

#[test]
fn set_prints_dokkus_lines_and_fires_post_config_update() {
    let host = Recorder::new();
    set(
        &host,
        &web(),
        "",
        &pairs(&["B=2", "A=one", "B=3"]),
        Restart::Yes,
    )
    .expect("set");
    assert_eq!(
        host.lines(),
        [
            "-----> Setting config vars\n",
            "       A:  one\n       B:  3\n"
        ]
    );
    assert_eq!(host.fired(), ["post-config-update web|set|A|B"]);
    assert_eq!(
        std::fs::read_to_string(host.env_file("web")).expect("ENV"),
        "A=\"one\"\nB=3\n"
    );
}

#[test]
fn global_scope_passes_the_callers_global_arg_and_never_restarts() {
    let host = Recorder::new();
    set(
        &host,
        &ConfigScope::Global,
        "",
        &pairs(&["A=1"]),
        Restart::Yes,
    )
    .expect("set");
    set(
        &host,
        &ConfigScope::Global,
        "--global",
        &pairs(&["A=2"]),
        Restart::Yes,
    )
    .expect("set");
    assert_eq!(
        host.fired(),
        [
            "post-config-update |set|A",
            "post-config-update --global|set|A"
        ]
    );
}

#[test]
fn restart_needs_restore_and_a_deployed_app() {
    let host = Recorder::new();
    set(&host, &web(), "", &pairs(&["A=1"]), Restart::Yes).expect("set");
    assert!(
        !host
            .fired()
            .iter()
            .any(|f| f.starts_with("release-and-deploy")),
        "not deployed"
    );

    host.props()
        .write("common", "web", "deployed", "true")
        .expect("prop");
    set(&host, &web(), "", &pairs(&["A=2"]), Restart::No).expect("set");
    assert!(
        !host
            .fired()
            .iter()
            .any(|f| f.starts_with("release-and-deploy")),
        "--no-restart"
    );

    set(&host, &web(), "", &pairs(&["A=3"]), Restart::Yes).expect("set");
    assert_eq!(
        host.fired().last().map(String::as_str),
        Some("release-and-deploy web||config-redeploy")
    );
    assert!(host
        .lines()
        .contains(&"-----> Restarting app web\n".to_owned()));

    host.props()
        .write("ps", "web", "restore", "false")
        .expect("prop");
    let before = host.fired().len();
    set(&host, &web(), "", &pairs(&["A=4"]), Restart::Yes).expect("set");
    assert_eq!(
        host.fired().len(),
        before + 1,
        "only post-config-update: restore=false"
    );
}

#[test]
fn a_failing_trigger_warns_and_a_failing_restart_fails_the_command() {
    let mut host = Recorder::new();
    host.status = 3;
    host.props()
        .write("common", "web", "deployed", "true")
        .expect("prop");
    let err = set(&host, &web(), "", &pairs(&["A=1"]), Restart::Yes).expect_err("restart failed");
    assert_eq!(
        err.to_string(),
        "Failure while restarting app: exit status 3"
    );
    let lines = host.lines();
    assert!(lines.contains(
        &" !     Failure while triggering post-config-update: exit status 3\n".to_owned()
    ));
    // The config is saved all the same.
    assert_eq!(
        load(&host, &web())
            .expect("load")
            .get("A")
            .map(String::as_str),
        Some("1")
    );
}

#[test]
fn unset_reports_each_key_and_restarts_even_when_nothing_changed() {
    let host = Recorder::new();
    host.props()
        .write("common", "web", "deployed", "true")
        .expect("prop");
    set(&host, &web(), "", &pairs(&["A=1"]), Restart::No).expect("set");
    host.lines.borrow_mut().clear();
    host.fired.borrow_mut().clear();
    unset(&host, &web(), "", &["A", "B"], Restart::Yes).expect("unset");
    assert_eq!(
        host.lines(),
        [
            "-----> Unsetting A\n",
            "-----> Skipping B, it is not set in the environment\n",
            "-----> Restarting app web\n"
        ]
    );
    assert_eq!(
        host.fired(),
        [
            "post-config-update web|unset|A|B",
            "release-and-deploy web||config-redeploy"
        ]
    );
    host.fired.borrow_mut().clear();
    unset(&host, &web(), "", &["A"], Restart::Yes).expect("unset nothing");
    assert_eq!(host.fired(), ["release-and-deploy web||config-redeploy"]);
}

#[test]
fn invalid_keys_change_nothing() {
    let host = Recorder::new();
    set(&host, &web(), "", &pairs(&["A=1"]), Restart::No).expect("set");
    let before = std::fs::read(host.env_file("web")).expect("ENV");
    let err = unset(&host, &web(), "", &["A", "1B"], Restart::No).expect_err("invalid");
    assert_eq!(err.to_string(), "Invalid key name: '1B'");
    assert_eq!(std::fs::read(host.env_file("web")).expect("ENV"), before);
}

#[test]
fn clear_unsets_everything_and_fires_clear_once() {
    let host = Recorder::new();
    set(&host, &web(), "", &pairs(&["B=2", "A=1"]), Restart::No).expect("set");
    host.lines.borrow_mut().clear();
    host.fired.borrow_mut().clear();
    clear(&host, &web(), "", Restart::No).expect("clear");
    assert_eq!(
        host.lines(),
        ["-----> Unsetting A\n", "-----> Unsetting B\n"]
    );
    assert_eq!(host.fired(), ["post-config-update web|clear"]);
    host.fired.borrow_mut().clear();
    clear(&host, &web(), "", Restart::No).expect("clear empty");
    assert!(host.fired().is_empty());
}

#[test]
fn loading_purges_invalid_keys_with_dokkus_message() {
    let host = Recorder::new();
    let file = host.env_file("--global");
    std::fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
    std::fs::write(&file, "GOOD=1\nBAD.KEY=2\n").expect("seed");
    let env = load(&host, &ConfigScope::Global).expect("load");
    assert_eq!(
        env.keys().map(ConfigKey::as_str).collect::<Vec<_>>(),
        ["GOOD"]
    );
    assert_eq!(
        host.lines(),
        ["-----> Deleting invalid key BAD.KEY from config for <global>\n"]
    );
    assert_eq!(std::fs::read_to_string(&file).expect("ENV"), "GOOD=1\n");
}

#[test]
fn merged_overlays_app_on_global() {
    let host = Recorder::new();
    set(
        &host,
        &ConfigScope::Global,
        "",
        &pairs(&["A=g", "G=g"]),
        Restart::No,
    )
    .expect("set");
    set(&host, &web(), "", &pairs(&["A=app"]), Restart::No).expect("set");
    let env = load_merged(&host, &web(), true).expect("merged");
    let got: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(got, [("A", "app"), ("G", "g")]);
    assert_eq!(load_merged(&host, &web(), false).expect("app").len(), 1);
}

#[test]
fn import_parses_both_formats_and_replace_drops_the_rest() {
    let host = Recorder::new();
    set(&host, &web(), "", &pairs(&["OLD=1"]), Restart::No).expect("set");
    let imported = parse_import("NEW=\"a b\"\n", "envfile").expect("envfile");
    import(&host, &web(), "", &imported, false, Restart::No).expect("import");
    assert_eq!(store(&host).keys(&web()).expect("keys").len(), 2);
    let imported = parse_import(r#"{"ONLY":"x"}"#, "json").expect("json");
    import(&host, &web(), "", &imported, true, Restart::No).expect("import --replace");
    let env = store(&host).all(&web()).expect("env");
    assert_eq!(
        env.keys().map(ConfigKey::as_str).collect::<Vec<_>>(),
        ["ONLY"]
    );
    assert!(host
        .lines()
        .contains(&"-----> Setting config var ONLY=x\n".to_owned()));
    assert_eq!(
        parse_import("", "yaml").expect_err("format").to_string(),
        "Unknown format: yaml"
    );
    assert_eq!(
        import(&host, &web(), "", &BTreeMap::new(), false, Restart::No)
            .expect_err("empty")
            .to_string(),
        "No config vars to set"
    );
}

#[test]
fn app_lifecycle_helpers() {
    let host = Recorder::new();
    create_app(&host, "web").expect("post-create");
    assert!(host.root.path().join("config/web").is_dir());
    assert!(host.root.path().join("config/config/web").is_dir());
    set(&host, &web(), "", &pairs(&["A=1", "B=old"]), Restart::No).expect("set");
    set(
        &host,
        &ConfigScope::app("copy"),
        "",
        &pairs(&["B=new", "C=3"]),
        Restart::No,
    )
    .expect("set");
    copy_app(&host, "web", "copy").expect("clone");
    let env = store(&host).all(&ConfigScope::app("copy")).expect("env");
    let got: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(got, [("A", "1"), ("B", "old"), ("C", "3")]);
    delete_app(&host, "web").expect("post-delete");
    assert!(!host.root.path().join("config/web").exists());
    assert!(!host.root.path().join("config/config/web").exists());
    delete_app(&host, "web").expect("deleting twice is fine");
}
