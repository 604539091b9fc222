//! The proxy plugins' commands without Docker or a running nginx (issue 6):
//! `domains:*`, `ports:*`, `proxy:*`, `certs:*`, `nginx:*`, and the bash functions
//! files community plugins source.

use std::process::Stdio;

use dokku_test_support::{write_executable, TestEnv};

use crate::install;

fn app(env: &TestEnv, name: &str) {
    env.dokku(["apps:create", name]).success();
}

/// `stdout` without the lines of the nginx rebuild a domains change triggers (an
/// undeployed app's domains get a 502 config, as in Dokku).
fn domain_lines(stdout: &str) -> String {
    stdout
        .lines()
        .filter(|l| {
            !(l.starts_with("-----> Configuring ")
                || l.contains(" nginx.conf")
                || l.trim() == "Reloading nginx")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn domains_default_add_remove_set_clear_and_report() {
    let env = install();
    env.dokku(["domains:set-global", "example.com", "10.0.0.1"])
        .success();
    app(&env, "web");
    let vhost = env.dokku_root().join("web/VHOST");
    assert_eq!(
        std::fs::read_to_string(&vhost).expect("VHOST"),
        "web.example.com\n"
    );
    assert_eq!(
        domain_lines(&env.dokku(["domains:add", "web", "www.example.com", "web.example.com"]).success().stdout),
        "-----> Added www.example.com to web\n-----> Skipping: web.example.com already added to web\n"
    );
    assert_eq!(
        domain_lines(
            &env.dokku(["domains:remove", "web", "web.example.com"])
                .success()
                .stdout
        ),
        "-----> Removed web.example.com from web\n"
    );
    assert_eq!(
        std::fs::read_to_string(&vhost).expect("VHOST"),
        "www.example.com\n"
    );
    assert_eq!(
        env.dokku_tty(["domains:report", "web"]).success().stdout,
        "=====> web domains information\n\
         \x20      Domains app enabled:           true\n\
         \x20      Domains app vhosts:            www.example.com\n\
         \x20      Domains global enabled:        true\n\
         \x20      Domains global vhosts:         example.com 10.0.0.1\n"
    );
    assert_eq!(
        env.dokku(["domains:report", "web", "--format", "json"]).success().stdout,
        "{\"app-enabled\":\"true\",\"app-vhosts\":\"www.example.com\",\"global-enabled\":\"true\",\"global-vhosts\":\"example.com 10.0.0.1\"}\n"
    );
    env.dokku(["domains:set", "web", "a.test", "b.test"])
        .success();
    assert_eq!(
        env.dokku(["urls", "web"]).success().stdout,
        "http://a.test\nhttp://b.test\n"
    );
    assert_eq!(
        env.dokku(["url", "web"]).success().stdout,
        "http://a.test\n"
    );
    assert_eq!(
        domain_lines(&env.dokku(["domains:clear", "web"]).success().stdout),
        "-----> Cleared domains in web\n"
    );
    assert!(!vhost.exists());
    env.dokku(["domains:reset", "web"]).success();
    assert_eq!(
        std::fs::read_to_string(&vhost).expect("VHOST"),
        "web.example.com\n"
    );

    // domains:setup writes the defaults only when the app has no domains file.
    env.dokku(["domains:set", "web", "kept.test"]).success();
    // (Dokku's closing line is a quiet-level one: shown on a terminal only.)
    let setup = env.dokku_tty(["domains:setup", "web"]).success();
    assert!(
        setup.stdout.contains("-----> Setup domains for web\n"),
        "{}",
        setup.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&vhost).expect("VHOST"),
        "kept.test\n"
    );
    env.dokku(["domains:clear", "web"]).success();
    let setup = env.dokku(["domains:setup", "web"]).success();
    assert!(
        setup
            .stdout
            .contains("-----> Creating new app virtual host file...\n"),
        "{}",
        setup.stdout
    );
    assert_eq!(
        std::fs::read_to_string(&vhost).expect("VHOST"),
        "web.example.com\n"
    );
    assert_eq!(env.dokku(["domains:setup", "nope"]).code, 20);

    // Invalid names: Dokku's message, nothing written.
    let bad = env.dokku(["domains:set", "web", "ok.test", "under_score"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, " !     under_score is invalid. exiting...\n")
    );
    let bad = env.dokku(["domains:add-global", "no spaces"]);
    assert_eq!(bad.code, 1);
    assert_eq!(
        std::fs::read_to_string(&vhost).expect("VHOST"),
        "web.example.com\n"
    );
    assert_eq!(
        std::fs::read_to_string(env.dokku_root().join("VHOST")).expect("VHOST"),
        "example.com\n10.0.0.1\n"
    );

    // Disabling vhosts: NO_VHOST=1, no domains listed; enabling brings defaults back.
    env.dokku(["domains:disable", "web"]).success();
    assert_eq!(
        env.dokku(["config:get", "web", "NO_VHOST"])
            .success()
            .stdout,
        "1\n"
    );
    env.dokku(["domains:enable", "web"]).success();
    assert_eq!(
        env.dokku(["config:get", "web", "NO_VHOST"])
            .success()
            .stdout,
        "0\n"
    );
}

#[test]
fn ports_set_add_remove_list_and_errors() {
    let env = install();
    app(&env, "web");
    env.dokku(["ports:set", "web", "http:80:5000", "https:443:5000"])
        .success();
    env.dokku(["ports:add", "web", "http:8080:5000"]).success();
    assert_eq!(
        env.dokku(["ports:list", "web"]).success().stdout,
        "-----> Port mappings for web\n\
         \x20   -----> scheme  host port  container port\n\
         \x20   http           80         5000\n\
         \x20   http           8080       5000\n\
         \x20   https          443        5000\n"
    );
    env.dokku(["ports:remove", "web", "443", "http:8080:5000"])
        .success();
    assert_eq!(
        env.dokku(["ports:report", "web", "--ports-map"])
            .success()
            .stdout,
        "http:80:5000\n"
    );
    assert_eq!(
        env.dokku(["ports:report", "web", "--ports-map-json"])
            .success()
            .stdout,
        "[{\"container_port\":5000,\"host_port\":80,\"scheme\":\"http\"}]\n"
    );
    for (map, reason) in [
        (
            "http:80",
            "len=2; expected scheme:host-port:container-port, e.g. http:80:5000",
        ),
        ("http:80:0", "containerPort=0"),
        (
            "gopher:70:70",
            "unknown scheme \"gopher\"; use one of http, https, grpc, grpcs, tcp, udp",
        ),
    ] {
        let run = env.dokku(["ports:set", "web", map]);
        assert_eq!(run.code, 1, "{map}");
        assert_eq!(
            run.stderr,
            format!(
                " !     Invalid port map {map} [{reason}]\n       hint: use scheme:host-port:container-port, e.g. http:80:5000 (schemes: http https grpc grpcs tcp udp)\n"
            )
        );
    }
    let run = env.dokku(["ports:set", "web", "http:80:5000", "http:80:3000"]);
    assert_eq!(
        run.stderr,
        " !     The same scheme:host-port is being reused: http:80\n"
    );
    let run = env.dokku(["ports:set", "web"]);
    assert_eq!(run.stderr, " !     No port mapping specified\n");
    assert_eq!(
        env.dokku(["ports:report", "web", "--ports-map"])
            .success()
            .stdout,
        "http:80:5000\n",
        "nothing changed"
    );
    env.dokku(["ports:clear", "web"]).success();
    assert_eq!(
        env.dokku(["ports:report", "web", "--ports-map"])
            .success()
            .stdout,
        "\n"
    );
}

#[test]
fn proxy_enable_disable_set_and_report() {
    let env = install();
    app(&env, "web");
    assert_eq!(
        env.dokku(["proxy:disable", "web"]).success().stdout,
        "-----> Disabling proxy for app\n-----> Nginx support is disabled for app (web)\n"
    );
    assert_eq!(
        env.dokku(["proxy:report", "web", "--proxy-enabled"])
            .success()
            .stdout,
        "false\n"
    );
    assert_eq!(
        env.dokku(["proxy:disable", "web"]).success().stdout,
        "-----> Proxy is already disabled for app\n"
    );
    env.dokku(["proxy:enable", "web"]).success();
    env.dokku(["proxy:set", "--global", "caddy"]).success();
    assert_eq!(
        env.dokku(["proxy:report", "web", "--proxy-computed-type"])
            .success()
            .stdout,
        "caddy\n"
    );
    env.dokku(["proxy:set", "web", "nginx"]).success();
    assert_eq!(
        env.dokku(["proxy:report", "web", "--proxy-computed-type"])
            .success()
            .stdout,
        "nginx\n"
    );
    let missing = env.dokku(["proxy:enable", "nope"]);
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (20, " !     App nope does not exist\n")
    );
}

#[test]
fn nginx_properties_are_checked_and_reported() {
    let env = install();
    app(&env, "web");
    assert_eq!(
        env.dokku(["nginx:set", "web", "client-max-body-size", "50m"])
            .success()
            .stdout,
        "=====> Setting client-max-body-size to 50m\n"
    );
    env.dokku(["nginx:set", "--global", "proxy-read-timeout", "120s"])
        .success();
    assert_eq!(
        env.dokku(["nginx:report", "web", "--nginx-computed-proxy-read-timeout"])
            .success()
            .stdout,
        "120s\n"
    );
    assert_eq!(
        env.dokku(["nginx:report", "web", "--nginx-computed-access-log-path"])
            .success()
            .stdout,
        format!("{}/nginx/web-access.log\n", env.var("DOKKU_LOGS_DIR"))
    );
    let bad = env.dokku(["nginx:set", "web", "hsts", "maybe"]);
    assert_eq!(
        bad.stderr,
        " !     Invalid value for hsts: expected true or false\n"
    );
    let bad = env.dokku(["nginx:set", "web", "no-such-key", "1"]);
    assert!(
        bad.stderr
            .starts_with(" !     Invalid key specified, valid keys include: access-log-format"),
        "{}",
        bad.stderr
    );
    env.dokku(["nginx:set", "web", "client-max-body-size"])
        .success();
    assert_eq!(
        env.dokku(["nginx:report", "web", "--nginx-client-max-body-size"])
            .success()
            .stdout,
        "\n"
    );
    let none = env.dokku(["nginx:show-config", "web"]);
    assert_eq!(none.stderr, " !     No nginx.conf exists for web\n");
    // The install's nginx config is valid with no app deployed.
    env.dokku(["nginx:validate-config"]).success();
}

#[test]
fn certs_from_a_tar_on_stdin_and_generated_ones() {
    let env = install();
    app(&env, "web");
    let dir = env.scratch("certs");
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=web.test",
        ])
        .args(["-addext", "subjectAltName=DNS:web.test,DNS:www.web.test"])
        .arg("-keyout")
        .arg(dir.join("server.key"))
        .arg("-out")
        .arg(dir.join("server.crt"))
        .stdin(Stdio::null())
        .output()
        .expect("openssl");
    assert!(made.status.success());
    let tar = dir.join("certs.tar");
    let status = std::process::Command::new("tar")
        .arg("-C")
        .arg(&dir)
        .arg("-cf")
        .arg(&tar)
        .args(["server.crt", "server.key"])
        .status()
        .expect("tar");
    assert!(status.success());
    let added = env.run(
        env.command("dokku")
            .args(["certs:add", "web"])
            .stdin(std::fs::File::open(&tar).expect("tar")),
    );
    assert_eq!(added.code, 0, "{}{}", added.stdout, added.stderr);
    assert_eq!(
        env.dokku(["certs:report", "web", "--ssl-hostnames"])
            .success()
            .stdout,
        "web.test www.web.test\n"
    );
    assert_eq!(
        env.dokku(["certs:report", "web", "--ssl-enabled"])
            .success()
            .stdout,
        "true\n"
    );
    let shown = env.dokku(["certs:show", "web", "crt"]).success().stdout;
    assert_eq!(
        shown,
        std::fs::read_to_string(dir.join("server.crt")).expect("crt")
    );
    // The default mapping gains https once there is a certificate.
    assert!(env
        .dokku(["url", "web"])
        .success()
        .stdout
        .starts_with("https://"));

    // A tar without a key, and no input at all.
    let only_crt = dir.join("only.tar");
    std::process::Command::new("tar")
        .arg("-C")
        .arg(&dir)
        .arg("-cf")
        .arg(&only_crt)
        .arg("server.crt")
        .status()
        .expect("tar");
    let run = env.run(
        env.command("dokku")
            .args(["certs:update", "web"])
            .stdin(std::fs::File::open(&only_crt).expect("tar")),
    );
    assert_eq!(run.stderr, " !     Tar archive is missing .key file\n");
    let run = env.dokku(["certs:add", "web"]);
    assert_eq!(
        run.stderr,
        " !     Tar archive containing server.crt and server.key expected on stdin\n"
    );

    env.dokku(["certs:remove", "web"]).success();
    assert_eq!(
        env.dokku(["certs:report", "web", "--ssl-enabled"])
            .success()
            .stdout,
        "false\n"
    );
    let again = env.dokku(["certs:remove", "web"]);
    assert_eq!(
        again.stderr,
        " !     An app-specific SSL endpoint is not defined\n"
    );

    let generated = env.dokku(["certs:generate", "web", "gen.web.test"]);
    assert_eq!(
        generated.code, 0,
        "{}{}",
        generated.stdout, generated.stderr
    );
    assert_eq!(
        env.dokku(["certs:report", "web", "--ssl-hostnames"])
            .success()
            .stdout,
        "gen.web.test\n"
    );
    assert!(env.dokku_root().join("web/tls/server.csr").is_file());
    assert_eq!(
        env.dokku(["domains:report", "web", "--domains-app-vhosts"])
            .success()
            .stdout,
        "gen.web.test\n"
    );
}

