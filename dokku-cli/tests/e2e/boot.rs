//! A reboot, simulated (issue 17): apps deployed behind the test nginx, one of them
//! stopped with `ps:stop`; then every container of the test and the nginx master
//! stop, as at a shutdown. What the boot units run (dist/systemd: dokku-nginx
//! rebuilds each app's config against its running containers before nginx starts,
//! then dokku-restore runs `dokku ps:restore`) brings back exactly what was running,
//! in its own containers, and nothing else.

use std::path::PathBuf;

use dokku_test_support::write_executable;

use crate::harness::{docker, output, skipped, Deployer};
use crate::nginx_support::{create_app, TestNginx};

/// The body nginx serves for `app`'s host name: `Some(body)` on 200, `None` otherwise.
fn served(nginx: &TestNginx, app: &str) -> Option<String> {
    match nginx.get(nginx.http, &nginx.host_of(app), "/") {
        Ok((200, body)) => Some(body),
        _ => None,
    }
}

/// `app`'s nginx config, if any, sends nothing upstream: its domains answer 502.
fn assert_unrouted(d: &Deployer, app: &str) {
    let conf = d.env.dokku_root().join(app).join("nginx.conf");
    if let Ok(text) = std::fs::read_to_string(&conf) {
        assert!(
            !text.contains("upstream ")
                && !text.contains("proxy_pass")
                && text.contains("return 502"),
            "{app} keeps a config pointing at stopped containers:\n{text}"
        );
    }
}

fn assert_serves(nginx: &TestNginx, app: &str, name: &str, when: &str) {
    let body = served(nginx, app).unwrap_or_else(|| panic!("{when}: {app} is not served"));
    assert!(
        body.contains(&format!("GREETING=from-{name}")),
        "{when}: {app}'s host served another app:\n{body}"
    );
}

/// A legacy plugin whose `pre-start` refuses `app` while `marker` exists.
fn install_refusing_plugin(d: &Deployer, app: &str) -> PathBuf {
    let dir = d.env.scratch("plugins").join("e2e-boot-refuse");
    std::fs::create_dir_all(&dir).expect("mkdir plugin");
    std::fs::write(
        dir.join("plugin.toml"),
        "[plugin]\ndescription = \"refuses to start one app\"\nversion = \"0.1.0\"\n[plugin.config]\n",
    )
    .expect("plugin.toml");
    let marker = d.env.scratch("records").join("refuse-start");
    write_executable(
        &dir.join("pre-start"),
        &format!(
            "#!/bin/sh\nif [ \"$1\" = '{app}' ] && [ -e '{}' ]; then\n  echo \"boot test: refusing to start $1\" >&2\n  exit 1\nfi\n",
            marker.display()
        ),
    );
    d.env
        .dokku(["plugin:install", dir.to_str().expect("utf8 path")])
        .success();
    marker
}

fn current_ip(cid: &str) -> String {
    docker([
        "container",
        "inspect",
        "--format",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        cid,
    ])
    .stdout
    .trim()
    .to_string()
}

