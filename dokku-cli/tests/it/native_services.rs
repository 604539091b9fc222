//! A native plugin reaches what a bash plugin reaches (issue 11): every host service
//! through a real call into a library plugin (`dokku-fixture-services-plugin`,
//! installed as `svc`), the environment a legacy plugin gets, errors with their kind
//! and message and nothing printed, a trigger's piped input, and a deploy lock that
//! cannot outlive the call that took it. Docker is a fake that answers what the image
//! services ask.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

use dokku_plugin_sdk::service;
use dokku_test_support::{repo_root, write_executable, Run, TestEnv};
use serde_json::Value;

use crate::install;
use crate::native::{built_library, install_prebuilt};

/// A docker that logs its argv and answers like an engine holding one image whose
/// work dir `/srv` holds `file` and `dir/`; `container run` writes to both streams and
/// exits 3.
const FAKE_DOCKER: &str = r#"#!/bin/sh
echo "$*" >> "$FAKE_DOCKER_LOG"
case "$1 $2" in
  "image inspect")
    case "$*" in
      *"json .Config"*) echo '{"WorkingDir":"/srv","Env":[],"Labels":{}}' ;;
      *) echo sha256:0123 ;;
    esac ;;
  "container create") echo cid0123 ;;
  "container cp")
    case "$4" in
      *:/srv/dir) mkdir -p "$5" && printf 'a\r\nb\n' > "$5/one.txt" && mkdir "$5/sub" ;;
      *:/srv/file) printf '  hello from image\r\n' > "$5" ;;
      *) exit 1 ;;
    esac ;;
  "container run") echo ran; echo complaint >&2; exit 3 ;;
esac
exit 0
"#;

struct Fixture {
    env: TestEnv,
    docker_log: PathBuf,
}

impl Fixture {
    /// An install with the services plugin (prebuilt) as `svc`, the app `shop`, a fake
    /// docker, and a `dokkurc` export of the operator's.
    fn new() -> Fixture {
        let env = install();
        let lib = built_library(
            "dokku-fixture-services-plugin",
            "libdokku_fixture_services_plugin.so",
        );
        let manifest = repo_root().join("dokku-test-support/fixtures/services-plugin/plugin.toml");
        install_prebuilt(&env, "svc", &manifest, &lib);
        Fixture::around(env)
    }

    /// What every test of the services plugin runs around it, in an install that
    /// already has the plugin as `svc`.
    fn around(env: TestEnv) -> Fixture {
        let docker_log = env.scratch("fake").join("docker.log");
        env.fake_docker_script(
            &FAKE_DOCKER.replace("$FAKE_DOCKER_LOG", &docker_log.display().to_string()),
        );
        env.dokku(["apps:create", "shop"]).success();
        let dokkurc = env.dokku_root().join(".dokkurc");
        std::fs::create_dir_all(&dokkurc).expect("mkdir .dokkurc");
        std::fs::write(
            dokkurc.join("operator"),
            "export SVC_FROM_DOKKURC=\"set by the operator\"\nexport SVC_GREETING=from-dokkurc\nexport LEGACY_SVC_GREETING=from-dokkurc\n",
        )
        .expect("write dokkurc");
        Fixture { env, docker_log }
    }

    /// A legacy plugin `name` with executable `files` (name, bash body) and a
    /// `[plugin.config]` like the services plugin's.
    fn legacy(&self, name: &str, files: &[(&str, &str)]) {
        let dir = self.env.scratch("src").join(name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join("plugin.toml"),
            "[plugin]\ndescription = \"legacy twin\"\nversion = \"0.1.0\"\n[plugin.config]\ngreeting = \"hi\"\n",
        )
        .expect("plugin.toml");
        for (file, body) in files {
            write_executable(&dir.join(file), &format!("#!/usr/bin/env bash\n{body}\n"));
        }
        self.env
            .dokku([
                "plugin:install",
                dir.to_str().expect("utf8"),
                "--name",
                name,
            ])
            .success();
    }

