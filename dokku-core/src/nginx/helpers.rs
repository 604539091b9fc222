//! What the bash functions of `nginx-vhosts/functions` and
//! `nginx-vhosts/internal-functions` ask the core (through `dokku __core nginx-*`):
//! the same rendering, checks and files [`super::build_config`] uses, one question at
//! a time.
//!
//! | function | bash function |
//! |---|---|
//! | [`render_file`] | `fn-nginx-vhosts-render-template` |
//! | [`pre_validate`] | `fn-nginx-vhosts-pre-validate-custom-template` |
//! | [`app_config_valid`] | `nginx_vhosts_is_valid_nginx_config_func` |
//! | [`manage_hsts`] | `fn-nginx-vhosts-manage-hsts` |
//! | [`check_ssl_domains`] | `validate_ssl_domains` |
//! | [`custom_template`] | `get_custom_nginx_template` |
//! | [`feature`] | `is_http2_push_enabled`, `is_http2_directive_supported` |
//! | [`is_running`] | `fn-nginx-vhosts-nginx-is-running` |

use std::path::{Path, PathBuf};

use super::{
    app_template, apply, certs, conf_d, conf_path, domains, features, hsts_conf, listeners,
    log_root, pid, preflight, props, proxy, template_vars, warn_ssl_domains, Change, Nginx,
    DEFAULT_TEMPLATE,
};
use crate::deploy::{DeployError, Host};
use crate::log::Level;

/// Where a rendered app's web containers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen<'a> {
    /// The recorded web containers (`IP.web.N`, `PORT.web.N`).
    Recorded,
    /// One given address (`DOKKU_APP_LISTEN_IP`, `DOKKU_APP_LISTEN_PORT`).
    At {
        /// The port.
        port: &'a str,
        /// The IP.
        ip: &'a str,
    },
}

/// Renders the sigil template at `template` (or the built-in one when `None`) for
/// `app` with the variables [`super::build_config`] gives it. Before the app's first
/// deploy (`pre_validate`), an app without containers gets the placeholder web
/// listener `127.0.0.1:5000`, so its `upstream` block still passes `nginx -t`.
pub fn render_file(
    host: &dyn Host,
    app: &str,
    template: Option<&Path>,
    listen: Listen<'_>,
    pre_validate: bool,
) -> Result<String, DeployError> {
    let layout = host.layout();
    let (name, text) = match template {
        Some(path) => (
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "nginx.conf.sigil".into()),
            std::fs::read_to_string(path).map_err(DeployError::io("read", path))?,
        ),
        None => ("nginx.conf.sigil".to_string(), DEFAULT_TEMPLATE.to_string()),
    };
    let mut web = match listen {
        Listen::Recorded => listeners(layout, app, "web"),
        Listen::At { port, ip } => vec![format!("{ip}:{port}")],
    };
    if web.is_empty() && pre_validate {
        web.push("127.0.0.1:5000".to_string());
    }
    let version = Nginx::from_env(host.env()).version();
    let (mut vars, _) = template_vars(host, app, &web, version)?;
    if let Listen::At { port, ip } = listen {
        vars.insert("DOKKU_APP_LISTEN_PORT".into(), port.to_string());
        vars.insert("DOKKU_APP_LISTEN_IP".into(), ip.to_string());
        vars.insert("PASSED_LISTEN_IP_PORT".into(), "true".into());
    }
    let env = crate::deploy::app_env(layout, app).unwrap_or_default();
    crate::sigil::render(&name, &text, &vars, &|k| env.get(k).cloned())
        .map_err(|e| DeployError::fail(format!("{name} could not be rendered: {e}")))
}

/// Checks this deploy's copy of the app's `nginx.conf.sigil` (extracted by
/// `core-post-extract`) against `nginx -t`, then puts the previous config back. Nothing
/// to check when the app's proxy is not nginx, custom templates are disabled, or the
/// source has no template.
pub fn pre_validate(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    let props = host.properties();
    if proxy::proxy_type(&props, app) != "nginx"
        || props::computed(&props, app, "disable-custom-config", &log_root(layout)) == "true"
    {
        return Ok(());
    }
    let dir = super::app_template_dir(layout, app);
    if !dir
        .join(format!("nginx.conf.sigil.{}", pid(host)))
        .is_file()
    {
        return Ok(());
    }
    preflight(host, app)
}

