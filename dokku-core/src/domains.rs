//! Domains (the `domains` plugin): which host names an app answers to.
//!
//! The app's domains are the lines of `$DOKKU_ROOT/APP/VHOST`; the global ones, used
//! for the default `APP.<domain>` of every new app, are the lines of
//! `$DOKKU_ROOT/VHOST`. Virtual hosts can be turned off for an app (`NO_VHOST=1` in
//! its config, `domains:disable`): nginx then answers on the port alone. Every change
//! fires `post-domains-update APP ACTION [DOMAINS...]`, which rebuilds the app's
//! nginx config.
//!
//! Every change to a `VHOST` file holds its lock (`.VHOST.lock` beside it, the same
//! `flock` the config and property stores take) from read to write, so parallel
//! `domains:add` calls keep each other's domains. Triggers fire outside the lock: a handler may itself run
//! `domains:*` for the app.

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::app::{AppName, AppNameError};
use crate::config::{ConfigScope, ConfigStore};
use crate::deploy::{DeployError, Host};
use crate::log::Level;
use crate::paths::Layout;
use crate::property::lock::FileLock;

/// The plugin name.
pub const PLUGIN: &str = "domains";

/// The config variable that turns virtual hosts off for an app (`1`).
pub const NO_VHOST: &str = "NO_VHOST";

/// Why a domain operation was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DomainsError {
    /// Not a host name (Dokku's words).
    #[error("{domain} is invalid. exiting...")]
    Invalid {
        /// The name given.
        domain: String,
    },
    /// No domain was given.
    #[error("Please specify a domain name")]
    Missing,
    /// The app name is not one an app can have, so it names no `VHOST` to change.
    #[error(transparent)]
    App(#[from] AppNameError),
}

impl From<DomainsError> for DeployError {
    fn from(err: DomainsError) -> DeployError {
        DeployError::fail(err.to_string())
    }
}

/// Whether `domain` may be used: Dokku's rule (`_`, or lower-case letters, digits,
/// `-`, `.` and `*`, not ending in `.`), plus: no empty label but a leading dot
/// (nginx's `.example.com`: the domain and all its subdomains), at most 253
/// characters, labels of at most 63, and `*` only as the whole first label.
pub fn is_valid(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    if d == "_" {
        return true;
    }
    if d.is_empty() || d.len() > 253 {
        return false;
    }
    let d = match d.strip_prefix('.') {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => d,
    };
    let labels: Vec<&str> = d.split('.').collect();
    labels.iter().enumerate().all(|(i, label)| {
        !label.is_empty()
            && label.len() <= 63
            && (*label == "*" && i == 0
                || label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    })
}

/// Whether `domain` is an IPv4 or IPv6 address (those never make default domains).
pub fn is_ip(domain: &str) -> bool {
    domain.parse::<std::net::IpAddr>().is_ok()
}

/// `$DOKKU_ROOT/VHOST`.
pub fn global_file(layout: &Layout) -> PathBuf {
    layout.dokku_root.join("VHOST")
}

/// `$DOKKU_ROOT/APP/VHOST`.
pub fn app_file(layout: &Layout, app: &str) -> PathBuf {
    layout.app_file(app, "VHOST")
}

/// `$DOKKU_ROOT/APP/URLS`, the URLs nginx was last configured for.
pub fn urls_file(layout: &Layout, app: &str) -> PathBuf {
    layout.app_file(app, "URLS")
}

fn read_lines(path: &Path) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in std::fs::read_to_string(path).unwrap_or_default().lines() {
        let line = line.trim();
        if !line.is_empty() && !out.iter().any(|d| d == line) {
            out.push(line.to_string());
        }
    }
    out
}

fn write_lines(path: &Path, lines: &[String]) -> Result<(), DeployError> {
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    crate::fs::write_atomic(path, text.as_bytes(), 0o644).map_err(DeployError::io("write", path))
}

/// Runs `change` holding the lock of the `VHOST` (or `URLS`) file `path`. Every
/// change takes it, blind writes and removals too: a `domains:set` landing between
/// an add's read and its write would otherwise be overwritten by the add.
fn locked<T>(
    path: &Path,
    change: impl FnOnce() -> Result<T, DeployError>,
) -> Result<T, DeployError> {
    let _lock = FileLock::beside(path).map_err(DeployError::io("lock", path))?;
    change()
}