    /// `dokku svc:call SERVICE ARGS...`: the answer line, and the whole run.
    fn call(&self, service: &str, args: &[&str]) -> (Value, Run) {
        let mut words = vec!["svc:call", service];
        words.extend_from_slice(args);
        let run = self.env.dokku(&words).success();
        let json = run
            .stdout
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("ANSWER "))
            .unwrap_or_else(|| panic!("no answer from {service} {args:?}:\n{}", run.stdout));
        (serde_json::from_str(json).expect("the answer is JSON"), run)
    }
}

/// An answer the services plugin printed.
fn ok(values: &[&str]) -> Value {
    serde_json::json!({ "ok": values })
}

fn err(kind: &str, message: &str) -> Value {
    serde_json::json!({ "err": { "kind": kind, "message": message } })
}

/// `env -0` output as a map, without what the shell or the process itself sets.
fn env_map(bytes: &str) -> BTreeMap<String, String> {
    bytes
        .split('\0')
        .filter_map(|entry| entry.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .filter(|(k, _)| !matches!(k.as_str(), "SHLVL" | "_" | "PWD" | "OLDPWD" | "DOKKU_PID"))
        .collect()
}

#[test]
fn native_commands_and_triggers_get_the_environment_a_legacy_plugin_gets() {
    let f = Fixture::new();
    f.legacy(
        "legacy-svc",
        &[
            ("commands", "[[ $1 == legacy-svc:env ]] || exit 10\nenv -0"),
            ("svc-env", "[[ $1 == legacy ]] && env -0\ntrue"),
        ],
    );
    let native = f
        .env
        .dokku(["--trace", "--app", "shop", "svc:env"])
        .success();
    let legacy = f
        .env
        .dokku(["--trace", "--app", "shop", "legacy-svc:env"])
        .success();
    let mut native = env_map(&native.stdout);
    let mut legacy = env_map(&legacy.stdout);
    assert_eq!(native.remove("DOKKU_COMMAND").as_deref(), Some("svc:env"));
    assert_eq!(
        legacy.remove("DOKKU_COMMAND").as_deref(),
        Some("legacy-svc:env")
    );
    assert_eq!(
        native, legacy,
        "a native command's environment is a legacy one's"
    );
    for (key, expected) in [
        ("DOKKU_APP_NAME", "shop".to_string()),
        ("DOKKU_TRACE", "1".to_string()),
        ("SVC_FROM_DOKKURC", "set by the operator".to_string()),
        ("DOKKU_ROOT", f.env.dokku_root().display().to_string()),
        ("DOCKER_BIN", "docker".to_string()),
    ] {
        assert_eq!(native.get(key), Some(&expected), "{key}");
    }
    for key in ["DOKKU_LIB_ROOT", "PLUGIN_PATH", "PLUGIN_AVAILABLE_PATH"] {
        assert!(native.get(key).is_some_and(|v| !v.is_empty()), "{key}");
    }

    // Triggers: the same, plus each plugin's CONFIG_* exports (here overridden from
    // the operator's dokkurc, as plugn lets `<PLUGIN>_<KEY>` win).
    let native = f.env.dokku(["plugin:trigger", "svc-env", "svc"]).success();
    let legacy = f
        .env
        .dokku(["plugin:trigger", "svc-env", "legacy"])
        .success();
    let native = env_map(&native.stdout);
    let legacy = env_map(&legacy.stdout);
    assert_eq!(
        native.get("CONFIG_GREETING").map(String::as_str),
        Some("from-dokkurc")
    );
    assert_eq!(
        native, legacy,
        "a native trigger's environment is a legacy hook's"
    );
}

#[test]
fn native_trigger_handlers_read_the_piped_input_as_legacy_hooks_do() {
    let f = Fixture::new();
    // `svc` (native) runs between these two, in plugn's name order.
    f.legacy(
        "a-partial-reader",
        &[(
            "svc-stdin",
            "echo \"a read [$(dd bs=1 count=3 2>/dev/null)]\"",
        )],
    );
    f.legacy("z-reader", &[("svc-stdin", "echo \"z read [$(cat)]\"")]);
    let piped_to = |args: &[&str], input: &[u8]| {
        let mut child = f
            .env
            .command("dokku")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn dokku");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write input");
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // One stream for the chain: the first hook takes three bytes, the native handler
    // sees the rest without consuming it, the last hook reads that rest.
    assert_eq!(
        piped_to(&["plugin:trigger", "svc-stdin"], b"payload"),
        "a read [pay]\nsvc stdin [load]\nz read [load]\n"
    );
    // Nothing piped: everyone reads an empty input.
    let run = f.env.dokku(["plugin:trigger", "svc-stdin"]).success();
    assert_eq!(run.stdout, "a read []\nsvc stdin []\nz read []\n");
    // A native handler only looks: a command that fires the trigger and then reads
    // its own stdin (as `dokku run` hands it to a container) still gets all of it.
    let dir = f.env.scratch("src").join("reads-after");
    write_executable(
        &dir.join("commands"),
        "#!/usr/bin/env bash\n[[ $1 == reads-after ]] || exit 10\nplugn trigger svc-stdin\necho \"then read [$(cat)]\"\n",
    );
    f.env
        .dokku(["plugin:install", dir.to_str().expect("utf8")])
        .success();
    f.env
        .dokku(["plugin:disable", "a-partial-reader"])
        .success();
    f.env.dokku(["plugin:disable", "z-reader"]).success();
    assert_eq!(
        piped_to(&["reads-after"], b"kept"),
        "svc stdin [kept]\nthen read [kept]\n"
    );
}

/// Every service of the protocol, called by name from a library plugin, with its
/// answer or its error (kind and Dokku's message, nothing on stderr).
#[test]
fn every_host_service_answers_through_a_real_call() {
    let f = Fixture::new();
    f.env
        .dokku(["domains:set", "shop", "shop.example.com"])
        .success();
    check_every_service(&f, "copied");
}

/// Every service through `svc:call`, with the answers, error kinds and messages, and
/// (empty) stderr expected. Leaves the app's config and the plugin's properties as it
/// found them, so it can run again; `scratch` names a fresh folder for copies.
fn check_every_service(f: &Fixture, scratch: &str) {
    let out = f.env.scratch(scratch);
    let file = out.join("file").display().to_string();
    let dir = out.join("dir").display().to_string();
    let urls = f.env.dokku(["urls", "shop"]).success();
    let urls: Vec<&str> = urls.stdout.lines().collect();
    // The service does what the command does, warnings included (an undeployed app's
    // 502 config is written while the fixture's nginx is not running).
    let built = f.env.dokku(["proxy:build-config", "shop"]);
    let proxy_built = built.code == 0;
    let reload = f.env.dokku(["__core", "nginx-reload"]);
    let global_args = [
        "--label=org.label-schema.schema-version=1.0",
        "--label=org.label-schema.vendor=dokku",
        "--label=dokku",
    ];

    // (service, args, answer, the stderr expected instead of none)
    type Case<'a> = (&'a str, Vec<&'a str>, Value, Option<String>);
    fn p<'a>(args: &[&'a str]) -> Vec<&'a str> {
        args.to_vec()
    }
    let cases: Vec<Case<'_>> = vec![
        (service::APP_EXISTS, p(&["shop"]), ok(&["true"]), None),
        (service::APP_EXISTS, p(&["ghost"]), ok(&["false"]), None),
        (
            service::IS_VALID_APP_NAME,
            p(&["Bad_Name"]),
            err("InvalidArguments", "App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens"),
            None,
        ),
        (service::VERIFY_APP_NAME, p(&["shop"]), ok(&[]), None),
        (
            service::VERIFY_APP_NAME,
            p(&["ghost"]),
            err("AppNotFound", "App ghost does not exist"),
            None,
        ),
        (service::APPS_LIST, p(&[]), ok(&["shop"]), None),
        (service::DOMAINS, p(&["shop"]), ok(&["shop.example.com"]), None),
        (service::URLS, p(&["shop"]), ok(&urls), None),
        (service::URLS, p(&["ghost"]), err("AppNotFound", "App ghost does not exist"), None),
        (service::IMAGE_REPO, p(&["shop"]), ok(&["dokku/shop"]), None),
        (service::IMAGE_NAME, p(&["shop"]), ok(&["dokku/shop:latest"]), None),
        (service::RUNNING_IMAGE_TAG, p(&["shop"]), ok(&["latest"]), None),
        (service::DEPLOYING_IMAGE_NAME, p(&["shop"]), ok(&["dokku/shop:latest"]), None),
        (service::COPY_FROM_IMAGE, p(&["shop", "img:1", "file", &file]), ok(&[]), None),
        (service::COPY_DIR_FROM_IMAGE, p(&["shop", "img:1", "dir", &dir]), ok(&[]), None),
        (
            service::COPY_FROM_IMAGE,
            p(&["shop", "img:1", "missing", &file]),
            err("Failed", "Unable to copy file missing from image"),
            None,
        ),
        (service::CONFIG_GET, p(&["shop", "SVC_KEY"]), ok(&[]), None),
        (service::CONFIG_SET, p(&["--no-restart", "shop", "SVC_KEY=v w"]), ok(&[]), None),
        (service::CONFIG_GET, p(&["shop", "SVC_KEY"]), ok(&["v w"]), None),
        (
            service::CONFIG_SET,
            p(&["--no-restart", "shop", "1BAD=x"]),
            err("InvalidArguments", "Invalid key name: '1BAD'"),
            None,
        ),
        (
            service::CONFIG_SET,
            p(&["ghost", "A=b"]),
            err("AppNotFound", "App ghost does not exist"),
            None,
        ),
        (service::CONFIG_UNSET, p(&["--no-restart", "shop", "SVC_KEY"]), ok(&[]), None),
        (service::CONFIG_GET, p(&["shop", "SVC_KEY"]), ok(&[]), None),
        (service::PROPERTY_SET, p(&["svc", "shop", "k", "v"]), ok(&[]), None),
        (service::PROPERTY_GET, p(&["svc", "shop", "k"]), ok(&["v"]), None),
        (service::PROPERTY_EXISTS, p(&["svc", "shop", "k"]), ok(&["true"]), None),
        (service::PROPERTY_LIST_WRITE, p(&["svc", "shop", "l", "b", "c"]), ok(&[]), None),
        (service::PROPERTY_LIST_ADD, p(&["svc", "shop", "l", "a", "1"]), ok(&[]), None),
        (service::PROPERTY_LIST_ADD, p(&["svc", "shop", "l", "e"]), ok(&[]), None),
        (service::PROPERTY_LIST_SET, p(&["svc", "shop", "l", "d", "3"]), ok(&[]), None),
        (service::PROPERTY_LIST_GET, p(&["svc", "shop", "l"]), ok(&["a", "b", "c", "d"]), None),
        (service::PROPERTY_LIST_LENGTH, p(&["svc", "shop", "l"]), ok(&["4"]), None),
        (service::PROPERTY_LIST_GET_BY_INDEX, p(&["svc", "shop", "l", "1"]), ok(&["b"]), None),
        (
            service::PROPERTY_LIST_GET_BY_INDEX,
            p(&["svc", "shop", "l", "9"]),
            err("InvalidArguments", "Index not found"),
            None,
        ),
        (service::PROPERTY_LIST_GET_BY_VALUE, p(&["svc", "shop", "l", "c"]), ok(&["true"]), None),
        (service::PROPERTY_LIST_REMOVE, p(&["svc", "shop", "l", "b"]), ok(&[]), None),
        (
            service::PROPERTY_LIST_REMOVE,
            p(&["svc", "shop", "l", "b"]),
            err("Failed", "Property not found, nothing was removed"),
            None,
        ),
        (service::PROPERTY_LIST_REMOVE_BY_PREFIX, p(&["svc", "shop", "l", "d"]), ok(&[]), None),
        (service::PROPERTY_GET_ALL, p(&["svc", "shop"]), ok(&["k", "v", "l", "a\nc\n"]), None),
        (service::PROPERTY_DELETE, p(&["svc", "shop", "k"]), ok(&[]), None),
        (service::PROPERTY_EXISTS, p(&["svc", "shop", "k"]), ok(&["false"]), None),
        (service::PROPERTY_DESTROY, p(&["svc", "shop"]), ok(&[]), None),
        (service::PROPERTY_GET_ALL, p(&["svc", "shop"]), ok(&[]), None),
        (
            service::PROPERTY_SET,
            p(&["svc", "../up", "k", "v"]),
            err("InvalidArguments", "Invalid app name for a property: '../up'"),
            None,
        ),
        (service::TRIGGER, p(&["svc-stdin", "x"]), ok(&["0"]), None),
        (service::TRIGGER_CAPTURE, p(&["svc-stdin", "x"]), ok(&["0", "svc stdin []\n"]), None),
        (
            service::PROXY_BUILD_CONFIG,
            p(&["shop"]),
            if proxy_built {
                ok(&[])
            } else {
                err("Failed", "proxy-build-config shop failed with exit status 1")
            },
            (!built.stderr.is_empty()).then(|| built.stderr.clone()),
        ),
        (
            service::NGINX_RELOAD,
            p(&[]),
            if reload.code == 0 {
                ok(&[])
            } else {
                Value::Null
            },
            Some(reload.stderr.clone()),
        ),
        (service::DEPLOY_LOCK_STATUS, p(&["shop"]), ok(&["free"]), None),
        (service::DEPLOY_LOCK_ACQUIRE, p(&["shop"]), ok(&[]), None),
        // The call that took it has ended, and with it the lock.
        (service::DEPLOY_LOCK_STATUS, p(&["shop"]), ok(&["free"]), None),
        (
            service::DEPLOY_LOCK_RELEASE,
            p(&["shop"]),
            err("InvalidArguments", "the deploy lock of shop is not held by this plugin call"),
            None,
        ),
        (
            service::DEPLOY_LOCK_STATUS,
            p(&["ghost"]),
            err("AppNotFound", "App ghost does not exist"),
            None,
        ),
        (service::DOCKER_GLOBAL_ARGS, p(&["run"]), ok(&global_args), None),
        (
            service::DOCKER_GLOBAL_ARGS,
            p(&["deploy"]),
            err("InvalidArguments", "unknown docker phase 'deploy': expected build or run"),
            None,
        ),
        (
            service::DOCKER_LABELS,
            p(&["build", "shop", "dockerfile"]),
            ok(&[
                "--label=org.label-schema.schema-version=1.0",
                "--label=org.label-schema.vendor=dokku",
                "--label=com.dokku.image-stage=build",
                "--label=com.dokku.builder-type=dockerfile",
                "--label=com.dokku.app-name=shop",
                "--label=dokku",
            ]),
            None,
        ),
        (
            service::DOCKER_COMMAND,
            p(&["shop", "container", "run", "--rm", "alpine:3", "echo", "a b"]),
            ok(&["3", "ran\n", "complaint\n"]),
            None,
        ),
    ];

    for service in service::ALL {
        assert!(
            cases.iter().any(|(name, ..)| name == service),
            "no real call checks the `{service}` service"
        );
    }
    for (name, args, expected, stderr) in &cases {
        let (answer, run) = f.call(name, args);
        if !expected.is_null() {
            assert_eq!(&answer, expected, "{name} {args:?}");
        }
        assert_eq!(
            run.stderr,
            stderr.clone().unwrap_or_default(),
            "{name} {args:?} printed on stderr"
        );
    }

    assert_eq!(
        std::fs::read_to_string(out.join("file")).expect("copied file"),
        "hello from image\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("dir/one.txt")).expect("copied dir"),
        "a\nb\n"
    );
    assert!(!out.join("dir/sub").exists(), "only the top-level files");
    let (unknown, run) = f.call("no-such-service", &["x"]);
    assert_eq!(unknown["err"]["kind"], "UnsupportedService", "{unknown}");
    let message = unknown["err"]["message"].as_str().expect("message");
    assert!(
        message.starts_with("host service `no-such-service` is not provided by this dokku (")
            && message.ends_with("): the plugin needs a newer dokku"),
        "{message}"
    );
    assert_eq!(run.stderr, "");
    let docker = std::fs::read_to_string(&f.docker_log).expect("docker log");
    assert!(
        docker.contains(
            "container run --label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku \
             --label=dokku --label=com.dokku.app-name=shop --rm alpine:3 echo a b\n"
        ),
        "docker ran with Dokku's labels:\n{docker}"
    );
}

