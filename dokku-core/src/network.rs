//! Docker networks for apps (Dokku's `network` plugin): the networks dokku creates,
//! the properties saying which networks an app's containers join and when, and the
//! docker arguments and `docker network connect` calls a deploy makes for them.
//!
//! | property | effect |
//! |---|---|
//! | `initial-network` | `--network=NAME` when a container is created |
//! | `attach-post-create` | networks joined right after `docker container create` (before start) |
//! | `attach-post-deploy` | networks joined after the deploy (`core-post-deploy`) |
//! | `bind-all-interfaces` | `true`: web containers publish their ports (`-p PORT`) |
//! | `tld` | suffix of the network aliases (`APP.TYPE.TLD`) |
//! | `static-web-listener` | `host:port` used as the web upstream (app only) |
//!
//! Attaching a deploy container adds the aliases `APP.TYPE[.TLD]` and
//! `HOSTNAME.APP.TYPE[.TLD]`, as Dokku does.

use thiserror::Error;

use crate::deploy::{DeployError, Host};
use crate::docker::{Docker, DockerError};
use crate::log::Level;
use crate::paths::Layout;
use crate::property::command::{computed, report_scoped, value};
use crate::property::{PropertyStore, GLOBAL};
use crate::report::Report;

/// The plugin name (property namespace).
pub const PLUGIN: &str = "network";

/// The label every network `network:create` makes carries (value: the name).
pub const NAME_LABEL: &str = "com.dokku.network-name";

/// The properties `network:set` takes.
pub const PROPERTIES: &[&str] = &[
    "attach-post-create",
    "attach-post-deploy",
    "bind-all-interfaces",
    "initial-network",
    "static-web-listener",
    "tld",
];

/// The properties that may also be set with `--global`.
pub const GLOBAL_PROPERTIES: &[&str] = &[
    "attach-post-create",
    "attach-post-deploy",
    "bind-all-interfaces",
    "initial-network",
    "tld",
];

/// Why a network operation failed; the texts are Dokku's where it has them.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum NetworkError {
    /// No name was given.
    #[error("No network name specified")]
    NoName,
    /// Not a name docker accepts.
    #[error("Invalid network name specified: {name} (it must start with a letter or digit followed by letters, digits, '_', '.' or '-')")]
    InvalidName {
        /// The name given.
        name: String,
    },
    /// `host` and `bridge` cannot be attached to.
    #[error("Invalid network name specified for attach: {name}")]
    NotAttachable {
        /// The name given.
        name: String,
    },
    /// The other attach property already names this network.
    #[error("Network name already associated with this app: {name}")]
    Conflicting {
        /// The name given.
        name: String,
    },
    /// A property value that is not valid for it.
    #[error("Invalid value specified for {key}: {value} ({expected})")]
    InvalidValue {
        /// The property.
        key: String,
        /// The value given.
        value: String,
        /// What it must look like.
        expected: &'static str,
    },
    /// The network is not there.
    #[error("Network {name} does not exist")]
    Missing {
        /// The name.
        name: String,
    },
    /// `docker network create` failed.
    #[error("Unable to create network: {}", stderr_of(.0))]
    Create(DockerError),
    /// `docker network rm` failed.
    #[error("Unable to destroy network: {}", stderr_of(.0))]
    Destroy(DockerError),
    /// `docker network connect` failed.
    #[error("Unable to attach container to network: {}", stderr_of(.0))]
    Attach(DockerError),
    /// Another docker call failed.
    #[error(transparent)]
    Docker(#[from] DockerError),
}

fn stderr_of(err: &DockerError) -> String {
    match err {
        DockerError::Failed { stderr, .. } if !stderr.trim().is_empty() => {
            stderr.trim().to_string()
        }
        other => other.to_string(),
    }
}

impl From<NetworkError> for DeployError {
    fn from(err: NetworkError) -> DeployError {
        DeployError::fail(err.to_string())
    }
}