/// Removes `path` under its lock; a file (or app directory) that is not there is
/// already removed.
fn remove_locked(path: &Path) -> Result<(), DeployError> {
    if !path.parent().is_some_and(Path::is_dir) {
        return Ok(());
    }
    locked(path, || match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(DeployError::io("remove", path)(e)),
    })
}

/// The app's `VHOST`, for changing it: the name is checked first, because the file
/// and its lock are joined onto `$DOKKU_ROOT` and trigger callers pass names as given.
fn app_file_to_change(layout: &Layout, app: &str) -> Result<PathBuf, DomainsError> {
    AppName::parse_existing(app)?;
    Ok(app_file(layout, app))
}

/// The global domains.
pub fn global_vhosts(layout: &Layout) -> Vec<String> {
    read_lines(&global_file(layout))
}

/// The app's domains, as written (whether or not vhosts are enabled).
pub fn app_vhosts(layout: &Layout, app: &str) -> Vec<String> {
    read_lines(&app_file(layout, app))
}

/// Whether a usable global domain is set.
pub fn global_enabled(layout: &Layout) -> bool {
    global_vhosts(layout).iter().any(|d| is_valid(d))
}

/// Whether the app answers by host name (`NO_VHOST` is not `1`).
pub fn app_enabled(layout: &Layout, app: &str) -> bool {
    ConfigStore::new(&layout.lib_root)
        .get(&ConfigScope::app(app), NO_VHOST)
        .ok()
        .flatten()
        .as_deref()
        != Some("1")
}

/// `domains-list APP` / `get_app_domains`: the app's domains when vhosts are enabled,
/// else nothing.
pub fn list(layout: &Layout, app: &str) -> Vec<String> {
    if app_enabled(layout, app) {
        app_vhosts(layout, app)
    } else {
        Vec::new()
    }
}