#[test]
fn a_reboot_brings_back_what_was_running_and_nothing_else() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let names = ["one", "two", "three"];
    let apps: Vec<String> = names.iter().map(|n| create_app(&d, &nginx, n)).collect();
    for (app, name) in apps.iter().zip(names) {
        let push = d.push(&d.hello_source(name), app, "main");
        assert_eq!(push.code, 0, "{}", output(&push));
        assert_serves(&nginx, app, name, "after the deploy");
    }
    let (one, two, three) = (&apps[0], &apps[1], &apps[2]);
    let stop = d.env.dokku(["ps:stop", three]);
    assert_eq!(stop.code, 0, "{}", output(&stop));
    assert_eq!(served(&nginx, three), None, "a stopped app is unrouted");
    let before: Vec<String> = apps
        .iter()
        .map(|app| d.container_id(app, "web.1").expect("web.1"))
        .collect();
    let marker = install_refusing_plugin(&d, two);

    // The shutdown: every running container of this test stops (as Docker stops
    // them: their restart policies stay), then the nginx master, by its pid.
    let label = format!("com.dokku-rs.test={}", d.id);
    let running = docker([
        "container",
        "ls",
        "--quiet",
        "--no-trunc",
        "--filter",
        &format!("label={label}"),
    ]);
    let ids: Vec<&str> = running.stdout.split_whitespace().collect();
    for (i, cid) in before.iter().enumerate().take(2) {
        assert!(ids.contains(&cid.as_str()), "{} runs: {ids:?}", apps[i]);
    }
    let stopped = docker(
        ["container", "stop", "-t", "5"]
            .into_iter()
            .chain(ids.iter().copied()),
    );
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    nginx.stop();
    // Docker hands out addresses afresh after a boot: whatever starts first takes
    // the lowest free one, which was one of the apps'.
    let squatter = docker([
        "container",
        "run",
        "--detach",
        "--label",
        &label,
        "dokku-rs/base:busybox",
        "sleep",
        "600",
    ]);
    assert_eq!(squatter.code, 0, "{}", squatter.stderr);

    // The boot, step 1 (dokku-nginx.service): each app's config rebuilt against its
    // running containers (none yet, so none is left), then nginx.
    let pruned = d.env.dokku(["proxy:build-config", "--all"]);
    assert_eq!(pruned.code, 0, "{}", output(&pruned));
    for app in &apps {
        assert_unrouted(&d, app);
    }
    nginx.start_again();
    for app in &apps {
        assert_eq!(
            served(&nginx, app),
            None,
            "{app} is routed before its restore"
        );
    }

    // Step 2 (dokku-restore.service): `dokku ps:restore`. An app that cannot start
    // stops no other; the exit status and the summary say it failed.
    std::fs::write(&marker, "").expect("marker");
    let first = d.env.dokku(["ps:restore"]);
    let text = output(&first);
    assert_ne!(first.code, 0, "{text}");
    assert!(
        text.contains(&format!("{two} | boot test: refusing to start {two}")),
        "{text}"
    );
    assert!(
        text.contains("ps:restore: 1 restored, 1 skipped, 1 failed"),
        "{text}"
    );
    assert!(
        text.contains(&format!(" !     ps:restore failed for 1 of 2 apps: {two}")),
        "{text}"
    );
    assert_serves(&nginx, one, "one", "while two fails");
    assert_eq!(served(&nginx, two), None, "{text}");
    assert_eq!(served(&nginx, three), None, "{text}");

    // Once the cause is gone, a second restore brings the rest back.
    std::fs::remove_file(&marker).expect("marker");
    let second = d.env.dokku(["ps:restore"]);
    let text = output(&second);
    assert_eq!(second.code, 0, "{text}");
    for line in [
        " !     Restore specified without app, assuming --all".to_string(),
        format!(" !     Skipping ps:restore for {three} as restore property is false"),
        "-----> Restoring 2 apps, up to 2 at a time".to_string(),
        format!(
            "{two} |  !     App has been detected as not running, starting its existing containers"
        ),
        format!("{two} | -----> Started 1 existing container of {two}"),
        format!("{one} |  !     App {one} already running"),
        "-----> ps:restore: 2 restored, 1 skipped, 0 failed".to_string(),
    ] {
        assert!(text.contains(&line), "missing {line:?} in\n{text}");
    }
    assert!(!text.contains("releasing"), "nothing is rebuilt:\n{text}");
    // Every line of an app's work carries its name.
    for line in text.lines().filter(|l| l.contains("Starting app")) {
        assert!(
            line.starts_with(&format!("{one} | ")) || line.starts_with(&format!("{two} | ")),
            "{line:?} in\n{text}"
        );
    }

    // What ran before runs again, in the same containers, at their new addresses.
    for (i, (app, name)) in apps.iter().zip(names).enumerate().take(2) {
        assert_serves(&nginx, app, name, "after the restore");
        assert_eq!(d.container_id(app, "web.1").as_ref(), Some(&before[i]));
        let recorded = std::fs::read_to_string(d.env.dokku_root().join(app).join("IP.web.1"))
            .expect("IP.web.1");
        assert_eq!(recorded.trim(), current_ip(&before[i]), "{app}");
    }
    // The app stopped on purpose stays stopped and unrouted.
    assert_eq!(served(&nginx, three), None);
    assert_eq!(
        d.env
            .dokku(["ps:report", three, "--running"])
            .success()
            .stdout,
        "false\n"
    );
    assert_unrouted(&d, three);
}
