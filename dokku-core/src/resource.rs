//! Resource limits and reservations (Dokku's `resource` plugin).
//!
//! Values are properties `resource APP <scope>.<limit|reserve>.<resource>`, where the
//! scope is `_default_` or a process type. At deploy the docker-local scheduler gets
//! `--cpus= --gpus= --memory= --memory-swap=` (limits) and `--memory-reservation=`
//! (reservation) through `docker-args-process-deploy`, a process type's own value
//! overriding the default scope's. Network bandwidth keys are stored for other
//! schedulers only.
//!
//! Unlike Dokku, values are checked when set (a typo fails the command instead of the
//! next deploy), and a bare `memory-swap` number gets the same `m` suffix as `memory`
//! (Dokku passes it as bytes, which docker then refuses).

use std::collections::BTreeMap;

use thiserror::Error;

use crate::property::{PropertyError, PropertyStore};
use crate::report::Report;

/// The plugin name (property namespace).
pub const PLUGIN: &str = "resource";

/// The scope that applies to every process type.
pub const DEFAULT_SCOPE: &str = "_default_";

/// The resources, in the order they are shown.
pub const RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "memory-swap",
    "network",
    "network-ingress",
    "network-egress",
    "nvidia-gpu",
];

/// A limit or a reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `resource:limit`.
    Limit,
    /// `resource:reserve`.
    Reserve,
}

impl Kind {
    /// `limit` / `reserve`, as in the property names.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Limit => "limit",
            Kind::Reserve => "reserve",
        }
    }

    /// `limits` / `reservation`, as in Dokku's messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Limit => "limits",
            Kind::Reserve => "reservation",
        }
    }
}

/// Why a resource value was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ResourceError {
    /// A value docker (or the scheduler) would not take.
    #[error("Invalid value for --{key}: {value:?} ({expected})")]
    InvalidValue {
        /// The resource.
        key: String,
        /// The value given.
        value: String,
        /// What it must look like.
        expected: &'static str,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] PropertyError),
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

/// Checks one value (`clear` is always accepted).
pub fn validate(key: &str, value: &str) -> Result<(), ResourceError> {
    if value == "clear" {
        return Ok(());
    }
    let bad = |expected: &'static str| {
        Err(ResourceError::InvalidValue {
            key: key.to_string(),
            value: value.to_string(),
            expected,
        })
    };
    match key {
        "cpu" => {
            let valid = value
                .split_once('.')
                .map_or(is_number(value), |(a, b)| is_number(a) && is_number(b))
                && value.parse::<f64>().is_ok_and(|v| v > 0.0);
            if valid {
                Ok(())
            } else {
                bad("a number of CPUs such as 0.5 or 2")
            }
        }
        "memory" | "memory-swap" => {
            if key == "memory-swap" && value == "-1" {
                return Ok(());
            }
            // Docker's sizes: a number, then an optional unit (k, m, g, t, p, any
            // case, optionally with `i`) and an optional `b` ("512", "512m", "512MB").
            let unit = value.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
            let digits = &value[..value.len() - unit.len()];
            let unit = unit.to_ascii_lowercase();
            let unit = unit.strip_suffix('b').unwrap_or(&unit);
            let unit = unit
                .strip_suffix('i')
                .filter(|u| !u.is_empty())
                .unwrap_or(unit);
            let unit_ok = unit.is_empty() || matches!(unit, "k" | "m" | "g" | "t" | "p");
            if unit_ok && digits.parse::<f64>().is_ok_and(|v| v > 0.0) {
                Ok(())
            } else {
                bad("a size such as 512 (megabytes) or 512m or 1g")
            }
        }
        "nvidia-gpu" => {
            if value == "all" || (is_number(value) && !value.trim_start_matches('0').is_empty()) {
                Ok(())
            } else {
                bad("a number of GPUs or all")
            }
        }
        _ => {
            let digits = value.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            if is_number(digits) {
                Ok(())
            } else {
                bad("a bandwidth such as 10m")
            }
        }
    }
}

fn scope(proc_type: Option<&str>) -> &str {
    proc_type.filter(|p| !p.is_empty()).unwrap_or(DEFAULT_SCOPE)
}

