//! Where an app's containers listen, as Dokku's `network` plugin answers for it
//! (beside [`crate::network`], which attaches them to networks):
//! `network-get-ipaddr`, `network-get-listeners`, `network-get-static-listeners`,
//! `network-config-exists`, `network-get-property`, `network-write-ipaddr`,
//! `network-write-port` and `network-build-config` (the `IP.TYPE.N` files brought in
//! line with the running containers).

use crate::deploy::{prop_app_or_global, DeployError, Host};
use crate::docker::ContainerInfo;
use crate::log::Level;
use crate::network::PLUGIN;
use crate::paths::Layout;
use crate::property::PropertyStore;

/// The properties `network-get-property` computes (app value, else global).
pub const GET_PROPERTIES: &[&str] = &[
    "attach-post-create",
    "attach-post-deploy",
    "bind-all-interfaces",
    "initial-network",
    "tld",
];

/// The app's `static-web-listener`, when set.
pub fn static_web_listener(props: &PropertyStore, app: &str) -> Option<String> {
    props
        .get(PLUGIN, app, "static-web-listener")
        .ok()
        .flatten()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// `network-get-property APP KEY`: the computed value (`bind-all-interfaces` defaults
/// to `false`); `None` for a key Dokku does not hand out.
pub fn property(props: &PropertyStore, app: &str, key: &str) -> Option<String> {
    if !GET_PROPERTIES.contains(&key) {
        return None;
    }
    let value = prop_app_or_global(props, PLUGIN, app, key).unwrap_or_default();
    Some(if key == "bind-all-interfaces" && value.is_empty() {
        "false".to_string()
    } else {
        value
    })
}

/// The address part of a `static-web-listener` (`host:port`, `[v6]:port` or a bare
/// address); `127.0.0.1` when it is neither.
fn listener_host(listener: &str) -> String {
    if let Ok(addr) = listener.parse::<std::net::SocketAddr>() {
        return addr.ip().to_string();
    }
    if let Ok(ip) = listener.parse::<std::net::IpAddr>() {
        return ip.to_string();
    }
    match listener.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => host.to_string(),
        _ => "127.0.0.1".to_string(),
    }
}

/// `network-get-ipaddr APP TYPE CID`: a web container's address is the static
/// listener's when one is set; a container on the host network is `127.0.0.1`;
/// otherwise its address on the app's `initial-network` (else `bridge`).
pub fn container_ip(host: &dyn Host, app: &str, proc_type: &str, cid: &str) -> String {
    let props = host.properties();
    if proc_type == "web" {
        if let Some(listener) = static_web_listener(&props, app) {
            return listener_host(&listener);
        }
    }
    // The address this process read when the container passed its checks.
    if let Some(known) = crate::scheduler::vouched::get(cid) {
        return known.ip;
    }
    let Some(info) = host.docker().container_inspect(cid) else {
        return String::new();
    };
    address(
        &info,
        prop_app_or_global(&props, PLUGIN, app, "initial-network"),
    )
}

fn address(info: &ContainerInfo, network: Option<String>) -> String {
    if info.networks.contains_key("host") && info.networks.len() == 1 {
        return "127.0.0.1".to_string();
    }
    info.ip(network.as_deref()).unwrap_or_default().to_string()
}

/// `network-config-exists APP`: `IP.web.1` and `PORT.web.1` exist, or a static web
/// listener is set.
pub fn config_exists(layout: &Layout, props: &PropertyStore, app: &str) -> bool {
    (layout.ip_file(app, "web", 1).is_file() && layout.port_file(app, "web", 1).is_file())
        || static_web_listener(props, app).is_some()
}

/// Why a `network-write-*` call was refused.
fn bad(what: &str, value: &str) -> DeployError {
    DeployError::fail(format!("Invalid {what} specified: {value}"))
}

