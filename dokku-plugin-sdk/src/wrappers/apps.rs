//! Apps, their domains and URLs, and the proxy in front of them.

use crate::error::HostError;
use crate::services::{service, Host};

impl Host<'_> {
    /// Every app, by name (an empty list when there is none).
    pub fn apps_list(&self) -> Result<Vec<String>, HostError> {
        self.call(service::APPS_LIST, &[])
    }

    /// The app's domains (`domains:report`'s app vhosts; none while vhosts are
    /// disabled for it). [`crate::ErrorKind::AppNotFound`] for a missing app.
    pub fn app_domains(&self, app: &str) -> Result<Vec<String>, HostError> {
        self.call(service::DOMAINS, &[app])
    }

    /// The app's URLs, as `dokku urls APP` prints them.
    pub fn app_urls(&self, app: &str) -> Result<Vec<String>, HostError> {
        self.call(service::URLS, &[app])
    }

    /// Rebuilds the app's proxy config, as `dokku proxy:build-config APP` does: fires
    /// `proxy-build-config APP`, which the app's proxy plugin answers (nginx: the
    /// config written, tested and nginx reloaded). The handlers' output is this call's
    /// output; a failing handler is an [`crate::ErrorKind::Failed`] error.
    pub fn proxy_build_config(&self, app: &str) -> Result<(), HostError> {
        self.call_unit(service::PROXY_BUILD_CONFIG, &[app])
    }

    /// Tests nginx's config and reloads nginx (bash's `restart_nginx`).
    pub fn nginx_reload(&self) -> Result<(), HostError> {
        self.call_unit(service::NGINX_RELOAD, &[])
    }
}
