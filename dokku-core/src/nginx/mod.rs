//! nginx as the proxy (the `nginx-vhosts` plugin): the app's
//! `$DOKKU_ROOT/APP/nginx.conf`, rendered from a sigil template, checked with
//! `nginx -t` and loaded with a graceful reload.
//!
//! [`build_config`] is `proxy-build-config APP`. It runs when a deploy's web
//! containers passed their checks (`scheduler-post-deploy-process`), again at
//! `core-post-deploy`, and whenever domains, ports, certificates or the proxy setting
//! change. It:
//!
//! 1. picks the template: the app's `nginx.conf.sigil` (copied from the deployed
//!    source at `core-post-extract`), else one a plugin names through
//!    `nginx-app-template-source APP app-config`, else the built-in one;
//! 2. renders it ([`crate::sigil`]) with Dokku's variables ([`template_vars`]): one
//!    `server` block per port mapping, one `upstream` per container port pointing at
//!    the `IP.web.N` addresses, `include $DOKKU_ROOT/APP/nginx.conf.d/*.conf;`;
//! 3. under a lock shared by every app, writes it over `nginx.conf` (keeping the
//!    previous bytes), writes or removes `nginx.conf.d/hsts.conf`, fires
//!    `nginx-pre-reload APP "" ""`, runs `nginx -t`, and reloads ([`control`]).
//!    If `nginx -t` or the reload fails, the previous files are put back and the
//!    error is reported: a bad config never replaces a good one.
//!
//! An app-supplied template is also tried at `core-post-extract`, before anything
//! is built: rendered with the app's current state and tested the same way, then
//! the previous config is put back. A template that breaks `nginx -t` fails the
//! deploy there, while the old containers and config keep serving.

pub mod control;
pub mod helpers;
pub mod live;
pub mod props;
pub mod service;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use control::{Nginx, Reload};

use crate::deploy::{DeployError, Host};
use crate::log::Level;
use crate::paths::Layout;
use crate::ports::PortMap;
use crate::property::lock::FileLock;
use crate::{certs, domains, ports, proxy};

/// The property namespace (`nginx:set`).
pub const PLUGIN: &str = "nginx";

/// The plugin (and data directory) name.
pub const DATA_PLUGIN: &str = "nginx-vhosts";

/// The built-in template (`plugins/nginx-vhosts/templates/nginx.conf.sigil`).
pub const DEFAULT_TEMPLATE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../plugins/nginx-vhosts/templates/nginx.conf.sigil"
));

/// `$DOKKU_ROOT/APP/nginx.conf`.
pub fn conf_path(layout: &Layout, app: &str) -> PathBuf {
    layout.app_file(app, "nginx.conf")
}

/// `$DOKKU_ROOT/APP/nginx.conf.d`, snippets included in every server block.
pub fn conf_d(layout: &Layout, app: &str) -> PathBuf {
    layout.app_file(app, "nginx.conf.d")
}

/// Where the default access and error logs go: `$DOKKU_LOGS_DIR/nginx` (Dokku uses
/// the system's `/var/log/nginx`, which the project's nginx does not own).
pub fn log_root(layout: &Layout) -> PathBuf {
    layout.logs_dir.join("nginx")
}

/// `$DOKKU_LIB_ROOT/data/nginx-vhosts/app-APP`: the app's template.
pub fn app_template_dir(layout: &Layout, app: &str) -> PathBuf {
    layout
        .plugin_data_dir(DATA_PLUGIN)
        .join(format!("app-{app}"))
}

/// `$DOKKU_LIB_ROOT/data/nginx-vhosts/dokku-errors`: the error pages.
pub fn errors_dir(layout: &Layout) -> PathBuf {
    layout.plugin_data_dir(DATA_PLUGIN).join("dokku-errors")
}

fn lock_path(layout: &Layout) -> PathBuf {
    layout.plugin_data_dir(DATA_PLUGIN).join(".nginx.lock")
}

