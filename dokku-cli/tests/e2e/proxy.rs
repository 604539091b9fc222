//! nginx in front of the apps (issue 6): routing by domain, port mappings, https
//! with a generated certificate, app-supplied templates, a community plugin's
//! `nginx-pre-reload` hook, and bad input that must change nothing.

use crate::harness::{commit_all, output, skipped, Deployer};
use crate::nginx_support::{create_app, curl_head, curl_https, free_port, get_via, TestNginx};

fn read(path: std::path::PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn nginx_routes_two_apps_by_domain_and_a_second_host_port() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let one = create_app(&d, &nginx, "one");
    let two = create_app(&d, &nginx, "two");
    for (app, name) in [(&one, "one"), (&two, "two")] {
        let src = d.hello_source(name);
        let push = d.push(&src, app, "main");
        let text = output(&push);
        assert_eq!(push.code, 0, "{text}");
        for line in [
            "=====> Triggering early nginx proxy rebuild".to_string(),
            format!(
                "-----> Configuring {}...(using built-in template)",
                nginx.host_of(app)
            ),
            "-----> Creating http nginx.conf".to_string(),
            "       Reloading nginx".to_string(),
            "=====> Application deployed:".to_string(),
            format!("       http://{}:{}", nginx.host_of(app), nginx.http),
        ] {
            assert!(text.contains(&line), "missing {line:?} in\n{text}");
        }
    }

    // Each domain reaches its own app.
    for (app, name) in [(&one, "one"), (&two, "two")] {
        let (status, body) = nginx
            .get(nginx.http, &nginx.host_of(app), "/")
            .expect("GET");
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Hello from hello-app!"), "{body}");
        assert!(body.contains(&format!("GREETING=from-{name}")), "{body}");
    }
    // An unknown host gets nothing (the catch-all server closes the connection).
    let unknown = nginx.get(nginx.http, "nobody.example", "/");
    assert!(!matches!(unknown, Ok((200, _))), "{unknown:?}");

    // The app's nginx.conf: an upstream at the web container, Dokku's include.
    let conf = read(d.env.dokku_root().join(&one).join("nginx.conf"));
    let ip = read(d.env.dokku_root().join(&one).join("IP.web.1"));
    assert!(
        conf.contains(&format!(
            "upstream {one}-5000 {{\n  server {}:5000;",
            ip.trim()
        )),
        "{conf}"
    );
    assert!(
        conf.contains(&format!(
            "include {}/{one}/nginx.conf.d/*.conf;",
            d.env.dokku_root().display()
        )),
        "{conf}"
    );
    let shown = d.env.dokku(["nginx:show-config", &one]).success();
    assert_eq!(shown.stdout, conf);
    let urls = read(d.env.dokku_root().join(&one).join("URLS"));
    assert!(
        urls.ends_with(&format!("http://{}\n", nginx.host_of(&one))),
        "{urls}"
    );

    // ports:set with a second host port: both answer.
    let second = free_port();
    let set = d.env.dokku([
        "ports:set",
        &one,
        &format!("http:{}:5000", nginx.http),
        &format!("http:{second}:5000"),
    ]);
    assert_eq!(set.code, 0, "{}", output(&set));
    let listed = d.env.dokku(["ports:list", &one]).success();
    assert!(
        listed
            .stdout
            .contains(&format!("    http           {second}")),
        "{}",
        listed.stdout
    );
    for port in [nginx.http, second] {
        let (status, body) = get_via(port, &nginx.host_of(&one), "/").expect("GET");
        assert_eq!(status, 200, "port {port}: {body}");
        assert!(body.contains("GREETING=from-one"), "{body}");
    }
    let urls = d.env.dokku(["urls", &one]).success();
    assert_eq!(
        urls.stdout,
        format!(
            "http://{host}:{a}\nhttp://{host}:{b}\n",
            host = nginx.host_of(&one),
            a = nginx.http.min(second),
            b = nginx.http.max(second)
        )
    );

    // domains:add: a new name reaches the app, the old ones still do.
    let extra = format!("extra.{}", nginx.domain);
    d.env.dokku(["domains:add", &two, &extra]).success();
    let (status, body) = get_via(nginx.http, &extra, "/").expect("GET");
    assert_eq!(status, 200);
    assert!(body.contains("GREETING=from-two"), "{body}");
    let report = d
        .env
        .dokku(["domains:report", &two, "--domains-app-vhosts"])
        .success();
    assert_eq!(report.stdout, format!("{} {extra}\n", nginx.host_of(&two)));

    // proxy:disable takes the app out of nginx; proxy:enable brings it back.
    d.env.dokku(["proxy:disable", &two]).success();
    assert!(!d.env.dokku_root().join(&two).join("nginx.conf").exists());
    assert!(!matches!(get_via(nginx.http, &extra, "/"), Ok((200, _))));
    d.env.dokku(["proxy:enable", &two]).success();
    assert_eq!(get_via(nginx.http, &extra, "/").expect("GET").0, 200);

    // nginx:set and proxy:build-config: the property lands in the config.
    d.env
        .dokku(["nginx:set", &one, "client-max-body-size", "20m"])
        .success();
    d.env.dokku(["proxy:build-config", &one]).success();
    assert!(read(d.env.dokku_root().join(&one).join("nginx.conf"))
        .contains("client_max_body_size 20m;"));
    let computed = d
        .env
        .dokku([
            "nginx:report",
            &one,
            "--nginx-computed-client-max-body-size",
        ])
        .success();
    assert_eq!(computed.stdout, "20m\n");
    d.env.dokku(["nginx:validate-config"]).success();
}

