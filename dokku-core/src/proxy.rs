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

/// The properties `proxy:set` takes, and those it takes with `--global`.
pub const SET_KEYS: &[&str] = &["disabled", "proxy-port", "proxy-ssl-port", "type"];
/// The properties `proxy:set --global` takes.
pub const GLOBAL_SET_KEYS: &[&str] = &["proxy-port", "proxy-ssl-port", "type"];

/// Why `proxy:set` refused its words before anything was written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SetError {
    /// The old one-word form was given something shaped like `http:80:5000`.
    #[error("Consider using ports:set command or specifying a valid proxy")]
    PortMapping,
    /// A proxy type outside `[a-z0-9_-]` (it names trigger plugins and files).
    #[error("Invalid proxy type {0}")]
    InvalidType(String),
}

/// The warning Dokku prints before [`SetError::PortMapping`].
pub const PORT_MAPPING_WARNING: &str = "Detected potential port mapping instead of proxy type";

/// Normalises the words of `proxy:set APP KEY [VALUE]` into a property and value.
///
/// Dokku's old form `proxy:set APP TYPE` (one word that is not a property) still
/// means `type TYPE`; a word with `:` there is a port mapping given to the wrong
/// command and is refused.
pub fn set_words(key: &str, value: &str) -> Result<(String, String), SetError> {
    let (key, value) = if !SET_KEYS.contains(&key) && value.is_empty() && !key.is_empty() {
        if key.contains(':') {
            return Err(SetError::PortMapping);
        }
        ("type", key)
    } else {
        (key, value)
    };
    if key == "type"
        && !value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return Err(SetError::InvalidType(value.to_string()));
    }
    Ok((key.to_string(), value.to_string()))
}

/// The `proxy:report` flags of `app` (or `--global`), as Dokku 0.38 reports them: raw
/// values empty when unset, the computed ones app-then-global (type defaults to
/// `nginx`; the ports have no computed default in the report even though routing
/// falls back to 80 and 443).
pub fn report(props: &PropertyStore, app: &str) -> Report {
    let get = |a: &str, key: &str| props.get(PLUGIN, a, key).ok().flatten().unwrap_or_default();
    let computed = |key: &str| prop_app_or_global(props, PLUGIN, app, key).unwrap_or_default();
    let mut report = Report::new(PLUGIN, app);
    report
        .flag("--proxy-global-type", get(GLOBAL, "type"))
        .flag("--proxy-global-proxy-port", get(GLOBAL, "proxy-port"))
        .flag(
            "--proxy-global-proxy-ssl-port",
            get(GLOBAL, "proxy-ssl-port"),
        )
        .flag("--proxy-computed-type", proxy_type(props, app))
        .flag("--proxy-computed-proxy-port", computed("proxy-port"))
        .flag(
            "--proxy-computed-proxy-ssl-port",
            computed("proxy-ssl-port"),
        );
    if app != GLOBAL {
        let disabled = get(app, "disabled");
        let computed_disabled = if disabled.is_empty() {
            "false".to_string()
        } else {
            disabled.clone()
        };
        report
            .flag("--proxy-enabled", is_enabled(props, app).to_string())
            .flag("--proxy-disabled", disabled)
            .flag("--proxy-computed-disabled", computed_disabled)
            .flag("--proxy-type", get(app, "type"))
            .flag("--proxy-proxy-port", get(app, "proxy-port"))
            .flag("--proxy-proxy-ssl-port", get(app, "proxy-ssl-port"));
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
        props
            .write(PLUGIN, GLOBAL, "type", "caddy")
            .expect("global");
        assert_eq!(proxy_type(&props, "web"), "caddy");
        props.write(PLUGIN, "web", "type", "nginx").expect("app");
        assert_eq!(proxy_type(&props, "web"), "nginx");
    }

    #[test]
    fn set_words_keep_the_old_one_word_form_and_refuse_port_mappings() {
        let words = |k: &str, v: &str| set_words(k, v);
        assert_eq!(words("caddy", ""), Ok(("type".into(), "caddy".into())));
        assert_eq!(
            words("proxy-port", ""),
            Ok(("proxy-port".into(), "".into()))
        );
        assert_eq!(words("type", ""), Ok(("type".into(), "".into())));
        assert_eq!(
            words("proxy-port", "5000"),
            Ok(("proxy-port".into(), "5000".into()))
        );
        assert_eq!(words("http:80:5000", ""), Err(SetError::PortMapping));
        assert_eq!(
            words("type", "bad type"),
            Err(SetError::InvalidType("bad type".into()))
        );
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
