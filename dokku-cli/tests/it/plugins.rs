//! Plugin management and the trigger bus through the real binary.

use std::path::Path;

use dokku_test_support::{git_commit_all, write_executable, TestEnv};

use crate::dispatch::snapshot;
use crate::{install, install_hello};

fn manifest(dir: &Path, name: &str) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(
        dir.join("plugin.toml"),
        format!(
            "[plugin]\ndescription = \"{name} plugin\"\nversion = \"0.0.1\"\n[plugin.config]\n"
        ),
    )
    .expect("write plugin.toml");
}

fn trigger_plugin(env: &TestEnv, name: &str, trigger: &str, body: &str) {
    let dir = env.scratch("src").join(name);
    manifest(&dir, name);
    write_executable(
        &dir.join(trigger),
        &format!("#!/usr/bin/env bash\n{body}\n"),
    );
    env.dokku([
        "plugin:install",
        dir.to_str().expect("utf8"),
        "--name",
        name,
    ])
    .success();
}

#[test]
fn install_from_a_file_url_enables_and_lists() {
    let env = install();
    install_hello(&env);
    let list = env.dokku(["plugin:list"]).success().stdout;
    assert!(
        list.contains("\n  hello                0.1.0 enabled    dokku hello plugin\n"),
        "{list}"
    );
    env.dokku(["plugin:installed", "hello"]).success();
    assert_eq!(env.dokku(["plugin:installed", "nope"]).code, 1);
    let json = env
        .dokku(["plugin:list", "--format", "json"])
        .success()
        .stdout;
    let rows: serde_json::Value = serde_json::from_str(&json).expect("json");
    let hello = rows
        .as_array()
        .expect("array")
        .iter()
        .find(|r| r["name"] == "hello")
        .expect("hello row");
    assert_eq!(hello["enabled"], true);
    assert_eq!(hello["core"], false);
    assert!(hello["source_url"]
        .as_str()
        .expect("url")
        .starts_with("file://"));
    assert_eq!(hello["branch"], "main");
    let bad = env.dokku(["plugin:list", "--format", "xml"]);
    assert_eq!(bad.code, 1);
    assert_eq!(
        bad.stderr,
        " !     Invalid output format specified, supported formats: json, stdout\n"
    );
}

#[test]
fn install_twice_from_the_same_url_is_a_note_not_an_error() {
    let env = install();
    install_hello(&env);
    let repo = env.scratch("src").join("dokku-hello");
    let run = env
        .dokku(["plugin:install", &format!("file://{}", repo.display())])
        .success();
    assert!(
        run.stderr.contains("Plugin 'hello' is already installed."),
        "{}",
        run.stderr
    );
}

#[test]
fn install_from_a_tarball() {
    let env = install();
    let src = env.scratch("src");
    let plugin = src.join("tarred");
    manifest(&plugin, "tarred");
    write_executable(
        &plugin.join("commands"),
        "#!/usr/bin/env bash\n[[ $1 == tarred ]] || exit 10\necho from-tarball\n",
    );
    let archive = src.join("dokku-tarred.tar.gz");
    let status = std::process::Command::new("tar")
        .arg("czf")
        .arg(&archive)
        .arg("-C")
        .arg(&src)
        .arg("tarred")
        .status()
        .expect("tar");
    assert!(status.success());
    env.dokku(["plugin:install", archive.to_str().expect("utf8")])
        .success();
    assert_eq!(env.dokku(["tarred"]).success().stdout, "from-tarball\n");
}

