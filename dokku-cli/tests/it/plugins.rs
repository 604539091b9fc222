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
