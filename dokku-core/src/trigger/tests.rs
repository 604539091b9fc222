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

/// Dokku's cron tests write hooks without `#!`; plugn's bash runs them as scripts.
#[test]
fn a_hook_without_a_shebang_runs_as_a_bash_script() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("a");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let path = dir.join("t");
    std::fs::write(&path, "[[ $1 == x ]] && echo \"bash $1\"\n").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let found = discover_in(root.path());
    let env = env();
    let bus = TriggerBus::new(&found.plugins, &env, PlugnConfig::default());
    let out = bus
        .fire("t", &["x".into()], StdoutMode::Capture)
        .expect("fire");
    assert_eq!(out.stdout_text(), "bash x\n");
    assert_eq!(out.status, 0);
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

/// Processes a hook recorded (one pid a line), killed when the test ends whatever
/// happened, so a failing test leaves nothing behind.
struct Recorded(std::path::PathBuf);

impl Recorded {
    fn pids(&self) -> Vec<i32> {
        std::fs::read_to_string(&self.0)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }
}

impl Drop for Recorded {
    fn drop(&mut self) {
        for pid in self.pids() {
            if alive(pid) {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
    }
}

/// Whether `pid` is a live process (a zombie waiting for its reaper is dead).
fn alive(pid: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    !matches!(state, Some('Z' | 'X') | None)
}

/// A hook that never returns: its shell, a background child and a foreground child all
/// sleep, each recording its pid in `$PIDS` first.
const HANGING_HOOK: &str = r#"echo $$ >>"$PIDS"
sh -c 'echo $$ >>"$PIDS"; exec sleep 1000' &
sh -c 'echo $$ >>"$PIDS"; exec sleep 1000'
echo never reached"#;

/// Fires `trigger` on another thread; `None` when it has not returned after `wait`.
fn fire_within(
    root: &Path,
    env: EnvMap,
    mode: StdoutMode,
    wait: std::time::Duration,
) -> Option<Result<TriggerOutcome, TriggerError>> {
    let root = root.to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let found = discover_in(&root);
        let bus = TriggerBus::new(&found.plugins, &env, PlugnConfig::default());
        let _ = tx.send(bus.fire("hang", &[], mode));
    });
    rx.recv_timeout(wait).ok()
}

fn timeout_case(mode: StdoutMode) {
    let root = tempfile::tempdir().expect("tempdir");
    hook(root.path(), "stuck", "hang", HANGING_HOOK, true);
    hook(root.path(), "zz-later", "hang", "echo later", true);
    let recorded = Recorded(root.path().join("pids"));
    let mut env = env();
    env.insert("PIDS".into(), recorded.0.display().to_string());
    env.insert(crate::env::DOKKU_TRIGGER_TIMEOUT.into(), "1".into());

    let start = std::time::Instant::now();
    let result = fire_within(root.path(), env, mode, std::time::Duration::from_secs(15))
        .expect("the trigger returns once its 1 s limit is reached");
    let elapsed = start.elapsed();
    assert!(
        elapsed >= std::time::Duration::from_secs(1),
        "not before the limit: {elapsed:?}"
    );
    assert!(
        elapsed < std::time::Duration::from_secs(6),
        "soon after the limit: {elapsed:?}"
    );
    let err = result.expect_err("a hook over the limit fails the trigger");
    assert_eq!(
        err.to_string(),
        "trigger hang of plugin stuck did not finish within 1 second (DOKKU_TRIGGER_TIMEOUT) and was killed"
    );
    assert_eq!(
        err.hint().as_deref(),
        Some("raise DOKKU_TRIGGER_TIMEOUT (0 turns the limit off) or fix the plugin's hang hook so it returns")
    );
    let pids = recorded.pids();
    assert_eq!(
        pids.len(),
        3,
        "the hook and both children started: {pids:?}"
    );
    for pid in pids {
        assert!(!alive(pid), "process {pid} of the hook survived");
    }
}