/// Docker's rule for network names: a letter or digit, then letters, digits, `_`,
/// `.` or `-`.
pub fn validate_name(name: &str) -> Result<(), NetworkError> {
    let mut chars = name.chars();
    let ok = match chars.next() {
        None => return Err(NetworkError::NoName),
        Some(first) => {
            first.is_ascii_alphanumeric()
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        }
    };
    if ok {
        Ok(())
    } else {
        Err(NetworkError::InvalidName {
            name: name.to_string(),
        })
    }
}

/// The value `network:set APP KEY VALUES...` stores, after checking it. Attach
/// properties take several networks (words or a comma list) and store them comma
/// separated; an empty result unsets the property.
pub fn property_value(
    props: &PropertyStore,
    app: &str,
    key: &str,
    values: &[String],
) -> Result<String, NetworkError> {
    let words: Vec<&str> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    match key {
        "attach-post-create" | "attach-post-deploy" => {
            let other = if key == "attach-post-create" {
                "attach-post-deploy"
            } else {
                "attach-post-create"
            };
            let taken = attach_networks(props, app, other);
            for name in &words {
                if matches!(*name, "host" | "bridge") {
                    return Err(NetworkError::NotAttachable {
                        name: name.to_string(),
                    });
                }
                validate_name(name)?;
                if taken.iter().any(|t| t == name) {
                    return Err(NetworkError::Conflicting {
                        name: name.to_string(),
                    });
                }
            }
            Ok(words.join(","))
        }
        "initial-network" => {
            let joined = words.join(",");
            if !joined.is_empty() {
                validate_name(&joined)?;
            }
            Ok(joined)
        }
        "bind-all-interfaces" => {
            let joined = words.join(",");
            match joined.as_str() {
                "" | "true" | "false" => Ok(joined),
                _ => Err(NetworkError::InvalidValue {
                    key: key.into(),
                    value: joined,
                    expected: "true or false",
                }),
            }
        }
        "tld" => {
            let joined = words.join(",");
            let ok = joined
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-'));
            if ok && !joined.starts_with(['.', '-']) {
                Ok(joined)
            } else {
                Err(NetworkError::InvalidValue {
                    key: key.into(),
                    value: joined,
                    expected: "lowercase letters digits '.' and '-'",
                })
            }
        }
        _ => Ok(values.join(" ")),
    }
}

/// The networks an attach property names (app, then global), in order.
pub fn attach_networks(props: &PropertyStore, app: &str, key: &str) -> Vec<String> {
    computed(props, PLUGIN, app, key, "")
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// `network:create NAME`: an attachable network labelled `com.dokku.network-name=NAME`
/// plus `extra_labels`.
pub fn create(docker: &Docker, name: &str, extra_labels: &[String]) -> Result<(), NetworkError> {
    validate_name(name)?;
    let mut labels = vec![format!("{NAME_LABEL}={name}")];
    labels.extend(extra_labels.iter().cloned());
    docker
        .network_create(name, &labels)
        .map_err(NetworkError::Create)
}

/// `network:destroy NAME` (the caller has asked for confirmation).
pub fn destroy(docker: &Docker, name: &str) -> Result<(), NetworkError> {
    validate_name(name)?;
    docker.network_rm(name).map_err(NetworkError::Destroy)
}

/// Checks that every network a `network:set` value names exists, so a setting that
/// cannot work is refused when it is set rather than failing a later deploy
/// (Dokku accepts it and fails the deploy).
pub fn check_networks_exist(docker: &Docker, key: &str, value: &str) -> Result<(), NetworkError> {
    if !matches!(
        key,
        "attach-post-create" | "attach-post-deploy" | "initial-network"
    ) || value.is_empty()
    {
        return Ok(());
    }
    let known = docker.network_names()?;
    for name in value.split(',') {
        if !known.iter().any(|k| k == name) {
            return Err(NetworkError::Missing {
                name: name.to_string(),
            });
        }
    }
    Ok(())
}

/// Whether a network of that name exists.
pub fn exists(docker: &Docker, name: &str) -> Result<bool, NetworkError> {
    validate_name(name)?;
    Ok(docker.network_names()?.iter().any(|n| n == name))
}

/// One network as `network:list --format json` and `network:info` show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct NetworkInfo {
    /// `CreatedAt`.
    pub created_at: String,
    /// The driver (`bridge`, ...).
    pub driver: String,
    /// The id.
    pub id: String,
    /// Whether the network is internal.
    pub internal: bool,
    /// Whether IPv6 is on.
    pub ipv6: bool,
    /// Labels.
    pub labels: std::collections::BTreeMap<String, String>,
    /// The name.
    pub name: String,
    /// `local`, `swarm`, ...
    pub scope: String,
}

