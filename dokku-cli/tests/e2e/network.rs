//! `network:rebuild` and `network:rebuildall` (issue 14): the addresses recorded for an
//! app's running containers are written again from Docker, as after a Docker upgrade
//! or a container that came back with a new address. And a `static-web-listener`:
//! nginx routes the app to that address instead of containers.

use std::process::{Command, Stdio};

use crate::harness::{output, skipped, start_on_free_port, Deployer};
use crate::nginx_support::{create_app, get_via, TestNginx};

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn network_rebuild_writes_the_recorded_address_again_from_docker() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("netrb");
    d.env.dokku(["apps:create", &app]).success();
    // Before a deploy there is nothing to rebuild, and that is not an error.
    d.env.dokku(["network:rebuild", &app]).success();
    let push = d.push(&d.hello_source("netrb"), &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));

    let ip_file = d.env.dokku_root().join(&app).join("IP.web.1");
    let good = read(&ip_file);
    assert!(good.trim().parse::<std::net::IpAddr>().is_ok(), "{good}");
    std::fs::write(&ip_file, "10.255.255.1\n").expect("stale address");
    let run = d.env.dokku(["network:rebuild", &app]);
    assert_eq!(run.code, 0, "{}", output(&run));
    assert!(
        run.stdout.contains(&format!(
            "Ensuring network configuration is in sync for {app}"
        )),
        "{}",
        output(&run)
    );
    assert_eq!(read(&ip_file), good);

    std::fs::write(&ip_file, "10.255.255.1\n").expect("stale address");
    let all = d.env.dokku(["network:rebuildall"]);
    assert_eq!(all.code, 0, "{}", output(&all));
    assert_eq!(read(&ip_file), good);

    let missing = d.env.dokku(["network:rebuild", "no-such-app"]);
    assert_ne!(missing.code, 0);
    assert!(
        missing.stderr.contains("App no-such-app does not exist"),
        "{}",
        output(&missing)
    );
}

#[test]
fn an_app_with_a_static_web_listener_is_routed_to_it() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    // A web server outside Docker, on loopback: busybox httpd, stopped by its pid.
    let www = d.env.scratch("static-www");
    std::fs::write(www.join("index.html"), "served by the static listener\n").expect("page");
    let (mut httpd, port) = start_on_free_port(|port| {
        Command::new("busybox")
            .args(["httpd", "-f", "-p", &format!("127.0.0.1:{port}"), "-h"])
            .arg(&www)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("busybox httpd (apt-get install busybox-static)")
    })
    .expect("busybox httpd did not start");

    let app = create_app(&d, &nginx, "static");
    let host = nginx.host_of(&app);
    // Dokku's template sends the listener's address to the mapping's container port.
    d.env
        .dokku(["ports:set", &app, &format!("http:{}:{port}", nginx.http)])
        .success();
    d.env
        .dokku([
            "network:set",
            &app,
            "static-web-listener",
            &format!("127.0.0.1:{port}"),
        ])
        .success();
    assert_eq!(
        d.env
            .dokku(["network:report", &app, "--network-static-web-listener"])
            .success()
            .stdout,
        format!("127.0.0.1:{port}\n")
    );
    let built = d.env.dokku(["proxy:build-config", &app]);
    assert_eq!(built.code, 0, "{}", output(&built));
    let conf = std::fs::read_to_string(d.env.dokku_root().join(&app).join("nginx.conf"))
        .expect("nginx.conf");
    assert!(
        conf.contains(&format!("server 127.0.0.1:{port};")),
        "{conf}"
    );
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(
        (status, body.as_str()),
        (200, "served by the static listener\n")
    );

    // Unset: back to containers, of which there are none (502).
    d.env
        .dokku(["network:set", &app, "static-web-listener"])
        .success();
    d.env.dokku(["proxy:build-config", &app]).success();
    assert_eq!(get_via(nginx.http, &host, "/").expect("GET").0, 502);
    let _ = httpd.kill();
    let _ = httpd.wait();
}
