use std::os::unix::fs::PermissionsExt;

use super::*;
use crate::deploy::testing::FakeHost;

/// A host with app `web` deployed at 172.17.0.5:5000 (one web container) and the
/// global domain `example.com`.
fn deployed() -> FakeHost {
    let host = FakeHost::new();
    let layout = host.layout().clone();
    host.mkapp("web");
    std::fs::write(domains::app_file(&layout, "web"), "web.example.com\n").expect("vhost");
    std::fs::write(layout.container_file("web", "web", 1), "c1\n").expect("container");
    std::fs::write(layout.ip_file("web", "web", 1), "172.17.0.5\n").expect("ip");
    std::fs::write(layout.port_file("web", "web", 1), "5000\n").expect("port");
    host.fake.respond_ok(
        &["container", "inspect"],
        &crate::docker::fake::running_inspect("c1", "web.web.1", "172.17.0.5"),
    );
    host
}

/// Points the host at a fake `nginx` whose `-t` fails when any app config contains
/// `BROKEN`, and records its calls.
fn with_fake_nginx(host: &mut FakeHost) -> PathBuf {
    let dir = host.layout().lib_root.join("fake-nginx");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, "# main\n").expect("conf");
    let log = dir.join("calls");
    let bin = dir.join("nginx");
    std::fs::write(
        &bin,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{log}'\ncase \"$*\" in *-t*) if grep -qs BROKEN {root}/*/nginx.conf; then echo 'nginx: [emerg] unknown directive \"BROKEN\" in {root}/web/nginx.conf:3' >&2; exit 1; fi;; esac\nexit 0\n",
            log = log.display(),
            root = host.layout().dokku_root.display()
        ),
    )
    .expect("bin");
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    host.env.insert(
        crate::env::DOKKU_NGINX_BIN.into(),
        bin.display().to_string(),
    );
    host.env.insert(
        crate::env::DOKKU_NGINX_CONF.into(),
        conf.display().to_string(),
    );
    log
}

#[test]
fn the_built_in_template_routes_each_mapping_to_the_web_containers() {
    let host = deployed();
    let rendered = render(&host, "web", &listeners(host.layout(), "web", "web")).expect("render");
    let text = &rendered.text;
    assert_eq!(rendered.source, TemplateSource::BuiltIn);
    assert!(text.contains("server_name web.example.com;"), "{text}");
    assert!(text.contains("listen      80;"), "{text}");
    assert!(text.contains("proxy_pass http://web-5000;"), "{text}");
    assert!(
        text.contains("upstream web-5000 {\n  server 172.17.0.5:5000;\n}"),
        "{text}"
    );
    let include = format!(
        "include {}/web/nginx.conf.d/*.conf;",
        host.layout().dokku_root.display()
    );
    assert!(text.contains(&include), "{text}");
    assert!(text.contains("client_max_body_size 1m;"), "{text}");
    assert!(!text.contains("ssl_certificate"), "{text}");
    assert!(!text.contains("\n\n\n"), "blank lines squeezed:\n{text}");
    assert_eq!(rendered.domains, ["web.example.com"]);
    assert!(rendered.hsts.is_none());
}

#[test]
fn port_maps_properties_and_bind_addresses_shape_the_servers() {
    let host = deployed();
    let props = host.properties();
    ports::set(&host, "web", &["http:8080:5000 http:8081:3000".into()]).expect("ports");
    props
        .write(PLUGIN, "web", "client-max-body-size", "20m")
        .expect("prop");
    props
        .write(
            PLUGIN,
            crate::property::GLOBAL,
            "bind-address-ipv4",
            "127.0.0.1",
        )
        .expect("prop");
    props
        .write(PLUGIN, "web", "proxy-read-timeout", "120s")
        .expect("prop");
    let text = render(&host, "web", &["172.17.0.5:5000".into()])
        .expect("render")
        .text;
    assert!(text.contains("listen      127.0.0.1:8080;"), "{text}");
    assert!(text.contains("listen      127.0.0.1:8081;"), "{text}");
    assert!(text.contains("proxy_pass http://web-3000;"), "{text}");
    assert!(
        text.contains("upstream web-3000 {\n  server 172.17.0.5:3000;"),
        "{text}"
    );
    assert!(text.contains("client_max_body_size 20m;"), "{text}");
    assert!(text.contains("proxy_read_timeout 120s;"), "{text}");
}

