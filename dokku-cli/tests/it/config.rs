//! The `config` core plugin through the real binary: round trips through the CLI, the
//! bash helpers and the core, every export format, bad input, concurrent writers and
//! a writer killed mid-write.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use dokku_core::config::{ConfigScope, ConfigStore};
use dokku_test_support::{write_executable, Run, TestEnv};

use crate::install;

/// Values that have broken ENV files before: quotes, newlines, `$`, `=`, backslashes,
/// unicode, empty, integer-looking and comment-looking values.
const AWKWARD: &[&str] = &[
    "plain",
    "",
    "it's \"quoted\"",
    "ends with a quote\"",
    "ends with a backslash\\",
    "line1\nline2\n",
    "cr\r\nlf",
    "$HOME ${HOME} \\$ $(date) `date`",
    "a=b=c",
    "C:\\path\\to\\thing \\n not a newline",
    "ünïcödé ✓ 日本語 🚀",
    "  padded  ",
    "tab\tseparated",
    "#not a comment",
    "value # with hash",
    "007",
    "+5",
    "-0",
    "42",
    "!bang! 'single' \"double\"",
];

fn app(env: &TestEnv, name: &str) {
    std::fs::create_dir_all(env.dokku_root().join(name)).expect("create app dir");
}

fn store(env: &TestEnv) -> ConfigStore {
    ConfigStore::new(env.lib_root())
}

fn env_file(env: &TestEnv, scope: &str) -> PathBuf {
    env.lib_root().join("config").join(scope).join("ENV")
}

/// Runs a bash script with the helper library sourced, as a plugin would.
fn bash(env: &TestEnv, script: &str, vars: &[(&str, &str)]) -> Run {
    let full =
        format!("set -eo pipefail\nsource \"$PLUGIN_AVAILABLE_PATH/config/functions\"\n{script}");
    let lib = env.lib_root();
    let mut cmd = env.command("bash");
    cmd.args(["-c", &full])
        .env(
            "PLUGIN_CORE_AVAILABLE_PATH",
            lib.join("core-plugins/available"),
        )
        .env("PLUGIN_AVAILABLE_PATH", lib.join("plugins/available"))
        .env("PLUGIN_PATH", lib.join("plugins"))
        .env("PLUGIN_ENABLED_PATH", lib.join("plugins/enabled"))
        .env("DOKKU_LIB_ROOT", &lib);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    env.run(&mut cmd)
}

