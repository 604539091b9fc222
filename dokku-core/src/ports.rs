//! Port mappings (`scheme:host-port:container-port`), as the `ports` plugin stores
//! them: the list properties `ports map` (set by the operator with `ports:set`,
//! `ports:add`, ...) and `ports map-detected` (set by the builder from the image's
//! `EXPOSE`). The operator's list wins; without either, an app gets
//! `http:<proxy-port>:5000`.
//!
//! Schemes: `http`, `https`, `grpc`, `grpcs` (proxied by nginx), `tcp` and `udp`
//! (accepted, not proxied). Unlike Dokku, an unknown scheme is refused.

use std::fmt;

use thiserror::Error;

use crate::deploy::{DeployError, Host};
use crate::log::Level;
use crate::paths::Layout;
use crate::property::{PropertyError, PropertyStore};

/// The plugin name the properties live under.
pub const PLUGIN: &str = "ports";

/// The schemes a mapping may use.
pub const SCHEMES: &[&str] = &["http", "https", "grpc", "grpcs", "tcp", "udp"];

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

/// Why a port mapping was refused (Dokku's words, plus the scheme check).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PortsError {
    /// Not `scheme:host-port:container-port`.
    #[error("Invalid port map {map} [{reason}]")]
    Invalid {
        /// The text given.
        map: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No mapping was given.
    #[error("No port mapping specified")]
    Missing,
    /// Two mappings share `scheme:host-port`.
    #[error("The same scheme:host-port is being reused: {0}")]
    Reused(String),
    /// The store failed.
    #[error(transparent)]
    Property(#[from] PropertyError),
}

impl From<PortsError> for DeployError {
    fn from(err: PortsError) -> DeployError {
        match err {
            PortsError::Property(e) => DeployError::Property(e),
            other => DeployError::fail(other.to_string()),
        }
    }
}

impl PortMap {
    /// Parses a stored `scheme:host:container` leniently (`None` when malformed).
    pub fn parse(text: &str) -> Option<PortMap> {
        PortMap::parse_strict(text).ok()
    }

    /// Parses `scheme:host-port:container-port` as `ports:set` does, with Dokku's
    /// error texts.
    pub fn parse_strict(text: &str) -> Result<PortMap, PortsError> {
        let text = text.trim();
        let invalid = |reason: String| PortsError::Invalid {
            map: text.to_string(),
            reason,
        };
        let parts: Vec<&str> = text.splitn(3, ':').collect();
        if parts.len() != 3 {
            return Err(invalid(format!(
                "len={}; expected scheme:host-port:container-port, e.g. http:80:5000",
                parts.len()
            )));
        }
        let port = |which: &str, value: &str| -> Result<u16, PortsError> {
            match value.parse::<u32>() {
                Ok(p) if (1..=65535).contains(&p) => Ok(p as u16),
                Ok(p) => Err(invalid(format!("{which}={p}"))),
                Err(_) => Err(invalid(format!(
                    "err=strconv.Atoi: parsing {value:?}: invalid syntax"
                ))),
            }
        };
        let host = port("hostPort", parts[1])?;
        let container = port("containerPort", parts[2])?;
        let scheme = parts[0];
        if !SCHEMES.contains(&scheme) {
            return Err(invalid(format!(
                "unknown scheme {scheme:?}; use one of {}",
                SCHEMES.join(", ")
            )));
        }
        Ok(PortMap {
            scheme: scheme.to_string(),
            host,
            container,
        })
    }

    /// `scheme:host`, the key that must be unique in a list.
    pub fn listen_key(&self) -> String {
        format!("{}:{}", self.scheme, self.host)
    }
}

impl fmt::Display for PortMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.scheme, self.host, self.container)
    }
}

/// What `ports:remove` takes: a whole mapping or a bare host port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    /// `scheme:host:container`.
    Map(PortMap),
    /// A host port: every mapping listening there.
    HostPort(u16),
}

/// The words of a command line as mappings (each argument may hold several,
/// space-separated). `bare` allows a lone host port (`ports:remove`).
pub fn parse_args(args: &[String], bare: bool) -> Result<Vec<PortSpec>, PortsError> {
    let mut out = Vec::new();
    for word in args.iter().flat_map(|a| a.split_whitespace()) {
        if bare && !word.contains(':') {
            match word.parse::<u32>() {
                Ok(p) if (1..=65535).contains(&p) => out.push(PortSpec::HostPort(p as u16)),
                Ok(p) => {
                    return Err(PortsError::Invalid {
                        map: word.to_string(),
                        reason: format!("hostPort={p}"),
                    })
                }
                Err(_) => {
                    return Err(PortsError::Invalid {
                        map: word.to_string(),
                        reason: format!("err=strconv.Atoi: parsing {word:?}: invalid syntax"),
                    })
                }
            }
            continue;
        }
        out.push(PortSpec::Map(PortMap::parse_strict(word)?));
    }
    if out.is_empty() {
        return Err(PortsError::Missing);
    }
    Ok(out)
}