#[test]
fn https_serves_the_certificate_and_port_80_redirects() {
    let host = deployed();
    let layout = host.layout().clone();
    let tls = certs::tls_dir(&layout, "web");
    std::fs::create_dir_all(&tls).expect("mkdir");
    std::fs::write(tls.join("server.crt"), "c").expect("crt");
    std::fs::write(tls.join("server.key"), "k").expect("key");
    let rendered = render(&host, "web", &["172.17.0.5:5000".into()]).expect("render");
    let text = &rendered.text;
    assert!(rendered.ssl);
    assert!(text.contains("listen      443 ssl"), "{text}");
    assert!(
        text.contains(&format!(
            "ssl_certificate           {}/server.crt;",
            tls.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("return 301 https://$host:443$request_uri;"),
        "{text}"
    );
    assert_eq!(
        rendered.hsts.as_deref(),
        Some("add_header Strict-Transport-Security \"max-age=15724800; includeSubdomains\" always;\n")
    );
    // https without a certificate is dropped with a warning.
    std::fs::remove_dir_all(&tls).expect("rm");
    ports::set(&host, "web", &["http:80:5000 https:443:5000".into()]).expect("ports");
    let text = render(&host, "web", &["172.17.0.5:5000".into()])
        .expect("render")
        .text;
    assert!(!text.contains("ssl"), "{text}");
    assert!(host.log_text().contains("Ignoring detected https port mapping without an accompanying ssl certificate (https:443:5000)"));
}

#[test]
fn app_templates_win_and_bad_ones_are_reported() {
    let host = deployed();
    let layout = host.layout().clone();
    let pid = std::process::id().to_string();
    let src = layout.lib_root.join("src");
    std::fs::create_dir_all(&src).expect("mkdir");
    std::fs::write(
        src.join("nginx.conf.sigil"),
        "# custom for {{ .APP }} on {{ .PROXY_PORT_MAP }}\n",
    )
    .expect("write");
    extract(&host, "web", &src).expect("extract");
    let rendered = render(&host, "web", &[]).expect("render");
    assert_eq!(rendered.source.label(), "app-supplied");
    assert_eq!(rendered.text, "# custom for web on http:80:5000\n");
    promote(&layout, "web", &pid);
    assert!(app_template_dir(&layout, "web")
        .join("nginx.conf.sigil")
        .is_file());

    std::fs::write(src.join("nginx.conf.sigil"), "{{ if .APP }}unclosed").expect("write");
    let err = extract(&host, "web", &src).expect_err("refused");
    assert!(
        err.to_string()
            .contains("could not be rendered: template: nginx.conf.sigil."),
        "{err}"
    );

    // Without a template in the source, the next deploy goes back to the built-in one.
    std::fs::remove_file(src.join("nginx.conf.sigil")).expect("rm");
    extract(&host, "web", &src).expect("extract");
    assert_eq!(
        render(&host, "web", &[]).expect("render").source,
        TemplateSource::BuiltIn
    );
    promote(&layout, "web", &pid);
    assert!(!app_template_dir(&layout, "web")
        .join("nginx.conf.sigil")
        .exists());
}

#[test]
fn a_config_nginx_rejects_never_replaces_the_previous_one() {
    let mut host = deployed();
    let calls = with_fake_nginx(&mut host);
    let layout = host.layout().clone();
    build_config(&host, "web").expect("build");
    let good = std::fs::read_to_string(conf_path(&layout, "web")).expect("written");
    assert!(good.contains("upstream web-5000"));
    assert!(
        host.fired
            .borrow()
            .contains(&"nginx-pre-reload web".to_string()),
        "{:?}",
        host.fired.borrow()
    );
    let log = std::fs::read_to_string(&calls).expect("calls");
    assert!(log.contains("-t"), "{log}");
    assert!(
        !log.contains("reload"),
        "no master running: no reload\n{log}"
    );
    assert_eq!(
        std::fs::read_to_string(domains::urls_file(&layout, "web")).expect("urls"),
        "# THIS FILE IS GENERATED BY DOKKU - DO NOT EDIT, YOUR CHANGES WILL BE OVERWRITTEN\nhttp://web.example.com\n"
    );

    // A plugin-supplied template that nginx refuses.
    let bad = layout.lib_root.join("bad.sigil");
    std::fs::write(&bad, "BROKEN;\n").expect("write");
    let bad_path = bad.display().to_string();
    host.on("nginx-app-template-source", move |_, _| {
        (0, bad_path.clone())
    });
    let err = build_config(&host, "web").expect_err("refused");
    assert!(
        err.to_string()
            .contains("nginx -t rejected the new configuration of web"),
        "{err}"
    );
    assert!(
        err.to_string().contains("unknown directive \"BROKEN\""),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(conf_path(&layout, "web")).expect("kept"),
        good
    );
}

#[test]
fn a_broken_app_template_is_refused_at_extract_time() {
    let mut host = deployed();
    with_fake_nginx(&mut host);
    let layout = host.layout().clone();
    build_config(&host, "web").expect("build");
    let good = std::fs::read_to_string(conf_path(&layout, "web")).expect("written");
    let src = layout.lib_root.join("src");
    std::fs::create_dir_all(&src).expect("mkdir");
    std::fs::write(src.join("nginx.conf.sigil"), "BROKEN {{ .APP }};\n").expect("write");
    let err = extract(&host, "web", &src).expect_err("refused");
    assert!(
        err.to_string().starts_with(
            "Custom nginx.conf.sigil failed nginx -t validation, nothing was deployed"
        ),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(conf_path(&layout, "web")).expect("kept"),
        good
    );
    // A good one passes and leaves the running config alone until the deploy switches.
    std::fs::write(src.join("nginx.conf.sigil"), "# fine {{ .APP }}\n").expect("write");
    extract(&host, "web", &src).expect("accepted");
    assert_eq!(
        std::fs::read_to_string(conf_path(&layout, "web")).expect("kept"),
        good
    );
}

#[test]
fn a_disabled_proxy_removes_the_config() {
    let mut host = deployed();
    with_fake_nginx(&mut host);
    let layout = host.layout().clone();
    build_config(&host, "web").expect("build");
    assert!(conf_path(&layout, "web").exists());
    host.properties()
        .write(proxy::PLUGIN, "web", "disabled", "true")
        .expect("prop");
    build_config(&host, "web").expect("build");
    assert!(!conf_path(&layout, "web").exists());
    assert!(host
        .log_text()
        .contains("Nginx support is disabled for app (web)"));
}

#[test]
fn an_undeployed_app_answers_502_at_its_domains_and_has_no_upstream() {
    let host = FakeHost::new();
    host.mkapp("web");
    // Without domains there is nothing to serve.
    build_config(&host, "web").expect("build");
    assert!(!conf_path(host.layout(), "web").exists());
    crate::domains::set(&host, "web", &["web.test".into()]).expect("domains");
    build_config(&host, "web").expect("build");
    assert!(host
        .log_text()
        .contains("No web listeners specified for web"));
    assert_unrouted(&std::fs::read_to_string(conf_path(host.layout(), "web")).expect("written"));
}

/// A config that answers 502 and sends nothing upstream.
fn assert_unrouted(text: &str) {
    assert!(
        text.contains("return 502") && !text.contains("upstream ") && !text.contains("proxy_pass"),
        "a config routes somewhere:\n{text}"
    );
}

#[test]
fn a_deploy_loads_an_unchanged_config_once() {
    let mut host = deployed();
    let calls = with_fake_nginx(&mut host);
    build_config(&host, "web").expect("first");
    build_config(&host, "web").expect("second");
    let log = std::fs::read_to_string(&calls).expect("calls");
    assert_eq!(log.matches("-t").count(), 1, "{log}");
    assert!(host
        .log_text()
        .contains("nginx config unchanged since this deploy loaded it"));
    // A change is loaded again.
    host.properties()
        .write(PLUGIN, "web", "client-max-body-size", "2m")
        .expect("prop");
    build_config(&host, "web").expect("third");
    let log = std::fs::read_to_string(&calls).expect("calls");
    assert_eq!(log.matches("-t").count(), 2, "{log}");
}

#[test]
fn every_web_container_is_an_upstream_server() {
    let host = deployed();
    let layout = host.layout().clone();
    std::fs::write(layout.container_file("web", "web", 2), "c2\n").expect("container");
    std::fs::write(layout.ip_file("web", "web", 2), "172.17.0.6\n").expect("ip");
    let web = listeners(&layout, "web", "web");
    assert_eq!(web, ["172.17.0.5:5000", "172.17.0.6:5000"]);
    let text = render(&host, "web", &web).expect("render").text;
    assert!(
        text.contains(
            "upstream web-5000 {\n  server 172.17.0.5:5000;\n  server 172.17.0.6:5000;\n}"
        ),
        "{text}"
    );
    host.properties()
        .write("network", "web", "static-web-listener", "10.0.0.9:8080")
        .expect("prop");
    assert_eq!(listeners(&layout, "web", "web"), ["10.0.0.9:8080"]);
}

/// Issue 16: a swarm app's upstream servers are its web tasks' published ports,
/// not `listener IP:container port`.
#[test]
fn a_swarm_app_is_routed_to_its_tasks_published_ports() {
    let host = deployed();
    let layout = host.layout().clone();
    host.properties()
        .write("scheduler", "web", "selected", "docker-swarm")
        .expect("prop");
    let file = crate::swarm::listeners_file(&layout, "web");
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, "5000 127.0.0.1:32768\n5000 10.0.0.2:32770\n").expect("write");
    let web = listeners(&layout, "web", "web");
    assert_eq!(web, ["127.0.0.1:32768", "10.0.0.2:32770"]);
    let text = render(&host, "web", &web).expect("render").text;
    assert!(
        text.contains(
            "upstream web-5000 {\n  server 127.0.0.1:32768;\n  server 10.0.0.2:32770;\n}"
        ),
        "{text}"
    );
}

#[test]
fn a_stopped_app_is_not_routed_to_its_old_address() {
    let mut host = deployed();
    with_fake_nginx(&mut host);
    let layout = host.layout().clone();
    build_config(&host, "web").expect("build");
    assert!(conf_path(&layout, "web").exists());
    // The app's container stopped; its address may be handed to another app.
    host.fake.respond_ok(
        &["container", "inspect"],
        &crate::docker::fake::inspect_array(&[("c1", false, "172.17.0.5")]),
    );
    build_config(&host, "web").expect("rebuild");
    // An upstream left behind may now be another app's container.
    assert_unrouted(&std::fs::read_to_string(conf_path(&layout, "web")).expect("written"));
}

#[test]
fn an_address_no_container_of_the_app_holds_is_dropped() {
    let mut host = deployed();
    with_fake_nginx(&mut host);
    let layout = host.layout().clone();
    std::fs::write(layout.container_file("web", "web", 2), "c2\n").expect("container");
    std::fs::write(layout.ip_file("web", "web", 2), "172.17.0.6\n").expect("ip");
    // c2 now runs elsewhere: its recorded 172.17.0.6 is stale.
    host.fake.respond_ok(
        &["container", "inspect"],
        &crate::docker::fake::inspect_array(&[
            ("c1", true, "172.17.0.5"),
            ("c2", true, "172.17.0.8"),
        ]),
    );
    build_config(&host, "web").expect("build");
    let text = std::fs::read_to_string(conf_path(&layout, "web")).expect("conf");
    assert!(text.contains("server 172.17.0.5:5000;"), "{text}");
    assert!(!text.contains("172.17.0.6"), "{text}");
    assert!(
        host.logs
            .borrow()
            .iter()
            .any(|l| l.contains("Not routing web to 172.17.0.6:5000")),
        "{:?}",
        host.logs.borrow()
    );
}

#[test]
fn scoped_property_values_are_the_apps_the_global_and_the_one_in_force() {
    use props::{scoped, Scope};
    let dir = tempfile::tempdir().expect("tempdir");
    let store = crate::property::PropertyStore::new(dir.path());
    let root = Path::new("/logs");
    let get = |scope| scoped(&store, "web", "proxy-read-timeout", scope, root);
    assert_eq!(
        (get(Scope::App), get(Scope::Global), get(Scope::Computed)),
        (String::new(), String::new(), "60s".to_string())
    );
    store
        .write(PLUGIN, crate::property::GLOBAL, "proxy-read-timeout", "90s")
        .expect("global");
    assert_eq!(
        (get(Scope::App), get(Scope::Global), get(Scope::Computed)),
        (String::new(), "90s".to_string(), "90s".to_string())
    );
    store
        .write(PLUGIN, "web", "proxy-read-timeout", "120s")
        .expect("app");
    assert_eq!(
        (get(Scope::App), get(Scope::Global), get(Scope::Computed)),
        ("120s".to_string(), "90s".to_string(), "120s".to_string())
    );
    assert_eq!(
        scoped(&store, "web", "access-log-path", Scope::Computed, root),
        "/logs/web-access.log"
    );
    assert_eq!(
        scoped(&store, "web", "access-log-path", Scope::App, root),
        ""
    );
}

/// Issue 15: during a watch window the previous release's running web containers are
/// `backup` servers, so nginx retries them when the new release fails to answer.
#[test]
fn standby_containers_of_a_watch_window_are_backup_servers() {
    let host = deployed();
    let layout = host.layout().clone();
    let web = listeners(&layout, "web", "web");
    let plain = render(&host, "web", &web).expect("render").text;
    assert!(!plain.contains("backup"), "{plain}");
    let old = crate::scheduler::Slot {
        proc_type: "web".into(),
        index: 1,
        cid: "c1".into(),
    };
    crate::releases::watch::write_standby(&host, "web", &[old]);
    // The new release took the slot at another address; c1 still runs.
    std::fs::write(layout.container_file("web", "web", 1), "c2\n").expect("container");
    std::fs::write(layout.ip_file("web", "web", 1), "172.17.0.9\n").expect("ip");
    let web = listeners(&layout, "web", "web");
    let text = render(&host, "web", &web).expect("render").text;
    assert!(
        text.contains(
            "upstream web-5000 {\n  server 172.17.0.9:5000;\n  server 172.17.0.5:5000 backup;\n}"
        ),
        "{text}"
    );
    crate::releases::watch::clear_standby(&host, "web");
    let text = render(&host, "web", &web).expect("render").text;
    assert!(!text.contains("backup"), "{text}");
}
