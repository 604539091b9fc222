//! The wrappers and `CommandContext::app_and_rest` against `MockHost`.

use crate::prelude::*;
use crate::testing::MockHost;
use crate::{service, DeployLockStatus, DockerLabels, DockerPhase};

/// Runs the closure named by the command word inside a real plugin call.
struct Probe;

type Body = fn(&CommandContext<'_>) -> Result<i32, PluginError>;

const BODIES: &[(&str, Body)] = &[
    ("app-and-rest", |ctx| {
        let (app, rest) = ctx.app_and_rest();
        ctx.host()
            .write_stdout(format!("{app:?} {rest:?} {:?}\n", ctx.app()));
        Ok(0)
    }),
    ("lists", |ctx| {
        let h = ctx.host();
        h.property_list_write("p", "a", "l", &["x", "y"])?;
        h.property_list_add("p", "a", "l", " w ", Some(1))?;
        h.property_list_add("p", "a", "l", "z", None)?;
        h.property_list_set("p", "a", "l", "Y", 2)?;
        let all = h.property_list_get("p", "a", "l")?;
        let len = h.property_list_length("p", "a", "l")?;
        let second = h.property_list_get_by_index("p", "a", "l", 1)?;
        let has = h.property_list_contains("p", "a", "l", "Y")?;
        h.property_list_remove("p", "a", "l", "x")?;
        h.property_list_remove_by_prefix("p", "a", "l", "Y")?;
        let after = h.property_list_get("p", "a", "l")?;
        let missing = h
            .property_list_get_by_index("p", "a", "l", 9)
            .expect_err("past the end");
        h.write_stdout(format!(
            "{all:?} {len} {second} {has} {after:?} {:?}\n",
            missing.kind()
        ));
        Ok(0)
    }),
    ("props", |ctx| {
        let h = ctx.host();
        h.property_set("p", "a", "k", "v")?;
        let exists = (
            h.property_exists("p", "a", "k")?,
            h.property_exists("p", "a", "x")?,
        );
        let all = h.property_get_all("p", "a")?;
        h.property_destroy("p", "a")?;
        let gone = h.property_get_all("p", "a")?;
        h.write_stdout(format!("{exists:?} {all:?} {gone:?}\n"));
        Ok(0)
    }),
    ("lock", |ctx| {
        let h = ctx.host();
        let guard = h.deploy_lock("a")?;
        let during = h.deploy_lock_status("a")?;
        let again = h.deploy_lock("a").expect_err("already held");
        drop(guard);
        let after = h.deploy_lock_status("a")?;
        let inside = h.with_deploy_lock("a", || h.is_deploy_locked("a"))??;
        // Forgotten: the host releases it when the call returns.
        std::mem::forget(h.deploy_lock("a")?);
        h.write_stdout(format!(
            "{during:?} {:?} {after:?} {inside}\n",
            again.kind()
        ));
        Ok(0)
    }),
    ("docker", |ctx| {
        let h = ctx.host();
        let out = h.docker_command(Some("a"), &["run", "--rm", "alpine", "true"])?;
        let labels = h.docker_labels(DockerLabels::Build, "a", Some("pack"))?;
        let global = h.docker_global_args(DockerPhase::Run)?;
        h.write_stdout(format!(
            "{} {} {labels:?} {global:?}\n",
            out.status, out.stdout
        ));
        Ok(0)
    }),
];

impl Plugin for Probe {
    fn manifest() -> Manifest {
        Manifest::new("0.1.0", "probe")
    }

    fn command(&self, ctx: &CommandContext<'_>) -> Result<i32, PluginError> {
        match BODIES.iter().find(|(name, _)| *name == ctx.name()) {
            Some((_, body)) => body(ctx),
            None => Ok(NOT_IMPLEMENTED_EXIT),
        }
    }
}

#[test]
fn app_and_rest_reads_both_forms_of_a_command_alike() {
    let plain = MockHost::new();
    assert_eq!(
        plain.command(&Probe, "app-and-rest", &["myapp", "x", "y"]),
        Ok(0)
    );
    let with_app = MockHost::new().with_env("DOKKU_APP_NAME", "myapp");
    assert_eq!(with_app.command(&Probe, "app-and-rest", &["x", "y"]), Ok(0));
    let expected = "Some(\"myapp\") [\"x\", \"y\"] Some(\"myapp\")\n";
    assert_eq!(plain.stdout(), expected);
    assert_eq!(with_app.stdout(), expected);
    let none = MockHost::new();
    assert_eq!(none.command(&Probe, "app-and-rest", &[]), Ok(0));
    assert_eq!(none.stdout(), "None [] None\n");
    // An empty DOKKU_APP_NAME is no app, as in Dokku's `[[ -n $DOKKU_APP_NAME ]]`.
    let empty = MockHost::new().with_env("DOKKU_APP_NAME", "");
    assert_eq!(empty.command(&Probe, "app-and-rest", &["myapp"]), Ok(0));
    assert_eq!(empty.stdout(), "Some(\"myapp\") [] Some(\"myapp\")\n");
}

#[test]
fn list_and_store_wide_property_services() {
    let host = MockHost::new();
    assert_eq!(host.command(&Probe, "lists", &[]), Ok(0));
    assert_eq!(
        host.stdout(),
        "[\"w\", \"x\", \"Y\", \"z\"] 4 x true [\"w\", \"z\"] InvalidArguments\n"
    );
    assert_eq!(host.property("p", "a", "l").as_deref(), Some("w\nz\n"));
    let host = MockHost::new();
    assert_eq!(host.command(&Probe, "props", &[]), Ok(0));
    assert_eq!(host.stdout(), "(true, false) {\"k\": \"v\"} {}\n");
}

#[test]
fn the_deploy_lock_cannot_outlive_the_call() {
    let host = MockHost::new().with_app("a");
    assert_eq!(host.command(&Probe, "lock", &[]), Ok(0));
    assert_eq!(host.stdout(), "Held InvalidArguments Free true\n");
    assert!(
        !host.deploy_locked("a"),
        "the forgotten guard's lock is gone"
    );
    let services: Vec<String> = host
        .calls()
        .into_iter()
        .map(|c| c.service)
        .filter(|s| s == service::DEPLOY_LOCK_RELEASE)
        .collect();
    assert_eq!(services.len(), 2, "the guard and with_deploy_lock released");

    let locked = MockHost::new().with_app("a").with_locked_app("a");
    let err = locked.command(&Probe, "lock", &[]).expect_err("locked");
    assert_eq!(
        (err.kind(), err.message()),
        (
            ErrorKind::Failed,
            "a currently has a deploy lock in place. Exiting..."
        )
    );
    assert!(locked.deploy_locked("a"), "a manual lock stays");
    let missing = MockHost::new()
        .command(&Probe, "lock", &[])
        .expect_err("no app");
    assert_eq!(missing.kind(), ErrorKind::AppNotFound);
    assert_eq!(
        DeployLockStatus::Manual.blocks(),
        !DeployLockStatus::Stale.blocks()
    );
}

#[test]
fn docker_services_are_scripted_and_parsed() {
    let host = MockHost::new()
        .on(service::DOCKER_COMMAND, |args| {
            assert_eq!(args, ["a", "run", "--rm", "alpine", "true"]);
            Ok(vec!["0".into(), "ok".into(), String::new()])
        })
        .on(service::DOCKER_LABELS, |args| {
            assert_eq!(args, ["build", "a", "pack"]);
            Ok(vec!["--label=x".into()])
        })
        .answer(service::DOCKER_GLOBAL_ARGS, &["--label=dokku"]);
    assert_eq!(host.command(&Probe, "docker", &[]), Ok(0));
    assert_eq!(host.stdout(), "0 ok [\"--label=x\"] [\"--label=dokku\"]\n");
    let unscripted = MockHost::new();
    let err = unscripted
        .command(&Probe, "docker", &[])
        .expect_err("no fake for docker");
    assert_eq!(err.kind(), ErrorKind::UnsupportedService);
}

#[test]
fn mock_host_fakes_only_services_the_protocol_names() {
    let host = MockHost::new();
    for name in crate::host::HostServices::services(&host) {
        assert!(service::ALL.contains(&name.as_str()), "{name}");
    }
}