/// `IP:PORT` of every container of `proc_type` (`IP.TYPE.N`, `PORT.TYPE.N`, port
/// default 5000), in index order; for `web`, the network plugin's
/// `static-web-listener` property instead when it is set.
pub fn listeners(layout: &Layout, app: &str, proc_type: &str) -> Vec<String> {
    let props = crate::property::PropertyStore::new(&layout.lib_root);
    if crate::swarm::is_swarm(&props, app) {
        // The published ports of the running web tasks, as last read back.
        if proc_type != "web" {
            return Vec::new();
        }
        return crate::swarm::listeners(layout, app, Some(ports::web_port(&props, app)));
    }
    if proc_type == "web" {
        if let Some(fixed) = props
            .get("network", app, "static-web-listener")
            .ok()
            .flatten()
            .filter(|v| !v.trim().is_empty())
        {
            return vec![fixed.trim().to_string()];
        }
    }
    let read = |p: PathBuf| {
        std::fs::read_to_string(p)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    crate::scheduler::slots(layout, app)
        .into_iter()
        .filter(|s| s.proc_type == proc_type)
        .filter_map(|s| {
            let ip = read(layout.ip_file(app, proc_type, s.index))?;
            let port =
                read(layout.port_file(app, proc_type, s.index)).unwrap_or_else(|| "5000".into());
            Some(format!("{ip}:{port}"))
        })
        .collect()
}

/// `network-get-listeners APP TYPE`, as Dokku's nginx-vhosts asks the network plugin;
/// [`listeners`] when nothing answers (or the trigger fails).
pub fn asked_listeners(host: &dyn Host, app: &str, proc_type: &str) -> Vec<String> {
    match host.fire_capture("network-get-listeners", &[app, proc_type]) {
        Ok(out) if !out.trim().is_empty() => out.split_whitespace().map(str::to_string).collect(),
        _ => listeners(host.layout(), app, proc_type),
    }
}

/// Where the template came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// The built-in one.
    BuiltIn,
    /// Named by a plugin's `nginx-app-template-source`.
    Plugin(PathBuf),
    /// The app's `nginx.conf.sigil`.
    App(PathBuf),
}

impl TemplateSource {
    /// `built-in`, `plugin-supplied` or `app-supplied`, as Dokku logs it.
    pub fn label(&self) -> &'static str {
        match self {
            TemplateSource::BuiltIn => "built-in",
            TemplateSource::Plugin(_) => "plugin-supplied",
            TemplateSource::App(_) => "app-supplied",
        }
    }
}

fn pid(host: &dyn Host) -> String {
    host.var(crate::env::DOKKU_PID)
        .map(str::to_string)
        .unwrap_or_else(|| std::process::id().to_string())
}

/// The app's template for the deploy run by `pid`: this deploy's copy (or its
/// recorded absence), else the one of the last deploy.
pub fn app_template(layout: &Layout, app: &str, pid: &str) -> Option<PathBuf> {
    let dir = app_template_dir(layout, app);
    let pending = dir.join(format!("nginx.conf.sigil.{pid}"));
    if pending.is_file() {
        return Some(pending);
    }
    if dir.join(format!("nginx.conf.sigil.{pid}.missing")).exists() {
        return None;
    }
    Some(dir.join("nginx.conf.sigil")).filter(|p| p.is_file())
}

/// Chooses the template: the app's (unless `disable-custom-config`), a plugin's,
/// else the built-in one. Returns its source and text.
pub fn template(host: &dyn Host, app: &str) -> Result<(TemplateSource, String), DeployError> {
    let layout = host.layout();
    let props = host.properties();
    let disabled =
        props::computed(&props, app, "disable-custom-config", &log_root(layout)) == "true";
    let read = |p: &Path| std::fs::read_to_string(p).map_err(DeployError::io("read", p));
    if !disabled {
        if let Some(path) = app_template(layout, app, &pid(host)) {
            let text = read(&path)?;
            return Ok((TemplateSource::App(path), text));
        }
    }
    if host.has_trigger("nginx-app-template-source", &["20_events"]) {
        let out = host.fire_capture("nginx-app-template-source", &[app, "app-config"])?;
        let path = PathBuf::from(out.trim());
        if !out.trim().is_empty() && path.is_file() {
            let text = read(&path)?;
            return Ok((TemplateSource::Plugin(path), text));
        }
    }
    Ok((TemplateSource::BuiltIn, DEFAULT_TEMPLATE.to_string()))
}

/// What the installed nginx supports, from its version (1.22 assumed when unknown).
fn features(version: Option<(u32, u32, u32)>) -> BTreeMap<&'static str, bool> {
    let v = version.unwrap_or((1, 22, 0));
    let at_least = |a: (u32, u32, u32)| v >= a;
    BTreeMap::from([
        ("SPDY_SUPPORTED", !at_least((1, 9, 5))),
        ("TLS13_SUPPORTED", at_least((1, 13, 0))),
        ("HTTP2_SUPPORTED", at_least((1, 11, 5))),
        ("HTTP2_DIRECTIVE_SUPPORTED", at_least((1, 25, 1))),
        // Dropped with 1.25, which deprecated `http2_push`.
        (
            "HTTP2_PUSH_SUPPORTED",
            at_least((1, 13, 9)) && !at_least((1, 25, 0)),
        ),
        ("GRPC_SUPPORTED", at_least((1, 13, 10))),
    ])
}