fn base64(value: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in value.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn awkward_values_round_trip_through_cli_bash_and_core() {
    let env = install();
    app(&env, "web");
    let core = store(&env);
    let web = ConfigScope::app("web");
    for (i, value) in AWKWARD.iter().enumerate() {
        // CLI in, everything out.
        let key = format!("CLI_{i}");
        env.dokku([
            "config:set",
            "--no-restart",
            "web",
            &format!("{key}={value}"),
        ])
        .success();
        let cli = env.dokku(["config:get", "web", &key]).success();
        assert_eq!(cli.stdout, format!("{value}\n"), "config:get of {value:?}");
        let from_bash = bash(&env, "config_get web \"$KEY\"", &[("KEY", &key)]).success();
        assert_eq!(
            from_bash.stdout,
            format!("{value}\n"),
            "config_get of {value:?}"
        );
        assert_eq!(
            core.get(&web, &key).expect("core get").as_deref(),
            Some(*value),
            "core of {value:?}"
        );

        // bash in, CLI out.
        let key = format!("BASH_{i}");
        bash(
            &env,
            "config_set --no-restart web \"$KEY=$VALUE\"",
            &[("KEY", &key), ("VALUE", value)],
        )
        .success();
        assert_eq!(
            env.dokku(["config:get", "web", &key]).success().stdout,
            format!("{value}\n"),
            "bash set {value:?}"
        );

        // core in, CLI and bash out.
        let key = format!("CORE_{i}");
        core.set(&web, &[(key.as_str(), *value)]).expect("core set");
        assert_eq!(
            env.dokku(["config:get", "web", &key]).success().stdout,
            format!("{value}\n"),
            "core set {value:?}"
        );
        let from_bash = bash(&env, "config_get web \"$KEY\"", &[("KEY", &key)]).success();
        assert_eq!(
            from_bash.stdout,
            format!("{value}\n"),
            "core set, bash get {value:?}"
        );

        // --encoded in, and --quoted out is a shell word that evaluates back.
        let key = format!("ENC_{i}");
        env.dokku([
            "config:set",
            "--encoded",
            "--no-restart",
            "web",
            &format!("{key}={}", base64(value)),
        ])
        .success();
        let quoted = env
            .dokku(["config:get", "--quoted", "web", &key])
            .success()
            .stdout;
        let evaluated = env.run(env.command("bash").args([
            "-c",
            &format!("printf %s {}", quoted.trim_end_matches('\n')),
        ]));
        assert_eq!(
            evaluated.stdout, *value,
            "--encoded then --quoted of {value:?}"
        );
    }
    // The bash export helper evaluates back to the same values.
    let script = "eval \"$(config_export app web)\"\nfor i in $(seq 0 $((N-1))); do v=\"CLI_$i\"; printf '%s\\0' \"${!v}\"; done";
    let run = bash(&env, script, &[("N", &AWKWARD.len().to_string())]).success();
    let got: Vec<&str> = run.stdout.split('\0').take(AWKWARD.len()).collect();
    assert_eq!(got, AWKWARD);
}

#[test]
fn global_scope_and_merged_views() {
    let env = install();
    app(&env, "web");
    env.dokku(["config:set", "--global", "SHARED=global", "ONLY_GLOBAL=g"])
        .success();
    env.dokku(["config:set", "--no-restart", "web", "SHARED=app"])
        .success();
    assert_eq!(
        env.dokku(["config:keys", "web"]).success().stdout,
        "SHARED\n"
    );
    assert_eq!(
        env.dokku(["config:keys", "--merged", "web"])
            .success()
            .stdout,
        "ONLY_GLOBAL\nSHARED\n"
    );
    assert_eq!(
        env.dokku(["config:get", "--global", "SHARED"])
            .success()
            .stdout,
        "global\n"
    );
    let merged = env
        .dokku(["config:export", "--merged", "--format", "shell", "web"])
        .success()
        .stdout;
    assert_eq!(merged, "ONLY_GLOBAL='g' SHARED='app' ");
    let bash_merged = bash(
        &env,
        "config_export app web --merged --format shell; echo; config_export global --format shell",
        &[],
    )
    .success();
    assert_eq!(
        bash_merged.stdout,
        "ONLY_GLOBAL='g' SHARED='app' \nONLY_GLOBAL='g' SHARED='global' "
    );
    assert!(env_file(&env, "--global").is_file());
    let show = env.dokku_tty(["config", "--global"]).success().stdout;
    assert_eq!(
        show,
        "=====> global env vars\nONLY_GLOBAL:  g\nSHARED:       global\n"
    );
}

#[test]
fn every_export_format_is_byte_exact() {
    let env = install();
    app(&env, "web");
    env.dokku([
        "config:set",
        "--no-restart",
        "web",
        "B=it's <b>",
        "A=1",
        "NL=x\ny",
    ])
    .success();
    let export = |format: &str| {
        env.dokku(["config:export", "--format", format, "web"])
            .success()
            .stdout
    };
    assert_eq!(
        export("exports"),
        "export A='1'\nexport B='it'\\''s <b>'\nexport NL='x\ny'\n"
    );
    assert_eq!(export("envfile"), "A=1\nB=\"it's <b>\"\nNL=\"x\\ny\"\n");
    assert_eq!(
        export("docker-args"),
        "--env=A='1' --env=B='it'\\''s <b>' --env=NL='x\ny'\n"
    );
    assert_eq!(export("docker-args-keys"), "--env=A --env=B --env=NL\n");
    assert_eq!(export("pack-keys"), "--env A --env B --env NL\n");
    assert_eq!(export("shell"), "A='1' B='it'\\''s <b>' NL='x\ny' ");
    assert_eq!(export("pretty"), "A:   1\nB:   it's <b>\nNL:  x\ny\n");
    assert_eq!(
        export("json"),
        "{\"A\":\"1\",\"B\":\"it's \\u003cb\\u003e\",\"NL\":\"x\\ny\"}\n"
    );
    assert_eq!(
        export("json-list"),
        "[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"it's \\u003cb\\u003e\"},{\"name\":\"NL\",\"value\":\"x\\ny\"}]\n"
    );
    assert_eq!(
        env.dokku(["config:export", "web"]).success().stdout,
        export("exports"),
        "default is exports"
    );
    let bad = env.dokku(["config:export", "--format", "yaml", "web"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, " !     Unknown export format: yaml\n")
    );

    // Empty env: json `{}`, json-list `null` (Dokku's quirk), the rest empty.
    app(&env, "empty");
    let empty = |format: &str| {
        env.dokku(["config:export", "--format", format, "empty"])
            .success()
            .stdout
    };
    assert_eq!(empty("json"), "{}\n");
    assert_eq!(empty("json-list"), "null\n");
    assert_eq!(empty("exports"), "\n");
    assert_eq!(empty("shell"), " ");

    // config / config:show: the pretty table under a header.
    let show = env.dokku_tty(["config:show", "web"]).success().stdout;
    assert_eq!(
        show,
        "=====> web env vars\nA:   1\nB:   it's <b>\nNL:  x\ny\n"
    );
    assert_eq!(env.dokku_tty(["config", "web"]).success().stdout, show);
    let quiet = env.dokku(["--quiet", "config", "web"]).success().stdout;
    assert_eq!(quiet, "A:   1\nB:   it's <b>\nNL:  x\ny\n");
}

#[test]
fn bundle_is_a_tar_of_one_file_per_key() {
    let env = install();
    app(&env, "web");
    env.dokku(["config:set", "--no-restart", "web", "A=1", "B=two\nlines"])
        .success();
    let out = env
        .command("dokku")
        .args(["config:bundle", "web"])
        .stdout(Stdio::piped())
        .output()
        .expect("bundle");
    assert!(out.status.success());
    let dir = env.scratch("bundle");
    let mut tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("tar");
    std::io::Write::write_all(tar.stdin.as_mut().expect("stdin"), &out.stdout).expect("feed tar");
    drop(tar.stdin.take());
    assert!(tar.wait().expect("tar").success());
    assert_eq!(std::fs::read_to_string(dir.join("A")).expect("A"), "1");
    assert_eq!(
        std::fs::read_to_string(dir.join("B")).expect("B"),
        "two\nlines"
    );
}

fn file_state(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

#[test]
fn bad_input_is_a_clear_error_and_changes_nothing() {
    let env = install();
    app(&env, "web");
    env.dokku(["config:set", "--no-restart", "web", "KEEP=1"])
        .success();
    let before = file_state(&env_file(&env, "web"));
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["config:set", "web", "GOOD=1", "1BAD=2"],
            1,
            " !     Invalid key name: '1BAD'\n",
        ),
        (
            &["config:set", "web", "GOOD=1", "BAD-KEY=2"],
            1,
            " !     Invalid key name: 'BAD-KEY'\n",
        ),
        (
            &["config:set", "web", "GOOD=1", "NOEQUALS"],
            1,
            " !     Invalid env pair: NOEQUALS\n",
        ),
        (
            &["config:set", "web"],
            1,
            " !     At least one env pair must be given\n",
        ),
        (
            &["config:set", "--encoded", "web", "GOOD=aGk=", "BAD=%%%"],
            1,
            " !     illegal base64 data at input byte 0 for key 'BAD'\n",
        ),
        (
            &["config:unset", "web", "KEEP", "1BAD"],
            1,
            " !     Invalid key name: '1BAD'\n",
        ),
        (
            &["config:unset", "web"],
            1,
            " !     At least one key must be given\n",
        ),
        (
            &["config:set", "nope", "A=1"],
            20,
            " !     App nope does not exist\n",
        ),
        (
            &["config:get", "nope", "A"],
            20,
            " !     App nope does not exist\n",
        ),
        (&["config:get", "web"], 1, " !     Expected: key\n"),
        (
            &["config:get", "web", "A", "B", "C"],
            1,
            " !     Unexpected argument(s): [B C]\n",
        ),
        (
            &["config:keys", "web", "extra"],
            1,
            " !     Trailing argument(s): [extra]\n",
        ),
        (
            &["config:set", "--bogus", "web", "A=1"],
            2,
            " !     unknown flag: --bogus\n",
        ),
        (
            &["config", "--shell", "--export", "web"],
            1,
            " !     Only one of --shell and --export can be given\n",
        ),
    ];
    for (args, code, stderr) in cases {
        let run = env.dokku(*args);
        assert_eq!(
            (run.code, run.stderr.as_str(), run.stdout.as_str()),
            (*code, *stderr, ""),
            "{args:?}"
        );
        assert_eq!(
            file_state(&env_file(&env, "web")),
            before,
            "{args:?} changed the file"
        );
    }
    assert!(
        !env.lib_root().join("config/nope").exists(),
        "nothing created for an unknown app"
    );
    // A key that is not set: no output, exit 1.
    let run = env.dokku(["config:get", "web", "MISSING"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (1, "", "")
    );
}

#[test]
fn invalid_keys_in_a_file_are_deleted_on_load() {
    let env = install();
    app(&env, "web");
    let file = env_file(&env, "web");
    std::fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
    std::fs::write(&file, "GOOD=1\nBAD.KEY=2\n").expect("seed");
    let run = env.dokku(["config:keys", "web"]).success();
    assert_eq!(
        run.stdout,
        "-----> Deleting invalid key BAD.KEY from config for web\nGOOD\n"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("ENV"), "GOOD=1\n");
    assert_eq!(env.dokku(["config:keys", "web"]).success().stdout, "GOOD\n");
}

/// A legacy plugin recording its triggers' arguments, one line per call.
fn recorder(env: &TestEnv, triggers: &[&str]) -> PathBuf {
    let dir = env.scratch("src").join("recorder");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("plugin.toml"),
        "[plugin]\ndescription = \"rec\"\nversion = \"0\"\n[plugin.config]\n",
    )
    .expect("manifest");
    let log = env.scratch("rec").join("calls");
    for trigger in triggers {
        write_executable(
            &dir.join(trigger),
            &format!("#!/usr/bin/env bash\nprintf '%s' \"$(basename \"$0\")\" >>{log:?}\nprintf ' [%s]' \"$@\" >>{log:?}\necho >>{log:?}\n"),
        );
    }
    env.dokku([
        "plugin:install",
        dir.to_str().expect("utf8"),
        "--name",
        "recorder",
    ])
    .success();
    log
}