/// Checks the parts of an `IP.TYPE.N` / `PORT.TYPE.N` file name.
fn file_parts(
    host: &dyn Host,
    app: &str,
    proc_type: &str,
    index: &str,
) -> Result<u32, DeployError> {
    crate::app::verify(&host.layout().dokku_root, app)
        .map_err(|e| DeployError::fail(e.to_string()))?;
    if !crate::ps::is_valid_process_type(proc_type) {
        return Err(bad("process type", proc_type));
    }
    match index.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(bad("container index", index)),
    }
}

/// `network-write-ipaddr APP TYPE INDEX IP` / `network-write-port APP TYPE INDEX PORT`:
/// writes `IP.TYPE.INDEX` (or `PORT.TYPE.INDEX`) in the app's directory.
pub fn write(
    host: &dyn Host,
    app: &str,
    proc_type: &str,
    index: &str,
    kind: FileKind,
    value: &str,
) -> Result<(), DeployError> {
    let index = file_parts(host, app, proc_type, index)?;
    let layout = host.layout();
    let (path, valid) = match kind {
        FileKind::Ip => (
            layout.ip_file(app, proc_type, index),
            value.parse::<std::net::IpAddr>().is_ok(),
        ),
        FileKind::Port => (
            layout.port_file(app, proc_type, index),
            value.parse::<u16>().is_ok(),
        ),
    };
    if !valid {
        return Err(bad(kind.noun(), value));
    }
    crate::fs::write_atomic(&path, value.as_bytes(), 0o644).map_err(DeployError::io("write", &path))
}

/// Which file `network-write-*` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `IP.TYPE.N`.
    Ip,
    /// `PORT.TYPE.N`.
    Port,
}

impl FileKind {
    fn noun(self) -> &'static str {
        match self {
            FileKind::Ip => "ip address",
            FileKind::Port => "port",
        }
    }
}