/// The property name of one value.
pub fn property_key(proc_type: Option<&str>, kind: Kind, resource: &str) -> String {
    format!("{}.{}.{resource}", scope(proc_type), kind.as_str())
}

/// The header Dokku prints before setting values: `Setting resource limits for APP
/// (TYPE)`.
pub fn set_message(app: &str, proc_type: Option<&str>, kind: Kind) -> String {
    let mut text = format!("Setting resource {} for {app}", kind.noun());
    if let Some(t) = proc_type.filter(|p| !p.is_empty() && *p != DEFAULT_SCOPE) {
        text.push_str(&format!(" ({t})"));
    }
    text
}

/// Stores `values` (`(resource, value)`; `clear` deletes) after checking all of them;
/// returns the `resource: value` lines to print, in [`RESOURCES`] order.
///
/// Each value is its own property, so parallel calls for different process types
/// cannot lose each other's values; the writes still happen under the plugin's app
/// lock so that one call's values land together, never half before and half after a
/// concurrent [`clear`].
pub fn set(
    props: &PropertyStore,
    app: &str,
    proc_type: Option<&str>,
    kind: Kind,
    values: &BTreeMap<String, String>,
) -> Result<Vec<String>, ResourceError> {
    for (key, value) in values {
        validate(key, value)?;
    }
    props.app_locked(PLUGIN, app, || {
        let mut lines = Vec::new();
        for key in RESOURCES {
            let Some(value) = values.get(*key).filter(|v| !v.is_empty()) else {
                continue;
            };
            let property = property_key(proc_type, kind, key);
            if value == "clear" {
                props.delete(PLUGIN, app, &property)?;
                lines.push(format!("{key}: cleared"));
            } else {
                props.write(PLUGIN, app, &property, value)?;
                lines.push(format!("{key}: {value}"));
            }
        }
        Ok(lines)
    })
}

/// The header and `resource: value` lines `resource:limit APP` (no values) prints.
pub fn show(
    props: &PropertyStore,
    app: &str,
    proc_type: Option<&str>,
    kind: Kind,
) -> (String, Vec<String>) {
    let scope = scope(proc_type);
    let mut header = format!("resource {} {app} information", kind.noun());
    if scope == DEFAULT_SCOPE {
        header.push_str(" [defaults]");
    } else {
        header.push_str(&format!(" ({scope})"));
    }
    let lines = RESOURCES
        .iter()
        .map(|key| {
            let v = props
                .get(PLUGIN, app, &property_key(Some(scope), kind, key))
                .ok()
                .flatten()
                .unwrap_or_default();
            format!("{key}: {v}")
        })
        .collect();
    (header, lines)
}

/// `resource:limit-clear` / `reserve-clear`: without a process type every scope's
/// values of that kind go; with one, that scope's. Returns the message to print.
///
/// The names to delete are read from the store, so this runs under the plugin's app
/// lock, as [`set`] does.
pub fn clear(
    props: &PropertyStore,
    app: &str,
    proc_type: Option<&str>,
    kind: Kind,
) -> Result<String, ResourceError> {
    let mut message = format!("clearing {app} {}", kind.noun());
    props.app_locked(PLUGIN, app, || match proc_type.filter(|p| !p.is_empty()) {
        None => {
            let infix = format!(".{}.", kind.as_str());
            for key in props.get_all(PLUGIN, app)?.keys() {
                if key.contains(&infix) {
                    props.delete(PLUGIN, app, key)?;
                }
            }
            Ok::<_, ResourceError>(())
        }
        Some(t) => {
            if t != DEFAULT_SCOPE {
                message.push_str(&format!(" ({t})"));
            }
            for key in RESOURCES {
                props.delete(PLUGIN, app, &property_key(Some(t), kind, key))?;
            }
            Ok(())
        }
    })?;
    Ok(message)
}

/// A bare number of megabytes gets docker's `m` suffix.
fn with_memory_suffix(value: &str) -> String {
    if is_number(value) {
        format!("{value}m")
    } else {
        value.to_string()
    }
}