#[test]
fn post_config_update_and_restart_follow_dokku() {
    let env = install();
    app(&env, "web");
    let log = recorder(&env, &["post-config-update", "release-and-deploy"]);
    let calls = || std::fs::read_to_string(&log).unwrap_or_default();

    env.dokku(["config:set", "web", "B=2", "A=1"]).success();
    env.dokku(["config:set", "--global", "G=1"]).success();
    env.dokku(["config:unset", "web", "A", "NOTSET"]).success();
    env.dokku(["config:clear", "web"]).success();
    assert_eq!(
        calls(),
        "post-config-update [web] [set] [A] [B]\n\
         post-config-update [] [set] [G]\n\
         post-config-update [web] [unset] [A] [NOTSET]\n\
         post-config-update [web] [clear]\n",
        "not deployed: no restart"
    );

    // Deployed: a restart through release-and-deploy, unless --no-restart or restore=false.
    std::fs::remove_file(&log).expect("reset");
    env.dokku(["__core", "prop", "set", "common", "web", "deployed", "true"])
        .success();
    let run = env.dokku(["config:set", "web", "A=1"]).success();
    assert!(
        run.stdout.contains("-----> Restarting app web\n"),
        "{}",
        run.stdout
    );
    env.dokku(["config:set", "--no-restart", "web", "A=2"])
        .success();
    env.dokku(["config:unset", "web", "NOTSET"]).success();
    env.dokku(["__core", "prop", "set", "ps", "web", "restore", "false"])
        .success();
    env.dokku(["config:set", "web", "A=3"]).success();
    assert_eq!(
        calls(),
        "post-config-update [web] [set] [A]\n\
         release-and-deploy [web] [] [config-redeploy]\n\
         post-config-update [web] [set] [A]\n\
         release-and-deploy [web] [] [config-redeploy]\n\
         post-config-update [web] [set] [A]\n"
    );

    // The bash helpers pass --global, as Dokku's config_sub does.
    std::fs::remove_file(&log).expect("reset");
    bash(
        &env,
        "config_set --global H=1\nfn-config-set web true Z=1",
        &[],
    )
    .success();
    assert_eq!(
        calls(),
        "post-config-update [--global] [set] [H]\npost-config-update [web] [set] [Z]\n"
    );
}

