//! The `nginx:set` properties (plugin `nginx`), their defaults and value rules.

use std::path::Path;

use crate::deploy::prop_app_or_global;
use crate::property::{PropertyStore, GLOBAL};
use crate::report::Report;

/// The memory page size nginx sizes proxy buffers by (Dokku reads `getconf
/// PAGESIZE`; 4 KiB on the platforms we build for).
const PAGE_SIZE: usize = 4096;

/// How a property's value is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Bool,
    OnOff,
    Int,
    Size,
    Buffers,
    Time,
    Ipv4,
    Ipv6,
    Path,
    Word,
    Text,
}

/// Every property `nginx:set` accepts, with its rule.
const PROPS: &[(&str, Rule)] = &[
    ("access-log-format", Rule::Word),
    ("access-log-path", Rule::Path),
    ("bind-address-ipv4", Rule::Ipv4),
    ("bind-address-ipv6", Rule::Ipv6),
    ("client-body-timeout", Rule::Time),
    ("client-header-timeout", Rule::Time),
    ("client-max-body-size", Rule::Size),
    ("disable-custom-config", Rule::Bool),
    ("error-log-path", Rule::Path),
    ("hsts", Rule::Bool),
    ("hsts-include-subdomains", Rule::Bool),
    ("hsts-max-age", Rule::Int),
    ("hsts-preload", Rule::Bool),
    ("keepalive-timeout", Rule::Time),
    ("lingering-timeout", Rule::Time),
    ("nginx-conf-sigil-path", Rule::Path),
    ("nginx-service-command", Rule::Text),
    ("proxy-buffer-size", Rule::Size),
    ("proxy-buffering", Rule::OnOff),
    ("proxy-buffers", Rule::Buffers),
    ("proxy-busy-buffers-size", Rule::Size),
    ("proxy-connect-timeout", Rule::Time),
    ("proxy-keepalive", Rule::Int),
    ("proxy-read-timeout", Rule::Time),
    ("proxy-send-timeout", Rule::Time),
    ("send-timeout", Rule::Time),
    ("underscore-in-headers", Rule::OnOff),
    ("x-forwarded-for-value", Rule::Word),
    ("x-forwarded-port-value", Rule::Word),
    ("x-forwarded-proto-value", Rule::Word),
    ("x-forwarded-ssl", Rule::Word),
];

/// The property keys, sorted.
pub fn keys() -> Vec<&'static str> {
    PROPS.iter().map(|(k, _)| *k).collect()
}

/// The built-in default of `key` for `app`; log paths live under `log_root`.
pub fn default_value(key: &str, app: &str, log_root: &Path) -> String {
    let log = |kind: &str| {
        log_root
            .join(format!("{app}-{kind}.log"))
            .display()
            .to_string()
    };
    match key {
        "access-log-path" => log("access"),
        "error-log-path" => log("error"),
        "bind-address-ipv6" => "::".into(),
        "client-body-timeout"
        | "client-header-timeout"
        | "proxy-connect-timeout"
        | "proxy-read-timeout"
        | "proxy-send-timeout"
        | "send-timeout" => "60s".into(),
        "client-max-body-size" => "1m".into(),
        "disable-custom-config" | "hsts-preload" => "false".into(),
        "hsts" | "hsts-include-subdomains" => "true".into(),
        "hsts-max-age" => "15724800".into(),
        "keepalive-timeout" => "75s".into(),
        "lingering-timeout" => "5s".into(),
        "nginx-conf-sigil-path" => "nginx.conf.sigil".into(),
        "proxy-buffer-size" => PAGE_SIZE.to_string(),
        "proxy-buffering" => "on".into(),
        "proxy-buffers" => format!("8 {PAGE_SIZE}"),
        "proxy-busy-buffers-size" => (PAGE_SIZE * 2).to_string(),
        "underscore-in-headers" => "off".into(),
        "x-forwarded-for-value" => "$remote_addr".into(),
        "x-forwarded-port-value" => "$server_port".into(),
        "x-forwarded-proto-value" => "$scheme".into(),
        _ => String::new(),
    }
}

/// The value in force: the app's, else the global one, else the default.
pub fn computed(props: &PropertyStore, app: &str, key: &str, log_root: &Path) -> String {
    prop_app_or_global(props, super::PLUGIN, app, key)
        .unwrap_or_else(|| default_value(key, app, log_root))
}

/// Which value of a property the bash getters read (`fn-nginx-<key>`,
/// `fn-nginx-global-<key>`, `fn-nginx-computed-<key>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The app's own value; empty when it has none.
    App,
    /// The global value; empty when there is none.
    Global,
    /// The value in force ([`computed`]).
    Computed,
}

