//! The embedding facade (`dokku_platform::Platform`) in this process, against a prefix
//! install: the same handlers and triggers as the `dokku` binary, typed errors. The
//! deploy itself (real Docker) is in tests/e2e/embed.rs.

use dokku_platform::{Error, Platform, Restart, Running};
use dokku_test_support::{write_executable, FakeDocker, TestEnv};

use crate::install;

/// An install with a fake docker and a legacy plugin recording the triggers the
/// facade's calls fire, and the facade opened on it through `PREFIX/env`.
fn fixture() -> (TestEnv, Platform, std::path::PathBuf) {
    let env = install();
    env.fake_docker(FakeDocker::default());
    let record = env.scratch("records").join("triggers");
    let plugin = env.scratch("plugins").join("aa-record");
    std::fs::create_dir_all(&plugin).expect("mkdir plugin");
    std::fs::write(
        plugin.join("plugin.toml"),
        "[plugin]\ndescription = \"records triggers\"\nversion = \"0.1.0\"\n[plugin.config]\n",
    )
    .expect("write plugin.toml");
    for trigger in ["post-create", "post-config-update", "post-delete"] {
        write_executable(
            &plugin.join(trigger),
            &format!(
                "#!/bin/sh\necho \"{trigger} $*\" >> '{}'\n",
                record.display()
            ),
        );
    }
    env.dokku(["plugin:install", plugin.to_str().expect("utf8 path")])
        .success();
    let platform = Platform::open_prefix(env.prefix()).expect("open the prefix install");
    (env, platform, record)
}

fn recorded(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let _ = std::fs::remove_file(path);
    text
}

#[test]
fn the_facade_runs_the_cli_commands_and_their_triggers() {
    let (env, dokku, record) = fixture();
    assert_eq!(dokku.dokku_bin(), env.prefix().join("bin/dokku"));

    dokku.create_app("shop").expect("create");
    assert_eq!(recorded(&record), "post-create shop\n");
    // What the facade made, the CLI sees.
    let listed = env.dokku(["apps:list"]).success();
    assert_eq!(listed.stdout, "=====> My Apps\nshop\n");

    dokku
        .set_config(
            "shop",
            &[("GREETING", "hello there"), ("EMPTY", "")],
            Restart::No,
        )
        .expect("config:set");
    assert_eq!(
        recorded(&record),
        "post-config-update shop set EMPTY GREETING\n"
    );
    let got = env.dokku(["config:get", "shop", "GREETING"]).success();
    assert_eq!(got.stdout, "hello there\n");
    let config = dokku.config("shop").expect("config");
    assert_eq!(
        config.get("GREETING").map(String::as_str),
        Some("hello there")
    );
    assert_eq!(config.get("EMPTY").map(String::as_str), Some(""));

    let apps = dokku.apps().expect("apps");
    assert_eq!(apps.len(), 1);
    let shop = &apps[0];
    assert_eq!(shop.name, "shop");
    assert!(!shop.deployed);
    assert_eq!(shop.running, Running::No);
    assert_eq!(shop.processes, 0);
    // The URLs are the `urls` and `url` commands' own.
    let urls = env.dokku(["urls", "shop"]).success();
    assert_eq!(shop.urls, urls.stdout.lines().collect::<Vec<_>>());
    let url = env.dokku(["url", "shop"]).success();
    assert_eq!(shop.url.as_deref(), url.stdout.lines().next());
    assert_eq!(dokku.app("shop").expect("app"), *shop);

    dokku.destroy_app("shop").expect("destroy");
    assert!(recorded(&record).contains("post-delete shop"));
    assert!(dokku.apps().expect("apps").is_empty());
    assert!(!dokku.exists("shop").expect("exists"));
}

#[test]
fn facade_errors_are_typed_and_carry_the_commands_message() {
    let (env, dokku, record) = fixture();
    dokku.create_app("shop").expect("create");
    recorded(&record);

    match dokku.create_app("shop") {
        Err(Error::AppExists { app }) => assert_eq!(app, "shop"),
        other => panic!("expected AppExists, got {other:?}"),
    }
    assert!(matches!(
        dokku.create_app("Bad_Name"),
        Err(Error::InvalidAppName(_))
    ));
    // A name that looks like a flag never reaches a command.
    assert!(matches!(
        dokku.set_config("--global", &[("A", "1")], Restart::No),
        Err(Error::InvalidAppName(_))
    ));
    let missing = dokku
        .set_config("nope", &[("A", "1")], Restart::No)
        .expect_err("missing app");
    assert!(
        matches!(&missing, Error::AppNotFound { app } if app == "nope"),
        "{missing:?}"
    );
    assert_eq!(missing.exit_code(), 20);
    assert!(matches!(dokku.app("nope"), Err(Error::AppNotFound { .. })));

    // The command's own one-line message, as `dokku config:set` prints it.
    let bad = dokku
        .set_config("shop", &[("1BAD", "x")], Restart::No)
        .expect_err("bad key");
    let cli = env.dokku(["config:set", "shop", "1BAD=x"]);
    assert_eq!(cli.code, bad.exit_code());
    match &bad {
        Error::Failed {
            command,
            message: Some(message),
            ..
        } => {
            assert_eq!(command, "config:set");
            assert_eq!(cli.stderr, format!(" !     {message}\n"));
        }
        other => panic!("expected Failed with a message, got {other:?}"),
    }
    // Nothing was written, nothing fired.
    assert!(!dokku.config("shop").expect("config").contains_key("1BAD"));
    assert_eq!(recorded(&record), "");

    let image = dokku
        .deploy_image("shop", "--force")
        .expect_err("flag image");
    assert!(
        matches!(&image, Error::Failed { command, .. } if command == "git:from-image"),
        "{image:?}"
    );
}

#[test]
fn a_directory_without_an_env_file_is_not_an_install() {
    let env = install();
    let err = match Platform::open_prefix(env.scratch("empty")) {
        Err(err) => err,
        Ok(_) => panic!("opened a directory that is no install"),
    };
    assert!(matches!(err, Error::Open { .. }), "{err:?}");
    assert!(err
        .to_string()
        .ends_with("is not a prefix install: no env file"));
    assert_eq!(
        err.hint(),
        Some("install one with ./install.sh --prefix DIR")
    );
}