#[test]
fn https_with_a_generated_certificate_and_the_redirect_from_http() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "tls");
    let host = nginx.host_of(&app);
    let push = d.push(&d.hello_source("tls"), &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));

    let generated = d.env.dokku(["certs:generate", &app, &host]);
    let text = output(&generated);
    assert_eq!(generated.code, 0, "{text}");
    assert!(text.contains("-----> Creating https nginx.conf"), "{text}");
    let (status, body) = curl_https(&host, nginx.https, "/");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("GREETING=from-tls"), "{body}");

    // http on the proxy port redirects to https.
    let head = curl_head(&host, nginx.http);
    assert!(head.starts_with("HTTP/1.1 301"), "{head}");
    assert!(
        head.contains(&format!("Location: https://{host}:{}/", nginx.https)),
        "{head}"
    );
    let hsts = read(d.env.dokku_root().join(&app).join("nginx.conf.d/hsts.conf"));
    assert!(hsts.contains("Strict-Transport-Security"), "{hsts}");

    let report = d
        .env
        .dokku(["certs:report", &app, "--ssl-hostnames"])
        .success();
    assert_eq!(report.stdout, format!("{host}\n"));
    let ports = d.env.dokku(["ports:report", &app, "--ports-map"]).success();
    assert_eq!(
        ports.stdout,
        format!("http:{}:5000 https:{}:5000\n", nginx.http, nginx.https)
    );
    let url = d.env.dokku(["url", &app]).success();
    assert_eq!(url.stdout, format!("https://{host}:{}\n", nginx.https));

    // A certificate that does not match its key: refused, nothing changes.
    let tls = d.env.dokku_root().join(&app).join("tls");
    let before = (read(tls.join("server.crt")), read(tls.join("server.key")));
    let conf_before = read(d.env.dokku_root().join(&app).join("nginx.conf"));
    let other = d.env.scratch("other-cert");
    let made = crate::harness::run(
        std::process::Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=other.test",
                "-keyout",
            ])
            .arg(other.join("other.key"))
            .arg("-out")
            .arg(other.join("other.crt")),
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let crt = tls.join("server.crt");
    let mismatch = d.env.dokku([
        "certs:add",
        &app,
        crt.to_str().expect("utf8"),
        other.join("other.key").to_str().expect("utf8"),
    ]);
    assert_eq!(mismatch.code, 1, "{}", output(&mismatch));
    assert_eq!(
        mismatch.stderr,
        " !     The certificate does not match the private key\n"
    );
    assert_eq!(
        (read(tls.join("server.crt")), read(tls.join("server.key"))),
        before
    );
    assert_eq!(
        read(d.env.dokku_root().join(&app).join("nginx.conf")),
        conf_before
    );
    assert_eq!(curl_https(&host, nginx.https, "/").0, 200);

    // certs:remove: back to plain http.
    d.env.dokku(["certs:remove", &app]).success();
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        curl_https(&host, nginx.https, "/").0,
        0,
        "no https any more"
    );
}

