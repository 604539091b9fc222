//! Settings that shape an app's containers, checked with `docker inspect`: resource
//! limits and reservations, and docker networks (`network:*`).

use crate::harness::{docker, output, skipped, Deployer};

fn inspect(cid: &str, format: &str) -> String {
    let out = docker(["container", "inspect", "--format", format, cid]);
    assert_eq!(out.code, 0, "{}", output(&out));
    out.stdout.trim().to_string()
}

#[test]
fn resource_limits_and_reservations_reach_the_containers() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("resources");
    d.env.dokku(["apps:create", &app]).success();
    let set = d.env.dokku([
        "resource:limit",
        "--cpu",
        "0.5",
        "--memory",
        "256",
        "--memory-swap",
        "512m",
        &app,
    ]);
    assert_eq!(
        set.stdout,
        format!(
            "=====> Setting resource limits for {app}\n       cpu: 0.5\n       memory: 256\n       memory-swap: 512m\n"
        ),
        "{}",
        set.stderr
    );
    d.env
        .dokku(["resource:reserve", "--memory", "128", &app])
        .success();
    // A worker-only limit does not touch web.
    d.env
        .dokku([
            "resource:limit",
            "--process-type",
            "worker",
            "--memory",
            "64",
            &app,
        ])
        .success();

    // Bad values are refused and change nothing.
    let before = d
        .env
        .dokku(["resource:report", &app, "--format", "json"])
        .success();
    for (flag, value) in [
        ("--memory", "lots"),
        ("--cpu", "-1"),
        ("--nvidia-gpu", "two"),
    ] {
        let bad = d.env.dokku(["resource:limit", flag, value, &app]);
        assert_eq!(bad.code, 1, "{flag} {value}: {}", output(&bad));
        assert!(
            bad.stderr
                .starts_with(&format!(" !     Invalid value for {flag}: \"{value}\"")),
            "{}",
            bad.stderr
        );
    }
    let unknown = d.env.dokku(["resource:limit", "--memroy", "1", &app]);
    assert_eq!(unknown.code, 2, "{}", output(&unknown));
    assert_eq!(
        d.env
            .dokku(["resource:report", &app, "--format", "json"])
            .success()
            .stdout,
        before.stdout
    );

    let src = d.hello_source("resources");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    let cid = d.container_id(&app, "web.1").expect("web.1");
    assert_eq!(
        inspect(
            &cid,
            "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}}"
        ),
        format!(
            "500000000 {} {} {}",
            256 * 1024 * 1024,
            512 * 1024 * 1024,
            128 * 1024 * 1024
        )
    );
    assert_eq!(d.get(&app, "/").0, 200);

    // Cleared limits are gone after the next deploy.
    assert_eq!(
        d.env.dokku(["resource:limit-clear", &app]).success().stdout,
        format!("=====> clearing {app} limits\n")
    );
    let restart = d.env.dokku(["ps:restart", &app]);
    assert_eq!(restart.code, 0, "{}", output(&restart));
    let cid = d.container_id(&app, "web.1").expect("web.1");
    assert_eq!(
        inspect(
            &cid,
            "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{.HostConfig.MemoryReservation}}"
        ),
        format!("0 0 {}", 128 * 1024 * 1024)
    );
}

/// Removes the test's networks (by its label) after the containers are gone.
struct Networks(Option<String>);

impl Drop for Networks {
    fn drop(&mut self) {
        let Some(label) = &self.0 else { return };
        let filter = format!("label={label}");
        let ids = docker(["network", "ls", "--quiet", "--filter", &filter]);
        for id in ids.stdout.split_whitespace() {
            docker(["network", "rm", id]);
        }
    }
}