/// What `docker-args-process-deploy APP ... TYPE` adds for the resource plugin:
/// ` --cpus=X --gpus=X --memory=X --memory-swap=X --memory-reservation=X`, each only
/// when set, `TYPE`'s values overriding the `_default_` ones.
pub fn docker_args(props: &PropertyStore, app: &str, proc_type: &str) -> String {
    let all = props.get_all(PLUGIN, app).unwrap_or_default();
    let pick = |kind: Kind, key: &str| {
        let own = (!proc_type.is_empty())
            .then(|| all.get(&property_key(Some(proc_type), kind, key)))
            .flatten();
        own.or_else(|| all.get(&property_key(None, kind, key)))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let mut out = String::new();
    for (kind, key, flag) in [
        (Kind::Limit, "cpu", "cpus"),
        (Kind::Limit, "nvidia-gpu", "gpus"),
        (Kind::Limit, "memory", "memory"),
        (Kind::Limit, "memory-swap", "memory-swap"),
        (Kind::Reserve, "memory", "memory-reservation"),
    ] {
        if let Some(value) = pick(kind, key) {
            let value = if key.starts_with("memory") {
                with_memory_suffix(&value)
            } else {
                value
            };
            out.push_str(&format!(" --{flag}={value}"));
        }
    }
    out
}

/// `docker-args-process-build APP BUILDER`: the `build` process type's limits that
/// `builder` can apply while building (as Dokku: herokuish all four, dockerfile the
/// memory ones, other builders none). Reservations never apply to builds.
pub fn build_docker_args(props: &PropertyStore, app: &str, builder: &str) -> String {
    let allowed: &[(&str, &str)] = match builder {
        "herokuish" => &[
            ("cpu", "cpus"),
            ("nvidia-gpu", "gpus"),
            ("memory", "memory"),
            ("memory-swap", "memory-swap"),
        ],
        "dockerfile" => &[("memory", "memory"), ("memory-swap", "memory-swap")],
        _ => &[],
    };
    let all = props.get_all(PLUGIN, app).unwrap_or_default();
    let mut out = String::new();
    for (key, flag) in allowed {
        let Some(value) = all
            .get(&property_key(Some("build"), Kind::Limit, key))
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let value = if key.starts_with("memory") {
            with_memory_suffix(value)
        } else {
            value.clone()
        };
        out.push_str(&format!(" --{flag}={value}"));
    }
    out
}

/// `resource:report`: one `--resource-<property>` flag per stored value.
pub fn report(props: &PropertyStore, app: &str) -> Report {
    let mut r = Report::new(PLUGIN, app);
    for (key, value) in props.get_all(PLUGIN, app).unwrap_or_default() {
        r.flag(&format!("--resource-{key}"), value);
    }
    r
}

/// The text lines of a resource report: Dokku shows the property names without the
/// `--resource-` prefix and without capitalising them (`_default_ limit memory:`).
pub fn report_lines(report: &Report) -> Vec<String> {
    let labels: Vec<(String, &str)> = report
        .flags()
        .map(|(flag, value)| {
            let label = flag
                .trim_start_matches("--resource-")
                .replace(['-', '.'], " ");
            (format!("{label}:"), value)
        })
        .collect();
    let width = labels
        .iter()
        .map(|(l, _)| l.len())
        .max()
        .unwrap_or(0)
        .max(31);
    labels
        .into_iter()
        .map(|(label, value)| format!("{label:<width$}{value}"))
        .collect()
}

/// `resource-get-property APP PROC_TYPE RESOURCE_TYPE KEY`: the process type's value
/// (`TYPE.RESOURCE_TYPE.KEY`), else the app's default (`_default_.RESOURCE_TYPE.KEY`),
/// else nothing, as Dokku's `GetResourceValue` reads them.
pub fn value(props: &PropertyStore, app: &str, proc_type: &str, kind: &str, key: &str) -> String {
    let get = |scope: &str| {
        props
            .get(PLUGIN, app, &format!("{scope}.{kind}.{key}"))
            .ok()
            .flatten()
    };
    get(proc_type)
        .or_else(|| get(DEFAULT_SCOPE))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn values_are_checked() {
        for (key, value) in [
            ("cpu", "0.5"),
            ("cpu", "2"),
            ("memory", "512"),
            ("memory", "1g"),
            ("memory", "256M"),
            ("memory", "512MB"),
            ("memory", "1.5g"),
            ("memory", "64kib"),
            ("memory-swap", "-1"),
            ("nvidia-gpu", "all"),
            ("network", "10m"),
            ("memory", "clear"),
        ] {
            validate(key, value).unwrap_or_else(|e| panic!("{key}={value}: {e}"));
        }
        for (key, value) in [
            ("cpu", "lots"),
            ("cpu", "0"),
            ("cpu", "-1"),
            ("memory", "-5"),
            ("memory", "1xb"),
            ("memory", "1 g"),
            ("memory", "ib"),
            ("memory", "0"),
            ("memory", "abc"),
            ("nvidia-gpu", "two"),
        ] {
            assert!(validate(key, value).is_err(), "{key}={value}");
        }
        assert_eq!(
            validate("memory", "lots").expect_err("bad").to_string(),
            "Invalid value for --memory: \"lots\" (a size such as 512 (megabytes) or 512m or 1g)"
        );
    }

    #[test]
    fn build_args_follow_what_each_builder_can_apply() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        for (key, value) in [
            ("memory", "256"),
            ("cpu", "1"),
            ("nvidia-gpu", "1"),
            ("memory-swap", "1g"),
        ] {
            props
                .write(
                    PLUGIN,
                    "a",
                    &property_key(Some("build"), Kind::Limit, key),
                    value,
                )
                .expect("write");
        }
        props
            .write(PLUGIN, "a", &property_key(None, Kind::Limit, "cpu"), "4")
            .expect("write");
        assert_eq!(
            build_docker_args(&props, "a", "herokuish"),
            " --cpus=1 --gpus=1 --memory=256m --memory-swap=1g"
        );
        assert_eq!(
            build_docker_args(&props, "a", "dockerfile"),
            " --memory=256m --memory-swap=1g"
        );
        assert_eq!(build_docker_args(&props, "a", "pack"), "");
    }

    #[test]
    fn set_show_clear_and_emit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        let lines = set(
            &props,
            "a",
            None,
            Kind::Limit,
            &map(&[("memory", "512"), ("cpu", "1.5"), ("memory-swap", "1024")]),
        )
        .expect("set");
        assert_eq!(lines, ["cpu: 1.5", "memory: 512", "memory-swap: 1024"]);
        set(
            &props,
            "a",
            Some("web"),
            Kind::Limit,
            &map(&[("memory", "1g")]),
        )
        .expect("web");
        set(&props, "a", None, Kind::Reserve, &map(&[("memory", "256")])).expect("reserve");
        assert_eq!(
            docker_args(&props, "a", "web"),
            " --cpus=1.5 --memory=1g --memory-swap=1024m --memory-reservation=256m"
        );
        assert_eq!(
            docker_args(&props, "a", "worker"),
            " --cpus=1.5 --memory=512m --memory-swap=1024m --memory-reservation=256m"
        );
        // A bad value stores nothing, not even the good ones beside it.
        assert!(set(
            &props,
            "a",
            None,
            Kind::Limit,
            &map(&[("cpu", "2"), ("memory", "lots")])
        )
        .is_err());
        assert_eq!(
            props
                .get(PLUGIN, "a", "_default_.limit.cpu")
                .expect("read")
                .as_deref(),
            Some("1.5")
        );
        let (header, shown) = show(&props, "a", None, Kind::Limit);
        assert_eq!(header, "resource limits a information [defaults]");
        assert_eq!(shown[1], "memory: 512");
        let (header, _) = show(&props, "a", Some("web"), Kind::Reserve);
        assert_eq!(header, "resource reservation a information (web)");

        assert_eq!(
            set(&props, "a", None, Kind::Limit, &map(&[("cpu", "clear")])).expect("clear"),
            ["cpu: cleared"]
        );
        assert_eq!(
            clear(&props, "a", Some("web"), Kind::Limit).expect("clear"),
            "clearing a limits (web)"
        );
        assert_eq!(
            docker_args(&props, "a", "web"),
            " --memory=512m --memory-swap=1024m --memory-reservation=256m"
        );
        assert_eq!(
            clear(&props, "a", None, Kind::Limit).expect("clear"),
            "clearing a limits"
        );
        assert_eq!(
            docker_args(&props, "a", "web"),
            " --memory-reservation=256m"
        );
        let r = report(&props, "a");
        assert_eq!(
            report_lines(&r),
            [format!("{:<31}256", "_default_ reserve memory:")]
        );
    }
}