/// Every network, sorted by name (`docker network ls --no-trunc`).
pub fn list(docker: &Docker) -> Result<Vec<NetworkInfo>, NetworkError> {
    let out = docker.check(&crate::docker::Call::new([
        "network",
        "ls",
        "--no-trunc",
        "--format",
        "{{json .}}",
    ]))?;
    let mut all = Vec::new();
    for line in out.stdout.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default();
        let labels = field("Labels")
            .split(',')
            .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        all.push(NetworkInfo {
            created_at: field("CreatedAt").to_string(),
            driver: field("Driver").to_string(),
            id: field("ID").to_string(),
            internal: field("Internal") == "true",
            ipv6: field("IPv6") == "true",
            labels,
            name: field("Name").to_string(),
            scope: field("Scope").to_string(),
        });
    }
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(all)
}

/// What `docker-args-process-deploy` / `docker-args-process-run` add:
/// ` --network=NAME` for the initial network, and for a web deploy with
/// `bind-all-interfaces` ` -p PORT` per container port that is not udp.
pub fn docker_args(props: &PropertyStore, app: &str, proc_type: Option<&str>) -> String {
    let mut out = String::new();
    let initial = computed(props, PLUGIN, app, "initial-network", "");
    if !initial.is_empty() {
        out.push_str(&format!(" --network={initial}"));
    }
    if proc_type == Some("web")
        && computed(props, PLUGIN, app, "bind-all-interfaces", "false") == "true"
    {
        let mut ports: Vec<u16> = crate::ports::get(props, app)
            .iter()
            .filter(|m| m.scheme != "udp")
            .map(|m| m.container)
            .collect();
        ports.sort_unstable();
        ports.dedup();
        for port in ports {
            out.push_str(&format!(" -p {port}"));
        }
    }
    out
}

/// Connects container `cid` to `network` unless it is already on it. For the
/// `deploy` phase the aliases `APP.TYPE[.TLD]` and `HOSTNAME.APP.TYPE[.TLD]` are
/// added.
pub fn attach(
    docker: &Docker,
    props: &PropertyStore,
    cid: &str,
    network: &str,
    app: &str,
    phase: &str,
    proc_type: &str,
) -> Result<(), NetworkError> {
    let info = docker.container_inspect(cid);
    if info
        .as_ref()
        .is_some_and(|i| i.networks.contains_key(network))
    {
        return Ok(());
    }
    let mut aliases = Vec::new();
    if phase == "deploy" {
        let tld = computed(props, PLUGIN, app, "tld", "");
        let mut alias = format!("{app}.{proc_type}");
        if !tld.is_empty() {
            alias = format!("{alias}.{tld}");
        }
        if let Some(hostname) = info.map(|i| i.hostname).filter(|h| !h.is_empty()) {
            aliases.push(alias.clone());
            aliases.push(format!("{hostname}.{alias}"));
        } else {
            aliases.push(alias);
        }
    }
    docker
        .network_connect(network, cid, &aliases)
        .map_err(NetworkError::Attach)
}

fn require(docker: &Docker, name: &str) -> Result<(), NetworkError> {
    if docker.network_names()?.iter().any(|n| n == name) {
        Ok(())
    } else {
        Err(NetworkError::Missing {
            name: name.to_string(),
        })
    }
}

/// `post-container-create CONTAINER_TYPE CID APP PHASE [PROC_TYPE]`: app containers
/// join the `attach-post-create` networks.
pub fn post_container_create(
    host: &dyn Host,
    container_type: &str,
    cid: &str,
    app: &str,
    phase: &str,
    proc_type: &str,
) -> Result<(), DeployError> {
    if container_type != "app" {
        return Ok(());
    }
    let props = host.properties();
    let networks = attach_networks(&props, app, "attach-post-create");
    if networks.is_empty() {
        return Ok(());
    }
    let docker = host.docker();
    for network in networks {
        require(docker, &network)?;
        attach(docker, &props, cid, &network, app, phase, proc_type)?;
    }
    Ok(())
}

