//! A host name is never served by another app's container: stopping an app frees
//! its container addresses, which Docker hands to the next container it starts.

use crate::harness::{output, skipped, Deployer};
use crate::nginx_support::{create_app, TestNginx};

/// The body nginx serves for `app`'s host name: `Some(body)` on 200, `None` otherwise.
fn served(nginx: &TestNginx, app: &str) -> Option<String> {
    match nginx.get(nginx.http, &nginx.host_of(app), "/") {
        Ok((200, body)) => Some(body),
        _ => None,
    }
}

#[test]
fn stop_start_and_restore_never_route_a_host_to_another_app() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let apps = [create_app(&d, &nginx, "one"), create_app(&d, &nginx, "two")];
    let names = ["one", "two"];
    for app in &apps {
        // No uptime wait: the cycles test routing, not checks.
        d.env.dokku(["checks:skip", app]).success();
    }
    for (app, name) in apps.iter().zip(names) {
        let push = d.push(&d.hello_source(name), app, "main");
        assert_eq!(push.code, 0, "{}", output(&push));
    }
    for cycle in 0..20 {
        let (stopped, other) = if cycle % 2 == 0 { (0, 1) } else { (1, 0) };
        let run = d.env.dokku(["ps:stop", &apps[stopped]]);
        assert_eq!(run.code, 0, "{}", output(&run));
        // The other app gets new containers, maybe at the stopped app's addresses.
        let run = d.env.dokku(["ps:restart", &apps[other]]);
        assert_eq!(run.code, 0, "{}", output(&run));
        if let Some(body) = served(&nginx, &apps[stopped]) {
            panic!(
                "cycle {cycle}: stopped {} is still routed and answered:\n{body}",
                apps[stopped]
            );
        }
        let body = served(&nginx, &apps[other]).expect("the running app answers");
        assert!(
            body.contains(&format!("GREETING=from-{}", names[other])),
            "{body}"
        );

        if cycle % 5 == 4 {
            // What a reboot runs: the stopped app stays stopped and unrouted.
            let run = d.env.dokku(["ps:restore", "--all"]);
            assert_eq!(run.code, 0, "{}", output(&run));
            assert_eq!(served(&nginx, &apps[stopped]), None, "cycle {cycle}");
            let body = served(&nginx, &apps[other]).expect("restored app answers");
            assert!(
                body.contains(&format!("GREETING=from-{}", names[other])),
                "{body}"
            );
        }
        let run = d.env.dokku(["ps:start", &apps[stopped]]);
        assert_eq!(run.code, 0, "{}", output(&run));
        for (app, name) in apps.iter().zip(names) {
            let body = served(&nginx, app)
                .unwrap_or_else(|| panic!("cycle {cycle}: {app} does not answer"));
            assert!(
                body.contains(&format!("GREETING=from-{name}")),
                "cycle {cycle}: {app}'s host served another app:\n{body}"
            );
        }
    }
}

#[test]
fn a_clone_answers_at_its_own_domain() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let one = create_app(&d, &nginx, "one");
    d.env.dokku(["checks:skip", &one]).success();
    let push = d.push(&d.hello_source("one"), &one, "main");
    assert_eq!(push.code, 0, "{}", output(&push));

    let copy = d.app("copy");
    let run = d.env.dokku(["apps:clone", &one, &copy]);
    let text = output(&run);
    assert_eq!(run.code, 0, "{text}");
    assert!(
        text.contains(&format!("http://{}", nginx.host_of(&copy))),
        "the clone's deploy names its own URL:\n{text}"
    );
    let vhosts = d
        .env
        .dokku(["domains:report", &copy, "--domains-app-vhosts"])
        .success();
    assert_eq!(vhosts.stdout.trim(), nginx.host_of(&copy));
    let body = served(&nginx, &copy).expect("the clone answers at its own domain");
    assert!(body.contains("Hello from hello-app!"), "{body}");
    let body = served(&nginx, &one).expect("the original still answers");
    assert!(body.contains("GREETING=from-one"), "{body}");
}