/// Sorted, without duplicates, and with every `scheme:host-port` used once.
fn normalized(mut maps: Vec<PortMap>) -> Result<Vec<PortMap>, PortsError> {
    maps.sort();
    maps.dedup();
    let mut seen = std::collections::BTreeSet::new();
    for m in &maps {
        if !seen.insert(m.listen_key()) {
            return Err(PortsError::Reused(m.listen_key()));
        }
    }
    Ok(maps)
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

/// The port of every `EXPOSE` line of a Dockerfile (its first word: `3000/tcp`), in
/// file order; CRLF line ends are tolerated.
pub fn exposed_in_dockerfile(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter_map(|l| l.strip_prefix("EXPOSE "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// The ports of every `EXPOSE` line of a Dockerfile (CRLF tolerated), as mappings.
pub fn from_dockerfile(text: &str) -> Vec<PortMap> {
    let mut out: Vec<PortMap> = exposed_in_dockerfile(text)
        .iter()
        .filter_map(|p| map_for_exposed(p))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `fn-builder-dockerfile-get-detect-port-map`: one mapping per exposed port, in the
/// order given (see [`map_for_exposed`]); ports that do not parse are skipped.
pub fn detect_map(exposed: &[String]) -> Vec<PortMap> {
    exposed.iter().filter_map(|p| map_for_exposed(p)).collect()
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

fn read_list(props: &PropertyStore, app: &str, key: &str) -> Vec<PortMap> {
    props
        .list_get(PLUGIN, app, key)
        .unwrap_or_default()
        .iter()
        .filter_map(|l| PortMap::parse(l))
        .collect()
}

/// The operator's mappings (`ports map`).
pub fn configured(props: &PropertyStore, app: &str) -> Vec<PortMap> {
    read_list(props, app, "map")
}

/// The builder's mappings (`ports map-detected`).
pub fn detected(props: &PropertyStore, app: &str) -> Vec<PortMap> {
    read_list(props, app, "map-detected")
}

/// `ports-get` without certificates: `map`, else `map-detected`, else
/// `http:<proxy-port>:5000`.
pub fn get(props: &PropertyStore, app: &str) -> Vec<PortMap> {
    let maps = configured(props, app);
    if maps.is_empty() {
        unconfigured(props, app)
    } else {
        maps
    }
}

/// What an app without operator mappings uses: `map-detected`, else
/// `http:<proxy-port>:5000`.
fn unconfigured(props: &PropertyStore, app: &str) -> Vec<PortMap> {
    let maps = detected(props, app);
    if !maps.is_empty() {
        return maps;
    }
    vec![PortMap {
        scheme: "http".into(),
        host: crate::proxy::http_port(props, app),
        container: 5000,
    }]
}

/// `ports-get`: [`get`], plus, for an app with a certificate whose mappings were not
/// set by the operator, `https:<proxy-ssl-port>:C` for every `http:<proxy-port>:C`.
pub fn effective(layout: &Layout, props: &PropertyStore, app: &str) -> Vec<PortMap> {
    let mut maps = get(props, app);
    if configured(props, app).is_empty() && crate::certs::is_enabled(layout, app) {
        let (http, ssl) = (
            crate::proxy::http_port(props, app),
            crate::proxy::ssl_port(props, app),
        );
        let extra: Vec<PortMap> = maps
            .iter()
            .filter(|m| m.scheme == "http" && m.host == http)
            .map(|m| PortMap {
                scheme: "https".into(),
                host: ssl,
                container: m.container,
            })
            .collect();
        for m in extra {
            if !maps.iter().any(|x| x.listen_key() == m.listen_key()) {
                maps.push(m);
            }
        }
        maps.sort();
    }
    maps
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

/// Changes the operator's mappings (`ports map`) holding the property's lock from
/// read to write, so parallel `ports:add` calls keep each other's mappings. `edit`
/// gets the stored mappings and returns the new ones; nothing is written when they
/// are the same or `edit` fails. A list left empty stays as an empty property, which
/// reads as no operator mappings, the same as a missing one.
fn edit_configured(
    props: &PropertyStore,
    app: &str,
    edit: impl FnOnce(Vec<PortMap>) -> Result<Vec<PortMap>, PortsError>,
) -> Result<(), PortsError> {
    props.list_try_update(PLUGIN, app, "map", |lines| {
        let current: Vec<PortMap> = lines.iter().filter_map(|l| PortMap::parse(l)).collect();
        let next = edit(current.clone())?;
        if next == current {
            return Ok::<_, PortsError>(false);
        }
        *lines = next.iter().map(ToString::to_string).collect();
        Ok(true)
    })?;
    Ok(())
}

fn only_maps(specs: Vec<PortSpec>) -> Result<Vec<PortMap>, PortsError> {
    specs
        .into_iter()
        .map(|s| match s {
            PortSpec::Map(m) => Ok(m),
            PortSpec::HostPort(p) => Err(PortsError::Invalid {
                map: p.to_string(),
                reason: "len=1; expected scheme:host-port:container-port, e.g. http:80:5000".into(),
            }),
        })
        .collect()
}

/// `ports:set APP MAP...`: replaces the operator's mappings, then fires
/// `post-proxy-ports-update APP set`.
pub fn set(host: &dyn Host, app: &str, args: &[String]) -> Result<(), DeployError> {
    let maps = normalized(only_maps(parse_args(args, false)?)?)?;
    edit_configured(&host.properties(), app, |_| Ok(maps))?;
    host.fire_checked("post-proxy-ports-update", &[app, "set"])
}

/// `ports:add APP MAP...`: adds to the app's current mappings.
pub fn add(host: &dyn Host, app: &str, args: &[String]) -> Result<(), DeployError> {
    let added = only_maps(parse_args(args, false)?)?;
    let props = host.properties();
    edit_configured(&props, app, |mut maps| {
        if maps.is_empty() {
            maps = unconfigured(&props, app);
        }
        // As Dokku: adding a mapping the app already has is a reuse too.
        if let Some(dup) = added
            .iter()
            .find(|a| maps.iter().any(|m| m.listen_key() == a.listen_key()))
        {
            return Err(PortsError::Reused(dup.listen_key()));
        }
        maps.extend(added);
        normalized(maps)
    })?;
    host.fire_checked("post-proxy-ports-update", &[app, "add"])
}

/// `ports:remove APP MAP|HOST-PORT...`.
pub fn remove(host: &dyn Host, app: &str, args: &[String]) -> Result<(), DeployError> {
    let specs = parse_args(args, true)?;
    let props = host.properties();
    edit_configured(&props, app, |mut maps| {
        if maps.is_empty() {
            maps = unconfigured(&props, app);
        }
        maps.retain(|m| {
            !specs.iter().any(|s| match s {
                PortSpec::Map(x) => x == m,
                PortSpec::HostPort(p) => *p == m.host,
            })
        });
        Ok(maps)
    })?;
    host.fire_checked("post-proxy-ports-update", &[app, "remove"])
}

/// `ports-configure APP` (Dokku's ports plugin answers it for the proxy, before a
/// config is built): an app without virtual hosts and without any mapping listens on
/// a random free high port, recorded as its `proxy-port`.
pub fn configure(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    let props = host.properties();
    if crate::domains::app_enabled(layout, app)
        || !configured(&props, app).is_empty()
        || !detected(&props, app).is_empty()
        || props
            .get(crate::proxy::PLUGIN, app, "proxy-port")?
            .is_some()
    {
        return Ok(());
    }
    host.log(
        Level::Info1,
        "No port set, setting to random open high port",
    );
    let port = available_port().ok_or_else(|| DeployError::fail("cannot find a free port"))?;
    host.log(Level::Info1, &format!("Random port {port}"));
    props.write(crate::proxy::PLUGIN, app, "proxy-port", &port.to_string())?;
    Ok(())
}

/// `ports-get-available`: a free TCP port above 1024, as the kernel hands one out.
pub fn available_port() -> Option<u16> {
    (0..16).find_map(|_| {
        let port = std::net::TcpListener::bind("0.0.0.0:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .ok()?;
        (port > 1024).then_some(port)
    })
}

/// `ports-clear APP`: forgets the app's mappings, set and detected, without a
/// rebuild (`ports:clear` is [`clear`]).
pub fn forget(props: &PropertyStore, app: &str) -> Result<(), PropertyError> {
    props.delete(PLUGIN, app, "map")?;
    props.delete(PLUGIN, app, "map-detected")
}

/// `ports:clear APP`: drops the operator's and the detected mappings.
pub fn clear(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    forget(&host.properties(), app)?;
    host.fire_checked("post-proxy-ports-update", &[app, "clear"])
}

/// `ports:list APP`: the header line and the columns, as Dokku prints them
/// (`-----> Port mappings for APP`, then a `    `-indented table).
pub fn list_lines(maps: &[PortMap], quiet: bool) -> Vec<String> {
    let mut rows: Vec<[String; 3]> = Vec::new();
    if !quiet {
        rows.push([
            "-----> scheme".into(),
            "host port".into(),
            "container port".into(),
        ]);
    }
    let mut sorted = maps.to_vec();
    sorted.sort();
    for m in sorted {
        rows.push([m.scheme, m.host.to_string(), m.container.to_string()]);
    }
    let widths: Vec<usize> = (0..3)
        .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    rows.into_iter()
        .map(|r| {
            format!(
                "    {:<w0$}  {:<w1$}  {}",
                r[0],
                r[1],
                r[2],
                w0 = widths[0],
                w1 = widths[1]
            )
        })
        .collect()
}

/// `post-certs-update`: an operator's `http:<proxy-port>:C` gains
/// `https:<proxy-ssl-port>:C`, unless the operator already maps that https port
/// (kept as it is, as in Dokku).
pub fn after_certs_update(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let props = host.properties();
    let (http, ssl) = (
        crate::proxy::http_port(&props, app),
        crate::proxy::ssl_port(&props, app),
    );
    edit_configured(&props, app, |maps| {
        let plain: Vec<u16> = maps
            .iter()
            .filter(|m| m.scheme == "http" && m.host == http)
            .map(|m| m.container)
            .collect();
        if plain.is_empty() || maps.iter().any(|m| m.scheme == "https" && m.host == ssl) {
            return Ok(maps);
        }
        let mut next = maps;
        next.extend(plain.into_iter().map(|c| PortMap {
            scheme: "https".into(),
            host: ssl,
            container: c,
        }));
        normalized(next)
    })?;
    Ok(())
}

/// `post-certs-remove`: the operator's `https:<proxy-ssl-port>:*` mappings go.
pub fn after_certs_remove(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let props = host.properties();
    let ssl = crate::proxy::ssl_port(&props, app);
    edit_configured(&props, app, |mut maps| {
        maps.retain(|m| !(m.scheme == "https" && m.host == ssl));
        Ok(maps)
    })?;
    Ok(())
}

fn json(maps: &[PortMap]) -> String {
    let items: Vec<serde_json::Value> = maps
        .iter()
        .map(|m| {
            serde_json::json!({
                "container_port": m.container,
                "host_port": m.host,
                "scheme": m.scheme,
            })
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

/// The `ports:report` flags of `app`.
pub fn report(props: &PropertyStore, app: &str) -> crate::report::Report {
    let join = |maps: &[PortMap]| {
        maps.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    // As Dokku: the detected mappings default to `http:<proxy-port>:5000`.
    let (map, detected) = (configured(props, app), unconfigured(props, app));
    let mut report = crate::report::Report::new(PLUGIN, app);
    report
        .flag("--ports-map", join(&map))
        .flag("--ports-map-detected", join(&detected))
        .flag("--ports-map-json", json(&map))
        .flag("--ports-map-detected-json", json(&detected));
    report
}

/// Logs `ports:list` for `app` through `host`.
pub fn list(host: &dyn Host, app: &str, quiet: bool) -> Result<(), DeployError> {
    let maps = effective(host.layout(), &host.properties(), app);
    if maps.is_empty() {
        return Err(DeployError::fail("No port mappings configured for app"));
    }
    host.log(Level::Info1, &format!("Port mappings for {app}"));
    for line in list_lines(&maps, quiet) {
        host.log(Level::Plain, &line);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    fn strings(maps: &[PortMap]) -> Vec<String> {
        maps.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn expose_lines_become_maps() {
        let maps =
            from_dockerfile("FROM x\r\nEXPOSE 5000\nEXPOSE 53/udp\nEXPOSE 443 80\n#EXPOSE 1\n");
        assert_eq!(
            strings(&maps),
            vec!["http:5000:5000", "https:443:443", "udp:53:53"]
        );
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

    #[test]
    fn strict_parsing_explains_what_is_wrong() {
        let err = |t: &str| PortMap::parse_strict(t).expect_err(t).to_string();
        assert_eq!(
            err("http:80"),
            "Invalid port map http:80 [len=2; expected scheme:host-port:container-port, e.g. http:80:5000]"
        );
        assert_eq!(
            err("http:0:5000"),
            "Invalid port map http:0:5000 [hostPort=0]"
        );
        assert_eq!(
            err("http:80:70000"),
            "Invalid port map http:80:70000 [containerPort=70000]"
        );
        assert_eq!(
            err("http:x:5000"),
            "Invalid port map http:x:5000 [err=strconv.Atoi: parsing \"x\": invalid syntax]"
        );
        assert_eq!(
            err("ftp:21:21"),
            "Invalid port map ftp:21:21 [unknown scheme \"ftp\"; use one of http, https, grpc, grpcs, tcp, udp]"
        );
        assert_eq!(
            PortMap::parse_strict("https:443:5000")
                .expect("ok")
                .to_string(),
            "https:443:5000"
        );
    }

    #[test]
    fn set_add_remove_clear() {
        let host = FakeHost::new();
        let props = host.properties();
        set_detected(&props, "web", &[map_for_exposed("5000").expect("map")]).expect("detected");
        add(&host, "web", &["http:8080:5000".into()]).expect("add");
        assert_eq!(
            strings(&get(&props, "web")),
            ["http:5000:5000", "http:8080:5000"]
        );
        set(&host, "web", &["http:80:5000 https:443:5000".into()]).expect("set");
        assert_eq!(
            strings(&configured(&props, "web")),
            ["http:80:5000", "https:443:5000"]
        );
        remove(&host, "web", &["443".into()]).expect("remove");
        assert_eq!(strings(&configured(&props, "web")), ["http:80:5000"]);
        let reused = set(
            &host,
            "web",
            &["http:80:5000".into(), "http:80:3000".into()],
        );
        assert_eq!(
            reused.expect_err("reused").to_string(),
            "The same scheme:host-port is being reused: http:80"
        );
        assert_eq!(
            strings(&configured(&props, "web")),
            ["http:80:5000"],
            "unchanged"
        );
        let bad = set(&host, "web", &["http:81:5000".into(), "nope".into()]);
        assert!(bad.is_err());
        assert_eq!(
            strings(&configured(&props, "web")),
            ["http:80:5000"],
            "unchanged"
        );
        clear(&host, "web").expect("clear");
        assert_eq!(
            strings(&get(&props, "web")),
            ["http:80:5000"],
            "the default"
        );
        assert_eq!(
            host.fired
                .borrow()
                .iter()
                .filter(|f| f.starts_with("post-proxy-ports-update"))
                .count(),
            4
        );
    }

    #[test]
    fn certificates_add_https_mappings() {
        let host = FakeHost::new();
        let layout = host.layout().clone();
        let props = host.properties();
        host.mkapp("web");
        let tls = crate::certs::tls_dir(&layout, "web");
        std::fs::create_dir_all(&tls).expect("mkdir");
        std::fs::write(tls.join("server.crt"), "c").expect("crt");
        std::fs::write(tls.join("server.key"), "k").expect("key");
        assert_eq!(
            strings(&effective(&layout, &props, "web")),
            ["http:80:5000", "https:443:5000"]
        );
        set(&host, "web", &["http:80:3000".into()]).expect("set");
        assert_eq!(
            strings(&effective(&layout, &props, "web")),
            ["http:80:3000"]
        );
        after_certs_update(&host, "web").expect("update");
        assert_eq!(
            strings(&configured(&props, "web")),
            ["http:80:3000", "https:443:3000"]
        );
        after_certs_remove(&host, "web").expect("remove");
        assert_eq!(strings(&configured(&props, "web")), ["http:80:3000"]);
        // The operator's own https mapping is kept.
        set(&host, "web", &["http:80:80 https:443:443".into()]).expect("set");
        after_certs_update(&host, "web").expect("update");
        assert_eq!(
            strings(&configured(&props, "web")),
            ["http:80:80", "https:443:443"]
        );
    }

    #[test]
    fn list_is_columnized() {
        let maps = vec![
            PortMap::parse_strict("https:443:5000").expect("map"),
            PortMap::parse_strict("http:80:5000").expect("map"),
        ];
        assert_eq!(
            list_lines(&maps, false),
            [
                "    -----> scheme  host port  container port",
                "    http           80         5000",
                "    https          443        5000",
            ]
        );
    }

    #[test]
    fn exposed_ports_keep_the_dockerfile_order_and_map_like_the_builder() {
        let text = "EXPOSE 3001/udp\r\nEXPOSE 3003\nEXPOSE  3000/tcp\n# EXPOSE 1\nRUN EXPOSE 2\n";
        let exposed = exposed_in_dockerfile(text);
        assert_eq!(exposed, ["3001/udp", "3003", "3000/tcp"]);
        let maps: Vec<String> = detect_map(&exposed)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(maps, ["udp:3001:3001", "http:3003:3003", "http:3000:3000"]);
        let maps: Vec<String> = detect_map(&["443".into(), "x".into()])
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(maps, ["https:443:443"]);
    }
}