/// Issue #9: a legacy hook that never returns used to hang the command forever.
#[test]
fn a_hook_over_the_time_limit_is_killed_with_its_children_when_stdout_is_captured() {
    timeout_case(StdoutMode::Capture);
}

/// Issue #9, with stdout streamed instead of captured.
#[test]
fn a_hook_over_the_time_limit_is_killed_with_its_children_when_stdout_is_inherited() {
    timeout_case(StdoutMode::Inherit);
}

/// A hook that exits in time but leaves a child holding its stdout: the captured
/// output ends when the limit does, instead of waiting for the child forever.
#[test]
fn a_background_child_holding_captured_stdout_is_bounded_by_the_limit() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(
        root.path(),
        "leaky",
        "hang",
        "echo $$ >>\"$PIDS\"; sh -c 'echo $$ >>\"$PIDS\"; exec sleep 1000' & echo started",
        true,
    );
    let recorded = Recorded(root.path().join("pids"));
    let mut env = env();
    env.insert("PIDS".into(), recorded.0.display().to_string());
    env.insert(crate::env::DOKKU_TRIGGER_TIMEOUT.into(), "1".into());
    let result = fire_within(
        root.path(),
        env,
        StdoutMode::Capture,
        std::time::Duration::from_secs(15),
    )
    .expect("the trigger returns once its 1 s limit is reached");
    let err = result.expect_err("output still open at the limit fails the trigger");
    assert!(err.to_string().contains("plugin leaky"), "{err}");
    for pid in recorded.pids() {
        assert!(!alive(pid), "process {pid} of the hook survived");
    }
}

#[test]
fn hooks_within_the_limit_run_as_before() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(root.path(), "a", "t", "echo a \"$@\"", true);
    hook(root.path(), "b", "t", "echo b; exit 3", true);
    let found = discover_in(root.path());
    for limit in ["", "0", "30", " 30 "] {
        let mut env = env();
        env.insert(crate::env::DOKKU_TRIGGER_TIMEOUT.into(), limit.into());
        let bus = TriggerBus::new(&found.plugins, &env, PlugnConfig::default());
        let out = bus
            .fire("t", &["x".into()], StdoutMode::Capture)
            .expect("fire");
        assert_eq!(out.stdout_text(), "a x\nb\n", "limit {limit:?}");
        assert_eq!(out.status, 3, "limit {limit:?}");
    }
}

#[test]
fn a_bad_time_limit_is_an_error_with_a_hint() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(root.path(), "a", "t", "echo a", true);
    let found = discover_in(root.path());
    for bad in ["soon", "-5", "1.5", "10s"] {
        let mut env = env();
        env.insert(crate::env::DOKKU_TRIGGER_TIMEOUT.into(), bad.into());
        let bus = TriggerBus::new(&found.plugins, &env, PlugnConfig::default());
        let err = bus
            .fire("t", &[], StdoutMode::Capture)
            .expect_err("bad limit");
        assert_eq!(
            err.to_string(),
            format!("invalid DOKKU_TRIGGER_TIMEOUT '{bad}': expected a whole number of seconds"),
        );
        assert_eq!(
            err.hint().as_deref(),
            Some(
                "set DOKKU_TRIGGER_TIMEOUT to a number of seconds, or to 0 or nothing for no limit"
            )
        );
    }
}

/// A native handler that records the stdin it was given and answers `native`.
struct RecordingNative(std::sync::Mutex<Vec<(String, Vec<u8>)>>);

impl NativeTriggers for RecordingNative {
    fn run(
        &self,
        plugin: &Plugin,
        _trigger: &str,
        _args: &[String],
        stdin: &[u8],
        stdout: &mut (dyn Write + Send),
    ) -> Result<i32, TriggerError> {
        self.0
            .lock()
            .expect("lock")
            .push((plugin.name.clone(), stdin.to_vec()));
        let _ = writeln!(
            stdout,
            "{} saw [{}]",
            plugin.name,
            String::from_utf8_lossy(stdin)
        );
        Ok(0)
    }
}

