//! Port mappings (`scheme:host-port:container-port`), as the `ports` plugin stores
//! them: the list properties `ports map` (set by the operator) and `ports
//! map-detected` (set by the builder from the image's `EXPOSE`).

use std::fmt;

use crate::property::{PropertyError, PropertyStore};

/// The plugin name the properties live under.
pub const PLUGIN: &str = "ports";

/// One mapping.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PortMap {
    /// `http`, `https`, `udp`, ...
    pub scheme: String,
    /// Port the proxy listens on.
    pub host: u16,
    /// Port the container listens on.
    pub container: u16,
}

impl PortMap {
    /// Parses `scheme:host:container`.
    pub fn parse(text: &str) -> Option<PortMap> {
        let mut parts = text.trim().split(':');
        let scheme = parts.next()?.to_string();
        let host = parts.next()?.parse().ok().filter(|p| *p > 0)?;
        let container = parts.next()?.parse().ok().filter(|p| *p > 0)?;
        if parts.next().is_some() || scheme.is_empty() {
            return None;
        }
        Some(PortMap {
            scheme,
            host,
            container,
        })
    }
}

impl fmt::Display for PortMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.scheme, self.host, self.container)
    }
}

/// The builder's rule for one exposed port: `udp:P:P` for `/udp`, `https:443:443` for
/// 443, else `http:P:P`.
pub fn map_for_exposed(port: &str) -> Option<PortMap> {
    let (number, proto) = port.split_once('/').unwrap_or((port, "tcp"));
    let p: u16 = number.trim().parse().ok()?;
    let scheme = if proto == "udp" {
        "udp"
    } else if p == 443 {
        "https"
    } else {
        "http"
    };
    Some(PortMap {
        scheme: scheme.into(),
        host: p,
        container: p,
    })
}

/// The ports of every `EXPOSE` line of a Dockerfile (CRLF tolerated), as mappings.
pub fn from_dockerfile(text: &str) -> Vec<PortMap> {
    let mut out: Vec<PortMap> = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter_map(|l| l.strip_prefix("EXPOSE "))
        .flat_map(|rest| {
            rest.split_whitespace()
                .take(1)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter_map(|p| map_for_exposed(&p))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Stores the detected mappings (`ports-set-detected`).
pub fn set_detected(
    props: &PropertyStore,
    app: &str,
    maps: &[PortMap],
) -> Result<(), PropertyError> {
    let lines: Vec<String> = maps.iter().map(ToString::to_string).collect();
    props.list_write(PLUGIN, app, "map-detected", &lines)
}

/// `ports-get`: `map`, else `map-detected`, else `http:<proxy-port or 80>:5000`.
pub fn get(props: &PropertyStore, app: &str) -> Vec<PortMap> {
    for key in ["map", "map-detected"] {
        let maps: Vec<PortMap> = props
            .list_get(PLUGIN, app, key)
            .unwrap_or_default()
            .iter()
            .filter_map(|l| PortMap::parse(l))
            .collect();
        if !maps.is_empty() {
            return maps;
        }
    }
    let proxy_port = crate::deploy::prop_app_or_global(props, "proxy", app, "proxy-port")
        .and_then(|p| p.parse().ok())
        .unwrap_or(80);
    vec![PortMap {
        scheme: "http".into(),
        host: proxy_port,
        container: 5000,
    }]
}

/// The web process's `PORT`: the container port of the first mapping that is not
/// `udp` (5000 by default).
pub fn web_port(props: &PropertyStore, app: &str) -> u16 {
    get(props, app)
        .iter()
        .find(|m| m.scheme != "udp")
        .map(|m| m.container)
        .unwrap_or(5000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expose_lines_become_maps() {
        let maps =
            from_dockerfile("FROM x\r\nEXPOSE 5000\nEXPOSE 53/udp\nEXPOSE 443 80\n#EXPOSE 1\n");
        let text: Vec<String> = maps.iter().map(ToString::to_string).collect();
        assert_eq!(text, vec!["http:5000:5000", "https:443:443", "udp:53:53"]);
    }

    #[test]
    fn web_port_defaults_to_5000() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        assert_eq!(web_port(&props, "a"), 5000);
        set_detected(
            &props,
            "a",
            &[
                map_for_exposed("53/udp").expect("map"),
                map_for_exposed("3000").expect("map"),
            ],
        )
        .expect("set");
        assert_eq!(web_port(&props, "a"), 3000);
    }
}
