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
            .env("PLUGIN_AVAILABLE_PATH", lib.join("plugins/available"))
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

/// Like [`bash`], with the plugin file `file` (relative to the core plugins) sourced
/// instead of `common/functions`.
fn bash_with(env: &TestEnv, file: &str, script: &str) -> dokku_test_support::Run {
    bash(
        env,
        &format!("source \"$PLUGIN_CORE_AVAILABLE_PATH/{file}\"\n{script}"),
    )
}

/// A fake `docker` (as `DOCKER_BIN` and on PATH) for the image and container
/// questions: `dokku/web:pack` carries a builder label, `dokku/web:cnb` the CNB stack
/// label, `dokku/web:heroku` herokuish's user; containers `c1` (running) and `c2`.
fn fake_docker(env: &TestEnv) {
    env.fake_docker_script(r#"#!/bin/sh
case "$*" in
  *"image inspect --format {{json .Config}} dokku/web:pack") echo '{"Env":[],"Labels":{"com.dokku.builder-type":"pack"}}' ;;
  *"image inspect --format {{json .Config}} dokku/web:cnb") echo '{"Env":[],"Labels":{"io.buildpacks.stack.id":"heroku-22"}}' ;;
  *"image inspect --format {{json .Config}} dokku/web:heroku") echo '{"Env":["USER=herokuishuser"],"Labels":null}' ;;
  *"image inspect --format {{json .Config}} dokku/web:plain") echo '{"Env":["PATH=/bin"],"Labels":{}}' ;;
  *"container inspect --format {{.State.Running}} c1") echo true ;;
  *"container inspect --format {{.State.Running}} c2") echo false ;;
  *) exit 1 ;;
esac
"#,
    );
}

#[test]
fn image_and_container_helpers_answer_from_the_core() {
    let env = install();
    fake_docker(&env);
    env.dokku(["apps:create", "web"]).success();
    let run = bash(
        &env,
        r#"for tag in pack cnb heroku plain missing; do
  printf '%s=%s ' "$tag" "$(get_image_builder_type "dokku/web:$tag" web)"
  is_image_cnb_based "dokku/web:$tag" && printf 'cnb '
  is_image_herokuish_based "dokku/web:$tag" web && printf 'herokuish '
done
echo
get_image_builder_type"#,
    )
    .success();
    assert_eq!(
        run.stdout,
        "pack=pack cnb=herokuish cnb herokuish heroku=herokuish herokuish plain=dockerfile missing=dockerfile \ndockerfile\n"
    );
    // DOKKU_APP_USER decides what herokuish's user is.
    env.dokku(["config:set", "--no-restart", "web", "DOKKU_APP_USER=other"])
        .success();
    let run = bash(
        &env,
        "get_image_builder_type dokku/web:heroku web; get_image_builder_type dokku/web:heroku",
    )
    .success();
    assert_eq!(run.stdout, "dockerfile\nherokuish\n");

    // Deploy state and the recorded containers.
    let root = env.dokku_root().join("web");
    std::fs::write(root.join("CONTAINER.web.1"), "c1\n").expect("slot");
    std::fs::write(root.join("CONTAINER.worker.1"), "c2\n").expect("slot");
    let run = bash(
        &env,
        "is_deployed web && echo deployed || echo not-deployed; get_app_running_container_ids web",
    );
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            1,
            "not-deployed\n",
            " !     App web has not been deployed\n"
        )
    );
    let deployed = env.lib_root().join("config/common/web");
    std::fs::create_dir_all(&deployed).expect("mkdir");
    std::fs::write(deployed.join("deployed"), "true").expect("deployed");
    let run = bash(
        &env,
        "is_deployed web && echo deployed
echo \"ids=$(get_app_container_ids web) web=$(get_app_container_ids web web) w1=$(get_app_container_ids web worker.1) none=$(get_app_container_ids web web.9)\"
echo \"running=$(get_app_running_container_ids web) types=$(get_app_running_container_types web)\"",
    )
    .success();
    assert_eq!(
        run.stdout,
        "deployed\nids=c1 c2 web=c1 w1=c2 none=\nrunning=c1 types=web worker\n"
    );
    let run = bash(
        &env,
        "is_deployed ../web || echo refused; is_deployed ghost || echo ghost",
    );
    assert_eq!(run.stdout, "refused\nghost\n");
}

#[test]
fn app_deploy_lock_from_bash_excludes_deploys_and_dies_with_its_shell() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    // Held while the plugin's shell runs: a second taker (another shell) is refused,
    // and apps:report says the app is locked.
    let run = bash(
        &env,
        r#"acquire_app_deploy_lock web exclusive
echo "locked=$(dokku apps:report web --app-locked 2>&1)"
bash -c 'source "$PLUGIN_CORE_AVAILABLE_PATH/common/functions"; acquire_app_deploy_lock web exclusive' && echo second-took-it
release_app_deploy_lock web
echo "after=$(dokku apps:report web --app-locked 2>&1)""#,
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "locked=true\nafter=false\n");
    assert_eq!(
        run.stderr,
        " !     web currently has a deploy lock in place. Exiting...\n !     Run 'apps:unlock' to release the existing deploy lock\n"
    );
    // A plugin that exits without releasing leaves a lock its dead shell held: the
    // next taker takes it over, saying so.
    bash(&env, "acquire_app_deploy_lock web").success();
    let run = bash(&env, "acquire_app_deploy_lock web exclusive && echo took").success();
    assert_eq!(run.stdout, "took\n");
    assert!(
        run.stderr.contains("Taking over the deploy lock of web"),
        "{}",
        run.stderr
    );
    // apps:lock stops bash plugins as it stops deploys, waiting or not.
    bash(
        &env,
        "acquire_app_deploy_lock web; release_app_deploy_lock web",
    )
    .success();
    env.dokku(["apps:lock", "web"]).success();
    for mode in ["exclusive", "waiting"] {
        let run = bash(
            &env,
            &format!("acquire_app_deploy_lock web {mode}; echo unreachable"),
        );
        assert_eq!(run.code, 1, "{mode}: {}", run.stdout);
        assert!(run.stderr.contains("apps:unlock"), "{}", run.stderr);
    }
}

