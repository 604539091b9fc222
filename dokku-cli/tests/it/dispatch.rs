//! Command resolution, help, version, global flags, exit codes.

use crate::{install, install_hello};

/// Whether a columnized help row `    NAME<padding>TEXT` is present (the padding
/// depends on the longest name, which changes as core plugins are added).
fn has_row(text: &str, name: &str, description: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix("    ")
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|rest| rest.starts_with("  ") && rest.trim_start() == description)
    })
}

#[test]
fn help_lists_core_summaries_and_community_commands() {
    let env = install();
    install_hello(&env);
    let run = env.dokku_tty(["help"]).success();
    let expected_head = "Usage: dokku [--quiet|--trace|--force] COMMAND <app> [command-specific-options]\n\n\
Primary help options, type \"dokku COMMAND:help\" for more details, or dokku help --all to see all commands.\n\n\
Commands:\n\n";
    assert!(run.stdout.starts_with(expected_head), "{}", run.stdout);
    assert!(
        has_row(&run.stdout, "plugin", "Manage installed plugins"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("\nCommunity plugin commands:\n\n    hello   Says hello\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn help_all_lists_every_command_columnized() {
    let env = install();
    install_hello(&env);
    let run = env.dokku_tty(["help", "--all"]).success();
    assert!(
        run.stdout
            .contains("    plugin:list [--format stdout|json]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with(
            "Community plugin commands:\n\n    hello <app>   Says \"Hello <app>\"\n    hello:world   Says \"Hello world\"\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn help_header_is_quiet_without_a_tty() {
    let env = install();
    let run = env.dokku(["help"]).success();
    assert!(!run.stdout.contains("Usage:"), "{}", run.stdout);
    assert!(
        has_row(&run.stdout, "plugin", "Manage installed plugins"),
        "{}",
        run.stdout
    );
}

#[test]
fn version_reads_the_installed_version() {
    let env = install();
    let version = std::fs::read_to_string(env.lib_root().join("VERSION")).expect("VERSION");
    for flag in ["version", "-v", "--version"] {
        let run = env.dokku([flag]).success();
        assert_eq!(
            run.stdout,
            format!(
                "dokku version {} (dokku-rs {})\n",
                dokku_core::env::fixed::DOKKU_CONTRACT_VERSION,
                version.trim_end()
            )
        );
    }
}

#[test]
fn version_without_a_version_file_fails_clearly() {
    let env = install();
    std::fs::remove_file(env.lib_root().join("VERSION")).expect("rm VERSION");
    let run = env.dokku(["version"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with(" !     Unable to determine dokku's version\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_command_is_two_lines_and_exit_1() {
    let env = install();
    let before = snapshot(&env);
    let run = env.dokku(["nope:cmd", "arg"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        " !     `nope:cmd arg` is not a dokku command.\n !     See `dokku help` for a list of available commands.\n"
    );
    assert_eq!(before, snapshot(&env), "nothing changed on disk");
}

#[test]
fn hello_legacy_works_unmodified() {
    let env = install();
    install_hello(&env);
    assert_eq!(
        env.dokku(["hello", "myapp"]).success().stdout,
        "Hello myapp\n"
    );
    assert_eq!(
        env.dokku(["--app", "myapp", "hello"]).success().stdout,
        "Hello myapp\n"
    );
    assert_eq!(env.dokku(["hello:world"]).success().stdout, "Hello world\n");
    let help = env.dokku(["hello:help"]).success().stdout;
    assert_eq!(
        help,
        "Usage: dokku hello[:COMMAND]\n\nSays hello\n\nAdditional commands:\n    hello <app>   Says \"Hello <app>\"\n    hello:world   Says \"Hello world\"\n"
    );
}

#[test]
fn exit_10_from_every_plugin_means_not_a_command() {
    let env = install();
    install_hello(&env);
    let run = env.dokku(["hello:nope"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("`hello:nope` is not a dokku command."),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failing_subcommand_passes_its_exit_code_through() {
    let env = install();
    install_hello(&env);
    // Invalid app name: the bash helper fails, the dispatcher passes its code on.
    let run = env.dokku(["hello", "Bad_Name"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("App name must begin with lowercase alphanumeric character"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn trace_prints_the_resolution_and_the_commands_run() {
    let env = install();
    install_hello(&env);
    let run = env.dokku(["--trace", "hello:world"]).success();
    assert_eq!(run.stdout, "Hello world\n");
    assert!(
        run.stderr.contains("+ dispatch hello:world"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("subcommands/world hello:world"),
        "{}",
        run.stderr
    );
}

#[test]
fn global_flags_after_the_command_are_exported_and_kept() {
    let env = install();
    let plugin = env.scratch("src").join("flags");
    dokku_test_support::write_executable(
        &plugin.join("commands"),
        "#!/usr/bin/env bash\n[[ $1 == flags:show ]] || exit 10\necho \"args=$* quiet=$DOKKU_QUIET_OUTPUT force=$DOKKU_APPS_FORCE_DELETE app=$DOKKU_APP_NAME flags=$DOKKU_GLOBAL_FLAGS\"\n",
    );
    std::fs::write(
        plugin.join("plugin.toml"),
        "[plugin]\ndescription = \"f\"\nversion = \"1\"\n[plugin.config]\n",
    )
    .expect("toml");
    env.dokku(["plugin:install", plugin.to_str().expect("utf8")])
        .success();
    let run = env
        .dokku(["--quiet", "flags:show", "x", "--force", "--app", "a1"])
        .success();
    assert_eq!(
        run.stdout,
        "args=flags:show x --force --app a1 quiet=1 force=1 app=a1 flags=--quiet --force --app\n"
    );
}

#[test]
fn exported_environment_matches_dokku() {
    let env = install();
    let plugin = env.scratch("src").join("envdump");
    dokku_test_support::write_executable(
        &plugin.join("commands"),
        "#!/usr/bin/env bash\n[[ $1 == envdump ]] || exit 10\nfor v in DOKKU_NOT_IMPLEMENTED_EXIT DOKKU_VALID_EXIT DOKKU_API_VERSION DOCKER_BIN DOKKU_CONTAINER_LABEL DOKKU_GLOBAL_BUILD_ARGS DOKKU_GLOBAL_RUN_ARGS DOKKU_LIB_ROOT PLUGIN_PATH PLUGIN_AVAILABLE_PATH PLUGIN_ENABLED_PATH PLUGIN_CORE_PATH PLUGIN_CORE_AVAILABLE_PATH PLUGIN_CORE_ENABLED_PATH DOKKU_IMAGE DOKKU_CNB_BUILDER DOKKU_EVENTS_LOGFILE FROM_RC FROM_RC_DIR; do echo \"$v=${!v}\"; done\n[[ $DOKKU_PID =~ ^[0-9]+$ ]] && echo pid-ok\n",
    );
    env.dokku(["plugin:install", plugin.to_str().expect("utf8")])
        .success();
    std::fs::create_dir_all(env.dokku_root().join(".dokkurc")).expect("mkdir");
    std::fs::write(env.dokku_root().join("dokkurc"), "export FROM_RC=1\n").expect("rc");
    std::fs::write(
        env.dokku_root().join(".dokkurc/x"),
        "export FROM_RC_DIR=\"${FROM_RC}-dir\"\n",
    )
    .expect("rc");
    let lib = env.lib_root().display().to_string();
    let run = env.dokku(["envdump"]).success();
    let labels = "--label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku --label=dokku";
    let expected = format!(
        "DOKKU_NOT_IMPLEMENTED_EXIT=10\nDOKKU_VALID_EXIT=0\nDOKKU_API_VERSION=1\nDOCKER_BIN=docker\nDOKKU_CONTAINER_LABEL=dokku\n\
DOKKU_GLOBAL_BUILD_ARGS={labels}\nDOKKU_GLOBAL_RUN_ARGS={labels}\nDOKKU_LIB_ROOT={lib}\nPLUGIN_PATH={lib}/plugins\n\
PLUGIN_AVAILABLE_PATH={lib}/plugins/available\nPLUGIN_ENABLED_PATH={lib}/plugins/enabled\nPLUGIN_CORE_PATH={lib}/core-plugins\n\
PLUGIN_CORE_AVAILABLE_PATH={lib}/core-plugins/available\nPLUGIN_CORE_ENABLED_PATH={lib}/core-plugins/enabled\n\
DOKKU_IMAGE=gliderlabs/herokuish:latest-24\nDOKKU_CNB_BUILDER=heroku/builder:24\nDOKKU_EVENTS_LOGFILE={}/events.log\nFROM_RC=1\nFROM_RC_DIR=1-dir\npid-ok\n",
        env.var("DOKKU_LOGS_DIR")
    );
    assert_eq!(run.stdout, expected);
}

#[test]
fn unreadable_dokkurc_fails_with_dokku_message() {
    let env = install();
    std::fs::create_dir_all(env.dokku_root().join(".dokkurc/broken")).expect("dir");
    std::fs::write(env.dokku_root().join("dokkurc"), [0xff, 0xfe]).expect("rc");
    let run = env.dokku(["version"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("Unable to read"), "{}", run.stderr);
}

#[test]
fn root_only_commands_refuse_other_users() {
    let env = install();
    let run = env.run(
        env.command("dokku")
            .env("DOKKU_SUPERUSER", "someone-else")
            .args(["plugin:install"]),
    );
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, " !     This command must be run as root\n");
    // plugin:list is not root-only.
    env.run(
        env.command("dokku")
            .env("DOKKU_SUPERUSER", "someone-else")
            .args(["plugin:list"]),
    )
    .success();
}

#[test]
fn user_auth_trigger_can_refuse_any_command() {
    let env = install();
    let plugin = env.scratch("src").join("acl");
    dokku_test_support::write_executable(
        &plugin.join("user-auth"),
        "#!/usr/bin/env bash\necho \"auth $*\" >&2\n[[ $3 != version ]]\n",
    );
    env.dokku(["plugin:install", plugin.to_str().expect("utf8")])
        .success();
    let run = env.dokku(["version"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(" !     Access denied\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("auth root default version"),
        "{}",
        run.stderr
    );
    env.dokku(["plugin:list"]).success();
}

#[test]
fn invalid_app_names_are_refused_by_the_core_helper() {
    let env = install();
    for bad in ["Upper", "-lead", "..", "a/b", ""] {
        let run = env.dokku(["__core", "is-valid-app-name", bad]);
        assert_eq!(run.code, 1, "{bad}");
        let msg = if bad.is_empty() {
            " !     Please specify an app to run the command on\n"
        } else {
            " !     App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens\n"
        };
        assert_eq!(run.stderr, msg, "{bad}");
    }
    env.dokku(["__core", "is-valid-app-name", "good-app.1"])
        .success();
    let missing = env.dokku(["__core", "verify-app-name", "ghost"]);
    assert_eq!(missing.code, 20);
    assert_eq!(missing.stderr, " !     App ghost does not exist\n");
}

/// Every file under the prefix with its size, to prove a command changed nothing.
pub(crate) fn snapshot(env: &dokku_test_support::TestEnv) -> Vec<(String, u64)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, u64)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).expect("stat");
            out.push((path.display().to_string(), meta.len()));
            if meta.is_dir() {
                walk(&path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&env.prefix(), &mut out);
    out.sort();
    out
}
