//! The `logs` plugin's settings and the vector configuration Dokku generates from
//! them (`$DOKKU_LIB_ROOT/data/logs/vector.json`).
//!
//! A sink is a DSN: `<type>://?<options>`, its options in query form, nested with
//! brackets (`auth[token]=x` is `{"auth":{"token":"x"}}`), decoded as Dokku's qson
//! does: each bracket level is URL-unescaped once more, and values that read as JSON
//! (numbers, `true`) become JSON values. `base64enc:VALUE` top-level values are
//! decoded.
//!
//! Every app with a sink gets a `docker_logs` source filtered on its
//! `com.dokku.app-name` label, and the global sink a source of every app. A cron
//! sink splits the source with a `route` transform (cron containers apart, their
//! labels flattened by a `remap`); an `app-label-alias` renames the label on the
//! way out with a `remap`, never on the source filter (which must match the label
//! Dokku applies).

use std::io;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::docker::{Call, Docker};
use crate::paths::Layout;
use crate::property::command::{computed, value};
use crate::property::{PropertyStore, GLOBAL};

/// The plugin name of the properties and the data dir.
pub const PLUGIN: &str = "logs";
/// `max-size` when none is set.
pub const DEFAULT_MAX_SIZE: &str = "10m";
/// The label Dokku puts the app name in.
pub const APP_LABEL: &str = "com.dokku.app-name";
/// The label holding a container's type.
pub const CONTAINER_TYPE_LABEL: &str = "com.dokku.container-type";
/// The label holding a cron task's id.
pub const CRON_ID_LABEL: &str = "com.dokku.cron-id";
/// The vector image Dokku 0.38 runs unless `vector-image` is set.
pub const DEFAULT_VECTOR_IMAGE: &str = "timberio/vector:0.57.0-debian";
/// The sink of a config without any: a blackhole.
pub const DEFAULT_SINK: &str = "blackhole://?print_interval_secs=1";
/// The name of the vector container (compose project `vector`).
pub const VECTOR_CONTAINER: &str = "vector-vector-1";

/// Every `logs:set` property.
pub const PROPERTIES: [&str; 6] = [
    "app-label-alias",
    "max-size",
    "vector-cron-sink",
    "vector-image",
    "vector-networks",
    "vector-sink",
];

/// The properties whose change rewrites `vector.json`.
pub const VECTOR_PROPERTIES: [&str; 3] = ["app-label-alias", "vector-cron-sink", "vector-sink"];

/// Why a setting or a sink was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogsError {
    /// A message Dokku prints as is.
    #[error("{0}")]
    Invalid(String),
}

fn invalid(msg: impl Into<String>) -> LogsError {
    LogsError::Invalid(msg.into())
}