#[test]
fn plugin_function_files_answer_with_the_cores_state() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    // nginx property getters: the app's own value, the global one, the one in force.
    env.dokku(["nginx:set", "--global", "proxy-read-timeout", "90s"])
        .success();
    env.dokku(["nginx:set", "web", "client-max-body-size", "5m"])
        .success();
    let run = bash_with(
        &env,
        "nginx-vhosts/internal-functions",
        r#"for key in proxy-read-timeout client-max-body-size hsts; do
  echo "$key [$("fn-nginx-$key" web)] [$("fn-nginx-global-$key" web)] [$("fn-nginx-computed-$key" web)]"
done"#,
    )
    .success();
    assert_eq!(
        run.stdout,
        "proxy-read-timeout [] [90s] [90s]\nclient-max-body-size [5m] [] [5m]\nhsts [] [] [true]\n"
    );
    // checks
    env.dokku(["checks:disable", "web", "worker"]).success();
    let run = bash_with(
        &env,
        "checks/functions",
        "is_app_proctype_checks_disabled web worker; is_app_proctype_checks_disabled web web; is_app_proctype_checks_skipped web worker",
    )
    .success();
    assert_eq!(run.stdout, "true\nfalse\nfalse\n");
    // docker-options, the pre-0.38 API on top of docker-options:*
    let run = bash_with(
        &env,
        "docker-options/functions",
        r#"APP=web
phases=(deploy run)
add_passed_docker_option phases[@] "--restart=always"
display_passed_phases_options phases[@]
remove_passed_docker_option phases[@] "--restart=always"
display_all_phases_options
echo end"#,
    )
    .success();
    assert!(
        run.stdout.ends_with(
            "Deploy options:\n    --restart=always\nRun options:\n    --restart=always\nend\n"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        env.dokku(["docker-options:report", "web", "--docker-options-deploy"])
            .success()
            .stdout,
        "\n"
    );
    // builder-dockerfile: EXPOSE ports in file order (Dokku's own test expects this).
    let dockerfile = env.scratch("src").join("Dockerfile");
    std::fs::write(
        &dockerfile,
        "EXPOSE 3001/udp\nEXPOSE 3003\nEXPOSE  3000/tcp\n",
    )
    .expect("Dockerfile");
    let run = bash_with(
        &env,
        "builder-dockerfile/internal-functions",
        &format!(
            "fn-builder-dockerfile-get-ports-from-dockerfile {0}\nfn-builder-dockerfile-get-detect-port-map web '' {0}",
            dockerfile.display()
        ),
    )
    .success();
    assert_eq!(
        run.stdout,
        "3001/udp 3003 3000/tcp\nudp:3001:3001 http:3003:3003 http:3000:3000\n"
    );
    // docker args split into NUL-ended words, nothing expanded.
    let run = bash(
        &env,
        r#"while IFS= read -r -d '' w; do printf '[%s]' "$w"; done < <(fn-docker-args-split "-v '/a b:/c' --label=\"x=\$HOME\" --rm")"#,
    )
    .success();
    assert_eq!(run.stdout, "[-v][/a b:/c][--label=x=$HOME][--rm]");
}

#[test]
fn nginx_templates_render_through_the_core() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let template = env.scratch("tpl").join("custom.sigil");
    std::fs::write(
        &template,
        "# {{ $.APP }} on {{ $.DOKKU_APP_WEB_LISTENERS }} ({{ $.PASSED_LISTEN_IP_PORT }})\nclient_max_body_size {{ $.CLIENT_MAX_BODY_SIZE }};\n",
    )
    .expect("template");
    let out = env.scratch("tpl").join("out.conf");
    let run = bash_with(
        &env,
        "nginx-vhosts/functions",
        &format!(
            "fn-nginx-vhosts-render-template web {} {} 5000 10.1.2.3\ncat {}\nfn-nginx-vhosts-render-template web {} {} '' '' true\ncat {}",
            template.display(),
            out.display(),
            out.display(),
            template.display(),
            out.display(),
            out.display()
        ),
    )
    .success();
    assert_eq!(
        run.stdout,
        "# web on 10.1.2.3:5000 (true)\nclient_max_body_size 1m;\n# web on 127.0.0.1:5000 ()\nclient_max_body_size 1m;\n"
    );
    let run = bash_with(
        &env,
        "nginx-vhosts/functions",
        "is_http2_push_enabled 1.24.0; is_http2_push_enabled 1.25.0; is_http2_directive_supported 1.25.1; is_http2_directive_supported junk",
    )
    .success();
    assert_eq!(run.stdout, "true\nfalse\ntrue\nfalse\n");
}