/// Whether nginx accepts the app's `nginx.conf`: `nginx -t` passes, or fails without
/// naming that file. An app without a config (or an nginx that is not set up) is
/// valid.
pub fn app_config_valid(host: &dyn Host, app: &str) -> bool {
    let conf = conf_path(host.layout(), app);
    if !conf.exists() {
        return true;
    }
    match Nginx::from_env(host.env()).test() {
        Ok(()) => true,
        Err(err) => {
            let path = conf.display().to_string();
            !(err.contains(&format!("{path}:")) || err.contains(&format!("{path} ")))
        }
    }
}

/// Writes `nginx.conf.d/hsts.conf` for `app` when `ssl` and its `hsts` property are
/// on, else removes it (nginx is neither tested nor reloaded: the caller does that).
pub fn manage_hsts(host: &dyn Host, app: &str, ssl: bool) -> Result<(), DeployError> {
    let file = conf_d(host.layout(), app).join("hsts.conf");
    match hsts_conf(host, app, ssl) {
        Some(text) => {
            host.log(
                Level::VerboseQuiet,
                "Enabling HSTS (using built-in template)",
            );
            let dir = conf_d(host.layout(), app);
            std::fs::create_dir_all(&dir).map_err(DeployError::io("create", &dir))?;
            crate::fs::write_atomic(&file, text.as_bytes(), 0o644)
                .map_err(DeployError::io("write", &file))
        }
        None => match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(DeployError::io("remove", &file)(e))
            }
            _ => Ok(()),
        },
    }
}

/// Says when none of the app's domains is covered by its certificate, listing both
/// (nothing when the app serves no https or a domain matches).
pub fn check_ssl_domains(host: &dyn Host, app: &str) {
    let layout = host.layout();
    if !certs::is_enabled(layout, app) {
        return;
    }
    let covered = certs::hostnames(layout, app);
    let configured = domains::list(layout, app);
    if configured.iter().any(|d| certs::covers(&covered, d)) {
        return;
    }
    warn_ssl_domains(host, app);
    if !configured.is_empty() {
        host.log(Level::Info1, "Configured domains for app:");
        for d in &configured {
            host.log(Level::Info2, d);
        }
    }
    if !covered.is_empty() {
        host.log(Level::Info1, "Domains found in SSL certificate:");
        for d in &covered {
            host.log(Level::Info2, d);
        }
    }
}

/// The app's own `nginx.conf.sigil` that a rebuild would use (this deploy's copy
/// first), unless `disable-custom-config` is on.
pub fn custom_template(host: &dyn Host, app: &str) -> Option<PathBuf> {
    let layout = host.layout();
    let props = host.properties();
    if props::computed(&props, app, "disable-custom-config", &log_root(layout)) == "true" {
        return None;
    }
    app_template(layout, app, &pid(host))
}

/// Whether nginx `version` (`1.25.3`) has `feature`, one of the template's
/// `*_SUPPORTED` variables (`HTTP2_PUSH_SUPPORTED`, ...). `None` for an unknown
/// feature or a version that does not parse.
pub fn feature(name: &str, version: &str) -> Option<bool> {
    let mut parts = version.trim().split('.').map(|p| p.parse::<u32>().ok());
    let v = (
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
        parts.next().flatten().unwrap_or(0),
    );
    features(Some(v)).get(name).copied()
}

/// Whether the nginx master this dokku drives is running.
pub fn is_running(host: &dyn Host) -> bool {
    Nginx::from_env(host.env()).master_pid().is_some()
}