/// Whether this host has IPv6 (else `listen [::]:...` lines are left out).
fn host_has_ipv6() -> bool {
    std::fs::read_to_string("/proc/net/if_inet6").is_ok_and(|t| !t.trim().is_empty())
}

/// A rendered config and what went into it.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The config text.
    pub text: String,
    /// Where the template came from.
    pub source: TemplateSource,
    /// Whether https is served.
    pub ssl: bool,
    /// The host names configured (for the `Configuring ...` lines and `URLS`).
    pub domains: Vec<String>,
    /// `hsts.conf` contents, when https and HSTS are on.
    pub hsts: Option<String>,
}

/// Says that none of the app's domains is covered by its certificate.
fn warn_ssl_domains(host: &dyn Host, app: &str) {
    host.log(
        Level::Info1,
        &format!("No matching configured domains for {app} found in SSL certificate. Your app will show as insecure in a browser if accessed via SSL"),
    );
    host.log(
        Level::Info1,
        "Please add appropriate domains via the dokku domains command",
    );
}

/// The variables a template sees, Dokku's names. `web_listeners` overrides the
/// recorded web containers (the extract-time check uses a placeholder).
pub fn template_vars(
    host: &dyn Host,
    app: &str,
    web_listeners: &[String],
    nginx_version: Option<(u32, u32, u32)>,
) -> Result<(BTreeMap<String, String>, Vec<String>), DeployError> {
    let layout = host.layout();
    let props = host.properties();
    let logs = log_root(layout);
    let ssl = certs::is_enabled(layout, app);
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    let mut set = |k: &str, v: String| {
        vars.insert(k.to_string(), v);
    };

    let mut maps: Vec<PortMap> = Vec::new();
    for m in ports::effective(layout, &props, app) {
        if !ssl && matches!(m.scheme.as_str(), "https" | "grpcs") {
            host.log(
                Level::Warn,
                &format!("Ignoring detected https port mapping without an accompanying ssl certificate ({m})"),
            );
            continue;
        }
        maps.push(m);
    }
    let mut upstreams: Vec<String> = Vec::new();
    for m in &maps {
        let port = m.container.to_string();
        if !upstreams.contains(&port) {
            upstreams.push(port);
        }
    }
    let raw_tcp: Vec<String> = maps
        .iter()
        .filter(|m| m.scheme == "tcp")
        .map(|m| m.host.to_string())
        .collect();

    let nossl = domains::list(layout, app);
    let mut ssl_names = Vec::new();
    if ssl {
        let covered = certs::hostnames(layout, app);
        let candidates = if domains::app_enabled(layout, app) {
            nossl.clone()
        } else {
            covered.clone()
        };
        for d in candidates {
            if certs::covers(&covered, &d) && !nossl.contains(&d) {
                ssl_names.push(d);
            }
        }
        if !nossl.is_empty() && !nossl.iter().any(|d| certs::covers(&covered, d)) {
            warn_ssl_domains(host, app);
        }
    }

    set("APP", app.to_string());
    set("DOKKU_ROOT", layout.dokku_root.display().to_string());
    set("DOKKU_LIB_ROOT", layout.lib_root.display().to_string());
    set(
        "APP_SSL_PATH",
        certs::tls_dir(layout, app).display().to_string(),
    );
    set("SSL_INUSE", if ssl { "true".into() } else { String::new() });
    set("NOSSL_SERVER_NAME", nossl.join(" "));
    set("SSL_SERVER_NAME", ssl_names.join(" "));
    set("DOKKU_APP_LISTENERS", web_listeners.join(" "));
    set("DOKKU_APP_WEB_LISTENERS", web_listeners.join(" "));
    // Ours: the previous release's containers while a watch window runs
    // (releases/watch.rs), as `backup` servers in the built-in template.
    set(
        "DOKKU_APP_WEB_BACKUP_LISTENERS",
        crate::releases::watch::backup_listeners(host, app, web_listeners).join(" "),
    );
    for (proc_type, count) in crate::ps::scale(&props, app).unwrap_or_default() {
        if proc_type == "web" || count == 0 {
            continue;
        }
        let key = format!(
            "DOKKU_APP_{}_LISTENERS",
            proc_type.to_ascii_uppercase().replace('-', "_")
        );
        set(&key, listeners(layout, app, &proc_type).join(" "));
    }
    set("DOKKU_APP_LISTEN_PORT", String::new());
    set("DOKKU_APP_LISTEN_IP", String::new());
    set("PASSED_LISTEN_IP_PORT", String::new());
    let http_port = proxy::http_port(&props, app).to_string();
    let ssl_port = proxy::ssl_port(&props, app).to_string();
    set("PROXY_PORT", http_port.clone());
    set("PROXY_SSL_PORT", ssl_port.clone());
    set("NGINX_PORT", http_port);
    set("NGINX_SSL_PORT", ssl_port);
    set(
        "PROXY_PORT_MAP",
        maps.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    );
    set("PROXY_UPSTREAM_PORTS", upstreams.join(" "));
    // Swarm tasks publish each container port on a port of their own, so an
    // upstream's servers are not `listener IP:container port` as for containers. Set
    // (empty) for every app, so the template's `var` never falls back to a config var.
    let swarm = crate::swarm::is_swarm(&props, app);
    for port in &upstreams {
        let servers = match port.parse() {
            Ok(p) if swarm => crate::swarm::listeners(layout, app, Some(p)),
            _ => Vec::new(),
        };
        set(
            &format!("DOKKU_APP_WEB_UPSTREAMS_{port}"),
            servers.join(" "),
        );
    }
    set("RAW_TCP_PORTS", raw_tcp.join(" "));
    for (k, on) in features(nginx_version) {
        set(k, on.to_string());
    }
    set("NGINX_LOG_ROOT", logs.display().to_string());
    let prop = |key: &str| props::computed(&props, app, key, &logs);
    set("NGINX_ACCESS_LOG_FORMAT", prop("access-log-format"));
    set("NGINX_ACCESS_LOG_PATH", prop("access-log-path"));
    set("NGINX_ERROR_LOG_PATH", prop("error-log-path"));
    set("NGINX_BIND_ADDRESS_IP4", prop("bind-address-ipv4"));
    let ip6 = prop("bind-address-ipv6");
    set(
        "NGINX_BIND_ADDRESS_IP6",
        if host_has_ipv6() { ip6 } else { String::new() },
    );
    for (var, key) in [
        ("CLIENT_MAX_BODY_SIZE", "client-max-body-size"),
        ("CLIENT_BODY_TIMEOUT", "client-body-timeout"),
        ("CLIENT_HEADER_TIMEOUT", "client-header-timeout"),
        ("KEEPALIVE_TIMEOUT", "keepalive-timeout"),
        ("LINGERING_TIMEOUT", "lingering-timeout"),
        ("PROXY_CONNECT_TIMEOUT", "proxy-connect-timeout"),
        ("PROXY_READ_TIMEOUT", "proxy-read-timeout"),
        ("PROXY_SEND_TIMEOUT", "proxy-send-timeout"),
        ("SEND_TIMEOUT", "send-timeout"),
        ("PROXY_BUFFER_SIZE", "proxy-buffer-size"),
        ("PROXY_BUFFERING", "proxy-buffering"),
        ("PROXY_BUFFERS", "proxy-buffers"),
        ("PROXY_BUSY_BUFFERS_SIZE", "proxy-busy-buffers-size"),
        ("PROXY_KEEPALIVE", "proxy-keepalive"),
        ("UNDERSCORE_IN_HEADERS", "underscore-in-headers"),
        ("PROXY_X_FORWARDED_FOR", "x-forwarded-for-value"),
        ("PROXY_X_FORWARDED_PORT", "x-forwarded-port-value"),
        ("PROXY_X_FORWARDED_PROTO", "x-forwarded-proto-value"),
        ("PROXY_X_FORWARDED_SSL", "x-forwarded-ssl"),
    ] {
        set(var, prop(key));
    }
    let mut all_domains: Vec<String> = nossl.into_iter().chain(ssl_names).collect();
    all_domains.sort();
    all_domains.dedup();
    Ok((vars, all_domains))
}

