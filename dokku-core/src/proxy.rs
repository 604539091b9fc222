//! The proxy plugin: whether an app sits behind a proxy, which one, and the ports it
//! listens on by default.
//!
//! Properties (plugin `proxy`): `disabled` (`true` turns the proxy off for the app),
//! `type` (app, then global, default `nginx`), `proxy-port` and `proxy-ssl-port`
//! (app, then global; default 80 and 443). `proxy-port` is the port of the default
//! `http` mapping and the one an https app redirects from; `proxy-ssl-port` is where
//! it redirects to.

use crate::deploy::{prop_app_or_global, DeployError, Host};
use crate::log::Level;
use crate::property::{PropertyStore, GLOBAL};
use crate::report::Report;

/// The plugin name (property namespace).
pub const PLUGIN: &str = "proxy";

/// The proxy type used when none is set.
pub const DEFAULT_TYPE: &str = "nginx";

/// Whether the app's proxy is on (`disabled` is not `true`).
pub fn is_enabled(props: &PropertyStore, app: &str) -> bool {
    props.get(PLUGIN, app, "disabled").ok().flatten().as_deref() != Some("true")
}

/// The app's proxy type: its own, else the global one, else `nginx`.
pub fn proxy_type(props: &PropertyStore, app: &str) -> String {
    prop_app_or_global(props, PLUGIN, app, "type").unwrap_or_else(|| DEFAULT_TYPE.into())
}

fn port_prop(props: &PropertyStore, app: &str, key: &str) -> Option<u16> {
    prop_app_or_global(props, PLUGIN, app, key).and_then(|p| p.parse().ok())
}

/// The http port of the default mapping (`proxy-port`, default 80).
pub fn http_port(props: &PropertyStore, app: &str) -> u16 {
    port_prop(props, app, "proxy-port").unwrap_or(80)
}

/// The https port (`proxy-ssl-port`, default 443).
pub fn ssl_port(props: &PropertyStore, app: &str) -> u16 {
    port_prop(props, app, "proxy-ssl-port").unwrap_or(443)
}

/// `proxy:enable APP`: turns the proxy on and fires `proxy-enable APP`.
pub fn enable(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let props = host.properties();
    if is_enabled(&props, app) {
        host.log(Level::Info1, "Proxy is already enabled for app");
        return Ok(());
    }
    host.log(Level::Info1, "Enabling proxy for app");
    props.delete(PLUGIN, app, "disabled")?;
    host.fire_checked("proxy-enable", &[app])
}

/// `proxy:disable APP`: turns the proxy off and fires `proxy-disable APP`.
pub fn disable(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let props = host.properties();
    if !is_enabled(&props, app) {
        host.log(Level::Info1, "Proxy is already disabled for app");
        return Ok(());
    }
    host.log(Level::Info1, "Disabling proxy for app");
    props.write(PLUGIN, app, "disabled", "true")?;
    host.fire_checked("proxy-disable", &[app])
}

/// `proxy:set APP|--global [TYPE]`: sets the proxy type (no type unsets it).
pub fn set_type(host: &dyn Host, app: &str, kind: Option<&str>) -> Result<(), DeployError> {
    let props = host.properties();
    match kind.filter(|k| !k.is_empty()) {
        Some(kind) => {
            if !kind
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            {
                return Err(DeployError::fail(format!("Invalid proxy type {kind}")));
            }
            host.log(Level::Info1, &format!("Setting proxy type to {kind}"));
            props.write(PLUGIN, app, "type", kind)?;
        }
        None => {
            host.log(Level::Info1, "Unsetting proxy type");
            props.delete(PLUGIN, app, "type")?;
        }
    }
    Ok(())
}

/// The `proxy:report` flags of `app` (or `--global`).
pub fn report(props: &PropertyStore, app: &str) -> Report {
    let get = |a: &str, key: &str| props.get(PLUGIN, a, key).ok().flatten().unwrap_or_default();
    let mut report = Report::new(PLUGIN, app).legacy_keys(false);
    report
        .flag("--proxy-global-type", get(GLOBAL, "type"))
        .flag("--proxy-global-proxy-port", get(GLOBAL, "proxy-port"))
        .flag(
            "--proxy-global-proxy-ssl-port",
            get(GLOBAL, "proxy-ssl-port"),
        );
    if app != GLOBAL {
        let enabled = is_enabled(props, app);
        report
            .flag("--proxy-enabled", enabled.to_string())
            .flag("--proxy-disabled", (!enabled).to_string())
            .flag("--proxy-computed-disabled", (!enabled).to_string())
            .flag("--proxy-type", get(app, "type"))
            .flag("--proxy-computed-type", proxy_type(props, app))
            .flag("--proxy-proxy-port", get(app, "proxy-port"))
            .flag(
                "--proxy-computed-proxy-port",
                http_port(props, app).to_string(),
            )
            .flag("--proxy-proxy-ssl-port", get(app, "proxy-ssl-port"))
            .flag(
                "--proxy-computed-proxy-ssl-port",
                ssl_port(props, app).to_string(),
            );
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    #[test]
    fn enable_disable_and_type() {
        let host = FakeHost::new();
        let props = host.properties();
        assert!(is_enabled(&props, "web"));
        disable(&host, "web").expect("disable");
        assert!(!is_enabled(&props, "web"));
        disable(&host, "web").expect("again");
        enable(&host, "web").expect("enable");
        assert!(is_enabled(&props, "web"));
        assert_eq!(
            *host.fired.borrow(),
            ["proxy-disable web", "proxy-enable web"]
        );
        assert_eq!(proxy_type(&props, "web"), "nginx");
        set_type(&host, GLOBAL, Some("caddy")).expect("global");
        assert_eq!(proxy_type(&props, "web"), "caddy");
        set_type(&host, "web", Some("nginx")).expect("app");
        assert_eq!(proxy_type(&props, "web"), "nginx");
        assert!(set_type(&host, "web", Some("bad type")).is_err());
    }

    #[test]
    fn ports_default_to_80_and_443() {
        let host = FakeHost::new();
        let props = host.properties();
        assert_eq!((http_port(&props, "a"), ssl_port(&props, "a")), (80, 443));
        props
            .write(PLUGIN, GLOBAL, "proxy-port", "8080")
            .expect("write");
        props
            .write(PLUGIN, "a", "proxy-ssl-port", "8443")
            .expect("write");
        assert_eq!(
            (http_port(&props, "a"), ssl_port(&props, "a")),
            (8080, 8443)
        );
    }
}