/// `network-build-config APP`: for a deployed docker-local app without a static web
/// listener, the address of each running recorded container is asked again
/// (`network-get-ipaddr`) and written (`network-write-ipaddr`), so a container that
/// came back with a new address is routed there.
pub fn build_config(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let props = host.properties();
    if !crate::deploy::is_deployed(host, app)
        || static_web_listener(&props, app).is_some()
        || crate::deploy::scheduler_of(&props, app) != "docker-local"
    {
        return Ok(());
    }
    let slots = crate::scheduler::slots(host.layout(), app);
    if slots.is_empty() {
        return Ok(());
    }
    host.log(
        Level::Info1,
        &format!("Ensuring network configuration is in sync for {app}"),
    );
    // Containers this process vouches for run; only the others are asked.
    let vouched = crate::scheduler::vouched::addresses();
    let ask: Vec<String> = slots
        .iter()
        .filter(|s| !vouched.contains_key(&s.cid))
        .map(|s| s.cid.clone())
        .collect();
    let running: Vec<String> = host
        .docker()
        .containers_inspect(&ask)
        .into_iter()
        .filter(|c| c.running)
        .map(|c| c.id)
        .chain(vouched.into_keys())
        .collect();
    for slot in slots {
        if !running.iter().any(|id| id.starts_with(&slot.cid)) {
            continue;
        }
        let ip = host.fire_capture("network-get-ipaddr", &[app, &slot.proc_type, &slot.cid])?;
        let ip = ip.trim();
        if ip.is_empty() {
            continue;
        }
        let index = slot.index.to_string();
        if let Err(err) =
            host.fire_checked("network-write-ipaddr", &[app, &slot.proc_type, &index, ip])
        {
            host.log(Level::Warn, &err.to_string());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    #[test]
    fn static_listeners_give_the_address_part() {
        assert_eq!(listener_host("10.0.0.9:8080"), "10.0.0.9");
        assert_eq!(listener_host("[::1]:8080"), "::1");
        assert_eq!(listener_host("10.0.0.9"), "10.0.0.9");
        assert_eq!(listener_host("db.internal:5432"), "db.internal");
        assert_eq!(listener_host("nonsense"), "127.0.0.1");
    }

    #[test]
    fn properties_are_computed_and_unknown_keys_refused() {
        let host = FakeHost::new();
        let props = host.properties();
        assert_eq!(
            property(&props, "web", "bind-all-interfaces").as_deref(),
            Some("false")
        );
        props
            .write(PLUGIN, crate::property::GLOBAL, "tld", "svc")
            .expect("write");
        assert_eq!(property(&props, "web", "tld").as_deref(), Some("svc"));
        props.write(PLUGIN, "web", "tld", "app").expect("write");
        assert_eq!(property(&props, "web", "tld").as_deref(), Some("app"));
        assert_eq!(property(&props, "web", "static-web-listener"), None);
        assert_eq!(property(&props, "web", "nope"), None);
    }

    #[test]
    fn writes_are_checked_before_a_path_is_made() {
        let host = FakeHost::new();
        host.mkapp("web");
        write(&host, "web", "web", "1", FileKind::Ip, "172.17.0.5").expect("ip");
        write(&host, "web", "web", "1", FileKind::Port, "5000").expect("port");
        let layout = host.layout();
        assert_eq!(
            std::fs::read_to_string(layout.ip_file("web", "web", 1)).expect("ip file"),
            "172.17.0.5"
        );
        assert!(config_exists(layout, &host.properties(), "web"));
        let refuse = |t: &str, i: &str, kind: FileKind, v: &str| {
            write(&host, "web", t, i, kind, v)
                .expect_err("refused")
                .to_string()
        };
        assert_eq!(
            refuse("../x", "1", FileKind::Ip, "1.2.3.4"),
            "Invalid process type specified: ../x"
        );
        assert_eq!(
            refuse("web", "1/..", FileKind::Ip, "1.2.3.4"),
            "Invalid container index specified: 1/.."
        );
        assert_eq!(
            refuse("web", "1", FileKind::Ip, "not-an-ip"),
            "Invalid ip address specified: not-an-ip"
        );
        assert_eq!(
            refuse("web", "2", FileKind::Port, "99999"),
            "Invalid port specified: 99999"
        );
        assert!(write(&host, "nope", "web", "1", FileKind::Ip, "1.2.3.4").is_err());
    }

    /// A container this process vouched for and then stopped is asked about again,
    /// not counted as running.
    #[test]
    fn a_forgotten_vouched_container_is_not_counted_as_running() {
        let mut host = FakeHost::new();
        host.mkapp("forgetful");
        let cid = "forgotten-vouched-cid";
        std::fs::write(
            host.layout.container_file("forgetful", "web", 1),
            format!("{cid}\n"),
        )
        .expect("slot");
        host.properties()
            .write("common", "forgetful", "deployed", "true")
            .expect("deployed");
        // Docker no longer knows it.
        host.fake.respond(
            &["container", "inspect"],
            crate::docker::CallResult {
                code: 1,
                stdout: "[]".into(),
                stderr: format!("Error: No such container: {cid}"),
            },
        );
        host.on("network-get-ipaddr", |_, _| (0, "10.1.1.1".into()));
        let asked = |host: &FakeHost| {
            host.fired
                .borrow()
                .iter()
                .filter(|f| f.starts_with("network-get-ipaddr"))
                .count()
        };
        crate::scheduler::vouched::vouch(cid, "10.1.1.1", "forgetful.web.1");
        build_config(&host, "forgetful").expect("build");
        assert_eq!(asked(&host), 1, "vouched: counted as running");
        crate::scheduler::vouched::forget(cid);
        build_config(&host, "forgetful").expect("build");
        assert_eq!(
            asked(&host),
            1,
            "forgotten: docker is asked, and it is gone"
        );
        let calls = host.fake.calls().join("\n");
        assert!(
            calls.contains(&format!("container inspect {cid}")),
            "{calls}"
        );
    }
}