/// Checks a `logs:set` value for `scope` (an app or `--global`) before it is written;
/// `network_exists` answers whether a docker network is there (`vector-networks`).
pub fn validate(
    scope: &str,
    key: &str,
    value: &str,
    network_exists: &dyn Fn(&str) -> bool,
) -> Result<(), LogsError> {
    match key {
        "app-label-alias" => {
            let ok = value.is_empty()
                || (value.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')));
            if !ok {
                return Err(invalid("Invalid app-label-alias value, must start with a letter or number and contain only letters, numbers, and any of [_, ., -]"));
            }
        }
        "max-size" if !value.is_empty() && value != "unlimited" => {
            if !value.ends_with(['k', 'm', 'g']) {
                return Err(invalid(
                    "Invalid max-size unit measure, value must end in any of [k, m, g]",
                ));
            }
            if value.len() < 2 {
                return Err(invalid("Invalid max-size value, must be a number followed by a unit of measure [k, m, g]"));
            }
            if value[..value.len() - 1].parse::<i64>().is_err() {
                return Err(invalid(format!(
                    "Invalid max-size value, unable to convert number to int: {}",
                    &value[..value.len() - 1]
                )));
            }
        }
        "vector-image" if scope != GLOBAL => {
            return Err(invalid(
                "vector-image may only be set globally with --global",
            ));
        }
        "vector-networks" => {
            if scope != GLOBAL {
                return Err(invalid(
                    "vector-networks may only be set globally with --global",
                ));
            }
            if !value.is_empty() {
                for name in value.split(',').map(str::trim) {
                    if name.is_empty() {
                        return Err(invalid(
                            "Invalid vector-networks value, empty entry in comma-separated list",
                        ));
                    }
                    if name == "bridge" {
                        return Err(invalid("Invalid vector-networks value, \"bridge\" is not a valid entry for vector-networks"));
                    }
                    if !network_exists(name) {
                        return Err(invalid(format!("Network \"{name}\" does not exist")));
                    }
                }
            }
        }
        "vector-sink" | "vector-cron-sink" if !value.is_empty() => {
            sink_config(value, &[])?;
        }
        _ => {}
    }
    Ok(())
}

/// A sink DSN as a vector sink: its options, `type`, and `inputs` when given.
pub fn sink_config(dsn: &str, inputs: &[String]) -> Result<Map<String, Value>, LogsError> {
    let (scheme, rest) = match dsn.split_once("://") {
        Some((scheme, rest)) => (scheme.replace('_', "-"), rest),
        None => (String::new(), dsn),
    };
    let scheme_ok = scheme.is_empty()
        || (scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')));
    if !scheme_ok {
        return Err(invalid(format!(
            "parse \"{dsn}\": first path segment in URL cannot contain colon"
        )));
    }
    if dsn.chars().any(|c| c.is_ascii_control()) {
        return Err(invalid(format!(
            "parse \"{dsn}\": net/url: invalid control character in URL"
        )));
    }
    let rest = rest.split_once('#').map(|(r, _)| r).unwrap_or(rest);
    let query = rest.split_once('?').map(|(_, q)| q).unwrap_or("");
    if query
        .split('&')
        .filter_map(|p| p.split_once('=').or(Some((p, ""))))
        .any(|(k, v)| unescape(k).as_deref() == Some("sinks") && !v.is_empty())
    {
        return Err(invalid("Invalid option sinks"));
    }
    let mut data = Map::new();
    for part in query.trim_start_matches('&').split('&') {
        let piece = query_to_value(part)?;
        merge(&mut data, piece);
    }
    for (_, v) in data.iter_mut() {
        if let Some(encoded) = v.as_str().and_then(|s| s.strip_prefix("base64enc:")) {
            // Go's StdEncoding, as Dokku decodes: padded, and a bad byte's offset in
            // the message.
            let decoded = crate::config::base64::decode(encoded).map_err(|at| {
                invalid(format!(
                    "Error decoding base64: illegal base64 data at input byte {at}"
                ))
            })?;
            *v = Value::String(String::from_utf8_lossy(&decoded).trim().to_string());
        }
    }
    data.insert("type".into(), Value::String(scheme.replace('-', "_")));
    if !inputs.is_empty() {
        data.insert("inputs".into(), json!(inputs));
    }
    Ok(data)
}

/// `scheme://redacted`: a sink with its options (credentials) hidden.
pub fn redacted(dsn: &str) -> String {
    if dsn.is_empty() {
        return String::new();
    }
    match sink_config(dsn, &[]) {
        Ok(sink) => format!(
            "{}://redacted",
            sink.get("type").and_then(Value::as_str).unwrap_or("")
        ),
        Err(_) => String::new(),
    }
}

/// One `key=value` of a sink's query as qson reads it.
fn query_to_value(param: &str) -> Result<Map<String, Value>, LogsError> {
    let (raw_key, raw_value) = param
        .split_once('=')
        .ok_or_else(|| invalid("qson: invalid url query param provided"))?;
    let bad = |s: &str| invalid(format!("invalid URL escape \"{s}\""));
    let value = unescape(raw_value).ok_or_else(|| bad(raw_value))?;
    let key = unescape(raw_key).ok_or_else(|| bad(raw_key))?;
    let pieces: Vec<&str> = key.split(['[', ']']).collect();
    let mut out = Map::new();
    if pieces.len() == 1 {
        let parsed = serde_json::from_str::<Value>(&value).unwrap_or(Value::String(value));
        out.insert(key, parsed);
        return Ok(out);
    }
    // `a[b][c]` → `b[c]`, unescaped once more on the way down.
    let after = &key[pieces[0].len() + 1..];
    let new_key = format!(
        "{}{}",
        &after[..pieces[1].len()],
        &after[pieces[1].len() + 1..]
    );
    let inner = query_to_value(&format!("{new_key}={value}"))?;
    let inner = if pieces[1].is_empty() {
        json!([inner.get("").cloned().unwrap_or(Value::Null)])
    } else {
        Value::Object(inner)
    };
    out.insert(pieces[0].to_string(), inner);
    Ok(out)
}

/// Merges `from` into `into`: objects recursively, lists appended, else `from` wins.
fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            (Some(Value::Array(a)), Value::Array(b)) => a.extend(b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// Go's `url.QueryUnescape`: `%XX` decoded, `+` a space; `None` on a bad escape.
fn unescape(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The label alias in force for `scope`: its own, the global one, else
/// [`APP_LABEL`].
pub fn computed_alias(props: &PropertyStore, scope: &str) -> String {
    computed(props, PLUGIN, scope, "app-label-alias", APP_LABEL)
}

/// The `vector-image` in force.
pub fn computed_vector_image(props: &PropertyStore) -> String {
    computed(props, PLUGIN, GLOBAL, "vector-image", DEFAULT_VECTOR_IMAGE)
}

/// The `vector-networks` list.
pub fn vector_networks(props: &PropertyStore) -> Vec<String> {
    value(props, PLUGIN, GLOBAL, "vector-networks")
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// The log drivers that take a `max-size` option.
const MAX_SIZE_DRIVERS: [&str; 2] = ["local", "json-file"];

/// `--log-opt=max-size=<size>` for `app`'s containers: its `max-size`, else the
/// global one, else [`DEFAULT_MAX_SIZE`]; `None` when that is `unlimited`, or when the
/// log driver in force takes no max-size: the app's first `--log-driver=` deploy
/// option, else the daemon's (`daemon_driver`, asked only then; an unknown answer
/// counts as docker's default, `json-file`).
pub fn max_size_arg(
    props: &PropertyStore,
    app: &str,
    deploy_options: &[String],
    daemon_driver: &dyn Fn() -> String,
) -> Option<String> {
    let driver = match deploy_options
        .iter()
        .find_map(|o| o.strip_prefix("--log-driver="))
    {
        Some(driver) => driver.to_string(),
        None => Some(daemon_driver())
            .filter(|d| !d.trim().is_empty())
            .map(|d| d.trim().to_string())
            .unwrap_or_else(|| "json-file".into()),
    };
    if !MAX_SIZE_DRIVERS.contains(&driver.as_str()) {
        return None;
    }
    let size = computed(props, PLUGIN, app, "max-size", DEFAULT_MAX_SIZE);
    (size != "unlimited").then(|| format!("--log-opt=max-size={size}"))
}

/// One scope of the vector config: an app, or the global one.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The component id suffix (`:APP`), or `global` naming.
    ids: Ids,
    /// The source's label filter.
    include: String,
    /// The scope's label alias.
    alias: String,
    /// Apps (global scope only) whose own alias differs from the scope's.
    overrides: Vec<(String, String)>,
    /// The sink, empty when unset.
    sink: String,
    /// The cron sink, empty when unset.
    cron_sink: String,
}

#[derive(Debug, Clone, Default)]
struct Ids {
    source: String,
    sink: String,
    cron_sink: String,
    router: String,
    cron_remap: String,
    relabel: String,
}

impl Ids {
    fn app(app: &str) -> Ids {
        let n = app.replace('.', "-");
        Ids {
            source: format!("docker-source:{n}"),
            sink: format!("docker-sink:{n}"),
            cron_sink: format!("docker-cron-sink:{n}"),
            router: format!("docker-router:{n}"),
            cron_remap: format!("docker-cron-remap:{n}"),
            relabel: format!("docker-relabel:{n}"),
        }
    }

    fn global() -> Ids {
        Ids {
            source: "docker-global-source".into(),
            sink: "docker-global-sink".into(),
            cron_sink: "docker-global-cron-sink".into(),
            router: "docker-global-router".into(),
            cron_remap: "docker-global-cron-remap".into(),
            relabel: "docker-global-relabel".into(),
        }
    }
}

/// The scopes of every app in `apps` and the global one, from their properties.
pub fn scopes(props: &PropertyStore, apps: &[String]) -> Vec<Scope> {
    let global_alias = computed_alias(props, GLOBAL);
    let mut overrides = Vec::new();
    let mut out = Vec::new();
    for app in apps {
        let alias = computed_alias(props, app);
        if alias != global_alias {
            overrides.push((app.clone(), alias.clone()));
        }
        out.push(Scope {
            ids: Ids::app(app),
            include: format!("{APP_LABEL}={app}"),
            alias,
            overrides: Vec::new(),
            sink: value(props, PLUGIN, app, "vector-sink"),
            cron_sink: value(props, PLUGIN, app, "vector-cron-sink"),
        });
    }
    overrides.sort();
    out.push(Scope {
        ids: Ids::global(),
        include: APP_LABEL.to_string(),
        alias: global_alias,
        overrides,
        sink: value(props, PLUGIN, GLOBAL, "vector-sink"),
        cron_sink: value(props, PLUGIN, GLOBAL, "vector-cron-sink"),
    });
    out
}

fn label_path(label: &str) -> String {
    format!(".label.{}", go_quote(label))
}

/// A string quoted as Go's `%q` quotes the plain ASCII text used here.
fn go_quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

fn rename_label(alias: &str) -> String {
    format!("{} = del({})", label_path(alias), label_path(APP_LABEL))
}

/// The VRL renaming the app label to the scope's alias (empty: nothing to rename).
fn relabel_vrl(scope: &Scope) -> String {
    let alias = if scope.alias.is_empty() {
        APP_LABEL
    } else {
        scope.alias.as_str()
    };
    if scope.overrides.is_empty() {
        return if alias == APP_LABEL {
            String::new()
        } else {
            rename_label(alias)
        };
    }
    let mut clauses: Vec<(String, String)> = Vec::new();
    let mut retained = Vec::new();
    for (app, own) in &scope.overrides {
        if own == APP_LABEL {
            retained.push(format!("app != {}", go_quote(app)));
        } else {
            clauses.push((format!("app == {}", go_quote(app)), rename_label(own)));
        }
    }
    if alias != APP_LABEL {
        clauses.push((retained.join(" && "), rename_label(alias)));
    }
    if clauses.is_empty() {
        return String::new();
    }
    let chain = if clauses.len() == 1 && clauses[0].0.is_empty() {
        clauses[0].1.clone()
    } else {
        clauses
            .iter()
            .map(|(cond, stmt)| {
                if cond.is_empty() {
                    format!("{{\n  {stmt}\n}}")
                } else {
                    format!("if {cond} {{\n  {stmt}\n}}")
                }
            })
            .collect::<Vec<_>>()
            .join(" else ")
    };
    format!(
        "app = to_string({}) ?? \"\"\n{chain}",
        label_path(APP_LABEL)
    )
}

/// The vector configuration for `scopes` (no IO).
pub fn vector_config(scopes: &[Scope]) -> Result<Value, LogsError> {
    let mut sources = Map::new();
    let mut transforms = Map::new();
    let mut sinks = Map::new();
    for scope in scopes {
        if scope.sink.is_empty() && scope.cron_sink.is_empty() {
            continue;
        }
        let ids = &scope.ids;
        sources.insert(
            ids.source.clone(),
            json!({"type": "docker_logs", "include_labels": [scope.include]}),
        );
        let relabel = relabel_vrl(scope);
        let mut inputs = vec![ids.source.clone()];
        if !scope.cron_sink.is_empty() {
            let mut remap = format!(
                ".dokku_app = to_string({}) ?? \"\"\n.dokku_cron_id = to_string({}) ?? \"\"",
                label_path(APP_LABEL),
                label_path(CRON_ID_LABEL)
            );
            if !relabel.is_empty() {
                remap = format!("{remap}\n{relabel}");
            }
            transforms.insert(
                ids.router.clone(),
                json!({
                    "type": "route",
                    "inputs": [ids.source],
                    "reroute_unmatched": !scope.sink.is_empty(),
                    "route": {"cron": {
                        "type": "vrl",
                        "source": format!("{} == \"cron\"", label_path(CONTAINER_TYPE_LABEL)),
                    }},
                }),
            );
            transforms.insert(
                ids.cron_remap.clone(),
                json!({
                    "type": "remap",
                    "inputs": [format!("{}.cron", ids.router)],
                    "source": remap,
                }),
            );
            inputs = vec![format!("{}._unmatched", ids.router)];
            sinks.insert(
                ids.cron_sink.clone(),
                Value::Object(sink_config(
                    &scope.cron_sink,
                    std::slice::from_ref(&ids.cron_remap),
                )?),
            );
        }
        if !scope.sink.is_empty() {
            if !relabel.is_empty() {
                transforms.insert(
                    ids.relabel.clone(),
                    json!({"type": "remap", "inputs": inputs, "source": relabel}),
                );
                inputs = vec![ids.relabel.clone()];
            }
            sinks.insert(
                ids.sink.clone(),
                Value::Object(sink_config(&scope.sink, &inputs)?),
            );
        }
    }
    if sources.is_empty() {
        sources.insert(
            "docker-null-source".into(),
            json!({"type": "docker_logs", "include_labels": ["com.dokku.vector-null"]}),
        );
    }
    if sinks.is_empty() {
        sinks.insert(
            "docker-null-sink".into(),
            Value::Object(sink_config(DEFAULT_SINK, &["docker-null-source".into()])?),
        );
    }
    let mut config = Map::new();
    config.insert("sources".into(), Value::Object(sources));
    if !transforms.is_empty() {
        config.insert("transforms".into(), Value::Object(transforms));
    }
    config.insert("sinks".into(), Value::Object(sinks));
    Ok(Value::Object(config))
}

/// `data/logs/vector.json`.
pub fn vector_config_path(layout: &Layout) -> PathBuf {
    layout.plugin_data_dir(PLUGIN).join("vector.json")
}

/// Why `vector.json` could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A sink could not be read.
    #[error(transparent)]
    Sink(#[from] LogsError),
    /// The file could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// Writes `vector.json` (mode 0600, atomically) for every app and the global scope:
/// the apps there are, plus `extra` (an app being created by a clone), less `gone`
/// (an app being destroyed or renamed away, whose directory is still there).
pub fn write_vector_config(
    layout: &Layout,
    props: &PropertyStore,
    extra: &[&str],
    gone: &[&str],
) -> Result<PathBuf, WriteError> {
    let mut apps = crate::app::list(&layout.dokku_root).unwrap_or_default();
    apps.extend(extra.iter().map(|a| a.to_string()));
    apps.retain(|a| !gone.contains(&a.as_str()));
    apps.sort();
    apps.dedup();
    let config = vector_config(&scopes(props, &apps))?;
    let path = vector_config_path(layout);
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WriteError::Io { path, source }
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    let mut body = serde_json::to_vec_pretty(&config).unwrap_or_default();
    body.push(b'\n');
    crate::fs::write_atomic(&path, &body, 0o600).map_err(io_err(&path))?;
    Ok(path)
}

/// Where the vector container finds Dokku's files: the host's view of
/// `DOKKU_LIB_ROOT` and `DOKKU_LOGS_DIR` (they differ when Dokku runs in a container).
#[derive(Debug, Clone)]
pub struct VectorMounts {
    /// The host path of `DOKKU_LIB_ROOT`.
    pub lib_root: PathBuf,
    /// The host path of `DOKKU_LOGS_DIR`.
    pub logs_dir: PathBuf,
}

/// `logs:vector-start`: (re)creates the vector container from `image`, which must be
/// local or pullable, reading `vector.json` and attached to `vector-networks` (else
/// the default bridge), and waits up to 10 s for it to run.
pub fn vector_start(
    docker: &Docker,
    props: &PropertyStore,
    mounts: &VectorMounts,
    image: &str,
) -> Result<(), LogsError> {
    if docker
        .run(&Call::new(["image", "inspect", image]))
        .map_or(true, |r| r.code != 0)
    {
        let pulled = docker.run(&Call::new(["image", "pull", image]));
        match pulled {
            Ok(r) if r.code == 0 => {}
            Ok(r) => {
                return Err(invalid(format!(
                    "Unable to pull the vector image {image}: {}",
                    r.stderr
                        .trim()
                        .lines()
                        .last()
                        .unwrap_or("docker image pull failed")
                )))
            }
            Err(e) => {
                return Err(invalid(format!(
                    "Unable to pull the vector image {image}: {e}"
                )))
            }
        }
    }
    docker.container_rm_force(&[VECTOR_CONTAINER.to_string()]);
    let networks = vector_networks(props);
    let mut args: Vec<String> = [
        "container",
        "run",
        "--detach",
        "--name",
        VECTOR_CONTAINER,
        "--label",
        "dokku=",
        "--label",
        "org.label-schema.schema-version=1.0",
        "--label",
        "org.label-schema.vendor=dokku",
        "--restart",
        "unless-stopped",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push("--network".into());
    args.push(networks.first().cloned().unwrap_or_else(|| "bridge".into()));
    for (from, to) in [
        (mounts.lib_root.join("data/logs"), "/etc/vector"),
        (
            PathBuf::from("/var/run/docker.sock"),
            "/var/run/docker.sock:ro",
        ),
        (mounts.logs_dir.join("apps"), "/var/log/dokku/apps"),
    ] {
        args.push("--volume".into());
        args.push(format!("{}:{to}", from.display()));
    }
    args.extend(
        [
            image,
            "--config",
            "/etc/vector/vector.json",
            "--watch-config",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let run = docker
        .run(&Call::new(args))
        .map_err(|e| invalid(e.to_string()))?;
    if run.code != 0 {
        return Err(invalid(format!(
            "Unable to start the vector container: {}",
            run.stderr.trim()
        )));
    }
    for network in networks.iter().skip(1) {
        docker
            .check(&Call::new([
                "network",
                "connect",
                network,
                VECTOR_CONTAINER,
            ]))
            .map_err(|e| invalid(e.to_string()))?;
    }
    for _ in 0..10 {
        if docker
            .container_inspect(VECTOR_CONTAINER)
            .is_some_and(|c| c.running)
        {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    Err(invalid(
        "Vector container did not start properly, run logs:vector-logs for more details",
    ))
}

/// `logs:vector-stop`: removes the vector container (and one of the old `vector`
/// name).
pub fn vector_stop(docker: &Docker) {
    docker.container_rm_force(&[VECTOR_CONTAINER.to_string(), "vector".to_string()]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink(dsn: &str) -> Value {
        Value::Object(sink_config(dsn, &[]).expect("sink"))
    }

    #[test]
    fn sinks_decode_as_dokku_does() {
        let s = sink("loki://?endpoint=https://host&encoding[codec]=text&auth[token]=foobar%3D&auth[strategy]=bearer");
        assert_eq!(s["type"], "loki");
        assert_eq!(s["endpoint"], "https://host");
        assert_eq!(s["auth"]["token"], "foobar=");
        assert_eq!(s["auth"]["strategy"], "bearer");
        assert_eq!(s["encoding"]["codec"], "text");
        let s = sink("http://?uri=https%3A//loggerservice.com%3A1234/%3Ftoken%3Dabc1234%26type%3Dvector%26key%3Dvalue%2Bvalue2");
        assert_eq!(
            s["uri"],
            "https://loggerservice.com:1234/?token=abc1234&type=vector&key=value+value2"
        );
        let s = sink("aws_cloudwatch_logs://?create_missing_group=true&stream_name={{ host }}&auth[secret_access_key]=2932JSDJ%252BKSDSDJ");
        assert_eq!(s["type"], "aws_cloudwatch_logs");
        assert_eq!(s["create_missing_group"], true);
        assert_eq!(s["stream_name"], "{{ host }}");
        assert_eq!(s["auth"]["secret_access_key"], "2932JSDJ+KSDSDJ");
        assert_eq!(
            sink("blackhole://?print_interval_secs=1")["print_interval_secs"],
            1
        );
        assert_eq!(sink("x://?k=base64enc:aGVsbG8K")["k"], "hello");
        // Go's StdEncoding, as Dokku: padding required, the bad byte's offset told.
        for (bad, at) in [("aGV*bG8K", 3), ("aGVsbG8", 4)] {
            let err = sink_config(&format!("x://?k=base64enc:{bad}"), &[]).expect_err(bad);
            assert!(
                err.to_string()
                    .contains(&format!("illegal base64 data at input byte {at}")),
                "{bad}: {err}"
            );
        }
        assert!(sink_config("console://?sinks=a", &[]).is_err());
        assert!(sink_config("console://", &[]).is_err());
        assert_eq!(
            redacted("datadog_logs://?api_key=abc"),
            "datadog_logs://redacted"
        );
    }

    #[test]
    fn max_size_follows_the_log_driver() {
        let dir = tempfile::tempdir().expect("tmp");
        let props = PropertyStore::new(dir.path());
        let json = || "json-file".to_string();
        let none: &[String] = &[];
        assert_eq!(
            max_size_arg(&props, "web", none, &json).as_deref(),
            Some("--log-opt=max-size=10m")
        );
        props.write(PLUGIN, "web", "max-size", "20m").expect("set");
        let opts = |o: &str| vec![o.to_string()];
        assert_eq!(
            max_size_arg(&props, "web", &opts("--log-driver=local"), &json).as_deref(),
            Some("--log-opt=max-size=20m")
        );
        assert_eq!(
            max_size_arg(&props, "web", &opts("--log-driver=journald"), &json),
            None
        );
        assert_eq!(
            max_size_arg(&props, "web", none, &|| "journald\n".into()),
            None
        );
        assert!(max_size_arg(&props, "web", none, &String::new).is_some());
        props
            .write(PLUGIN, "web", "max-size", "unlimited")
            .expect("set");
        assert_eq!(max_size_arg(&props, "web", none, &json), None);
    }

    #[test]
    fn settings_are_checked() {
        let none = |_: &str| false;
        assert!(validate("web", "max-size", "20m", &none).is_ok());
        assert!(validate("web", "max-size", "20", &none).is_err());
        assert!(validate("web", "max-size", "m", &none).is_err());
        assert!(validate("web", "app-label-alias", "not a label", &none).is_err());
        assert!(validate(GLOBAL, "app-label-alias", "_x", &none).is_err());
        assert!(validate("web", "vector-image", "x", &none).is_err());
        assert_eq!(
            validate(GLOBAL, "vector-networks", "a,", &|_| true),
            Err(invalid(
                "Invalid vector-networks value, empty entry in comma-separated list"
            ))
        );
        assert!(validate(GLOBAL, "vector-networks", "bridge", &|_| true).is_err());
        assert!(validate(GLOBAL, "vector-networks", "nope", &none).is_err());
    }

    fn app_scope(app: &str, sink: &str, cron: &str, alias: &str) -> Scope {
        Scope {
            ids: Ids::app(app),
            include: format!("{APP_LABEL}={app}"),
            alias: alias.into(),
            overrides: Vec::new(),
            sink: sink.into(),
            cron_sink: cron.into(),
        }
    }

    #[test]
    fn the_config_routes_cron_and_relabels() {
        let c = vector_config(&[app_scope("web", "console://?a=1", "", APP_LABEL)]).expect("c");
        assert!(c.get("transforms").is_none());
        assert_eq!(
            c["sinks"]["docker-sink:web"]["inputs"][0],
            "docker-source:web"
        );
        let c = vector_config(&[app_scope("web", "console://?a=1", "console://?b=1", "alt")])
            .expect("c");
        assert_eq!(
            c["transforms"]["docker-router:web"]["reroute_unmatched"],
            true
        );
        assert_eq!(
            c["sinks"]["docker-cron-sink:web"]["inputs"][0],
            "docker-cron-remap:web"
        );
        assert_eq!(
            c["transforms"]["docker-relabel:web"]["inputs"][0],
            "docker-router:web._unmatched"
        );
        assert_eq!(
            c["transforms"]["docker-relabel:web"]["source"],
            ".label.\"alt\" = del(.label.\"com.dokku.app-name\")"
        );
        let empty = vector_config(&[app_scope("web", "", "", APP_LABEL)]).expect("c");
        assert_eq!(empty["sinks"]["docker-null-sink"]["type"], "blackhole");
        let mut global = Scope {
            ids: Ids::global(),
            include: APP_LABEL.into(),
            alias: "g".into(),
            overrides: vec![("web".into(), "own".into())],
            sink: "console://?a=1".into(),
            cron_sink: String::new(),
        };
        let c = vector_config(std::slice::from_ref(&global)).expect("c");
        let src = c["transforms"]["docker-global-relabel"]["source"]
            .as_str()
            .expect("vrl");
        assert!(
            src.contains("if app == \"web\" {\n  .label.\"own\""),
            "{src}"
        );
        assert!(src.contains("} else {\n  .label.\"g\""), "{src}");
        global.overrides.clear();
        let c = vector_config(&[global]).expect("c");
        assert_eq!(
            c["transforms"]["docker-global-relabel"]["source"],
            ".label.\"g\" = del(.label.\"com.dokku.app-name\")"
        );
    }
}