/// Renders the app's config with `web_listeners` as its web containers.
pub fn render(
    host: &dyn Host,
    app: &str,
    web_listeners: &[String],
) -> Result<Rendered, DeployError> {
    render_with(host, app, web_listeners, None)
}

/// [`render`], routing other process types only to addresses in `live` when given.
fn render_with(
    host: &dyn Host,
    app: &str,
    web_listeners: &[String],
    live: Option<&std::collections::BTreeSet<String>>,
) -> Result<Rendered, DeployError> {
    let layout = host.layout();
    let (source, text) = template(host, app)?;
    let version = Nginx::from_env(host.env()).version();
    let (mut vars, domains) = template_vars(host, app, web_listeners, version)?;
    if let Some(live) = live {
        for (proc_type, count) in crate::ps::scale(&host.properties(), app).unwrap_or_default() {
            if proc_type == "web" || count == 0 {
                continue;
            }
            let key = format!(
                "DOKKU_APP_{}_LISTENERS",
                proc_type.to_ascii_uppercase().replace('-', "_")
            );
            let kept = live::keep_live(host, app, asked_listeners(host, app, &proc_type), live);
            vars.insert(key, kept.join(" "));
        }
    }
    let env = crate::deploy::app_env(layout, app).unwrap_or_default();
    let name = match &source {
        TemplateSource::BuiltIn => "nginx.conf.sigil".to_string(),
        TemplateSource::Plugin(p) | TemplateSource::App(p) => p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "nginx.conf.sigil".into()),
    };
    let rendered =
        crate::sigil::render(&name, &text, &vars, &|k| env.get(k).cloned()).map_err(|e| {
            DeployError::fail(format!(
                "The {} nginx.conf.sigil could not be rendered: {e}",
                source.label()
            ))
        })?;
    let ssl = vars.get("SSL_INUSE").is_some_and(|v| !v.is_empty());
    let hsts = hsts_conf(host, app, ssl);
    Ok(Rendered {
        text: rendered,
        source,
        ssl,
        domains,
        hsts,
    })
}

