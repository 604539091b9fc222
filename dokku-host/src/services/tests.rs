//! Every service name has a family that answers it, and the answers and errors of the
//! services that need neither Docker nor nginx, on a context over a temp dir.

use dokku_plugin_sdk::host::HostServices;
use dokku_plugin_sdk::service as name;
use dokku_plugin_sdk::ErrorKind;

use super::ServiceHost;
use crate::context::Context;

fn context(root: &std::path::Path) -> Context {
    let mut env = dokku_core::settings::EnvMap::new();
    for (k, dir) in [
        ("DOKKU_ROOT", "home"),
        ("DOKKU_LIB_PATH", "lib"),
        ("PLUGIN_PATH", "lib/plugins"),
        ("PLUGIN_CORE_PATH", "lib/core-plugins"),
        ("DOKKU_LOGS_DIR", "logs"),
    ] {
        let path = root.join(dir);
        std::fs::create_dir_all(&path).expect("mkdir");
        env.insert(k.into(), path.display().to_string());
    }
    env.insert("PATH".into(), "/usr/bin:/bin".into());
    // No docker and no nginx here: anything that reaches for them fails, never hangs.
    env.insert("DOCKER_BIN".into(), "/bin/false".into());
    Context::with_env(env)
}

#[test]
fn every_service_name_is_answered() {
    let root = tempfile::tempdir().expect("tempdir");
    let ctx = context(root.path());
    let host = ServiceHost::command(&ctx);
    assert_eq!(host.services(), name::ALL);
    for service in name::ALL {
        if let Err(e) = host.call(service, &[]) {
            assert_ne!(
                e.kind(),
                ErrorKind::UnsupportedService,
                "{service}: {}",
                e.message()
            );
            assert!(!e.message().contains('\n'), "{service}: {:?}", e.message());
        }
    }
    let unknown = host.call("no-such-service", &[]).expect_err("unknown");
    assert_eq!(unknown.kind(), ErrorKind::UnsupportedService);
}

#[test]
fn errors_carry_their_kind_and_dokkus_message() {
    let root = tempfile::tempdir().expect("tempdir");
    let ctx = context(root.path());
    std::fs::create_dir_all(ctx.layout.dokku_root.join("shop")).expect("app");
    let host = ServiceHost::command(&ctx);
    let err = |service: &str, args: &[&str]| {
        let e = host.call(service, args).expect_err(service);
        (e.kind(), e.message().to_string())
    };
    assert_eq!(
        err(name::CONFIG_SET, &["--no-restart", "shop", "1BAD=x"]),
        (
            ErrorKind::InvalidArguments,
            "Invalid key name: '1BAD'".into()
        )
    );
    assert_eq!(
        err(name::CONFIG_SET, &["shop", "NOEQUALS"]),
        (
            ErrorKind::InvalidArguments,
            "Invalid env pair: NOEQUALS".into()
        )
    );
    assert_eq!(
        err(name::CONFIG_SET, &["ghost", "A=b"]),
        (ErrorKind::AppNotFound, "App ghost does not exist".into())
    );
    assert_eq!(
        err(name::DOMAINS, &["Bad_Name"]).0,
        ErrorKind::InvalidArguments
    );
    assert_eq!(
        err(name::PROPERTY_SET, &["p", "../x", "k", "v"]),
        (
            ErrorKind::InvalidArguments,
            "Invalid app name for a property: '../x'".into()
        )
    );
    assert_eq!(
        err(name::PROPERTY_LIST_GET_BY_INDEX, &["p", "shop", "l", "3"]),
        (ErrorKind::InvalidArguments, "Index not found".into())
    );
    assert_eq!(
        err(name::PROPERTY_LIST_REMOVE, &["p", "shop", "l", "x"]),
        (
            ErrorKind::Failed,
            "Property not found, nothing was removed".into()
        )
    );
    assert_eq!(
        err(name::PROPERTY_LIST_ADD, &["p", "shop", "l", "x", "first"]),
        (
            ErrorKind::InvalidArguments,
            "Invalid index specified: 'first'".into()
        )
    );
    assert_eq!(
        err(name::DOCKER_LABELS, &["deploy", "shop"]).0,
        ErrorKind::InvalidArguments
    );
    assert_eq!(err(name::TRIGGER, &[]).0, ErrorKind::InvalidArguments);
    assert_eq!(
        err(name::DEPLOY_LOCK_RELEASE, &["shop"]),
        (
            ErrorKind::InvalidArguments,
            "the deploy lock of shop is not held by this plugin call".into()
        )
    );
}