#[test]
fn config_triggers_answer_other_plugins() {
    let env = install();
    app(&env, "web");
    env.dokku(["config:set", "--no-restart", "web", "A=1", "B=x y"])
        .success();
    env.dokku(["config:set", "--global", "G=g"]).success();
    let trigger = |args: &[&str]| {
        env.dokku([&["plugin:trigger"], args].concat())
            .success()
            .stdout
    };
    assert_eq!(trigger(&["config-get", "web", "B"]), "x y");
    assert_eq!(trigger(&["config-get", "web", "MISSING"]), "");
    assert_eq!(trigger(&["config-get-global", "G"]), "g");
    assert_eq!(
        trigger(&["config-export", "web", "false", "true", "shell"]),
        "A='1' B='x y' G='g' "
    );
    assert_eq!(
        trigger(&["config-export", "", "true", "false", "docker-args-keys"]),
        "--env=G\n"
    );
    trigger(&["config-set", "--no-restart", "web", "C=3"]);
    trigger(&["config-unset", "web", "A"]);
    assert_eq!(env.dokku(["config:keys", "web"]).success().stdout, "B\nC\n");

    // App life cycle.
    env.dokku(["plugin:trigger", "post-create", "fresh"])
        .success();
    assert!(env.lib_root().join("config/fresh").is_dir());
    assert!(env.lib_root().join("config/config/fresh").is_dir());
    env.dokku(["plugin:trigger", "post-app-clone-setup", "web", "fresh"])
        .success();
    // web's B and C (other plugins' post-create may have set vars of their own).
    let keys = store(&env).keys(&ConfigScope::app("fresh")).expect("keys");
    let keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    assert!(keys.contains(&"B") && keys.contains(&"C"), "{keys:?}");
    env.dokku(["plugin:trigger", "post-delete", "fresh"])
        .success();
    assert!(!env.lib_root().join("config/fresh").exists());
}