/// The contents of `nginx.conf.d/hsts.conf` for `app`: a `Strict-Transport-Security`
/// header when https is served (`ssl`) and the `hsts` property is on.
fn hsts_conf(host: &dyn Host, app: &str, ssl: bool) -> Option<String> {
    let props = host.properties();
    let prop = |key: &str| props::computed(&props, app, key, &log_root(host.layout()));
    (ssl && prop("hsts") == "true").then(|| {
        let mut value = format!("max-age={}", prop("hsts-max-age"));
        if prop("hsts-include-subdomains") == "true" {
            value.push_str("; includeSubdomains");
        }
        if prop("hsts-preload") == "true" {
            value.push_str("; preload");
        }
        format!("add_header Strict-Transport-Security \"{value}\" always;\n")
    })
}

/// Files to put in place, and what to fire.
enum Change<'a> {
    Write {
        text: &'a str,
        hsts: Option<&'a str>,
    },
    Remove,
}

/// Dokku's `nginx-pre-reload`, `nginx -t` and reload, under the shared lock, with the
/// previous files put back when anything fails. `keep` leaves the new files only when
/// true (the extract-time check passes `false`: test, then restore).
fn apply(host: &dyn Host, app: &str, change: Change<'_>, keep: bool) -> Result<(), DeployError> {
    let layout = host.layout();
    let data = layout.plugin_data_dir(DATA_PLUGIN);
    std::fs::create_dir_all(&data).map_err(DeployError::io("create", &data))?;
    let lock = lock_path(layout);
    let _lock = FileLock::exclusive(&lock).map_err(DeployError::io("lock", &lock))?;
    let nginx = Nginx::from_env(host.env());
    let conf = conf_path(layout, app);
    let hsts_file = conf_d(layout, app).join("hsts.conf");
    let saved = [
        (conf.clone(), std::fs::read(&conf).ok()),
        (hsts_file.clone(), std::fs::read(&hsts_file).ok()),
    ];
    let restore = || {
        for (path, bytes) in &saved {
            let _ = match bytes {
                Some(b) => crate::fs::write_atomic(path, b, 0o644),
                None => std::fs::remove_file(path).or(Ok(())),
            };
        }
    };
    let put = |path: &Path, text: Option<&str>| -> Result<(), DeployError> {
        match text {
            Some(t) => crate::fs::write_atomic(path, t.as_bytes(), 0o644)
                .map_err(DeployError::io("write", path)),
            None => match std::fs::remove_file(path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(DeployError::io("remove", path)(e)),
            },
        }
    };
    let written = match &change {
        Change::Write { text, hsts } => {
            let dir = conf_d(layout, app);
            std::fs::create_dir_all(&dir).map_err(DeployError::io("create", &dir))?;
            put(&conf, Some(text)).and_then(|()| put(&hsts_file, *hsts))
        }
        Change::Remove => put(&conf, None),
    };
    if let Err(e) = written {
        restore();
        return Err(e);
    }
    let result = (|| {
        if keep && matches!(change, Change::Write { .. }) {
            host.fire_checked("nginx-pre-reload", &[app, "", ""])?;
        }
        if nginx.config().is_none() {
            if keep {
                host.log(
                    Level::Warn,
                    "nginx is not set up (DOKKU_NGINX_CONF, DOKKU_NGINX_BIN): the config was written but neither tested nor loaded",
                );
            }
            return Ok(());
        }
        if let Err(err) = nginx.test() {
            return Err(DeployError::fail(format!(
                "nginx -t rejected the new configuration of {app}; the previous configuration stays in place:\n{err}"
            )));
        }
        if !keep {
            return Ok(());
        }
        host.log(Level::Verbose, "Reloading nginx");
        reload(host, &nginx)
    })();
    if result.is_err() || !keep {
        restore();
    }
    result
}