/// The typed wrappers of the SDK, end to end.
#[test]
fn typed_wrappers_answer_through_a_real_call() {
    let f = Fixture::new();
    let run = f.env.dokku(["--app", "shop", "svc:typed"]).success();
    // The `name: value` lines, not the host's own output (`-----> Setting config vars`).
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| {
            l.split_once(": ")
                .is_some_and(|(name, _)| name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        })
        .collect();
    let expected = [
        "apps_list: [\"shop\"]",
        "app_exists: true",
        "is_valid_app_name: Err(InvalidArguments)",
        "verify_app_name: Err(AppNotFound)",
        "app_domains: [",
        "app_urls: [\"http://",
        "image_repo: \"dokku/shop\"",
        "image_name: \"dokku/shop:latest\"",
        "running_image_tag: \"latest\"",
        "config_get: Some(\"one two\")",
        "config_set_bad: (InvalidArguments, \"Invalid key name: '1BAD'\")",
        "config_unset: None",
        "property_get: Some(\"v\")",
        "property_exists: true",
        "property_list_get: [\"a\", \"b\", \"c\", \"d\"]",
        "property_list_length: 4",
        "property_list_get_by_index: \"a\"",
        "property_list_contains: true",
        "property_list_after_remove: [\"a\", \"c\"]",
        "property_get_all: {\"k\": \"v\", \"l\": \"a\\nc\\n\"}",
        "property_deleted: None",
        "docker_global_args: [\"--label=org.label-schema.schema-version=1.0\", \"--label=org.label-schema.vendor=dokku\", \"--label=dokku\"]",
        "docker_labels: [\"--change\", \"LABEL dokku=\"",
        "deploy_lock_status: Free",
        "trigger: 0",
        "trigger_capture: TriggerOutput { status: 0, stdout: \"\" }",
        "supports: true",
    ];
    assert_eq!(lines.len(), expected.len(), "{}", run.stdout);
    for (line, want) in lines.iter().zip(expected) {
        assert!(
            line.starts_with(want),
            "{line:?} is not {want:?}...\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("svc stdin []\n"),
        "the trigger's output is the command's"
    );
    assert_eq!(run.stderr, "");

    let out = f.env.scratch("typed");
    let run = f
        .env
        .dokku(["svc:docker", "shop", "img:1", out.to_str().expect("utf8")])
        .success();
    assert_eq!(
        run.stdout,
        "docker_command: (3, \"ran\\n\", \"complaint\\n\")\n\
         deploying_image_name: \"dokku/shop:latest\"\ncopied: \"ok\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("file")).expect("copied file"),
        "hello from image\n"
    );
    assert!(out.join("dir/one.txt").is_file());
}

#[test]
fn the_deploy_lock_cannot_outlive_the_plugin_call() {
    let f = Fixture::new();
    let status = || f.call(service::DEPLOY_LOCK_STATUS, &["shop"]).0;
    let run = f.env.dokku(["svc:lock", "shop"]).success();
    assert_eq!(
        run.stdout,
        "before: Free\nduring: Held\nlocked: true\nagain: Err(InvalidArguments)\n\
         dropped: Free\ninside: Held\nforgotten: Held\n"
    );
    assert_eq!(
        status(),
        ok(&["free"]),
        "the forgotten guard's lock went with the call"
    );

    let run = f.env.dokku(["svc:lock-panic", "shop"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(
        status(),
        ok(&["free"]),
        "a panic does not leave the app locked"
    );

    // A deploy in progress (here `apps:lock`) keeps the plugin out, and the other way
    // round the plugin's lock is the one deploys check.
    f.env.dokku(["apps:lock", "shop"]).success();
    assert_eq!(status(), ok(&["manual"]));
    assert_eq!(
        f.call(service::DEPLOY_LOCK_ACQUIRE, &["shop"]).0,
        err(
            "Failed",
            "shop currently has a deploy lock in place. Exiting..."
        )
    );
    f.env.dokku(["apps:unlock", "shop"]).success();
    assert_eq!(status(), ok(&["free"]));
}

#[test]
fn a_native_plugin_cleans_up_its_properties_on_post_delete() {
    let f = Fixture::new();
    f.call(service::PROPERTY_SET, &["svc", "shop", "k", "v"]);
    let store = f.env.lib_root().join("config/svc/shop");
    assert!(store.join("k").is_file());
    let run = f.env.dokku(["--force", "apps:destroy", "shop"]).success();
    assert!(run.stdout.contains("svc cleaned up shop"), "{}", run.stdout);
    assert!(
        !store.exists(),
        "the plugin's properties of the app are gone"
    );
}

/// The services plugin as an operator gets a plugin: its own git repository (the
/// fixture's crate plus the example's generic `install` trigger), installed with
/// `plugin:install file://…` and built there offline against the SDK dokku installed;
/// every service and the environment answer; a change committed to the repository
/// arrives with `plugin:update`, and every service still answers.
#[test]
fn the_services_plugin_built_out_of_tree_keeps_working_after_plugin_update() {
    let env = TestEnv::install_with_sdk(env!("CARGO_BIN_EXE_dokku"));
    let repo = env.scratch("src").join("svc");
    dokku_test_support::copy_tree(
        &repo_root().join("dokku-test-support/fixtures/services-plugin"),
        &repo,
    );
    std::fs::copy(
        repo_root().join("examples/hello-native/install"),
        repo.join("install"),
    )
    .expect("copy the install trigger");
    std::fs::write(repo.join(".gitignore"), "/target\nCargo.lock\n*.so\n").expect(".gitignore");
    dokku_test_support::git_commit_all(&repo);
    let url = format!("file://{}", repo.display());
    env.dokku_with_cargo(&["plugin:install", &url, "--name", "svc"])
        .success();

    let f = Fixture::around(env);
    f.env
        .dokku(["domains:set", "shop", "shop.example.com"])
        .success();
    let vars = env_map(&f.env.dokku(["svc:env"]).success().stdout);
    for key in ["DOKKU_ROOT", "DOKKU_LIB_ROOT", "DOCKER_BIN", "PLUGIN_PATH"] {
        assert!(vars.contains_key(key), "{key} missing from {vars:?}");
    }
    assert_eq!(
        vars.get("SVC_FROM_DOKKURC").map(String::as_str),
        Some("set by the operator")
    );
    check_every_service(&f, "before-update");

    let edit = |file: &str, anchor: &str, with: &str| {
        dokku_test_support::replace_once(&repo.join(file), anchor, with)
    };
    edit(
        "plugin.toml",
        "[[command]]\nname = \"svc:env\"",
        "[[command]]\nname = \"svc:updated\"\n\n[[command]]\nname = \"svc:env\"",
    );
    edit(
        "src/lib.rs",
        ".hidden_command(\"svc:call\")",
        ".hidden_command(\"svc:updated\")\n            .hidden_command(\"svc:call\")",
    );
    edit(
        "src/lib.rs",
        "\"svc:call\" => {",
        "\"svc:updated\" => {\n                ctx.host().write_stdout(\"updated\\n\");\n                Ok(0)\n            }\n            \"svc:call\" => {",
    );
    dokku_test_support::git_commit_changes(&repo, "svc:updated");
    f.env.dokku_with_cargo(&["plugin:update", "svc"]).success();

    assert_eq!(f.env.dokku(["svc:updated"]).success().stdout, "updated\n");
    check_every_service(&f, "after-update");
}
