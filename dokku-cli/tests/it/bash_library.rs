//! The bash helper library: sourced by existing plugins, delegating to the Rust core.

use dokku_test_support::TestEnv;

use crate::install;

fn bash(env: &TestEnv, script: &str) -> dokku_test_support::Run {
    let full = format!(
        "set -eo pipefail\nsource \"$PLUGIN_CORE_AVAILABLE_PATH/common/functions\"\n{script}"
    );
    // The library needs the dispatcher's exports; `dokku plugin:trigger` would give
    // them, but tests call bash directly with the same variables.
    let lib = env.lib_root();
    env.run(
        env.command("bash")
            .args(["-c", &full])
            .env(
                "PLUGIN_CORE_AVAILABLE_PATH",
                lib.join("core-plugins/available"),
            )
            .env("PLUGIN_PATH", lib.join("plugins"))
            .env("PLUGIN_ENABLED_PATH", lib.join("plugins/enabled"))
            .env("DOKKU_LIB_ROOT", &lib),
    )
}

#[test]
fn log_family_matches_the_rust_lines_byte_for_byte() {
    let env = install();
    let levels = [
        "info1",
        "info1_quiet",
        "info2",
        "info2_quiet",
        "verbose",
        "verbose_quiet",
        "warn",
        "warn_quiet",
        "exclaim",
        "exclaim_quiet",
        "stderr",
        "quiet",
    ];
    for quiet in ["", "1"] {
        for level in levels {
            let msg = "a message  with  spaces & $dollar";
            let from_bash = bash(
                &env,
                &format!("DOKKU_QUIET_OUTPUT={quiet} dokku_log_{level} '{msg}'"),
            );
            let from_rust = env.run(
                env.command("dokku")
                    .env("DOKKU_QUIET_OUTPUT", quiet)
                    .args(["__core", "log", level, msg]),
            );
            assert_eq!(
                (from_bash.stdout.as_str(), from_bash.stderr.as_str()),
                (from_rust.stdout.as_str(), from_rust.stderr.as_str()),
                "level {level}, quiet {quiet:?}"
            );
        }
    }
}

#[test]
fn log_fail_exits_with_dokku_fail_exit_code() {
    let env = install();
    let run = bash(&env, "dokku_log_fail boom; echo unreachable");
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (1, "", " !     boom\n")
    );
    let run = bash(&env, "DOKKU_FAIL_EXIT_CODE=20 dokku_log_fail boom");
    assert_eq!(run.code, 20);
}

#[test]
fn parse_args_exports_the_global_flags() {
    let env = install();
    let run = bash(
        &env,
        "parse_args apps:destroy web --force --quiet --app other --trace\necho \"$DOKKU_QUIET_OUTPUT $DOKKU_TRACE $DOKKU_APPS_FORCE_DELETE $DOKKU_APP_NAME|$DOKKU_GLOBAL_FLAGS\"",
    )
    .success();
    assert_eq!(run.stdout, "1 1 1 other|--force --quiet --app --trace\n");
}

#[test]
fn has_tty_honours_force_and_disable() {
    let env = install();
    let run = bash(
        &env,
        "DOKKU_FORCE_TTY=true has_tty && echo forced\nDOKKU_DISABLE_TTY=true has_tty || echo disabled\nhas_tty || echo no-tty-in-tests",
    )
    .success();
    assert_eq!(run.stdout, "forced\ndisabled\nno-tty-in-tests\n");
}

#[test]
fn app_name_helpers_delegate_to_the_core() {
    let env = install();
    let run = bash(&env, "is_valid_app_name Bad_Name");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("App name must begin with lowercase alphanumeric character"),
        "{}",
        run.stderr
    );
    bash(&env, "is_valid_app_name good-name").success();
    let run = bash(&env, "verify_app_name ghost");
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (20, " !     App ghost does not exist\n")
    );
    std::fs::create_dir_all(env.dokku_root().join("real")).expect("mkdir app");
    bash(&env, "verify_app_name real").success();
    let run = bash(&env, "get_app_image_repo real; get_app_image_name real").success();
    assert_eq!(run.stdout, "dokku/real\ndokku/real:latest\n");
}

#[test]
fn suppress_output_prints_only_on_failure() {
    let env = install();
    let run = bash(&env, "suppress_output echo hidden\nsuppress_output bash -c 'echo shown; exit 4' || echo \"status $?\"").success();
    assert_eq!(run.stdout, "shown\nstatus 4\n");
}

#[test]
fn property_functions_share_the_rust_store() {
    let env = install();
    let run = bash(
        &env,
        r#"fn-plugin-property-write myplug app1 color "dark blue"
echo "get=$(fn-plugin-property-get myplug app1 color)"
echo "default=$(fn-plugin-property-get myplug app1 missing fallback)"
fn-plugin-property-exists myplug app1 color && echo exists
fn-plugin-property-exists myplug app1 missing || echo missing
fn-plugin-property-list-add myplug app1 mounts "/a:/b"
fn-plugin-property-list-add myplug app1 mounts "/c:/d"
fn-plugin-property-list-add myplug app1 mounts "/first" 1
echo "len=$(fn-plugin-property-list-length myplug app1 mounts)"
fn-plugin-property-list-get myplug app1 mounts
fn-plugin-property-list-remove myplug app1 mounts "/a:/b"
echo "after=$(fn-plugin-property-list-get myplug app1 mounts | tr '\n' ,)"
fn-plugin-property-delete myplug app1 color
fn-plugin-property-exists myplug app1 color || echo deleted"#,
    )
    .success();
    assert_eq!(
        run.stdout,
        "get=dark blue\ndefault=fallback\nexists\nmissing\nlen=3\n/first\n/a:/b\n/c:/d\nafter=/first,/c:/d,\ndeleted\n"
    );
    // The bytes on disk are Dokku's: one file per property, mode 0600.
    let file = env.lib_root().join("config/myplug/app1/mounts");
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "/first\n/c:/d\n"
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&file).expect("stat").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}