#[test]
fn properties_round_trip_through_the_store() {
    let root = tempfile::tempdir().expect("tempdir");
    let ctx = context(root.path());
    let host = ServiceHost::command(&ctx);
    let call = |service: &str, args: &[&str]| host.call(service, args).expect(service);
    call(name::PROPERTY_SET, &["p", "shop", "a", "1"]);
    call(name::PROPERTY_SET, &["p", "shop", "b", "two words"]);
    assert_eq!(call(name::PROPERTY_EXISTS, &["p", "shop", "a"]), ["true"]);
    assert_eq!(call(name::PROPERTY_EXISTS, &["p", "shop", "z"]), ["false"]);
    assert_eq!(
        call(name::PROPERTY_GET_ALL, &["p", "shop"]),
        ["a", "1", "b", "two words"]
    );
    call(name::PROPERTY_LIST_WRITE, &["p", "shop", "l", "x", "y"]);
    call(name::PROPERTY_LIST_ADD, &["p", "shop", "l", "w", "1"]);
    call(name::PROPERTY_LIST_ADD, &["p", "shop", "l", "z"]);
    call(name::PROPERTY_LIST_SET, &["p", "shop", "l", "Y", "2"]);
    assert_eq!(
        call(name::PROPERTY_LIST_GET, &["p", "shop", "l"]),
        ["w", "x", "Y", "z"]
    );
    assert_eq!(call(name::PROPERTY_LIST_LENGTH, &["p", "shop", "l"]), ["4"]);
    assert_eq!(
        call(name::PROPERTY_LIST_GET_BY_INDEX, &["p", "shop", "l", "1"]),
        ["x"]
    );
    assert_eq!(
        call(name::PROPERTY_LIST_GET_BY_VALUE, &["p", "shop", "l", "Y"]),
        ["true"]
    );
    call(name::PROPERTY_LIST_REMOVE, &["p", "shop", "l", "x"]);
    call(
        name::PROPERTY_LIST_REMOVE_BY_PREFIX,
        &["p", "shop", "l", "Y"],
    );
    assert_eq!(
        call(name::PROPERTY_LIST_GET, &["p", "shop", "l"]),
        ["w", "z"]
    );
    call(name::PROPERTY_DESTROY, &["p", "shop"]);
    assert!(call(name::PROPERTY_GET_ALL, &["p", "shop"]).is_empty());
}

/// A lock the plugin took and never released is released when the call's host goes.
#[test]
fn a_deploy_lock_never_outlives_the_call_that_took_it() {
    let root = tempfile::tempdir().expect("tempdir");
    let ctx = context(root.path());
    std::fs::create_dir_all(ctx.layout.dokku_root.join("shop")).expect("app");
    let status = |host: &ServiceHost<'_>| {
        host.call(name::DEPLOY_LOCK_STATUS, &["shop"])
            .expect("status")
    };
    {
        let host = ServiceHost::command(&ctx);
        assert_eq!(status(&host), ["free"]);
        host.call(name::DEPLOY_LOCK_ACQUIRE, &["shop"])
            .expect("acquire");
        assert_eq!(status(&host), ["held"]);
        let again = host
            .call(name::DEPLOY_LOCK_ACQUIRE, &["shop"])
            .expect_err("held by this call");
        assert_eq!(again.kind(), ErrorKind::InvalidArguments);
        // Another call (a second plugin, or a deploy) is refused meanwhile.
        let other = ServiceHost::command(&ctx);
        let refused = other
            .call(name::DEPLOY_LOCK_ACQUIRE, &["shop"])
            .expect_err("busy");
        assert_eq!(
            (refused.kind(), refused.message()),
            (
                ErrorKind::Failed,
                "shop currently has a deploy lock in place. Exiting..."
            )
        );
        host.call(name::DEPLOY_LOCK_RELEASE, &["shop"])
            .expect("release");
        assert_eq!(status(&host), ["free"]);
        host.call(name::DEPLOY_LOCK_ACQUIRE, &["shop"])
            .expect("acquire again");
        // ...and the call ends without releasing it.
    }
    let host = ServiceHost::command(&ctx);
    assert_eq!(status(&host), ["free"]);
    assert!(!ctx.layout.deploy_lock("shop").exists());
}

#[test]
fn apps_domains_and_docker_arguments() {
    let root = tempfile::tempdir().expect("tempdir");
    let ctx = context(root.path());
    for app in ["b-app", "a-app"] {
        std::fs::create_dir_all(ctx.layout.dokku_root.join(app)).expect("app");
    }
    let host = ServiceHost::command(&ctx);
    let call = |service: &str, args: &[&str]| host.call(service, args).expect(service);
    assert_eq!(call(name::APPS_LIST, &[]), ["a-app", "b-app"]);
    assert!(call(name::DOMAINS, &["a-app"]).is_empty());
    assert_eq!(
        call(name::DOCKER_GLOBAL_ARGS, &["run"]),
        [
            "--label=org.label-schema.schema-version=1.0",
            "--label=org.label-schema.vendor=dokku",
            "--label=dokku"
        ]
    );
    assert_eq!(
        call(name::DOCKER_LABELS, &["release", "a-app"]).join(" "),
        "--label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku \
         --label=com.dokku.app-name=a-app --label=com.dokku.image-stage=release --label=dokku"
    );
    // `$DOCKER_BIN` is /bin/false here: a failing docker is an answer, not an error.
    assert_eq!(call(name::DOCKER_COMMAND, &["", "version"]), ["1", "", ""]);
}