/// Reloads nginx (or runs the `nginx-service-command` property) and waits for the
/// switch.
fn reload(host: &dyn Host, nginx: &Nginx) -> Result<(), DeployError> {
    let props = host.properties();
    let custom = crate::deploy::prop_app_or_global(
        &props,
        PLUGIN,
        crate::property::GLOBAL,
        "nginx-service-command",
    );
    if let Some(command) = custom {
        let status = crate::process::Cmd::new("sh")
            .args(["-c", &command])
            .status()?;
        return if status.success() {
            Ok(())
        } else {
            Err(DeployError::fail(format!(
                "nginx-service-command failed: {command}"
            )))
        };
    }
    match nginx.reload(control::RELOAD_TIMEOUT) {
        Ok(Reload::Done) => Ok(()),
        Ok(Reload::Draining) => {
            host.log(
                Level::Warn,
                "nginx reloaded; some old worker processes are still finishing their requests",
            );
            Ok(())
        }
        Ok(Reload::NotRunning) => {
            host.log(
                Level::Warn,
                "nginx is not running: the configuration will be used when it starts (scripts/nginx.sh start)",
            );
            Ok(())
        }
        Err(err) => Err(DeployError::fail(format!(
            "nginx did not load the new configuration; the previous configuration stays in place: {err}"
        ))),
    }
}

/// `restart_nginx` for bash plugins: under the shared lock, `nginx -t` then a
/// graceful reload (nothing is put back: no file was changed by us).
pub fn test_and_reload(host: &dyn Host) -> Result<(), DeployError> {
    let layout = host.layout();
    let data = layout.plugin_data_dir(DATA_PLUGIN);
    std::fs::create_dir_all(&data).map_err(DeployError::io("create", &data))?;
    let lock = lock_path(layout);
    let _lock = FileLock::exclusive(&lock).map_err(DeployError::io("lock", &lock))?;
    let nginx = Nginx::from_env(host.env());
    if nginx.config().is_none() {
        return Err(DeployError::fail(
            "nginx is not set up (DOKKU_NGINX_CONF, DOKKU_NGINX_BIN)",
        ));
    }
    nginx
        .test()
        .map_err(|e| DeployError::fail(format!("nginx -t failed; nginx was not reloaded:\n{e}")))?;
    reload(host, &nginx)
}

fn ensure_error_pages(layout: &Layout) {
    let dir = errors_dir(layout);
    if dir.join("502-error.html").is_file() {
        return;
    }
    let _ = std::fs::create_dir_all(&dir);
    for (code, title) in [
        ("400", "Bad request"),
        ("404", "Not found"),
        ("500", "Something went wrong"),
        ("502", "The app is not answering"),
    ] {
        let page = format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{code} {title}</title></head>\n<body><h1>{title}</h1><p>Error {code}.</p></body></html>\n"
        );
        let _ = crate::fs::write_atomic(
            &dir.join(format!("{code}-error.html")),
            page.as_bytes(),
            0o644,
        );
    }
}

fn write_urls(layout: &Layout, app: &str, rendered: &Rendered) -> Result<(), DeployError> {
    let path = domains::urls_file(layout, app);
    if rendered.domains.is_empty() || !domains::app_enabled(layout, app) {
        let _ = std::fs::remove_file(&path);
        return Ok(());
    }
    let scheme = if rendered.ssl { "https" } else { "http" };
    let mut text = String::from(
        "# THIS FILE IS GENERATED BY DOKKU - DO NOT EDIT, YOUR CHANGES WILL BE OVERWRITTEN\n",
    );
    for d in &rendered.domains {
        text.push_str(&format!("{scheme}://{d}\n"));
    }
    crate::fs::write_atomic(&path, text.as_bytes(), 0o644).map_err(DeployError::io("write", &path))
}

