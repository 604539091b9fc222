//! The project's nginx under dokku's control (issue 14): `nginx:stop` / `nginx:start`
//! by its pid file, over ssh too, and a deploy whose config nginx refuses at the
//! final switch rolls back onto the old containers.

use std::net::TcpListener;

use crate::harness::{commit_all, docker, output, skipped, Deployer};
use crate::nginx_support::{create_app, get_via, TestNginx};
use crate::proxy::CUSTOM_TEMPLATE;

/// The app's containers, running or not, as docker sees them.
fn app_containers(app: &str) -> Vec<String> {
    let mut ids: Vec<String> = docker([
        "container",
        "ls",
        "--all",
        "--quiet",
        "--no-trunc",
        "--filter",
        &format!("label=com.dokku.app-name={app}"),
    ])
    .stdout
    .split_whitespace()
    .map(str::to_string)
    .collect();
    ids.sort();
    ids
}

/// Whether process `pid` has exited (gone, or a zombie waiting to be reaped).
fn gone(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            stat.rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(true)
}

#[test]
fn nginx_stop_and_start_over_ssh_by_the_pid_file() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "ctl");
    let host = nginx.host_of(&app);
    let src = d.hello_source("ctl");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    assert_eq!(get_via(nginx.http, &host, "/").expect("GET").0, 200);
    let pid = nginx.pid();
    let status = d.env.lib_root().join("config/nginx/--global/proxy-status");

    let stopped = d.ssh(&["nginx:stop"]);
    let text = output(&stopped);
    assert_eq!(stopped.code, 0, "{text}");
    assert!(text.contains("-----> Stopping nginx"), "{text}");
    assert!(
        text.contains(&format!("nginx stopped (pid {pid})")),
        "{text}"
    );
    assert!(gone(&pid), "master {pid} still runs");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", nginx.http)).is_err(),
        "nothing listens on the proxy port any more"
    );
    assert_eq!(std::fs::read_to_string(&status).expect("status"), "stopped");
    let again = d.ssh(&["nginx:stop"]);
    assert_eq!(again.code, 0, "{}", output(&again));
    assert!(output(&again).contains("nginx is not running"));
    // The boot entry point leaves a stopped proxy stopped.
    let restored = d.env.dokku(["ps:restore"]);
    assert_eq!(restored.code, 0, "{}", output(&restored));
    assert!(std::net::TcpStream::connect(("127.0.0.1", nginx.http)).is_err());

    let started = d.ssh(&["nginx:start"]);
    let text = output(&started);
    assert_eq!(started.code, 0, "{text}");
    assert!(text.contains("-----> Starting nginx"), "{text}");
    let pid = nginx.pid();
    assert!(
        text.contains(&format!("nginx started (pid {pid})")),
        "{text}"
    );
    let (code, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("Hello from hello-app!"), "{body}");
    assert_eq!(std::fs::read_to_string(&status).expect("status"), "started");
    let again = d.ssh(&["nginx:start"]);
    assert_eq!(again.code, 0, "{}", output(&again));
    assert!(
        output(&again).contains(&format!("nginx is already running (pid {pid})")),
        "{}",
        output(&again)
    );

    // As after a reboot: the master is gone and `ps:restore` (its `pre-restore`)
    // starts the proxy `nginx:start` left started.
    nginx.stop();
    assert!(std::net::TcpStream::connect(("127.0.0.1", nginx.http)).is_err());
    let restored = d.env.dokku(["ps:restore"]);
    assert_eq!(restored.code, 0, "{}", output(&restored));
    let (code, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(code, 200, "{body}");
}

#[test]
fn a_config_nginx_refuses_at_the_switch_rolls_the_deploy_back() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "refused");
    let host = nginx.host_of(&app);
    let src = d.hello_source("refused");
    std::fs::write(src.join("nginx.conf.sigil"), CUSTOM_TEMPLATE).expect("template");
    let rev1 = commit_all(&src, "custom template");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!("GIT_REV={rev1}")), "{body}");
    let old = d.container_id(&app, "web.1").expect("web.1");
    let before = app_containers(&app);
    let conf = std::fs::read_to_string(d.env.dokku_root().join(&app).join("nginx.conf"))
        .expect("nginx.conf");

    // A template that also listens on a port another program holds: `nginx -t` does
    // not see the conflict (it passes pre-validation), the master refuses the reload.
    let holder = TcpListener::bind("127.0.0.1:0").expect("bind");
    let taken = holder.local_addr().expect("addr").port();
    std::fs::write(
        src.join("nginx.conf.sigil"),
        format!("{CUSTOM_TEMPLATE}\nserver {{\n  listen 127.0.0.1:{taken};\n  return 204;\n}}\n"),
    )
    .expect("template");
    let rev2 = commit_all(&src, "a port that is taken");
    let push = d.push(&src, &app, "main");
    let text = output(&push);
    assert_ne!(push.code, 0, "{text}");
    assert!(text.contains("Address already in use"), "{text}");
    assert!(
        text.contains(&format!("putting {app} back on its previous containers")),
        "{text}"
    );
    assert!(!text.contains("while rolling back"), "{text}");
    // The old container still serves, through an unchanged config; the new one is gone.
    assert_eq!(d.container_id(&app, "web.1").as_deref(), Some(old.as_str()));
    assert_eq!(app_containers(&app), before, "{text}");
    assert_eq!(
        std::fs::read_to_string(d.env.dokku_root().join(&app).join("nginx.conf"))
            .expect("nginx.conf"),
        conf
    );
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!("GIT_REV={rev1}")), "{body}");
    assert!(!body.contains(&format!("GIT_REV={rev2}")), "{body}");
    // A later rebuild uses the template in force, not the refused one.
    d.env.dokku(["proxy:build-config", &app]).success();

    // The port is free again: the next push deploys.
    drop(holder);
    let rev3 = commit_all(&src, "the port is free");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!("GIT_REV={rev3}")), "{body}");
    assert_ne!(d.container_id(&app, "web.1").as_deref(), Some(old.as_str()));
}