#[test]
fn a_compiled_plugin_builds_itself_in_its_install_trigger() {
    let env = install();
    let repo = env.scratch("src").join("dokku-cgreet");
    manifest(&repo, "cgreet");
    std::fs::write(
        repo.join("greet.c"),
        "#include <stdio.h>\n#include <string.h>\nint main(int c, char **v) {\n  if (c < 2 || strcmp(v[1], \"cgreet\") != 0) return 10;\n  printf(\"compiled hello %s\\n\", c > 2 ? v[2] : \"world\");\n  return 0;\n}\n",
    )
    .expect("write C source");
    write_executable(
        &repo.join("install"),
        "#!/usr/bin/env bash\nset -eo pipefail\ncd \"$(dirname \"$0\")\"\ncc -O2 -o commands greet.c\n",
    );
    std::fs::write(repo.join(".gitignore"), "commands\n").expect("gitignore");
    git_commit_all(&repo);
    env.dokku(["plugin:install", &format!("file://{}", repo.display())])
        .success();
    assert_eq!(
        env.dokku(["cgreet", "you"]).success().stdout,
        "compiled hello you\n"
    );
}

#[test]
fn install_refuses_bad_sources_and_names_without_changing_anything() {
    let env = install();
    let before = snapshot(&env);
    let run = env.dokku(["plugin:install", "relative/path"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains(" !     First argument must be --core or url to plugin\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(" !     Please retry with valid arguments\n"),
        "{}",
        run.stderr
    );
    let dir = env.scratch("src").join("spaced");
    manifest(&dir, "spaced");
    let run = env.dokku([
        "plugin:install",
        dir.to_str().expect("utf8"),
        "--name",
        "has space",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("may not contain whitespace"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    assert_eq!(before, snapshot(&env));
}

#[test]
fn a_plugin_directory_with_spaces_is_skipped_with_a_warning() {
    let env = install();
    install_hello(&env);
    let odd = env.lib_root().join("plugins/enabled/odd name");
    std::fs::create_dir_all(&odd).expect("mkdir");
    let run = env.dokku(["hello:world"]).success();
    assert_eq!(run.stdout, "Hello world\n");
    assert!(
        run.stderr
            .contains("odd name: invalid plugin name 'odd name'"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn a_malformed_plugin_toml_is_one_line_and_others_keep_working() {
    let env = install();
    install_hello(&env);
    trigger_plugin(&env, "broken", "noop", "true");
    let toml = env.lib_root().join("plugins/available/broken/plugin.toml");
    std::fs::write(&toml, "[plugin\ndescription = \n").expect("break toml");
    let run = env.dokku(["hello:world"]).success();
    assert_eq!(run.stdout, "Hello world\n");
    let warning: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(warning.len(), 1, "{}", run.stderr);
    assert!(
        warning[0].starts_with(" !     skipping plugin: "),
        "{}",
        run.stderr
    );
    assert!(warning[0].contains("broken/plugin.toml"), "{}", run.stderr);
    assert!(warning[0].contains("(line 1)"), "{}", run.stderr);
}

#[test]
fn triggers_run_in_name_order_and_stop_at_the_first_failure() {
    let env = install();
    trigger_plugin(&env, "b-second", "my-event", "echo \"b $*\"");
    trigger_plugin(&env, "a-first", "my-event", "echo \"a $*\"");
    trigger_plugin(&env, "c-fails", "my-event", "echo c; exit 3");
    trigger_plugin(&env, "d-never", "my-event", "echo d");
    let run = env.dokku(["plugin:trigger", "my-event", "x", "y"]);
    assert_eq!(run.stdout, "a x y\nb x y\nc\n");
    assert_eq!(run.code, 3);
}

#[test]
fn plugn_entry_point_reaches_the_same_bus() {
    let env = install();
    trigger_plugin(
        &env,
        "one",
        "ping",
        "echo \"pong $1 CONFIG_X=${CONFIG_X:-}\"",
    );
    // Plugins call plugn with the dispatcher's PLUGIN_PATH in their environment.
    let plugn = |args: &[&str]| {
        let mut cmd = env.command("plugn");
        cmd.env("PLUGIN_PATH", env.lib_root().join("plugins"))
            .args(args);
        env.run(&mut cmd)
    };
    let run = plugn(&["trigger", "ping", "7"]).success();
    assert_eq!(run.stdout, "pong 7 CONFIG_X=\n");
    let list = plugn(&["list"]).success().stdout;
    assert!(
        list.contains("  one                  0.0.1 enabled    one plugin"),
        "{list}"
    );
    assert!(plugn(&["version"]).success().stdout.starts_with("plugn: "));
    plugn(&["config-set", "one", "x", "from-config"]).success();
    let run = plugn(&["trigger", "ping", "8"]).success();
    assert_eq!(run.stdout, "pong 8 CONFIG_X=from-config\n");
    let no_path = env.run(env.command("plugn").env_remove("PLUGIN_PATH").arg("list"));
    assert_eq!(no_path.code, 2);
    assert_eq!(no_path.stderr, "!! PLUGIN_PATH is not set in environment\n");
}

#[test]
fn a_trigger_that_is_not_executable_is_skipped_with_a_warning() {
    let env = install();
    trigger_plugin(&env, "a-plain", "evt", "echo should-not-run");
    trigger_plugin(&env, "b-exec", "evt", "echo ran");
    let hook = env.lib_root().join("plugins/available/a-plain/evt");
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    let run = env.dokku(["plugin:trigger", "evt"]).success();
    assert_eq!(run.stdout, "ran\n");
    assert_eq!(
        run.stderr,
        "Trigger 'evt' is not executable, skipping plugin (a-plain)\n"
    );
}

#[test]
fn enable_disable_uninstall_lifecycle() {
    let env = install();
    install_hello(&env);
    let run = env.dokku(["plugin:disable", "hello"]).success();
    assert!(
        run.stdout.starts_with("-----> Plugin hello disabled\n"),
        "{}",
        run.stdout
    );
    assert_eq!(env.dokku(["hello:world"]).code, 1);
    assert_eq!(
        env.dokku(["plugin:disable", "hello"]).stderr,
        " !     Plugin already disabled\n"
    );
    env.dokku(["plugin:enable", "hello"]).success();
    assert_eq!(
        env.dokku(["plugin:enable", "hello"]).stderr,
        " !     Plugin already enabled\n"
    );
    assert_eq!(
        env.dokku(["plugin:enable", ""]).stderr,
        " !     Please specify a plugin to enable\n"
    );
    assert_eq!(
        env.dokku(["plugin:disable", "plugin"]).stderr,
        " !     Cannot disable a core plugin\n"
    );
    assert_eq!(
        env.dokku(["plugin:uninstall", "plugin"]).stderr,
        " !     Cannot uninstall a core plugin\n"
    );
    let run = env.dokku(["plugin:uninstall", "hello"]).success();
    assert!(
        run.stdout.contains("-----> Plugin hello uninstalled\n"),
        "{}",
        run.stdout
    );
    assert!(!env.lib_root().join("plugins/available/hello").exists());
    assert_eq!(
        env.dokku(["plugin:uninstall", "hello"]).stderr,
        " !     Plugin (hello) is not currently installed\n"
    );
}

#[test]
fn update_pins_a_committish() {
    let env = install();
    install_hello(&env);
    let repo = env.scratch("src").join("dokku-hello");
    let head = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(&repo)
        .output()
        .expect("git rev-parse");
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let run = env.dokku(["plugin:update", "hello", &head]).success();
    assert!(
        run.stdout
            .contains(&format!("Plugin (hello) updated and pinned to {head}")),
        "{}",
        run.stdout
    );
    assert_eq!(
        env.dokku(["plugin:update", "bad name!"]).stderr,
        " !     Invalid plugin name specified\n"
    );
    assert_eq!(
        env.dokku(["plugin:update", "plugin"]).stderr,
        " !     Cannot trigger plugin:update against core plugin, please update Dokku instead\n"
    );
}

/// `plugin:update` fires `update` everywhere, as Dokku does, then `install` at each updated
/// native plugin that has no `update` trigger (its library is built from the new
/// sources); a bash plugin without `update`, or a native one with it, gets no `install`.
#[test]
fn update_rebuilds_native_plugins_without_an_update_trigger() {
    let env = install();
    let log = env.scratch("log").join("triggers");
    let record = |what: &str| format!("#!/usr/bin/env bash\necho {what} >> '{}'\n", log.display());
    for (name, native, has_update) in [
        ("a-native", true, false),
        ("b-native-with-update", true, true),
        ("c-bash", false, false),
    ] {
        let repo = env.scratch("src").join(name);
        manifest(&repo, name);
        if native {
            let toml = repo.join("plugin.toml");
            let text = std::fs::read_to_string(&toml).expect("read plugin.toml");
            std::fs::write(&toml, text + "[plugin.native]\nlibrary = \"lib.so\"\n")
                .expect("write plugin.toml");
        }
        write_executable(&repo.join("install"), &record(&format!("install {name}")));
        if has_update {
            write_executable(&repo.join("update"), &record(&format!("update {name}")));
        }
        git_commit_all(&repo);
        env.dokku(["plugin:install", &format!("file://{}", repo.display())])
            .success();
    }
    std::fs::remove_file(&log).expect("the installs fired install");

    env.dokku(["plugin:update"]).success();
    assert_eq!(
        std::fs::read_to_string(&log).expect("read the log"),
        "update b-native-with-update\ninstall a-native\n"
    );
    std::fs::remove_file(&log).expect("remove the log");
    env.dokku(["plugin:update", "c-bash"]).success();
    assert_eq!(
        std::fs::read_to_string(&log).expect("read the log"),
        "update b-native-with-update\n",
        "naming a plugin rebuilds only that one"
    );
}

#[test]
fn install_dependencies_fires_the_dependencies_trigger() {
    let env = install();
    trigger_plugin(&env, "deps", "dependencies", "echo installing-deps");
    let run = env.dokku(["plugin:install-dependencies"]).success();
    assert_eq!(run.stdout, "installing-deps\n");
}

/// Deterministic noise (xorshift), starting with a byte that is never UTF-8.
fn noise(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = vec![0xff];
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Security issue #9: a plugin.toml that discovery would skip on every command is
/// refused at install, in one line and a hint, and nothing of the plugin is left
/// (its install trigger never runs).
#[test]
fn install_refuses_a_malformed_plugin_toml_and_leaves_nothing() {
    let env = install();
    let before = snapshot(&env);
    let marker = env.scratch("marker").join("install-ran");
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "header",
            b"[plugin\ndescription = \"x\"\n".to_vec(),
            "invalid table header",
        ),
        (
            "types",
            b"[plugin]\ndescription = 5\nversion = \"1\"\n".to_vec(),
            "(line 2)",
        ),
        ("noise", noise(5 * 1024 * 1024), "not UTF-8 text (line 1)"),
        (
            "latin1",
            b"[plugin]\ndescription = \"caf\xe9\"\n".to_vec(),
            "not UTF-8 text (line 2)",
        ),
    ];
    for (name, bytes, expected) in cases {
        let dir = env.scratch("src").join(name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("plugin.toml"), &bytes).expect("write plugin.toml");
        write_executable(
            &dir.join("install"),
            &format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
        );
        let run = env.dokku([
            "plugin:install",
            dir.to_str().expect("utf8"),
            "--name",
            name,
        ]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{name}: {}", run.stderr);
        assert!(
            lines[0].starts_with(&format!(
                " !     Plugin {name} has an invalid plugin.toml: "
            )),
            "{name}: {}",
            run.stderr
        );
        assert!(lines[0].contains(expected), "{name}: {}", run.stderr);
        assert!(
            lines[1].starts_with("       hint: "),
            "{name}: {}",
            run.stderr
        );
        for tree in ["available", "enabled"] {
            let left = env.lib_root().join("plugins").join(tree).join(name);
            assert!(
                std::fs::symlink_metadata(&left).is_err(),
                "{} left behind",
                left.display()
            );
        }
    }
    assert!(!marker.exists(), "an install trigger ran");
    assert_eq!(before, snapshot(&env));
}

/// Security issue #9: an update to a revision with a broken plugin.toml is refused and
/// the plugin stays on the revision it had.
#[test]
fn update_refuses_a_revision_with_a_malformed_plugin_toml() {
    let env = install();
    install_hello(&env);
    let repo = env.scratch("src").join("dokku-hello");
    let installed = env.lib_root().join("plugins/available/hello/plugin.toml");
    let good = std::fs::read(&installed).expect("installed plugin.toml");
    std::fs::write(repo.join("plugin.toml"), "[plugin]\nversion = 2\n").expect("break");
    git_commit_all(&repo);
    let bad = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(&repo)
        .output()
        .expect("git rev-parse");
    let bad = String::from_utf8_lossy(&bad.stdout).trim().to_string();

    for args in [
        vec!["plugin:update", "hello"],
        vec!["plugin:update", "hello", &bad],
    ] {
        let run = env.dokku(&args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {}", run.stderr);
        assert!(
            lines[0]
                .starts_with(" !     Plugin (hello) not updated: its new plugin.toml is invalid: "),
            "{args:?}: {}",
            run.stderr
        );
        assert!(lines[1].starts_with("       hint: "), "{}", run.stderr);
        assert_eq!(std::fs::read(&installed).expect("plugin.toml"), good);
        assert_eq!(env.dokku(["hello:world"]).success().stdout, "Hello world\n");
    }
    assert!(!env
        .lib_root()
        .join("plugins/available/hello/.plugin_committish")
        .exists());
}

/// `/proc/<pid>/stat`'s state and process group, `None` once the process is gone or a
/// zombie waiting for its reaper.
fn live_pgrp(stat: &str) -> Option<i32> {
    let (_, rest) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    match fields.first() {
        Some(&"Z") | Some(&"X") | None => None,
        _ => fields.get(2)?.parse().ok(),
    }
}

/// Live processes in process group `pgid`.
fn group_members(pgid: i32) -> Vec<i32> {
    let mut members = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if live_pgrp(&stat) == Some(pgid) {
            members.push(pid);
        }
    }
    members
}

/// `PID PGID` lines a hook recorded; whatever is still alive in those process groups
/// is killed when the test ends, so a failing run leaves no `sleep 1000` behind.
struct HookProcesses(std::path::PathBuf);

impl HookProcesses {
    fn recorded(&self) -> Vec<(i32, i32)> {
        std::fs::read_to_string(&self.0)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let (pid, pgid) = l.trim().split_once(' ')?;
                Some((pid.parse().ok()?, pgid.trim().parse().ok()?))
            })
            .collect()
    }
}

impl Drop for HookProcesses {
    fn drop(&mut self) {
        let groups: std::collections::BTreeSet<i32> =
            self.recorded().into_iter().map(|(_, pgid)| pgid).collect();
        for pgid in groups {
            for pid in group_members(pgid) {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
    }
}

/// Runs `dokku ARGS` with `DOKKU_TRIGGER_TIMEOUT=limit`, waiting at most `wait` (then
/// it is killed and the test fails). Streams go to files, so processes that outlive
/// dokku holding them cannot block the test. Returns the status, stdout, stderr and
/// how long it took.
fn dokku_limited(
    env: &TestEnv,
    args: &[&str],
    limit: &str,
    wait: std::time::Duration,
) -> (Option<i32>, String, String, std::time::Duration) {
    let stdout_file = env.scratch("fake").join("dokku.stdout");
    let stderr_file = env.scratch("fake").join("dokku.stderr");
    let start = std::time::Instant::now();
    let mut child = env
        .command("dokku")
        .args(args)
        .env("DOKKU_TRIGGER_TIMEOUT", limit)
        .stdout(std::fs::File::create(&stdout_file).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr_file).expect("stderr file"))
        .spawn()
        .expect("spawn dokku");
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if start.elapsed() > wait {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dokku {args:?} did not finish within {wait:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let elapsed = start.elapsed();
    (
        status.code(),
        std::fs::read_to_string(&stdout_file).expect("stdout"),
        std::fs::read_to_string(&stderr_file).expect("stderr"),
        elapsed,
    )
}

/// Issue #9: a legacy hook that never returns used to hang the command forever. With
/// `DOKKU_TRIGGER_TIMEOUT` the hook's whole process group is ended at the limit and the
/// command fails with one line naming the trigger, the plugin and the limit.
#[test]
fn a_hook_over_dokku_trigger_timeout_is_ended_with_its_process_group() {
    let env = install();
    let hook = HookProcesses(env.scratch("fake").join("pids"));
    let record = format!(
        "echo \"$$ $(awk '{{print $5}}' /proc/$$/stat)\" >> '{}'",
        hook.0.display()
    );
    trigger_plugin(
        &env,
        "stuck",
        "hang",
        &format!(
            "{record}\nsh -c \"{r}; exec sleep 1000\" &\nsh -c \"{r}; exec sleep 1000\"\necho never reached",
            r = record.replace('$', "\\$").replace('"', "\\\"")
        ),
    );
    trigger_plugin(&env, "zz-after", "hang", "echo after");
    let (code, stdout, stderr, elapsed) = dokku_limited(
        &env,
        &["plugin:trigger", "hang"],
        "2",
        std::time::Duration::from_secs(30),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        elapsed >= std::time::Duration::from_secs(2)
            && elapsed < std::time::Duration::from_secs(10),
        "ended at the limit: {elapsed:?}"
    );
    assert_eq!(
        stderr,
        " !     trigger hang of plugin stuck did not finish within 2 seconds (DOKKU_TRIGGER_TIMEOUT) and was killed\n       hint: raise DOKKU_TRIGGER_TIMEOUT (0 turns the limit off) or fix the plugin's hang hook so it returns\n"
    );
    assert_eq!(stdout, "", "the chain stopped at the killed hook");

    let recorded = hook.recorded();
    assert_eq!(
        recorded.len(),
        3,
        "the hook and its two children ran: {recorded:?}"
    );
    let pgid = recorded[0].1;
    assert_eq!(pgid, recorded[0].0, "the hook leads its own process group");
    assert!(recorded.iter().all(|(_, g)| *g == pgid), "{recorded:?}");
    assert_eq!(
        group_members(pgid),
        Vec::<i32>::new(),
        "no process of the hook survives"
    );
}

#[test]
fn a_bad_dokku_trigger_timeout_is_an_error_with_a_hint() {
    let env = install();
    trigger_plugin(&env, "one", "ping", "echo pong");
    let run = env.run(
        env.command("dokku")
            .args(["plugin:trigger", "ping"])
            .env("DOKKU_TRIGGER_TIMEOUT", "soon"),
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        " !     invalid DOKKU_TRIGGER_TIMEOUT 'soon': expected a whole number of seconds\n       hint: set DOKKU_TRIGGER_TIMEOUT to a number of seconds, or to 0 or nothing for no limit\n"
    );
    assert_eq!(run.stdout, "");
}

/// Runs `dokku ARGS` on a new pseudo-terminal (`script`), with `DOKKU_TRIGGER_TIMEOUT`
/// at `limit`; bytes written to the returned child's stdin are typed on it.
fn dokku_on_a_terminal(env: &TestEnv, args: &str, limit: &str) -> std::process::Child {
    env.command("script")
        .args(["-qefc", &format!("dokku {args}"), "/dev/null"])
        .env("DOKKU_TRIGGER_TIMEOUT", limit)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn script")
}

/// Waits at most `limit` for `child`, killing it past that.
fn wait_for(mut child: std::process::Child, limit: std::time::Duration) -> (i32, String) {
    use std::io::Read;
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("not finished within {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_string(&mut out);
    }
    (status.code().unwrap_or(-1), out)
}

/// Under a time limit hooks run in their own process group; on a terminal that group
/// is lent the terminal, so a hook may still change its modes (`stty`, as `docker run
/// -it` does) instead of being stopped by SIGTTOU, and dokku takes the terminal back
/// for the next hook.
#[test]
fn under_dokku_trigger_timeout_hooks_still_own_the_terminal() {
    let env = install();
    for name in ["tty-a", "tty-b"] {
        trigger_plugin(
            &env,
            name,
            "ask",
            &format!("stty -echo && stty echo && echo \"{name} owns the terminal\""),
        );
    }
    let child = dokku_on_a_terminal(&env, "plugin:trigger ask", "20");
    let start = std::time::Instant::now();
    let (code, out) = wait_for(child, std::time::Duration::from_secs(40));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("tty-a owns the terminal"), "{out}");
    assert!(out.contains("tty-b owns the terminal"), "{out}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(15),
        "not stopped until the limit: {:?}",
        start.elapsed()
    );
}

/// Ctrl-C on the terminal reaches a hook running under a time limit (it is the
/// terminal's foreground group): the hook and its children end and so does the
/// command, with the hook's status.
#[test]
fn under_dokku_trigger_timeout_ctrl_c_still_ends_the_hook() {
    let env = install();
    let hook = HookProcesses(env.scratch("fake").join("pids"));
    let record = format!(
        "echo \"$$ $(awk '{{print $5}}' /proc/$$/stat)\" >> '{}'",
        hook.0.display()
    );
    trigger_plugin(
        &env,
        "waits",
        "hang",
        &format!(
            "{record}\nsh -c \"{r}; exec sleep 1000\"",
            r = record.replace('$', "\\$").replace('"', "\\\"")
        ),
    );
    let mut child = dokku_on_a_terminal(&env, "plugin:trigger hang", "600");
    let start = std::time::Instant::now();
    while hook.recorded().len() < 2 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "the hook did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    use std::io::Write;
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"\x03").expect("type ctrl-c");
    stdin.flush().expect("flush");
    let (code, out) = wait_for(child, std::time::Duration::from_secs(20));
    drop(stdin);
    assert_eq!(code, 130, "ended by the hook's SIGINT\n{out}");
    let recorded = hook.recorded();
    assert_eq!(
        group_members(recorded[0].1),
        Vec::<i32>::new(),
        "no process of the hook survives"
    );
}

/// A hook over the limit that is itself firing triggers (`plugn trigger`, a nested
/// `dokku`): the nested bus runs its hooks in groups of their own, and those are
/// ended too, not left running once their parent is gone.
#[test]
fn a_hook_over_dokku_trigger_timeout_takes_the_hooks_it_fired_with_it() {
    let env = install();
    let hook = HookProcesses(env.scratch("fake").join("pids"));
    let record = format!(
        "echo \"$$ $(awk '{{print $5}}' /proc/$$/stat)\" >> '{}'",
        hook.0.display()
    );
    trigger_plugin(
        &env,
        "outer",
        "hang",
        "DOKKU_TRIGGER_TIMEOUT=600 plugn trigger inner-hang",
    );
    trigger_plugin(
        &env,
        "inner",
        "inner-hang",
        &format!(
            "{record}\nsh -c \"{r}; exec sleep 1000\" &\nsleep 1000",
            r = record.replace('$', "\\$").replace('"', "\\\"")
        ),
    );
    let (code, _, stderr, _) = dokku_limited(
        &env,
        &["plugin:trigger", "hang"],
        "2",
        std::time::Duration::from_secs(30),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(hook.recorded().len(), 2, "the inner hook and its child ran");
    assert!(
        stderr.contains("trigger hang of plugin outer did not finish within 2 seconds"),
        "{stderr}"
    );
    let recorded = hook.recorded();
    let inner = recorded[0].1;
    assert_eq!(
        group_members(inner),
        Vec::<i32>::new(),
        "no process of the inner hook survives"
    );
}

/// The time-limit failure keeps its hint through the deploy pipeline's errors too
/// (`apps:create` fires `post-create` through the core).
#[test]
fn a_timed_out_hook_inside_a_core_command_fails_it_with_the_hint() {
    let env = install();
    env.fake_docker(dokku_test_support::FakeDocker::default());
    trigger_plugin(&env, "slow", "post-create", "exec sleep 1000");
    let (code, _, stderr, _) = dokku_limited(
        &env,
        &["apps:create", "web"],
        "1",
        std::time::Duration::from_secs(30),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.ends_with(" !     trigger post-create of plugin slow did not finish within 1 second (DOKKU_TRIGGER_TIMEOUT) and was killed\n       hint: raise DOKKU_TRIGGER_TIMEOUT (0 turns the limit off) or fix the plugin's post-create hook so it returns\n"),
        "{stderr}"
    );
}

/// Entries owned by root: `dir` and `depth` levels below it.
fn root_owned(dir: &Path, depth: usize, out: &mut Vec<String>) {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return;
    };
    if meta.uid() == 0 {
        out.push(dir.display().to_string());
    }
    if depth == 0 || !meta.is_dir() {
        return;
    }
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        root_owned(&entry.path(), depth - 1, out);
    }
}

/// Security issue #9: `dokku plugin:install --core` and `sudo dokku plugin:install URL`
/// run the install triggers as root; what they create must belong to the system user,
/// or the next command, run as that user, fails with "Permission denied".
///
/// Runs for real when the test runs as root (as here and in CI), with the existing
/// `nobody` user standing in for `dokku`; elsewhere the uid-injected unit tests of
/// `dokku_core::ownership` cover the rules.
#[test]
fn install_as_root_hands_what_install_triggers_create_to_the_system_user() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let me = std::fs::metadata("/proc/self")
        .expect("stat /proc/self")
        .uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let has_nobody = passwd.lines().any(|l| l.starts_with("nobody:x:65534:"));
    let has_setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if me != 0 || !has_nobody || !has_setpriv {
        eprintln!("skipped: needs root, the nobody user (65534) and setpriv");
        return;
    }
    let env = install();
    let prefix = env.prefix();
    // What install.sh does for a system install: the system user owns the trees, and
    // can reach them.
    std::fs::set_permissions(
        prefix.parent().expect("temp dir"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod temp dir");
    let status = std::process::Command::new("chown")
        .arg("-R")
        .arg("nobody:nogroup")
        .args(["home", "lib", "log"].map(|d| prefix.join(d)))
        .status()
        .expect("chown");
    assert!(status.success());
    let system = |cmd: &mut std::process::Command| {
        cmd.env("DOKKU_SYSTEM_USER", "nobody")
            .env("DOKKU_SYSTEM_GROUP", "nogroup");
    };

    let mut core = env.command("dokku");
    system(core.args(["plugin:install", "--core"]));
    env.run(&mut core).success();
    // A community plugin whose install trigger makes its data directory, as root.
    let dir = env.scratch("src").join("datadir");
    manifest(&dir, "datadir");
    write_executable(
        &dir.join("install"),
        "#!/usr/bin/env bash\nmkdir -p \"$DOKKU_LIB_ROOT/data/datadir\"\n",
    );
    let mut community = env.command("dokku");
    system(community.args(["plugin:install", dir.to_str().expect("utf8")]));
    env.run(&mut community).success();

    // The next commands, run as the system user, can write where they need to.
    let as_system_user = |args: &[&str]| {
        let mut cmd = env.command("setpriv");
        cmd.args([
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            "--",
            "dokku",
        ])
        .args(args)
        .env("HOME", env.dokku_root());
        system(&mut cmd);
        env.run(&mut cmd)
    };
    as_system_user(&["config:set", "--global", "GREETING=hi"]).success();
    as_system_user(&["apps:create", "web"]).success();
    as_system_user(&["docker-options:add", "web", "deploy", "--label=x"]).success();
    assert_eq!(
        as_system_user(&["config:get", "--global", "GREETING"])
            .success()
            .stdout,
        "hi\n"
    );

    // Nothing is left root-owned where install triggers write.
    let lib = env.lib_root();
    let mut left = Vec::new();
    root_owned(&lib.join("config"), usize::MAX, &mut left);
    root_owned(&lib.join("data"), 1, &mut left);
    root_owned(&env.dokku_root(), 1, &mut left);
    root_owned(&prefix.join("log/events.log"), 0, &mut left);
    assert!(left.is_empty(), "still root-owned: {left:#?}");
    let global = std::fs::metadata(lib.join("config/--global")).expect("config/--global");
    assert!(global.is_dir());
    assert_eq!((global.uid(), global.gid()), (65534, 65534));
    assert!(lib.join("data/datadir").is_dir());
}
