//! `dokku __core` helpers behind the bash functions of the proxy plugins
//! (`nginx-vhosts/functions`, `domains/functions`, `certs/functions`).
//!
//! | helper | bash function |
//! |---|---|
//! | `nginx-reload` | `restart_nginx` |
//! | `nginx-bin` | `get_nginx_location` |
//! | `nginx-property APP KEY` | `fn-nginx-*` getters |
//! | `domains-list APP` | `get_app_domains` |
//! | `domains-default APP` | `get_default_vhosts` |
//! | `domains-global` | `get_global_vhosts` |
//! | `domains-vhost-enabled APP` | `is_app_vhost_enabled` |
//! | `domains-global-enabled` | `is_global_vhost_enabled` |
//! | `domains-valid NAME` | `is_valid_hostname` |
//! | `ssl-hostnames APP` | `get_ssl_hostnames` |

use dokku_core::deploy::Host;
use dokku_core::{certs, domains, nginx};

use dokku_host::output;
use dokku_plugin_common::{cli_error, existing_app, CmdResult, CommandError, Context};

/// Whether `helper` is one of ours.
pub fn handles(helper: &str) -> bool {
    matches!(
        helper,
        "nginx-reload"
            | "nginx-bin"
            | "nginx-property"
            | "domains-list"
            | "domains-default"
            | "domains-global"
            | "domains-vhost-enabled"
            | "domains-global-enabled"
            | "domains-valid"
            | "ssl-hostnames"
    )
}

fn lines(items: impl IntoIterator<Item = String>) -> CmdResult {
    for item in items {
        output::println(&item);
    }
    Ok(0)
}

/// Runs one helper (`rest` excludes the helper's name).
pub fn run(ctx: &mut Context, helper: &str, rest: &[String]) -> CmdResult {
    let host = &*ctx;
    let layout = &ctx.layout;
    match helper {
        "nginx-reload" => {
            nginx::test_and_reload(&host).map_err(cli_error)?;
            Ok(0)
        }
        "nginx-bin" => lines([nginx::Nginx::from_env(&ctx.env).bin.display().to_string()]),
        "nginx-property" => {
            let app = existing_app(ctx, rest)?;
            let key = rest.get(1).map(String::as_str).unwrap_or("");
            if !nginx::props::keys().contains(&key) {
                return Err(CommandError::fail(format!(
                    "unknown nginx property '{key}'"
                )));
            }
            lines([nginx::props::computed(
                &host.properties(),
                &app,
                key,
                &nginx::log_root(layout),
            )])
        }
        "domains-list" => lines(domains::list(layout, &existing_app(ctx, rest)?)),
        "domains-default" => {
            let app = existing_app(ctx, rest)?;
            lines(domains::default_vhosts(&host, &app).map_err(cli_error)?)
        }
        "domains-global" => lines(domains::global_vhosts(layout)),
        "domains-vhost-enabled" => {
            let app = existing_app(ctx, rest)?;
            lines([domains::app_enabled(layout, &app).to_string()])
        }
        "domains-global-enabled" => lines([domains::global_enabled(layout).to_string()]),
        "domains-valid" => {
            let name = rest.first().map(String::as_str).unwrap_or("");
            Ok(if domains::is_valid(name) { 0 } else { 1 })
        }
        "ssl-hostnames" => lines(certs::hostnames(layout, &existing_app(ctx, rest)?)),
        other => Err(CommandError::fail(format!("unknown core helper '{other}'"))),
    }
}