/// A plugin whose manifest routes `trigger` to a native handler.
fn native_plugin(root: &Path, name: &str, trigger: &str) {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("plugin.toml"),
        format!(
            "[plugin]\ndescription = \"d\"\nversion = \"1\"\n[plugin.config]\n[plugin.native]\nlibrary = \"lib.so\"\n\n[[trigger]]\nname = \"{trigger}\"\n"
        ),
    )
    .expect("write");
}

fn fire_with_input(root: &Path, input: &[u8]) -> (String, Vec<(String, Vec<u8>)>) {
    let found = discover_in(root);
    assert!(found.problems.is_empty(), "{:?}", found.problems);
    let env = env();
    let native = RecordingNative(std::sync::Mutex::new(Vec::new()));
    let bus = TriggerBus::new(&found.plugins, &env, PlugnConfig::default())
        .with_native(&native)
        .with_input(input);
    let out = bus.fire("t", &[], StdoutMode::Capture).expect("fire");
    assert_eq!(out.status, 0);
    let seen = native.0.into_inner().expect("lock");
    (out.stdout_text(), seen)
}

/// plugn's rule: one stream for the chain; a legacy hook that reads it all leaves
/// nothing for the handlers after it, native or legacy.
#[test]
fn a_legacy_reader_consumes_the_input_for_everyone_after_it() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(root.path(), "a", "t", "echo \"a read [$(cat)]\"", true);
    native_plugin(root.path(), "b", "t");
    hook(root.path(), "c", "t", "echo \"c read [$(cat)]\"", true);
    let (out, seen) = fire_with_input(root.path(), b"payload");
    assert_eq!(out, "a read [payload]\nb saw []\nc read []\n");
    assert_eq!(seen, [("b".to_string(), Vec::new())]);
}

/// A native handler sees what is left and consumes nothing: the legacy reader after it
/// still gets the whole input, as if the native handler were not there.
#[test]
fn a_native_handler_sees_the_input_without_consuming_it() {
    let root = tempfile::tempdir().expect("tempdir");
    native_plugin(root.path(), "a", "t");
    native_plugin(root.path(), "b", "t");
    hook(root.path(), "c", "t", "echo \"c read [$(cat)]\"", true);
    let (out, _) = fire_with_input(root.path(), b"payload");
    assert_eq!(out, "a saw [payload]\nb saw [payload]\nc read [payload]\n");
}

/// A hook that reads part of the stream leaves the rest to the handlers after it, and
/// one that does not read leaves it all.
#[test]
fn what_a_hook_leaves_unread_goes_on_down_the_chain() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(root.path(), "a", "t", "echo a ignores stdin", true);
    hook(
        root.path(),
        "b",
        "t",
        "echo \"b read [$(dd bs=1 count=3 2>/dev/null)]\"",
        true,
    );
    native_plugin(root.path(), "c", "t");
    hook(root.path(), "d", "t", "echo \"d read [$(cat)]\"", true);
    let (out, _) = fire_with_input(root.path(), b"abcdef");
    assert_eq!(
        out,
        "a ignores stdin\nb read [abc]\nc saw [def]\nd read [def]\n"
    );
}

/// An input larger than a pipe holds reaches a native handler after a hook that did
/// not read it, byte for byte.
#[test]
fn a_large_input_survives_a_hook_that_does_not_read_it() {
    let root = tempfile::tempdir().expect("tempdir");
    hook(root.path(), "a", "t", "true", true);
    native_plugin(root.path(), "b", "t");
    let big: Vec<u8> = (0..200_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let (_, seen) = fire_with_input(root.path(), &big);
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].1 == big,
        "the native handler got {} bytes",
        seen[0].1.len()
    );
}