/// The value of `key` for `app` as `scope` sees it.
pub fn scoped(
    props: &PropertyStore,
    app: &str,
    key: &str,
    scope: Scope,
    log_root: &Path,
) -> String {
    let own = |owner: &str| {
        props
            .get(super::PLUGIN, owner, key)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    match scope {
        Scope::App => own(app),
        Scope::Global => own(GLOBAL),
        Scope::Computed => computed(props, app, key, log_root),
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn with_suffix(s: &str, suffixes: &[&str]) -> bool {
    digits(s)
        || suffixes
            .iter()
            .any(|suf| s.strip_suffix(suf).is_some_and(digits))
}

/// Checks `value` for `key`; the error says what is expected.
pub fn check(key: &str, value: &str) -> Result<(), String> {
    let Some((_, rule)) = PROPS.iter().find(|(k, _)| *k == key) else {
        return Err(format!(
            "Invalid key specified, valid keys include: {}",
            keys().join(", ")
        ));
    };
    if value.contains(['\n', '\r', ';', '{', '}']) {
        return Err(format!(
            "Invalid value for {key}: newlines, ';', '{{' and '}}' are not allowed"
        ));
    }
    let ok = match rule {
        Rule::Bool => matches!(value, "true" | "false"),
        Rule::OnOff => matches!(value, "on" | "off"),
        Rule::Int => digits(value),
        Rule::Size => with_suffix(value, &["k", "K", "m", "M", "g", "G"]),
        Rule::Buffers => value
            .split_once(' ')
            .is_some_and(|(n, s)| digits(n) && with_suffix(s, &["k", "K", "m", "M"])),
        Rule::Time => with_suffix(value, &["ms", "s", "m", "h", "d", "w", "M", "y"]),
        Rule::Ipv4 => value.parse::<std::net::Ipv4Addr>().is_ok(),
        Rule::Ipv6 => value.parse::<std::net::Ipv6Addr>().is_ok(),
        Rule::Path => !value.chars().any(char::is_whitespace),
        Rule::Word => !value.contains(char::is_whitespace),
        Rule::Text => true,
    };
    if ok {
        return Ok(());
    }
    let expected = match rule {
        Rule::Bool => "true or false",
        Rule::OnOff => "on or off",
        Rule::Int => "a whole number",
        Rule::Size => "a size such as 1m or 512k",
        Rule::Buffers => "a count and a size such as 8 4k",
        Rule::Time => "a duration such as 60s",
        Rule::Ipv4 => "an IPv4 address",
        Rule::Ipv6 => "an IPv6 address",
        Rule::Path | Rule::Word => "a value without spaces",
        Rule::Text => "text",
    };
    Err(format!("Invalid value for {key}: expected {expected}"))
}

/// The `nginx:report` flags of `app` (or `--global`).
pub fn report(
    props: &PropertyStore,
    app: &str,
    log_root: &Path,
    last_visited: Option<String>,
) -> Report {
    let get = |a: &str, key: &str| {
        props
            .get(super::PLUGIN, a, key)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let mut report = Report::new(super::PLUGIN, app).legacy_keys(false);
    for key in keys() {
        report.flag(&format!("--nginx-global-{key}"), get(GLOBAL, key));
        if app != GLOBAL {
            report.flag(&format!("--nginx-{key}"), get(app, key)).flag(
                &format!("--nginx-computed-{key}"),
                computed(props, app, key, log_root),
            );
        }
    }
    if app != GLOBAL {
        report.flag("--nginx-last-visited-at", last_visited.unwrap_or_default());
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_per_key() {
        for (k, v) in [
            ("client-max-body-size", "10m"),
            ("proxy-read-timeout", "120s"),
            ("hsts", "false"),
            ("bind-address-ipv4", "127.0.0.1"),
            ("bind-address-ipv6", "::1"),
            ("proxy-buffers", "8 4k"),
            ("access-log-path", "off"),
            ("x-forwarded-for-value", "$http_x_forwarded_for"),
        ] {
            assert_eq!(check(k, v), Ok(()), "{k}={v}");
        }
        assert_eq!(
            check("client-max-body-size", "lots"),
            Err(
                "Invalid value for client-max-body-size: expected a size such as 1m or 512k".into()
            )
        );
        assert!(check("hsts", "yes").is_err());
        assert!(check("bind-address-ipv4", "::1").is_err());
        assert!(check("proxy-read-timeout", "60s; evil").is_err());
        assert!(check("nope", "x")
            .expect_err("key")
            .starts_with("Invalid key specified"));
    }

    #[test]
    fn computed_values_fall_back_to_global_then_default() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        let logs = Path::new("/logs");
        assert_eq!(
            computed(&props, "web", "access-log-path", logs),
            "/logs/web-access.log"
        );
        assert_eq!(computed(&props, "web", "client-max-body-size", logs), "1m");
        props
            .write(super::super::PLUGIN, GLOBAL, "client-max-body-size", "5m")
            .expect("w");
        assert_eq!(computed(&props, "web", "client-max-body-size", logs), "5m");
        props
            .write(super::super::PLUGIN, "web", "client-max-body-size", "9m")
            .expect("w");
        assert_eq!(computed(&props, "web", "client-max-body-size", logs), "9m");
        let report = report(&props, "web", logs, None);
        let flags: std::collections::BTreeMap<&str, &str> = report.flags().collect();
        assert_eq!(flags["--nginx-client-max-body-size"], "9m");
        assert_eq!(flags["--nginx-global-client-max-body-size"], "5m");
        assert_eq!(flags["--nginx-computed-hsts"], "true");
    }
}