#[test]
fn bash_functions_files_answer_community_plugins() {
    let env = install();
    env.dokku(["domains:set-global", "example.com"]).success();
    app(&env, "web");
    let plugin = env.scratch("plugins").join("probe");
    std::fs::create_dir_all(&plugin).expect("mkdir");
    std::fs::write(
        plugin.join("plugin.toml"),
        "[plugin]\ndescription = \"probe\"\nversion = \"0.1.0\"\n[plugin.config]\n",
    )
    .expect("toml");
    write_executable(
        &plugin.join("commands"),
        r#"#!/usr/bin/env bash
set -eo pipefail
case "$1" in
  probe:run)
    source "$PLUGIN_AVAILABLE_PATH/domains/functions"
    source "$PLUGIN_AVAILABLE_PATH/certs/functions"
    source "$PLUGIN_AVAILABLE_PATH/nginx-vhosts/functions"
    get_app_domains "$2" >/dev/null
    echo "domains=$(get_app_domains "$2" | xargs)"
    echo "default=$(get_default_vhosts "$2" | xargs)"
    echo "global=$(get_global_vhosts | xargs) enabled=$(is_app_vhost_enabled "$2")"
    if is_ssl_enabled "$2"; then echo ssl=on; else echo ssl=off; fi
    is_valid_hostname "ok.test" && echo valid
    is_valid_hostname "not ok" || echo invalid
    echo "nginx=$(get_nginx_location)"
    echo "log=$(fn-nginx-computed-access-log-path "$2") own=$(fn-nginx-access-log-path "$2")"
    ;;
  *) exit "$DOKKU_NOT_IMPLEMENTED_EXIT" ;;
esac
"#,
    );
    env.dokku(["plugin:install", plugin.to_str().expect("utf8")])
        .success();
    let run = env.dokku(["probe:run", "web"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "domains=web.example.com\ndefault=web.example.com\nglobal=example.com enabled=true\nssl=off\nvalid\ninvalid\nnginx={}\nlog={}/nginx/web-access.log own=\n",
            env.var("DOKKU_NGINX_BIN"),
            env.var("DOKKU_LOGS_DIR")
        )
    );
    let missing = env.dokku(["probe:run", "nope"]);
    assert_eq!(missing.code, 20, "{}", missing.stderr);
}

#[test]
fn help_lists_the_proxy_plugins() {
    let env = install();
    let help = env.dokku(["help"]).success().stdout;
    for line in ["domains", "nginx", "ports", "proxy", "certs"] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(line)),
            "{line} in\n{help}"
        );
    }
    let all = env.dokku(["help", "--all"]).success().stdout;
    for command in [
        "domains:add-global",
        "nginx:validate-config",
        "ports:set",
        "proxy:build-config",
        "certs:generate",
    ] {
        assert!(all.contains(command), "{command} in\n{all}");
    }
}
