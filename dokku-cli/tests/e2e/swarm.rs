//! Issue 16: the docker-swarm scheduler on a single-node swarm.
//!
//! The swarm is initialised only when `docker info` says it is inactive, and left
//! again (`docker swarm leave --force`) only by the guard that initialised it; the
//! swarm tests hold one lock, so it is never left while another of them uses it.
//! Services are removed by the test label `com.dokku-rs.test=<id>` that the
//! harness's label plugin adds (the scheduler turns `docker-args-deploy` labels into
//! service and container labels), never by name.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::harness::{commit_all, docker, output, skipped, Deployer};
use crate::nginx_support::{create_app, get_via, TestNginx};
use crate::registry::Registry;

/// One swarm test at a time.
static SWARM_LOCK: Mutex<()> = Mutex::new(());

/// An active swarm for the duration of a test.
struct Swarm {
    created: bool,
    _lock: MutexGuard<'static, ()>,
}

impl Swarm {
    fn ensure() -> Swarm {
        let lock = SWARM_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let state = docker(["info", "--format", "{{.Swarm.LocalNodeState}}"]);
        let created = match state.stdout.trim() {
            "active" => false,
            "inactive" => {
                let init = docker(["swarm", "init", "--advertise-addr", "127.0.0.1"]);
                assert_eq!(init.code, 0, "docker swarm init: {}", output(&init));
                true
            }
            other => panic!("the swarm is {other:?} on this engine; expected active or inactive"),
        };
        Swarm {
            created,
            _lock: lock,
        }
    }
}

impl Drop for Swarm {
    fn drop(&mut self) {
        if self.created {
            let _ = docker(["swarm", "leave", "--force"]);
        }
    }
}

/// Removes the services this test made (by its label), before the harness removes
/// its containers and images.
struct Services(String);

impl Drop for Services {
    fn drop(&mut self) {
        let label = format!("label=com.dokku-rs.test={}", self.0);
        let ids = docker(["service", "ls", "--quiet", "--filter", &label]);
        let ids: Vec<&str> = ids.stdout.split_whitespace().collect();
        if !ids.is_empty() {
            docker(["service", "rm"].iter().copied().chain(ids.iter().copied()));
        }
    }
}

/// `docker service ps` of `service`: the running tasks.
fn running_tasks(service: &str) -> usize {
    let out = docker([
        "service",
        "ps",
        "--filter",
        "desired-state=running",
        "--format",
        "{{.CurrentState}}",
        service,
    ]);
    out.stdout
        .lines()
        .filter(|l| l.starts_with("Running"))
        .count()
}

fn app_services(app: &str) -> String {
    docker([
        "service",
        "ls",
        "--format",
        "{{.Name}}",
        "--filter",
        &format!("label=com.dokku.app-name={app}"),
    ])
    .stdout
}

fn field(body: &str, key: &str) -> String {
    body.lines()
        .find_map(|l| l.strip_prefix(key))
        .unwrap_or("")
        .to_string()
}

const HEALTHY: &str = r#"{"healthchecks":{"web":[{"type":"startup","name":"up","path":"/health","attempts":3,"wait":1}]}}"#;
const BROKEN: &str = r#"{"healthchecks":{"web":[{"type":"startup","name":"up","path":"/not-there","attempts":2,"wait":1}]}}"#;

