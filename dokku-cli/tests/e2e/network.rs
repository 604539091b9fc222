//! `network:rebuild` and `network:rebuildall` (issue 14): the addresses recorded for an
//! app's running containers are written again from Docker, as after a Docker upgrade
//! or a container that came back with a new address.

use crate::harness::{output, skipped, Deployer};

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