/// `nginx_clear_config APP`: removes the app's `nginx.conf` and reloads nginx.
pub fn clear_config(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    if !conf_path(host.layout(), app).exists() {
        return Ok(());
    }
    apply(host, app, Change::Remove, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    #[test]
    fn features_follow_the_version() {
        assert_eq!(feature("HTTP2_PUSH_SUPPORTED", "1.13.8"), Some(false));
        assert_eq!(feature("HTTP2_PUSH_SUPPORTED", "1.13.9"), Some(true));
        assert_eq!(feature("HTTP2_PUSH_SUPPORTED", "1.24.0"), Some(true));
        assert_eq!(feature("HTTP2_PUSH_SUPPORTED", "1.25.0"), Some(false));
        assert_eq!(feature("HTTP2_DIRECTIVE_SUPPORTED", "1.25.0"), Some(false));
        assert_eq!(feature("HTTP2_DIRECTIVE_SUPPORTED", "1.25.1"), Some(true));
        assert_eq!(feature("HTTP2_DIRECTIVE_SUPPORTED", "1.26"), Some(true));
        assert_eq!(feature("NOPE", "1.26.0"), None);
        assert_eq!(feature("HTTP2_SUPPORTED", "nginx"), None);
    }

    #[test]
    fn hsts_file_follows_ssl_and_the_property() {
        let host = FakeHost::new();
        host.mkapp("web");
        let file = conf_d(host.layout(), "web").join("hsts.conf");
        manage_hsts(&host, "web", true).expect("write");
        assert_eq!(
            std::fs::read_to_string(&file).expect("hsts.conf"),
            "add_header Strict-Transport-Security \"max-age=15724800; includeSubdomains\" always;\n"
        );
        manage_hsts(&host, "web", false).expect("remove");
        assert!(!file.exists());
        manage_hsts(&host, "web", false).expect("already gone");
        host.properties()
            .write(super::super::PLUGIN, "web", "hsts", "false")
            .expect("prop");
        manage_hsts(&host, "web", true).expect("off");
        assert!(!file.exists());
    }

    #[test]
    fn a_given_template_renders_with_the_apps_variables() {
        let host = FakeHost::new();
        host.mkapp("web");
        let template = host.layout().lib_root.join("custom.sigil");
        std::fs::write(
            &template,
            "app={{ $.APP }} web={{ $.DOKKU_APP_WEB_LISTENERS }} passed={{ $.PASSED_LISTEN_IP_PORT }}\n\n\n# end\n",
        )
        .expect("template");
        let out =
            render_file(&host, "web", Some(&template), Listen::Recorded, false).expect("render");
        assert_eq!(
            out, "app=web web= passed=\n\n# end\n",
            "blank lines squeezed"
        );
        let out =
            render_file(&host, "web", Some(&template), Listen::Recorded, true).expect("render");
        assert!(
            out.starts_with("app=web web=127.0.0.1:5000 passed=\n"),
            "{out}"
        );
        let out = render_file(
            &host,
            "web",
            Some(&template),
            Listen::At {
                port: "8080",
                ip: "10.0.0.2",
            },
            false,
        )
        .expect("render");
        assert!(
            out.starts_with("app=web web=10.0.0.2:8080 passed=true\n"),
            "{out}"
        );
        let builtin = render_file(
            &host,
            "web",
            None,
            Listen::At {
                port: "5000",
                ip: "10.0.0.2",
            },
            false,
        )
        .expect("built-in");
        assert!(builtin.contains("10.0.0.2:5000"), "{builtin}");
    }

    #[test]
    fn custom_template_honours_disable_custom_config() {
        let host = FakeHost::new();
        host.mkapp("web");
        assert_eq!(custom_template(&host, "web"), None);
        let dir = super::super::app_template_dir(host.layout(), "web");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("nginx.conf.sigil"), "x").expect("template");
        assert_eq!(
            custom_template(&host, "web"),
            Some(dir.join("nginx.conf.sigil"))
        );
        host.properties()
            .write(super::super::PLUGIN, "web", "disable-custom-config", "true")
            .expect("prop");
        assert_eq!(custom_template(&host, "web"), None);
    }
}
