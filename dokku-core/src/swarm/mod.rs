//! The docker-swarm scheduler: an app whose `scheduler selected` is `docker-swarm`
//! runs as one swarm service per process type, named `APP-TYPE` and labelled with
//! Dokku's labels (services are found by label, never by name alone).
//!
//! A deploy creates or updates each service (replicas from the formation, config as
//! environment, limits and reservations from `resource:*`, the restart policy from
//! `ps:set`, bind mounts from `storage:*`), replacing its tasks in a rolling update
//! that starts new tasks first and rolls back when one fails its healthcheck (the
//! app.json startup/readiness checks). Web tasks publish their container ports in
//! host mode on a dynamic port each; the addresses read back from the running tasks
//! are nginx's upstreams ([`listeners`]), rebuilt whenever the set of running web
//! tasks changes while a deploy waits for the swarm to converge.

pub(crate) mod deploy;
mod ops;
mod plan;
mod query;
pub mod spec;
pub mod tasks;

pub use deploy::{deploy, destroy, stop};
pub use ops::{enter, failed_logs, inspect, logs, swarm_log_line};
pub use query::{app_status, has_services, refresh_listeners, report_tasks};

use std::path::PathBuf;

use crate::paths::Layout;
use crate::property::command::scoped_report;
use crate::property::PropertyStore;
use crate::report::Report;

/// The plugin name (property namespace and data directory).
pub const PLUGIN: &str = "scheduler-docker-swarm";

/// The scheduler name (`scheduler:set APP selected docker-swarm`).
pub const NAME: &str = "docker-swarm";

/// The properties `scheduler-docker-swarm:set` takes, with their defaults; all may
/// be set globally.
pub const PROPERTIES: &[(&str, &str)] = &[
    ("deploy-timeout", "600"),
    ("placement-constraints", ""),
    ("update-delay", "2"),
    ("update-monitor", "5"),
    ("update-parallelism", "1"),
];

/// The names of [`PROPERTIES`].
pub fn property_names() -> Vec<&'static str> {
    PROPERTIES.iter().map(|(k, _)| *k).collect()
}

/// Whether `app` runs on the swarm.
pub fn is_swarm(props: &PropertyStore, app: &str) -> bool {
    crate::deploy::scheduler_of(props, app) == NAME
}

/// `scheduler-docker-swarm:report` of `app` (or `--global`).
pub fn report(props: &PropertyStore, app: &str) -> Report {
    scoped_report(props, PLUGIN, app, PROPERTIES)
}

/// Why a property value was refused (one line; the caller adds the hint).
pub fn validate(key: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Ok(());
    }
    match key {
        "deploy-timeout" | "update-delay" | "update-monitor" | "update-parallelism" => {
            match value.parse::<u64>() {
                Ok(n) if key != "update-parallelism" || n > 0 => Ok(()),
                _ => Err(format!(
                    "Invalid value for {key}: {value} (a whole number of {}, expected)",
                    if key == "update-parallelism" {
                        "tasks above 0"
                    } else {
                        "seconds"
                    }
                )),
            }
        }
        "placement-constraints" => {
            for c in value.split(',') {
                let c = c.trim();
                if !(c.contains("==") || c.contains("!=")) || c.chars().any(char::is_control) {
                    return Err(format!(
                        "Invalid placement constraint: {c} (expected e.g. node.role==manager)"
                    ));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A property's computed value (app, then global, then default).
pub(crate) fn computed(props: &PropertyStore, app: &str, key: &str) -> String {
    let default = PROPERTIES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, d)| *d);
    crate::deploy::prop_app_or_global(props, PLUGIN, app, key).unwrap_or_else(|| default.into())
}

/// The service of `proc_type`: `APP-TYPE`.
pub fn service_name(app: &str, proc_type: &str) -> String {
    format!("{app}-{proc_type}")
}

/// `data/scheduler-docker-swarm/APP/listeners`: `TARGET ADDRESS:PORT` per running
/// web task, as last read back from the swarm.
pub fn listeners_file(layout: &Layout, app: &str) -> PathBuf {
    layout.app_data_dir(PLUGIN, app).join("listeners")
}

/// `ADDRESS:PORT` of every running web task published for container port
/// `target` (`None`: every target), as last recorded.
pub fn listeners(layout: &Layout, app: &str, target: Option<u16>) -> Vec<String> {
    let text = std::fs::read_to_string(listeners_file(layout, app)).unwrap_or_default();
    parse_listeners(&text)
        .into_iter()
        .filter(|(t, _)| target.is_none_or(|want| *t == want))
        .map(|(_, addr)| addr)
        .collect()
}

/// Parses the listeners file (`TARGET ADDRESS:PORT` lines; others are skipped).
pub fn parse_listeners(text: &str) -> Vec<(u16, String)> {
    text.lines()
        .filter_map(|l| {
            let (t, addr) = l.trim().split_once(' ')?;
            Some((t.parse().ok()?, addr.trim().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests;
