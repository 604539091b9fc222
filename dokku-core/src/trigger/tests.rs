use std::path::Path;

use super::*;
use crate::plugin::discover_in;

fn hook(root: &Path, plugin: &str, trigger: &str, body: &str, executable: bool) {
    let dir = root.join(plugin);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join(trigger);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write");
    let mode = if executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn env() -> EnvMap {
    let mut env = EnvMap::new();
    env.insert("PATH".into(), "/usr/bin:/bin".into());
    env
}

#[test]
fn runs_in_name_order_and_captures_stdout() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(root.path(), "b", "t", "echo b \"$@\"", true);
    hook(root.path(), "a", "t", "echo a \"$@\"", true);
    let found = discover_in(root.path());
    let env = env();
    let bus = TriggerBus::new(&found.plugins, &env, PlugnConfig::default());
    let out = bus
        .fire("t", &["x".into()], StdoutMode::Capture)
        .expect("fire");
    assert_eq!(out.stdout_text(), "a x\nb x\n");
    assert_eq!(out.status, 0);
    assert_eq!(out.handlers_run, 2);
}

#[test]
fn first_failure_stops_the_chain_with_its_status() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(root.path(), "a", "t", "echo a; exit 7", true);
    hook(root.path(), "b", "t", "echo b", true);
    let found = discover_in(root.path());
    let env = env();
    let bus = TriggerBus::new(&found.plugins, &env, PlugnConfig::default());
    let out = bus.fire("t", &[], StdoutMode::Capture).expect("fire");
    assert_eq!(out.status, 7);
    assert_eq!(out.stdout_text(), "a\n");
}

#[test]
fn non_executable_trigger_is_skipped() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(root.path(), "a", "t", "echo a", false);
    hook(root.path(), "b", "t", "echo b", true);
    let found = discover_in(root.path());
    let env = env();
    let bus = TriggerBus::new(&found.plugins, &env, PlugnConfig::default());
    let out = bus.fire("t", &[], StdoutMode::Capture).expect("fire");
    assert_eq!(out.stdout_text(), "b\n");
    assert_eq!(out.handlers_run, 1);
}

#[test]
fn config_values_are_exported_with_env_override() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(
        root.path(),
        "my-plugin",
        "t",
        "echo \"$CONFIG_GREETING $CONFIG_OTHER\"",
        true,
    );
    std::fs::write(
        root.path().join("my-plugin/plugin.toml"),
        "[plugin]\ndescription = \"d\"\nversion = \"1\"\n[plugin.config]\ngreeting = \"hi\"\nother = \"o\"\n",
    )
    .expect("write");
    let found = discover_in(root.path());
    let mut env = env();
    env.insert("MY_PLUGIN_OTHER".into(), "from-env".into());
    let bus = TriggerBus::new(&found.plugins, &env, PlugnConfig::default());
    let out = bus.fire("t", &[], StdoutMode::Capture).expect("fire");
    assert_eq!(out.stdout_text(), "hi from-env\n");
}

#[test]
fn missing_trigger_is_success_with_no_output() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(root.path(), "a", "other", "echo a", true);
    let found = discover_in(root.path());
    let env = env();
    let bus = TriggerBus::new(&found.plugins, &env, PlugnConfig::default());
    let out = bus.fire("t", &[], StdoutMode::Capture).expect("fire");
    assert_eq!(out, TriggerOutcome::default());
    assert!(!bus.exists("t", &[]));
}