#[test]
fn networks_are_created_attached_at_deploy_and_destroyed() {
    if skipped() {
        return;
    }
    // Declared first so it drops last: the containers must be gone before the
    // networks can be removed.
    let mut networks = Networks(None);
    let d = Deployer::new();
    let test_label = format!("com.dokku-rs.test={}", d.id);
    networks.0 = Some(test_label.clone());
    let backend = format!("e2e{}-backend", d.id);
    let initial = format!("e2e{}-initial", d.id);
    let scratch = format!("e2e{}-scratch", d.id);
    for name in [&backend, &initial, &scratch] {
        let made = d
            .env
            .dokku(["network:create", "--label", &test_label, name]);
        assert_eq!(made.code, 0, "{}", output(&made));
    }
    assert_eq!(
        docker([
            "network",
            "inspect",
            "--format",
            "{{index .Labels \"com.dokku.network-name\"}} {{.Attachable}}",
            &backend
        ])
        .stdout
        .trim(),
        format!("{backend} true")
    );
    assert_eq!(
        d.env.dokku(["network:exists", &backend]).code,
        0,
        "network:exists"
    );
    let missing = d.env.dokku(["network:exists", &format!("{backend}-nope")]);
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (1, " !     Network does not exist\n")
    );
    let list = d.env.dokku(["network:list"]).success();
    assert!(list.stdout.lines().any(|l| l == backend), "{}", list.stdout);
    let json = d.env.dokku(["network:list", "--format", "json"]).success();
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert!(parsed
        .as_array()
        .expect("array")
        .iter()
        .any(|n| n["name"] == backend.as_str()
            && n["labels"]["com.dokku.network-name"] == backend.as_str()));

    // Bad names are refused before docker is asked.
    for bad in [".dot-first", "has space", "sl/ash"] {
        let refused = d.env.dokku(["network:create", bad]);
        assert_eq!(refused.code, 1, "{bad}: {}", output(&refused));
        assert!(
            refused
                .stderr
                .starts_with(&format!(" !     Invalid network name specified: {bad}")),
            "{}",
            refused.stderr
        );
    }

    // Destroying asks first; without the typed name nothing happens.
    let asked = d.env.dokku(["network:destroy", &scratch]);
    assert_eq!(asked.code, 1, "{}", output(&asked));
    assert_eq!(
        asked.stderr,
        format!(" !     WARNING: Potentially Destructive Action\n !     This command will destroy network {scratch}.\n !     To proceed, type \"{scratch}\"\n !     EOF\n")
    );
    let wrong = d.env.run(d.env.command("bash").args([
        "-c",
        "echo nope | dokku network:destroy \"$1\"",
        "sh",
        &scratch,
    ]));
    assert_eq!(wrong.code, 1, "{}", output(&wrong));
    assert!(
        wrong
            .stderr
            .ends_with("\nConfirmation did not match test. Aborted.\n"),
        "{}",
        wrong.stderr
    );
    assert_eq!(d.env.dokku(["network:exists", &scratch]).code, 0);
    let destroyed = d.env.dokku(["network:destroy", "--force", &scratch]);
    assert_eq!(destroyed.code, 0, "{}", output(&destroyed));
    assert_eq!(d.env.dokku(["network:exists", &scratch]).code, 1);

    let app = d.app("networks");
    d.env.dokku(["apps:create", &app]).success();
    let refused = d
        .env
        .dokku(["network:set", &app, "attach-post-create", "bridge"]);
    assert_eq!(
        refused.stderr,
        " !     Invalid network name specified for attach: bridge\n"
    );
    d.env
        .dokku(["network:set", &app, "initial-network", &initial])
        .success();
    d.env
        .dokku(["network:set", &app, "attach-post-create", &backend])
        .success();
    d.env
        .dokku(["network:set", "--global", "tld", "svc.test"])
        .success();
    assert_eq!(
        d.env
            .dokku(["network:report", &app, "--network-computed-initial-network"])
            .success()
            .stdout,
        format!("{initial}\n")
    );

    let src = d.hello_source("networks");
    let push = d.push(&src, &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    let cid = d.container_id(&app, "web.1").expect("web.1");
    let nets = inspect(
        &cid,
        "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}",
    );
    let mut nets: Vec<&str> = nets.split_whitespace().collect();
    nets.sort();
    let mut expected = vec![backend.as_str(), initial.as_str()];
    expected.sort();
    assert_eq!(
        nets, expected,
        "initial network instead of bridge, plus the attached one"
    );
    let hostname = inspect(&cid, "{{.Config.Hostname}}");
    let aliases = inspect(
        &cid,
        &format!("{{{{json (index .NetworkSettings.Networks \"{backend}\").Aliases}}}}"),
    );
    assert!(
        aliases.contains(&format!("\"{app}.web.svc.test\"")),
        "{aliases}"
    );
    assert!(
        aliases.contains(&format!("\"{hostname}.{app}.web.svc.test\"")),
        "{aliases}"
    );
    // The recorded address is the one on the initial network, and it serves.
    let ip = inspect(
        &cid,
        &format!("{{{{(index .NetworkSettings.Networks \"{initial}\").IPAddress}}}}"),
    );
    let recorded =
        std::fs::read_to_string(d.env.dokku_root().join(&app).join("IP.web.1")).expect("IP.web.1");
    assert_eq!(recorded.trim(), ip);
    assert_eq!(d.get(&app, "/").0, 200);

    // attach-post-deploy: joined after the deploy, with a log line.
    d.env
        .dokku(["network:set", &app, "attach-post-create"])
        .success();
    d.env
        .dokku(["network:set", &app, "attach-post-deploy", &backend])
        .success();
    let restart = d.env.dokku_tty(["ps:restart", &app]);
    let out = output(&restart);
    assert_eq!(restart.code, 0, "{out}");
    assert!(
        out.contains(&format!("-----> Associating app with network {backend}")),
        "{out}"
    );
    let cid = d.container_id(&app, "web.1").expect("web.1");
    assert!(inspect(
        &cid,
        "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}"
    )
    .contains(&backend));

    // A network that is not there yet is accepted with a warning, as Dokku accepts
    // it...
    let gone = format!("{backend}-gone");
    let early = d
        .env
        .dokku(["network:set", &app, "attach-post-create", &gone]);
    assert_eq!(early.code, 0, "{}", output(&early));
    assert!(
        early
            .stderr
            .starts_with(&format!(" !     Network {gone} does not exist yet")),
        "{}",
        early.stderr
    );
    // ...and one that went away since fails the deploy clearly; the old container
    // keeps serving.
    assert_eq!(
        docker(["network", "create", "--label", &test_label, &gone]).code,
        0
    );
    d.env
        .dokku(["network:set", &app, "attach-post-create", &gone])
        .success();
    assert_eq!(docker(["network", "rm", &gone]).code, 0);
    let failed = d.env.dokku(["ps:restart", &app]);
    assert_ne!(failed.code, 0);
    assert!(
        output(&failed).contains(&format!("Network {gone} does not exist")),
        "{}",
        output(&failed)
    );
    assert_eq!(d.container_id(&app, "web.1").as_deref(), Some(cid.as_str()));
    assert_eq!(d.get(&app, "/").0, 200);
}