/// A template in the Dokku docs' style: the app's own server block with an extra
/// location, proxying the rest to the web containers.
pub(crate) const CUSTOM_TEMPLATE: &str = r#"{{ range $port_map := .PROXY_PORT_MAP | split " " }}
{{ $port_map_list := $port_map | split ":" }}
{{ $listen_port := index $port_map_list 1 }}
{{ $upstream_port := index $port_map_list 2 }}
server {
  listen {{ if $.NGINX_BIND_ADDRESS_IP4 }}{{ $.NGINX_BIND_ADDRESS_IP4 }}:{{ end }}{{ $listen_port }};
  {{ if $.NOSSL_SERVER_NAME }}server_name {{ $.NOSSL_SERVER_NAME }};{{ end }}
  location = /custom {
    default_type text/plain;
    return 200 "app-supplied template for {{ $.APP }}\n";
  }
  location / {
    proxy_pass http://{{ $.APP }}-{{ $upstream_port }};
    proxy_set_header Host $http_host;
  }
  include {{ $.DOKKU_ROOT }}/{{ $.APP }}/nginx.conf.d/*.conf;
}
{{ end }}
{{ if $.DOKKU_APP_WEB_LISTENERS }}
{{ range $upstream_port := $.PROXY_UPSTREAM_PORTS | split " " }}
upstream {{ $.APP }}-{{ $upstream_port }} {
{{ range $listeners := $.DOKKU_APP_WEB_LISTENERS | split " " }}
{{ $listener_list := $listeners | split ":" }}
{{ $listener_ip := index $listener_list 0 }}
  server {{ $listener_ip }}:{{ $upstream_port }};{{ end }}
}
{{ end }}{{ end }}
"#;

#[test]
fn an_app_template_is_used_and_one_that_breaks_nginx_is_refused() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "tpl");
    let host = nginx.host_of(&app);
    let src = d.hello_source("tpl");
    std::fs::write(src.join("nginx.conf.sigil"), CUSTOM_TEMPLATE).expect("template");
    let rev1 = commit_all(&src, "custom template");
    let push = d.push(&src, &app, "main");
    let text = output(&push);
    assert_eq!(push.code, 0, "{text}");
    assert!(text.contains("(using app-supplied template)"), "{text}");
    let (status, body) = get_via(nginx.http, &host, "/custom").expect("GET");
    assert_eq!(
        (status, body.as_str()),
        (200, format!("app-supplied template for {app}\n").as_str())
    );
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(status, 200);
    assert!(body.contains(&format!("GIT_REV={rev1}")), "{body}");
    let good = read(d.env.dokku_root().join(&app).join("nginx.conf"));

    // A template nginx rejects: the push fails before anything is built, and the
    // previous config and containers keep serving.
    std::fs::write(
        src.join("nginx.conf.sigil"),
        CUSTOM_TEMPLATE.replace(
            "location = /custom {",
            "location = /custom {\n    no_such_directive on;",
        ),
    )
    .expect("template");
    commit_all(&src, "broken template");
    let push = d.push(&src, &app, "main");
    let text = output(&push);
    assert_ne!(push.code, 0, "{text}");
    assert!(
        text.contains("Custom nginx.conf.sigil failed nginx -t validation, nothing was deployed"),
        "{text}"
    );
    assert!(
        text.contains("unknown directive \"no_such_directive\""),
        "{text}"
    );
    assert!(
        !text.contains("Building"),
        "refused before the build\n{text}"
    );
    assert_eq!(read(d.env.dokku_root().join(&app).join("nginx.conf")), good);
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(status, 200);
    assert!(
        body.contains(&format!("GIT_REV={rev1}")),
        "still the first release\n{body}"
    );
    d.env.dokku(["nginx:validate-config"]).success();

    // A template that does not even render: refused the same way.
    std::fs::write(src.join("nginx.conf.sigil"), "{{ if .APP }}never closed\n").expect("template");
    commit_all(&src, "unclosed template");
    let push = d.push(&src, &app, "main");
    assert_ne!(push.code, 0);
    assert!(
        output(&push).contains("could not be rendered"),
        "{}",
        output(&push)
    );
    assert_eq!(read(d.env.dokku_root().join(&app).join("nginx.conf")), good);

    // Without the file the built-in template comes back.
    std::fs::remove_file(src.join("nginx.conf.sigil")).expect("rm");
    commit_all(&src, "no template");
    let push = d.push(&src, &app, "main");
    let text = output(&push);
    assert_eq!(push.code, 0, "{text}");
    assert!(text.contains("(using built-in template)"), "{text}");
    assert_ne!(get_via(nginx.http, &host, "/custom").expect("GET").0, 200);
}

#[test]
fn a_community_plugin_hooking_nginx_pre_reload_takes_effect() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "hook");
    let host = nginx.host_of(&app);

    // A bash plugin as community plugins are written: it sources the domains,
    // certs and nginx-vhosts functions files and drops a snippet into nginx.conf.d.
    let plugin = d.env.scratch("plugins").join("e2e-snippet");
    std::fs::create_dir_all(&plugin).expect("mkdir");
    std::fs::write(
        plugin.join("plugin.toml"),
        "[plugin]\ndescription = \"e2e nginx snippet\"\nversion = \"0.1.0\"\n[plugin.config]\n",
    )
    .expect("toml");
    dokku_test_support::write_executable(
        &plugin.join("nginx-pre-reload"),
        r#"#!/usr/bin/env bash
set -eo pipefail
source "$PLUGIN_AVAILABLE_PATH/domains/functions"
source "$PLUGIN_AVAILABLE_PATH/certs/functions"
APP="$1"
ssl=off
if is_ssl_enabled "$APP"; then ssl=on; fi
domains="$(get_app_domains "$APP" | xargs)"
mkdir -p "$DOKKU_ROOT/$APP/nginx.conf.d"
cat >"$DOKKU_ROOT/$APP/nginx.conf.d/e2e-snippet.conf" <<EOF
location = /from-plugin {
  default_type text/plain;
  return 200 "snippet for $domains ssl=$ssl\n";
}
EOF
"#,
    );
    dokku_test_support::write_executable(
        &plugin.join("commands"),
        r#"#!/usr/bin/env bash
set -eo pipefail
case "$1" in
  e2e-snippet:extra)
    source "$PLUGIN_AVAILABLE_PATH/nginx-vhosts/functions"
    APP="$2"
    verify_app_name "$APP"
    printf 'location = /extra { return 204; }\n' >"$DOKKU_ROOT/$APP/nginx.conf.d/extra.conf"
    restart_nginx
    ;;
  *) exit "$DOKKU_NOT_IMPLEMENTED_EXIT" ;;
esac
"#,
    );
    d.env
        .dokku(["plugin:install", plugin.to_str().expect("utf8")])
        .success();

    let push = d.push(&d.hello_source("hook"), &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    let (status, body) = get_via(nginx.http, &host, "/from-plugin").expect("GET");
    assert_eq!(
        (status, body.as_str()),
        (200, format!("snippet for {host} ssl=off\n").as_str())
    );
    assert_eq!(get_via(nginx.http, &host, "/").expect("GET").0, 200);

    // The plugin's own command: a snippet and restart_nginx.
    let extra = d.env.dokku(["e2e-snippet:extra", &app]);
    assert_eq!(extra.code, 0, "{}", output(&extra));
    assert_eq!(get_via(nginx.http, &host, "/extra").expect("GET").0, 204);
}

#[test]
fn bad_input_is_refused_with_a_clear_error_and_changes_nothing() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let nginx = TestNginx::start(&d);
    let app = create_app(&d, &nginx, "bad");
    let host = nginx.host_of(&app);
    let push = d.push(&d.hello_source("bad"), &app, "main");
    assert_eq!(push.code, 0, "{}", output(&push));
    let root = d.env.dokku_root().join(&app);
    let snapshot = || {
        (
            read(root.join("nginx.conf")),
            read(root.join("VHOST")),
            d.env.dokku(["ports:report", &app, "--ports-map"]).stdout,
            nginx.pid(),
        )
    };
    let before = snapshot();

    for (args, error, hint) in [
        (
            vec!["domains:add", &app, "bad_domain!"],
            " !     bad_domain! is invalid. exiting...\n".to_string(),
            None,
        ),
        (
            vec!["domains:set", &app, "ok.test", "-starts-with-dash..test"],
            " !     -starts-with-dash..test is invalid. exiting...\n".to_string(),
            None,
        ),
        (
            vec!["ports:set", &app, "http:80"],
            " !     Invalid port map http:80 [len=2; expected scheme:host-port:container-port, e.g. http:80:5000]\n".to_string(),
            Some("hint: use scheme:host-port:container-port"),
        ),
        (
            vec!["ports:add", &app, "http:eighty:5000"],
            " !     Invalid port map http:eighty:5000 [err=strconv.Atoi: parsing \"eighty\": invalid syntax]\n".to_string(),
            Some("hint: use scheme:host-port:container-port"),
        ),
        (
            vec!["ports:set", &app, "ftp:21:21"],
            " !     Invalid port map ftp:21:21 [unknown scheme \"ftp\"; use one of http, https, grpc, grpcs, tcp, udp]\n".to_string(),
            Some("hint: use scheme:host-port:container-port"),
        ),
        (
            vec!["nginx:set", &app, "client-max-body-size", "lots"],
            " !     Invalid value for client-max-body-size: expected a size such as 1m or 512k\n".to_string(),
            None,
        ),
    ] {
        let run = d.env.dokku(&args);
        assert_eq!(run.code, 1, "{args:?}: {}", output(&run));
        assert!(run.stderr.starts_with(&error), "{args:?}: {}", run.stderr);
        if let Some(hint) = hint {
            assert!(run.stderr.contains(hint), "{args:?}: {}", run.stderr);
        }
        assert_eq!(snapshot(), before, "{args:?} changed something");
    }
    let (status, body) = get_via(nginx.http, &host, "/").expect("GET");
    assert_eq!(status, 200, "{body}");
}