/// The domains a new app gets: `APP.<global>` for every global domain that is not an
/// IP address (the app name alone when it contains a dot), unless an
/// `nginx-hostname APP SUBDOMAIN VHOST` handler answers another name.
pub fn default_vhosts(host: &dyn Host, app: &str) -> Result<Vec<String>, DeployError> {
    let layout = host.layout();
    let mut out = Vec::new();
    for vhost in global_vhosts(layout) {
        if is_ip(&vhost) || !is_valid(&vhost) {
            continue;
        }
        let sub = app
            .strip_suffix(&format!(".{vhost}"))
            .unwrap_or(app)
            .to_string();
        let mut name = String::new();
        if host.has_trigger("nginx-hostname", &["20_events"]) {
            name = host
                .fire_capture("nginx-hostname", &[app, &sub, &vhost])?
                .trim()
                .to_string();
        }
        if name.is_empty() {
            // As Dokku: an app named like a domain is its own default domain.
            name = if app.contains('.') {
                app.to_string()
            } else {
                format!("{app}.{vhost}")
            };
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

fn set_no_vhost(layout: &Layout, app: &str, value: &str) -> Result<(), DeployError> {
    ConfigStore::new(&layout.lib_root)
        .set(&ConfigScope::app(app), &[(NO_VHOST, value)])
        .map_err(|e| DeployError::fail(e.to_string()))
}

fn validate_all(domains: &[String]) -> Result<(), DomainsError> {
    if domains.is_empty() {
        return Err(DomainsError::Missing);
    }
    for d in domains {
        if !is_valid(d) {
            return Err(DomainsError::Invalid { domain: d.clone() });
        }
    }
    Ok(())
}

fn normalize(domains: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in domains {
        let d = d.to_ascii_lowercase();
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// `post-create` / `domains:setup`: gives a new app its default domains
/// (`APP.<global domain>`), silently unless `announce`. Without a global domain the
/// app gets none; unlike Dokku, vhosts are not turned off (`NO_VHOST` is not set),
/// so the app's config stays as the user left it.
pub fn setup(host: &dyn Host, app: &str, announce: bool) -> Result<(), DeployError> {
    let layout = host.layout();
    if !app_enabled(layout, app) {
        if announce {
            host.log(
                Level::Info1,
                "App virtual host support disabled, skipping domain setup",
            );
        }
        return Ok(());
    }
    let path = app_file_to_change(layout, app)?;
    if path.exists() {
        return Ok(());
    }
    let defaults = default_vhosts(host, app)?;
    if defaults.is_empty() {
        if announce {
            host.log(
                Level::Info1,
                "Global server virtual host not set, no domains added",
            );
        }
        return Ok(());
    }
    locked(&path, || {
        // Checked again under the lock: a `domains:add` may have run meanwhile.
        if path.exists() {
            return Ok(());
        }
        if announce {
            host.log(Level::Info1, "Creating new app virtual host file...");
        }
        write_lines(&path, &defaults)
    })
}

/// `domains:add APP DOMAIN...`.
pub fn add(host: &dyn Host, app: &str, domains: &[String]) -> Result<(), DeployError> {
    validate_all(domains)?;
    let layout = host.layout();
    let path = app_file_to_change(layout, app)?;
    let added = normalize(domains);
    locked(&path, || {
        let mut current = read_lines(&path);
        for d in &added {
            if current.contains(d) {
                host.log(
                    Level::Info1,
                    &format!("Skipping: {d} already added to {app}"),
                );
            } else {
                current.push(d.clone());
                host.log(Level::Info1, &format!("Added {d} to {app}"));
            }
        }
        write_lines(&path, &current)
    })?;
    if !app_enabled(layout, app) {
        enable_vhost(host, app)?;
    }
    let mut args = vec![app, "add"];
    args.extend(added.iter().map(String::as_str));
    host.fire_checked("post-domains-update", &args)
}

/// `domains:remove APP DOMAIN...`.
pub fn remove(host: &dyn Host, app: &str, domains: &[String]) -> Result<(), DeployError> {
    if domains.is_empty() {
        return Err(DomainsError::Missing.into());
    }
    let path = app_file_to_change(host.layout(), app)?;
    let gone = normalize(domains);
    locked(&path, || {
        let current: Vec<String> = read_lines(&path)
            .into_iter()
            .filter(|d| !gone.contains(d))
            .collect();
        write_lines(&path, &current)
    })?;
    for d in &gone {
        host.log(Level::Info1, &format!("Removed {d} from {app}"));
    }
    let mut args = vec![app, "remove"];
    args.extend(gone.iter().map(String::as_str));
    host.fire_checked("post-domains-update", &args)
}

/// `domains:set APP DOMAIN...`.
pub fn set(host: &dyn Host, app: &str, domains: &[String]) -> Result<(), DeployError> {
    validate_all(domains)?;
    let layout = host.layout();
    let path = app_file_to_change(layout, app)?;
    let domains = normalize(domains);
    locked(&path, || write_lines(&path, &domains))?;
    host.log(
        Level::Info1,
        &format!("Set {} for {app}", domains.join(" ")),
    );
    if !app_enabled(layout, app) {
        enable_vhost(host, app)?;
    }
    let mut args = vec![app, "set"];
    args.extend(domains.iter().map(String::as_str));
    host.fire_checked("post-domains-update", &args)
}

/// `domains:clear APP`.
pub fn clear(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    remove_locked(&app_file_to_change(host.layout(), app)?)?;
    host.fire_checked("post-domains-update", &[app, "clear"])?;
    host.log(Level::Info1, &format!("Cleared domains in {app}"));
    Ok(())
}

/// `domains:setup APP`: the default domains written if the app has none yet
/// ([`setup`]), then `post-domains-update APP reset` (the proxy rebuilds), as Dokku.
pub fn setup_command(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    setup(host, app, true)?;
    host.fire_checked("post-domains-update", &[app, "reset"])?;
    host.log(Level::Info1Quiet, &format!("Setup domains for {app}"));
    Ok(())
}

/// `domains:reset APP`: back to the default domains.
pub fn reset(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let path = app_file_to_change(host.layout(), app)?;
    let defaults = default_vhosts(host, app)?;
    locked(&path, || write_lines(&path, &defaults))?;
    host.log(Level::Info1, &format!("Reset domains for {app}"));
    let mut args = vec![app, "set"];
    args.extend(defaults.iter().map(String::as_str));
    host.fire_checked("post-domains-update", &args)
}

fn enable_vhost(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    host.fire_checked("pre-enable-vhost", &[app])?;
    set_no_vhost(host.layout(), app, "0")
}

/// `domains:enable APP`.
pub fn enable(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    if app_enabled(layout, app) {
        host.log(
            Level::Info1,
            &format!("Domains (VHOST) support is already enabled for app ({app})"),
        );
        return Ok(());
    }
    let path = app_file_to_change(layout, app)?;
    let defaults = default_vhosts(host, app)?;
    if !defaults.is_empty() {
        locked(&path, || {
            if read_lines(&path).is_empty() {
                write_lines(&path, &defaults)?;
            }
            Ok(())
        })?;
    }
    enable_vhost(host, app)?;
    host.log(Level::Info1, "App virtual host support enabled");
    host.fire_checked("post-domains-update", &[app, "enable"])
}

/// `domains:disable APP`.
pub fn disable(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    if !app_enabled(layout, app) {
        host.log(
            Level::Info1,
            &format!("Domains (VHOST) support is already disabled for app ({app})"),
        );
        return Ok(());
    }
    let path = app_file_to_change(layout, app)?;
    host.fire_checked("pre-disable-vhost", &[app])?;
    for path in [path, urls_file(layout, app)] {
        remove_locked(&path)?;
    }
    host.log(Level::Info1, "App virtual host support disabled");
    set_no_vhost(layout, app, "1")?;
    host.fire_checked("post-domains-update", &[app, "disable"])
}

/// `domains:add-global DOMAIN...`.
pub fn add_global(host: &dyn Host, domains: &[String]) -> Result<(), DeployError> {
    validate_all(domains)?;
    let path = global_file(host.layout());
    locked(&path, || {
        let mut current = read_lines(&path);
        for d in normalize(domains) {
            if current.contains(&d) {
                host.log(Level::Info1, &format!("Skipping: {d} already added"));
            } else {
                host.log(Level::Info1, &format!("Added {d}"));
                current.push(d);
            }
        }
        write_lines(&path, &current)
    })
}

/// `domains:remove-global DOMAIN...`.
pub fn remove_global(host: &dyn Host, domains: &[String]) -> Result<(), DeployError> {
    if domains.is_empty() {
        return Err(DomainsError::Missing.into());
    }
    let path = global_file(host.layout());
    let gone = normalize(domains);
    locked(&path, || {
        let current: Vec<String> = read_lines(&path)
            .into_iter()
            .filter(|d| !gone.contains(d))
            .collect();
        write_lines(&path, &current)
    })?;
    for d in gone {
        host.log(Level::Info1, &format!("Removed {d}"));
    }
    Ok(())
}

/// `domains:set-global DOMAIN...`.
pub fn set_global(host: &dyn Host, domains: &[String]) -> Result<(), DeployError> {
    validate_all(domains)?;
    let domains = normalize(domains);
    let path = global_file(host.layout());
    locked(&path, || write_lines(&path, &domains))?;
    host.log(Level::Info1, &format!("Set {}", domains.join(" ")));
    Ok(())
}

/// `domains:clear-global`.
pub fn clear_global(host: &dyn Host) -> Result<(), DeployError> {
    let path = global_file(host.layout());
    locked(&path, || write_lines(&path, &[]))?;
    host.log(Level::Info1, "Cleared global domains");
    Ok(())
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// `domains-urls APP urls`: every `scheme://domain[:port]` the app answers on —
/// its domains (else the global ones, else this host's name) times its port
/// mappings (https only with a certificate; tcp and udp are not URLs), sorted. The
/// port is left out when it is the scheme's own (80, 443). With the proxy off, the
/// web containers' `http://IP:PORT`.
pub fn urls(layout: &Layout, props: &crate::property::PropertyStore, app: &str) -> Vec<String> {
    if !crate::proxy::is_enabled(props, app) {
        return crate::nginx::listeners(layout, app, "web")
            .into_iter()
            .map(|l| format!("http://{l}"))
            .collect();
    }
    let ssl = crate::certs::is_enabled(layout, app);
    let mut hosts = list(layout, app);
    if hosts.is_empty() {
        hosts = global_vhosts(layout)
            .into_iter()
            .filter(|d| is_valid(d))
            .collect();
    }
    if hosts.is_empty() {
        hosts.push(hostname());
    }
    let mut out: Vec<String> = Vec::new();
    for m in crate::ports::effective(layout, props, app) {
        let default_port = match m.scheme.as_str() {
            "http" | "grpc" => 80,
            "https" | "grpcs" if ssl => 443,
            _ => continue,
        };
        for h in &hosts {
            let url = if m.host == default_port {
                format!("{}://{h}", m.scheme)
            } else {
                format!("{}://{h}:{}", m.scheme, m.host)
            };
            if !out.contains(&url) {
                out.push(url);
            }
        }
    }
    out.sort();
    out
}

/// `domains-urls APP url`: the first URL of the app's main scheme (https with a
/// certificate), else the first URL.
pub fn url(layout: &Layout, props: &crate::property::PropertyStore, app: &str) -> Option<String> {
    let all = urls(layout, props, app);
    let scheme = if crate::certs::is_enabled(layout, app) {
        "https://"
    } else {
        "http://"
    };
    all.iter()
        .find(|u| u.starts_with(scheme))
        .or_else(|| all.first())
        .cloned()
}

/// `domains-urls APP TYPE`: what an `app-urls APP TYPE` handler printed (`answer`),
/// when it printed anything, else the app's own ([`url`] for `url`, else [`urls`]).
/// An answer is read as Dokku reads it: space- or newline-separated URLs, the first
/// with the app's scheme (`https` with a certificate) for `url`, all of them sorted
/// otherwise.
pub fn urls_or_override(
    layout: &Layout,
    props: &crate::property::PropertyStore,
    app: &str,
    url_type: &str,
    answer: &str,
) -> Vec<String> {
    let mut given: Vec<String> = answer.split_whitespace().map(str::to_string).collect();
    if given.is_empty() {
        return if url_type == "url" {
            url(layout, props, app).into_iter().collect()
        } else {
            urls(layout, props, app)
        };
    }
    if url_type == "url" {
        let scheme = if crate::certs::is_enabled(layout, app) {
            "https://"
        } else {
            "http://"
        };
        return given
            .into_iter()
            .filter(|u| u.contains(scheme))
            .take(1)
            .collect();
    }
    given.sort();
    given
}

/// `post-app-clone-setup`: a clone starts without the original's `VHOST` and `URLS`.
pub fn forget(layout: &Layout, app: &str) {
    let Ok(vhost) = app_file_to_change(layout, app) else {
        return;
    };
    // Best effort, as it always was: the clone goes on without its `VHOST` either way.
    for path in [vhost, urls_file(layout, app)] {
        let _ = remove_locked(&path);
    }
}

/// `post-app-rename-setup OLD NEW`: in the renamed app's `VHOST` and `URLS`, each
/// default domain `OLD.<global domain>` becomes `NEW.<global domain>`; domains the
/// operator chose stay as they are (as Dokku).
pub fn rename(layout: &Layout, old: &str, new: &str) -> Result<(), DeployError> {
    let globals = global_vhosts(layout);
    for path in [app_file_to_change(layout, new)?, urls_file(layout, new)] {
        if !path.exists() {
            continue;
        }
        locked(&path, || {
            if let Ok(mut text) = std::fs::read_to_string(&path) {
                for vhost in &globals {
                    text = text.replace(&format!("{old}.{vhost}"), &format!("{new}.{vhost}"));
                }
                crate::fs::write_atomic(&path, text.as_bytes(), 0o644)
                    .map_err(DeployError::io("write", &path))?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// The `domains:report` flags of `app` (or `--global`).
pub fn report(layout: &Layout, app: &str) -> crate::report::Report {
    let mut report = crate::report::Report::new(PLUGIN, app).legacy_keys(false);
    let global = crate::property::GLOBAL;
    report
        .flag(
            "--domains-global-enabled",
            global_enabled(layout).to_string(),
        )
        .flag("--domains-global-vhosts", global_vhosts(layout).join(" "));
    if app != global {
        report
            .flag(
                "--domains-app-enabled",
                app_enabled(layout, app).to_string(),
            )
            .flag("--domains-app-vhosts", app_vhosts(layout, app).join(" "));
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    #[test]
    fn hostname_rules() {
        for ok in [
            "example.com",
            "a-b.example.com",
            "*.example.com",
            "_",
            "x",
            "EXAMPLE.com",
            "10.0.0.1",
            ".example.com",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "bad_domain!",
            "a..b",
            ".",
            "..a",
            "a.",
            "a.*.b",
            "ex ample.com",
            "a/b",
            &"x".repeat(64),
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
        assert!(is_ip("10.0.0.1") && is_ip("::1") && !is_ip("a.b"));
    }

    #[test]
    fn an_app_named_like_a_domain_is_its_own_default_and_renames_keep_chosen_domains() {
        let host = FakeHost::new();
        let layout = host.layout().clone();
        set_global(&host, &["dokku.test".into()]).expect("global");
        host.mkapp("test.dokku.test");
        assert_eq!(
            default_vhosts(&host, "test.dokku.test").expect("defaults"),
            ["test.dokku.test"]
        );
        host.mkapp("new");
        std::fs::write(app_file(&layout, "new"), "old.dokku.test\nold.mine.org\n").expect("write");
        rename(&layout, "old", "new").expect("rename");
        assert_eq!(list(&layout, "new"), ["new.dokku.test", "old.mine.org"]);
    }

    #[test]
    fn setup_writes_the_defaults_once() {
        let host = FakeHost::new();
        let layout = host.layout().clone();
        host.mkapp("web");
        set_global(&host, &["example.com".into()]).expect("global");
        setup(&host, "web", false).expect("setup");
        assert_eq!(list(&layout, "web"), ["web.example.com"]);
        set(&host, "web", &["mine.test".into()]).expect("set");
        setup(&host, "web", false).expect("again");
        assert_eq!(list(&layout, "web"), ["mine.test"]);
    }

    #[test]
    fn defaults_come_from_the_global_domains() {
        let host = FakeHost::new();
        let layout = host.layout().clone();
        std::fs::write(global_file(&layout), "example.com\n10.0.0.1\nother.org\n").expect("write");
        assert_eq!(
            default_vhosts(&host, "web").expect("defaults"),
            ["web.example.com", "web.other.org"]
        );
        assert_eq!(default_vhosts(&host, "a.b").expect("defaults"), ["a.b"]);
    }

    #[test]
    fn setup_add_remove_set_and_clear() {
        let host = FakeHost::new();
        let layout = host.layout().clone();
        std::fs::create_dir_all(layout.app_root("web")).expect("mkdir");
        // No global domain: no domains, nothing else changed.
        setup(&host, "web", false).expect("setup");
        assert!(app_enabled(&layout, "web") && list(&layout, "web").is_empty());
        assert!(!app_file(&layout, "web").exists());
        disable(&host, "web").expect("disable");
        assert!(!app_enabled(&layout, "web"));
        // Adding a domain turns vhosts back on.
        add(
            &host,
            "web",
            &["Web.Example.com".into(), "web.example.com".into()],
        )
        .expect("add");
        assert!(app_enabled(&layout, "web"));
        assert_eq!(list(&layout, "web"), ["web.example.com"]);
        add(&host, "web", &["two.example.com".into()]).expect("add");
        remove(&host, "web", &["web.example.com".into()]).expect("remove");
        assert_eq!(list(&layout, "web"), ["two.example.com"]);
        set(&host, "web", &["a.test".into(), "b.test".into()]).expect("set");
        assert_eq!(list(&layout, "web"), ["a.test", "b.test"]);
        clear(&host, "web").expect("clear");
        assert!(list(&layout, "web").is_empty());
        let fired = host.fired.borrow().clone();
        assert!(
            fired.contains(&"post-domains-update web add web.example.com".to_string()),
            "{fired:?}"
        );
        assert!(
            fired.contains(&"post-domains-update web set a.test b.test".to_string()),
            "{fired:?}"
        );
        assert!(
            fired.contains(&"post-domains-update web clear".to_string()),
            "{fired:?}"
        );
    }

    #[test]
    fn invalid_input_changes_nothing() {
        let host = FakeHost::new();
        let layout = host.layout().clone();
        std::fs::create_dir_all(layout.app_root("web")).expect("mkdir");
        set(&host, "web", &["ok.test".into()]).expect("set");
        let before = std::fs::read(app_file(&layout, "web")).expect("read");
        let err =
            add(&host, "web", &["fine.test".into(), "bad_domain!".into()]).expect_err("invalid");
        assert_eq!(err.to_string(), "bad_domain! is invalid. exiting...");
        assert_eq!(
            std::fs::read(app_file(&layout, "web")).expect("read"),
            before
        );
        assert!(set_global(&host, &[]).is_err());
    }

    #[test]
    fn urls_combine_domains_and_port_maps() {
        let host = FakeHost::new();
        let layout = host.layout().clone();
        let props = host.properties();
        host.mkapp("web");
        set(&host, "web", &["a.test".into(), "b.test".into()]).expect("set");
        crate::ports::set(
            &host,
            "web",
            &["http:80:5000 http:8080:5000 https:443:5000 udp:53:53".into()],
        )
        .expect("ports");
        assert_eq!(
            urls(&layout, &props, "web"),
            [
                "http://a.test",
                "http://a.test:8080",
                "http://b.test",
                "http://b.test:8080"
            ]
        );
        let tls = crate::certs::tls_dir(&layout, "web");
        std::fs::create_dir_all(&tls).expect("mkdir");
        std::fs::write(tls.join("server.crt"), "c").expect("crt");
        std::fs::write(tls.join("server.key"), "k").expect("key");
        assert!(urls(&layout, &props, "web").contains(&"https://a.test".to_string()));
        assert_eq!(
            url(&layout, &props, "web").as_deref(),
            Some("https://a.test")
        );
    }

    #[test]
    fn global_domains() {
        let host = FakeHost::new();
        let layout = host.layout().clone();
        add_global(&host, &["a.test".into(), "b.test".into()]).expect("add");
        remove_global(&host, &["a.test".into()]).expect("remove");
        assert_eq!(global_vhosts(&layout), ["b.test"]);
        assert!(global_enabled(&layout));
        clear_global(&host).expect("clear");
        assert!(!global_enabled(&layout));
    }

    #[test]
    fn changes_lock_a_dot_file_beside_vhost_and_refuse_bad_app_names() {
        let host = FakeHost::new();
        let layout = host.layout().clone();
        host.mkapp("web");
        add(&host, "web", &["a.test".into()]).expect("add");
        add_global(&host, &["g.test".into()]).expect("add global");
        assert!(layout.app_root("web").join(".VHOST.lock").is_file());
        assert!(layout.dokku_root.join(".VHOST.lock").is_file());
        assert_eq!(
            crate::app::list(&layout.dokku_root).expect("apps"),
            ["web"],
            "the global lock is no app"
        );
        assert_eq!(app_vhosts(&layout, "web"), ["a.test"]);
        let err = add(&host, "../web", &["b.test".into()]).expect_err("bad name");
        assert!(err.to_string().starts_with("App name must"), "{err}");
        assert!(!layout.dokku_root.join("../web").exists());
        clear(&host, "gone").expect("nothing to clear for a missing app directory");
    }

    #[test]
    fn an_app_urls_answer_replaces_the_apps_own_urls() {
        let host = FakeHost::new();
        host.mkapp("web");
        let (layout, props) = (host.layout(), host.properties());
        let answer = "https://b.example.com http://a.example.com\nhttp://c.example.com\n";
        assert_eq!(
            urls_or_override(layout, &props, "web", "urls", answer),
            [
                "http://a.example.com",
                "http://c.example.com",
                "https://b.example.com"
            ]
        );
        assert_eq!(
            urls_or_override(layout, &props, "web", "url", answer),
            ["http://a.example.com"],
            "no certificate: the first http URL"
        );
        assert_eq!(
            urls_or_override(layout, &props, "web", "urls", " \n"),
            urls(layout, &props, "web"),
            "an empty answer leaves the app's own"
        );
    }
}