#[test]
fn import_reads_envfiles_and_json() {
    let env = install();
    app(&env, "web");
    let file = env.scratch("import").join("vars.env");
    std::fs::write(&file, "# comment\nA=1\nexport B=\"two words\"\n").expect("write");
    env.dokku([
        "config:import",
        "--no-restart",
        "web",
        file.to_str().expect("utf8"),
    ])
    .success();
    assert_eq!(
        env.dokku(["config:get", "web", "B"]).success().stdout,
        "two words\n"
    );
    let mut cmd = env.command("dokku");
    cmd.args(["config:import", "--replace", "--format", "json", "web", "-"])
        .stdin(Stdio::piped());
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), br#"{"ONLY":"x"}"#)
        .expect("feed");
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("-----> Reading config vars from stdin\n")
    );
    assert_eq!(env.dokku(["config:keys", "web"]).success().stdout, "ONLY\n");
    let bad = env.dokku(["config:import", "--format", "yaml", "web", "-"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, " !     Unknown format: yaml\n")
    );
}

#[test]
fn twenty_concurrent_writers_lose_nothing() {
    let env = install();
    app(&env, "web");
    let children: Vec<_> = (0..20)
        .map(|i| {
            env.command("dokku")
                .args([
                    "config:set",
                    "--no-restart",
                    "web",
                    &format!("KEY_{i}=value {i}"),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn writer")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let keys = store(&env).keys(&ConfigScope::app("web")).expect("keys");
    assert_eq!(keys.len(), 20, "{keys:?}");
    for i in 0..20 {
        assert_eq!(
            env.dokku(["config:get", "web", &format!("KEY_{i}")])
                .success()
                .stdout,
            format!("value {i}\n")
        );
    }
}

#[test]
fn a_writer_killed_mid_write_leaves_the_previous_file_intact() {
    let env = install();
    app(&env, "web");
    env.dokku(["config:set", "--no-restart", "web", "OLD=kept"])
        .success();
    let original = std::fs::read(env_file(&env, "web")).expect("ENV");
    // A big import keeps the writer busy long enough to be killed at various points
    // (parsing, rendering, writing the temporary file, syncing it).
    let big = format!("BIG=\"{}\"\n", "x".repeat(32 << 20));
    let input = env.scratch("big").join("big.env");
    std::fs::write(&input, &big).expect("write input");
    let started = std::time::Instant::now();
    env.dokku([
        "config:import",
        "--replace",
        "--no-restart",
        "web",
        input.to_str().expect("utf8"),
    ])
    .success();
    let full = started.elapsed();
    let replaced = std::fs::read(env_file(&env, "web")).expect("ENV");
    // Back to the small file, then kill writers at fractions of a full run.
    std::fs::write(env_file(&env, "web"), &original).expect("restore");
    let mut killed = 0;
    for step in 1..=8u32 {
        let mut child = env
            .command("dokku")
            .args([
                "config:import",
                "--replace",
                "--no-restart",
                "web",
                input.to_str().expect("utf8"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn writer");
        std::thread::sleep(full * step / 10);
        // SIGKILL: no destructor, no cleanup, exactly like a crash.
        let _ = child.kill();
        let status = child.wait().expect("wait");
        let now = std::fs::read(env_file(&env, "web")).expect("ENV still there");
        // Never a mix: the old file, or (killed after the rename) the whole new one.
        assert!(
            now == original || now == replaced,
            "step {step}: a partial ENV file"
        );
        if !status.success() && now == original {
            killed += 1;
        }
        if now != original {
            std::fs::write(env_file(&env, "web"), &original).expect("restore");
        }
        // Nothing is left locked: the next writer gets through.
        env.dokku(["config:get", "web", "OLD"]).success();
    }
    assert!(killed > 0, "no writer was killed mid-write");
    env.dokku(["config:set", "--no-restart", "web", "AFTER=1"])
        .success();
    assert_eq!(
        env.dokku(["config:keys", "web"]).success().stdout,
        "AFTER\nOLD\n"
    );
}
