//! The proxy: an app's proxy config rebuilt (what `proxy:build-config APP` fires, so
//! whichever proxy plugin the app uses answers), nginx tested and reloaded (bash's
//! `restart_nginx`).

use dokku_core::nginx;
use dokku_plugin_sdk::service as name;
use dokku_plugin_sdk::HostError;

use super::errors;
use super::{Answer, Args, Family, ServiceHost};

pub(super) struct Proxy;

impl Family for Proxy {
    fn call(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Option<Answer> {
        let ctx = host.ctx;
        Some(match service {
            name::PROXY_BUILD_CONFIG => errors::existing_app(ctx, args.get(0)).and_then(|app| {
                let trigger = "proxy-build-config";
                match host.fire_to_caller(trigger, &[app.as_str().to_string()]) {
                    Ok(0) => Ok(Vec::new()),
                    Ok(code) => Err(HostError::failed(format!(
                        "{trigger} {} failed with exit status {code}",
                        app.as_str()
                    ))),
                    Err(e) => Err(errors::command(e)),
                }
            }),
            name::NGINX_RELOAD => nginx::test_and_reload(ctx)
                .map(|()| Vec::new())
                .map_err(|e| errors::deploy(e, "nginx reload")),
            _ => return None,
        })
    }
}