/// `proxy-build-config APP` for nginx (see the module docs).
pub fn build_config(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    let props = host.properties();
    if proxy::proxy_type(&props, app) != "nginx" {
        return Ok(());
    }
    if !proxy::is_enabled(&props, app) {
        host.log(
            Level::Info1,
            &format!("Nginx support is disabled for app ({app})"),
        );
        return clear_config(host, app);
    }
    if crate::swarm::is_swarm(&props, app) {
        crate::swarm::refresh_listeners(host, app)?;
    }
    let live = live::live_addresses(host, app);
    let web = live::keep_live(host, app, asked_listeners(host, app, "web"), &live);
    if web.is_empty() {
        // An app with no running web container (never deployed, stopped, dead) keeps
        // its domains but no upstream: they answer 502, as in Dokku, instead of falling
        // through to nginx's default server (another app) or to addresses Docker may
        // have given to another app's containers by now.
        if domains::list(layout, app).is_empty() || !domains::app_enabled(layout, app) {
            return clear_config(host, app);
        }
        host.log(
            Level::WarnQuiet,
            &format!("No web listeners specified for {app}"),
        );
    }
    host.fire_checked("ports-configure", &[app])?;
    let rendered = render_with(host, app, &web, Some(&live))?;
    if let TemplateSource::App(_) = rendered.source {
        host.log(
            Level::Info1,
            "Overriding default nginx.conf with detected nginx.conf.sigil",
        );
    }
    for d in &rendered.domains {
        host.log(
            Level::Info1,
            &format!(
                "Configuring {d}...(using {} template)",
                rendered.source.label()
            ),
        );
    }
    host.log(
        Level::Info1,
        &format!(
            "Creating {} nginx.conf",
            if rendered.ssl { "https" } else { "http" }
        ),
    );
    ensure_error_pages(layout);
    let logs = log_root(layout);
    std::fs::create_dir_all(&logs).map_err(DeployError::io("create", &logs))?;
    // A deploy builds twice (after the web checks, then at core-post-deploy); the
    // second time nothing changed, so this process does not reload again.
    let marker = app_template_dir(layout, app).join(".last-build");
    let stamp = build_stamp(&pid(host), &rendered);
    let current = std::fs::read(conf_path(layout, app)).ok();
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(stamp.as_str())
        && current.as_deref() == Some(rendered.text.as_bytes())
    {
        host.log(
            Level::Verbose,
            "nginx config unchanged since this deploy loaded it",
        );
        return write_urls(layout, app, &rendered);
    }
    apply(
        host,
        app,
        Change::Write {
            text: &rendered.text,
            hsts: rendered.hsts.as_deref(),
        },
        true,
    )?;
    if let Some(dir) = marker.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = crate::fs::write_atomic(&marker, stamp.as_bytes(), 0o644);
    write_urls(layout, app, &rendered)
}

/// What identifies one load of a config by one dokku process.
fn build_stamp(pid: &str, rendered: &Rendered) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    rendered.text.hash(&mut hasher);
    rendered.hsts.hash(&mut hasher);
    format!("{pid} {:016x}\n", hasher.finish())
}

/// `proxy-clear-config APP` (and a disabled proxy): removes `nginx.conf` and reloads.
pub fn clear_config(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    if !conf_path(layout, app).exists() {
        return Ok(());
    }
    host.log(Level::Info1, "Deleting nginx.conf");
    let _ = std::fs::remove_file(app_template_dir(layout, app).join(".last-build"));
    apply(host, app, Change::Remove, true)?;
    let _ = std::fs::remove_file(domains::urls_file(layout, app));
    Ok(())
}

/// `core-post-extract APP WORKDIR`: copies the source's `nginx.conf.sigil` (path
/// property `nginx-conf-sigil-path`) for this deploy, or records that there is none,
/// and checks a new one against nginx before anything is built.
pub fn extract(host: &dyn Host, app: &str, workdir: &Path) -> Result<(), DeployError> {
    let layout = host.layout();
    let props = host.properties();
    let pid = pid(host);
    let dir = app_template_dir(layout, app);
    std::fs::create_dir_all(&dir).map_err(DeployError::io("create", &dir))?;
    // Copies left by deploys that never finished.
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("nginx.conf.sigil.") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let rel = props::computed(&props, app, "nginx-conf-sigil-path", &log_root(layout));
    let source = workdir.join(rel.trim_start_matches('/'));
    // This deploy's copy must outlive this process: `core-post-extract` writes it and
    // `core-post-deploy`, a later process of the same deploy, promotes it. So, like
    // Dokku's, it is named by DOKKU_PID rather than made by `tempfile`; it lives in the
    // app's data dir (the dokku user's, not a shared temp dir), is written atomically,
    // and a deploy that never finished has its copy swept just above by the next one.
    let dest = dir.join(format!("nginx.conf.sigil.{pid}"));
    match std::fs::read(&source) {
        Ok(bytes) if source.is_file() => {
            crate::fs::write_atomic(&dest, &bytes, 0o644)
                .map_err(DeployError::io("write", &dest))?;
        }
        _ => {
            let marker = dir.join(format!("nginx.conf.sigil.{pid}.missing"));
            crate::fs::write_atomic(&marker, b"", 0o644)
                .map_err(DeployError::io("write", &marker))?;
            return Ok(());
        }
    }
    if props::computed(&props, app, "disable-custom-config", &log_root(layout)) == "true"
        || proxy::proxy_type(&props, app) != "nginx"
        || !proxy::is_enabled(&props, app)
    {
        return Ok(());
    }
    preflight(host, app)
}