#[test]
fn swarm_deploy_scale_zero_downtime_rollback_run_logs_and_destroy() {
    if skipped() {
        return;
    }
    let _swarm = Swarm::ensure();
    let d = Deployer::new();
    let _services = Services(d.id.clone());
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "swarm");
    let host = nginx.host_of(&app);
    d.env
        .dokku(["scheduler:set", &app, "selected", "docker-swarm"])
        .success();
    let src = d.hello_source("swarm");
    std::fs::write(src.join("app.json"), HEALTHY).expect("app.json");
    commit_all(&src, "healthcheck");

    // Deploy: one service per process type, behind nginx.
    let push = d.push(&src, &app, "main");
    let text = output(&push);
    assert_eq!(push.code, 0, "first deploy failed\n{text}");
    assert!(text.contains("via the docker-swarm scheduler"), "{text}");
    let service = format!("{app}-web");
    assert_eq!(app_services(&app).trim(), service);
    assert_eq!(running_tasks(&service), 1);
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET through nginx");
    assert_eq!(status, 200, "{body}");

    // Three tasks, each its own published port, all behind nginx.
    let scaled = d.env.dokku(["ps:scale", &app, "web=3"]);
    assert_eq!(scaled.code, 0, "{}", output(&scaled));
    assert_eq!(running_tasks(&service), 3);
    let conf = std::fs::read_to_string(d.env.dokku_root().join(&app).join("nginx.conf"))
        .expect("nginx.conf");
    assert_eq!(
        conf.matches("server 127.0.0.1:").count(),
        3,
        "{conf}\n{}\n{}",
        output(&scaled),
        output(&docker(["service", "ps", &service]))
    );
    let dynos: BTreeSet<String> = (0..30)
        .filter_map(|_| get_via(nginx.http, &host, "/").ok())
        .map(|(_, body)| field(&body, "DYNO="))
        .collect();
    assert_eq!(dynos.len(), 3, "nginx reached {dynos:?}");
    let report = d.env.dokku(["ps:report", &app]).success().stdout;
    assert!(
        report.contains("Running:") && report.contains("true"),
        "{report}"
    );
    assert_eq!(report.matches("running (task:").count(), 3, "{report}");

    // A redeploy under a bounded load through nginx drops nothing.
    let stop = Arc::new(AtomicBool::new(false));
    let client = {
        let (stop, host, port) = (stop.clone(), host.clone(), nginx.http);
        std::thread::spawn(move || {
            let begin = Instant::now();
            let (mut sent, mut failed) = (0usize, Vec::new());
            while !stop.load(Ordering::SeqCst) && begin.elapsed() < Duration::from_secs(180) {
                sent += 1;
                match get_via(port, &host, "/") {
                    Ok((200, _)) => {}
                    Ok((status, body)) => failed.push(format!("HTTP {status}: {body}")),
                    Err(e) => failed.push(e),
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            (sent, failed)
        })
    };
    let rev = commit_all(&src, "release 2");
    let push = d.push(&src, &app, "main");
    stop.store(true, Ordering::SeqCst);
    let (sent, failed) = client.join().expect("client");
    eprintln!(
        "swarm zero downtime: {sent} requests sent through nginx during the redeploy, {} failed",
        failed.len()
    );
    assert_eq!(push.code, 0, "redeploy failed\n{}", output(&push));
    assert!(sent >= 50, "only {sent} requests sent");
    assert!(
        failed.is_empty(),
        "{} of {sent} failed, first: {}",
        failed.len(),
        failed[0]
    );
    let (_, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(field(&body, "GIT_REV="), rev);
    assert_eq!(running_tasks(&service), 3);

    // A release whose healthcheck fails is rolled back by the swarm; the old one
    // keeps serving.
    std::fs::write(src.join("app.json"), BROKEN).expect("app.json");
    commit_all(&src, "broken healthcheck");
    let push = d.push(&src, &app, "main");
    let text = output(&push);
    assert_ne!(push.code, 0, "a failing release deployed\n{text}");
    assert!(
        text.contains(&format!("The swarm rolled back {service}")),
        "{text}"
    );
    assert!(text.contains("hint: "), "{text}");
    for _ in 0..10 {
        let (status, body) = get_via(nginx.http, &host, "/").expect("GET after rollback");
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            field(&body, "GIT_REV="),
            rev,
            "the previous release answers"
        );
    }
    assert_eq!(running_tasks(&service), 3);

    // ps:stop scales the services to zero (nginx answers 502), ps:start brings them
    // back.
    let stopped = d.env.dokku(["ps:stop", &app]);
    assert_eq!(stopped.code, 0, "{}", output(&stopped));
    assert_eq!(running_tasks(&service), 0);
    let (status, _) = get_via(nginx.http, &host, "/").expect("GET stopped");
    assert_eq!(status, 502);
    let started = d.env.dokku(["ps:start", &app]);
    assert_eq!(started.code, 0, "{}", output(&started));
    assert_eq!(running_tasks(&service), 3);
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET started");
    assert_eq!(status, 200, "{body}");

    // run and logs.
    let ran = d.env.dokku(["run", &app, "echo", "swarm-run-ok"]);
    assert_eq!(ran.code, 0, "{}", output(&ran));
    assert!(ran.stdout.contains("swarm-run-ok"), "{}", output(&ran));
    let logs = d.env.dokku(["logs", &app, "--num", "20"]);
    assert_eq!(logs.code, 0, "{}", output(&logs));
    assert!(logs.stdout.contains("app[web."), "{}", logs.stdout);
    assert!(
        logs.stdout.contains("hello-app: serving"),
        "{}",
        logs.stdout
    );

    // enter: a command in a task's container on this node.
    let entered = d
        .env
        .dokku(["enter", &app, "web.2", "--", "sh", "-c", "echo $DYNO"]);
    assert_eq!(entered.code, 0, "{}", output(&entered));
    assert_eq!(entered.stdout.trim(), "web.2");
    // The running release's name is kept (what a rollback returns to).
    let image = docker([
        "service",
        "inspect",
        "--format",
        "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
        &service,
    ]);
    assert_eq!(docker(["image", "inspect", image.stdout.trim()]).code, 0);

    // apps:destroy removes the services.
    let destroyed = d.env.dokku(["apps:destroy", &app, "--force"]);
    assert_eq!(destroyed.code, 0, "{}", output(&destroyed));
    assert_eq!(app_services(&app).trim(), "");
}

#[test]
fn swarm_deploy_pushes_to_the_registry_the_service_pulls_it_and_the_app_moves_back_to_docker_local()
{
    if skipped() {
        return;
    }
    let _swarm = Swarm::ensure();
    let d = Deployer::new();
    let _services = Services(d.id.clone());
    let registry = Registry::start(&d.env.scratch("registry"));
    let server = registry.server();
    let app = d.app("swarmreg");
    d.env.dokku(["apps:create", &app]).success();
    d.env
        .dokku(["scheduler:set", &app, "selected", "docker-swarm"])
        .success();
    for (key, value) in [("push-on-release", "true"), ("server", server.as_str())] {
        d.env.dokku(["registry:set", &app, key, value]).success();
    }
    let src = d.hello_source("swarmreg");
    let push = d.push(&src, &app, "main");
    let text = output(&push);
    assert_eq!(push.code, 0, "{text}");
    let remote = format!("{server}/dokku/{app}:1");
    assert!(text.contains(&format!("Image {remote} pushed")), "{text}");
    assert!(registry.tags(&format!("dokku/{app}")).contains("\"1\""));
    let service = format!("{app}-web");
    let image = docker([
        "service",
        "inspect",
        "--format",
        "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
        &service,
    ]);
    assert_eq!(image.stdout.trim(), remote, "{}", output(&image));

    // Gone locally: the next deploy's tasks pull it from the registry by that name.
    let removed = docker(["image", "rm", &remote]);
    assert_eq!(removed.code, 0, "{}", output(&removed));
    let restarted = d.env.dokku(["ps:restart", &app]);
    assert_eq!(restarted.code, 0, "{}", output(&restarted));
    assert_eq!(running_tasks(&service), 1);
    assert_eq!(
        docker(["image", "inspect", &remote]).code,
        0,
        "pulled back by the swarm"
    );

    // Back to docker-local: the next deploy starts containers, then the services go.
    d.env
        .dokku(["scheduler:set", &app, "selected", "docker-local"])
        .success();
    let moved = d.env.dokku(["ps:restart", &app]);
    let text = output(&moved);
    assert_eq!(moved.code, 0, "{text}");
    assert!(text.contains("Removing the swarm services"), "{text}");
    assert_eq!(app_services(&app).trim(), "");
    assert!(d.container_id(&app, "web.1").is_some(), "{text}");
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200, "{body}");

    // And onto the swarm again: once the service runs, the containers go.
    let cid = d
        .container_id(&app, "web.1")
        .expect("docker-local container");
    d.env
        .dokku(["scheduler:set", &app, "selected", "docker-swarm"])
        .success();
    let moved = d.env.dokku(["ps:restart", &app]);
    let text = output(&moved);
    assert_eq!(moved.code, 0, "{text}");
    assert!(
        text.contains("Removing the docker-local containers"),
        "{text}"
    );
    assert_eq!(running_tasks(&service), 1);
    assert!(d.container_id(&app, "web.1").is_none());
    assert_ne!(
        docker(["container", "inspect", &cid]).code,
        0,
        "{cid} removed"
    );
}