/// `core-post-deploy APP`: every running container of the app joins the
/// `attach-post-deploy` networks.
pub fn core_post_deploy(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let props = host.properties();
    let networks = attach_networks(&props, app, "attach-post-deploy");
    if networks.is_empty() {
        return Ok(());
    }
    let docker = host.docker();
    for network in networks {
        host.log(
            Level::Info1Quiet,
            &format!("Associating app with network {network}"),
        );
        require(docker, &network)?;
        for slot in crate::scheduler::slots(host.layout(), app) {
            let Some(info) = docker.container_inspect(&slot.cid) else {
                continue;
            };
            if !info.running {
                continue;
            }
            let proc_type = info
                .labels
                .get("com.dokku.process-type")
                .cloned()
                .unwrap_or(slot.proc_type.clone());
            attach(
                docker, &props, &slot.cid, &network, app, "deploy", &proc_type,
            )?;
        }
    }
    Ok(())
}

/// `network:report` of `app` (or `--global`).
pub fn report(layout: &Layout, props: &PropertyStore, app: &str) -> Report {
    let mut r = Report::new(PLUGIN, app);
    for key in [
        "attach-post-create",
        "attach-post-deploy",
        "initial-network",
        "tld",
    ] {
        report_scoped(&mut r, props, PLUGIN, PLUGIN, app, key, "");
    }
    report_scoped(
        &mut r,
        props,
        PLUGIN,
        PLUGIN,
        app,
        "bind-all-interfaces",
        "false",
    );
    if app != GLOBAL {
        r.flag(
            "--network-static-web-listener",
            value(props, PLUGIN, app, "static-web-listener"),
        );
        r.flag(
            "--network-web-listeners",
            crate::scheduler::web_listeners(layout, app).join(" "),
        );
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn names_follow_dockers_rule() {
        for good in ["backend", "a", "my_net.1-x", "0net"] {
            validate_name(good).expect(good);
        }
        for bad in ["-net", "my net", "net/1", "ünï", ".x"] {
            assert!(
                matches!(validate_name(bad), Err(NetworkError::InvalidName { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            validate_name("bad name").expect_err("bad").to_string(),
            "Invalid network name specified: bad name (it must start with a letter or digit followed by letters, digits, '_', '.' or '-')"
        );
    }

    #[test]
    fn property_values_are_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        assert_eq!(
            property_value(&props, "a", "attach-post-create", &words("one two,three")).expect("ok"),
            "one,two,three"
        );
        assert_eq!(
            property_value(&props, "a", "attach-post-deploy", &words("bridge"))
                .expect_err("bridge")
                .to_string(),
            "Invalid network name specified for attach: bridge"
        );
        props
            .write(PLUGIN, "a", "attach-post-create", "one")
            .expect("set");
        assert_eq!(
            property_value(&props, "a", "attach-post-deploy", &words("one"))
                .expect_err("taken")
                .to_string(),
            "Network name already associated with this app: one"
        );
        assert!(property_value(&props, "a", "initial-network", &words("bad!")).is_err());
        assert!(property_value(&props, "a", "bind-all-interfaces", &words("yes")).is_err());
        assert_eq!(
            property_value(&props, "a", "bind-all-interfaces", &[]).expect("unset"),
            ""
        );
    }

    #[test]
    fn deploy_args_carry_the_initial_network_and_published_ports() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        assert_eq!(docker_args(&props, "a", Some("web")), "");
        props
            .write(PLUGIN, GLOBAL, "initial-network", "backend")
            .expect("set");
        props
            .write(PLUGIN, "a", "bind-all-interfaces", "true")
            .expect("set");
        props
            .list_write(
                crate::ports::PLUGIN,
                "a",
                "map",
                &[
                    "http:80:5000",
                    "https:443:5000",
                    "udp:53:53",
                    "http:8080:3000",
                ],
            )
            .expect("ports");
        assert_eq!(
            docker_args(&props, "a", Some("web")),
            " --network=backend -p 3000 -p 5000"
        );
        assert_eq!(
            docker_args(&props, "a", Some("worker")),
            " --network=backend"
        );
    }

    #[test]
    fn containers_join_attach_networks_with_dokkus_aliases() {
        let host = FakeHost::new();
        host.mkapp("a");
        let props = host.properties();
        props
            .write(PLUGIN, "a", "attach-post-create", "backend")
            .expect("set");
        props
            .write(PLUGIN, GLOBAL, "tld", "svc.local")
            .expect("set");
        host.fake
            .respond_ok(&["network", "ls"], "bridge\nbackend\nhost\n");
        host.fake.respond_ok(
            &["container", "inspect", "cid1"],
            r#"[{"Id":"cid1","Config":{"Hostname":"0123abcd"},"State":{"Running":true},"NetworkSettings":{"Networks":{"bridge":{"IPAddress":"172.17.0.2"}}}}]"#,
        );
        post_container_create(&host, "app", "cid1", "a", "deploy", "web").expect("attached");
        let calls = host.fake.calls();
        assert!(
            calls.contains(
                &"network connect --alias a.web.svc.local --alias 0123abcd.a.web.svc.local backend cid1"
                    .to_string()
            ),
            "{calls:?}"
        );
        // Run containers join without aliases; other container types are left alone.
        post_container_create(&host, "app", "cid1", "a", "run", "").expect("attached");
        assert!(host
            .fake
            .calls()
            .contains(&"network connect backend cid1".to_string()));
        let before = host.fake.calls().len();
        post_container_create(&host, "service", "cid1", "a", "deploy", "web").expect("skipped");
        assert_eq!(host.fake.calls().len(), before);

        // A missing network fails the deploy clearly.
        props
            .write(PLUGIN, "a", "attach-post-create", "gone")
            .expect("set");
        assert_eq!(
            post_container_create(&host, "app", "cid1", "a", "deploy", "web")
                .expect_err("missing")
                .to_string(),
            "Network gone does not exist"
        );
    }

    #[test]
    fn post_deploy_attaches_running_containers_once() {
        let host = FakeHost::new();
        host.mkapp("a");
        std::fs::write(host.layout.container_file("a", "worker", 1), "cid9\n").expect("state");
        let props = host.properties();
        props
            .write(PLUGIN, "a", "attach-post-deploy", "backend")
            .expect("set");
        host.fake.respond_ok(&["network", "ls"], "backend\n");
        host.fake.respond_ok(
            &["container", "inspect", "cid9"],
            r#"[{"Id":"cid9","Config":{"Hostname":"h9","Labels":{"com.dokku.process-type":"worker"}},"State":{"Running":true},"NetworkSettings":{"Networks":{"bridge":{}}}}]"#,
        );
        core_post_deploy(&host, "a").expect("attached");
        assert!(host
            .log_text()
            .contains("-----> Associating app with network backend"));
        assert!(host.fake.calls().contains(
            &"network connect --alias a.worker --alias h9.a.worker backend cid9".to_string()
        ));
        host.fake.respond_ok(
            &["container", "inspect", "cid9"],
            r#"[{"Id":"cid9","Config":{"Hostname":"h9"},"State":{"Running":true},"NetworkSettings":{"Networks":{"backend":{}}}}]"#,
        );
        let before = host.fake.calls().len();
        core_post_deploy(&host, "a").expect("already attached");
        let after: Vec<String> = host.fake.calls()[before..].to_vec();
        assert!(
            !after.iter().any(|c| c.starts_with("network connect")),
            "{after:?}"
        );
    }

    #[test]
    fn report_keys() {
        let host = FakeHost::new();
        let props = host.properties();
        let r = report(&host.layout, &props, "a");
        let keys: Vec<&str> = r.flags().map(|(k, _)| k).collect();
        assert_eq!(keys.len(), 17);
        assert!(keys.contains(&"--network-computed-bind-all-interfaces"));
        assert!(keys.contains(&"--network-web-listeners"));
        assert!(report(&host.layout, &props, GLOBAL)
            .flags()
            .all(|(k, _)| k.contains("-global-") || k.contains("-computed-")));
    }
}