/// Renders the app's new template with its current state (or a placeholder
/// listener before its first deploy) and runs `nginx -t` on it, then puts the
/// previous config back.
fn preflight(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    let mut web = listeners(layout, app, "web");
    if web.is_empty() {
        web.push(format!(
            "127.0.0.1:{}",
            ports::web_port(&host.properties(), app)
        ));
    }
    // Dokku's wording (operators and its tests grep for it), with nginx's reason.
    fn refused(what: &'static str) -> impl Fn(DeployError) -> DeployError {
        move |e: DeployError| {
            DeployError::fail(format!(
                "Custom nginx.conf.sigil {what}, nothing was deployed: {}",
                match e {
                    DeployError::Fail { message, .. } => message,
                    other => other.to_string(),
                }
            ))
        }
    }
    host.log(Level::Info1, "Pre-validating custom nginx.conf.sigil");
    let rendered = render(host, app, &web).map_err(refused("failed to render via sigil"))?;
    apply(
        host,
        app,
        Change::Write {
            text: &rendered.text,
            hsts: rendered.hsts.as_deref(),
        },
        false,
    )
    .map_err(refused("failed nginx -t validation"))
}

/// A deploy that is rolled back: its template (or its recorded absence) is dropped,
/// so rebuilding the old containers' config uses the template they were deployed
/// with, not the one that may have caused the failure.
pub fn discard_pending(layout: &Layout, app: &str, pid: &str) {
    let dir = app_template_dir(layout, app);
    for name in [
        format!("nginx.conf.sigil.{pid}"),
        format!("nginx.conf.sigil.{pid}.missing"),
    ] {
        let _ = std::fs::remove_file(dir.join(name));
    }
}

/// `core-post-deploy`: this deploy's template (or its absence) becomes the app's.
pub fn promote(layout: &Layout, app: &str, pid: &str) {
    let dir = app_template_dir(layout, app);
    let fresh = dir.join(format!("nginx.conf.sigil.{pid}"));
    let missing = dir.join(format!("nginx.conf.sigil.{pid}.missing"));
    if fresh.is_file() {
        let _ = std::fs::rename(&fresh, dir.join("nginx.conf.sigil"));
    } else if missing.exists() {
        let _ = std::fs::remove_file(dir.join("nginx.conf.sigil"));
        let _ = std::fs::remove_file(&missing);
    }
}

/// `post-delete APP`: the app's nginx config goes (nginx reloaded) with its template
/// and properties.
pub fn delete_app(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    let _ = std::fs::remove_dir_all(app_template_dir(layout, app));
    let _ = host.properties().destroy(PLUGIN, app);
    if conf_path(layout, app).exists() {
        apply(host, app, Change::Remove, true)?;
    }
    Ok(())
}

/// `nginx:validate-config [APP] [--clean]`: `nginx -t`; when it fails, the apps whose
/// config nginx names are reported (and with `clean`, their config removed).
pub fn validate(host: &dyn Host, app: Option<&str>, clean: bool) -> Result<(), DeployError> {
    let nginx = Nginx::from_env(host.env());
    if nginx.config().is_none() {
        return Err(DeployError::fail(
            "nginx is not configured: set DOKKU_NGINX_CONF (scripts/nginx.sh configure)",
        ));
    }
    let Err(err) = nginx.test() else {
        host.log(Level::Info1, "nginx configuration is valid");
        return Ok(());
    };
    let layout = host.layout();
    let apps: Vec<String> = match app {
        Some(a) => vec![a.to_string()],
        None => crate::app::list(&layout.dokku_root).unwrap_or_default(),
    };
    let mut broken = Vec::new();
    for a in apps {
        let path = conf_path(layout, &a).display().to_string();
        if err.contains(&format!("{path}:")) || err.contains(&format!("{path} ")) {
            broken.push(a);
        }
    }
    if clean && !broken.is_empty() {
        for a in &broken {
            host.log(Level::Info1, &format!("Removing invalid nginx.conf of {a}"));
            apply(host, a, Change::Remove, true)?;
        }
        return Ok(());
    }
    let mut message = format!("nginx configuration is invalid:\n{err}");
    if !broken.is_empty() {
        message.push_str(&format!(
            "\nfaulty app config: {} (nginx:validate-config --clean removes it)",
            broken.join(", ")
        ));
    }
    Err(DeployError::fail(message))
}

#[cfg(test)]
mod tests;
