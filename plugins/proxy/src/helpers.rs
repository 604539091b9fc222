//! `dokku __core` helpers behind the bash functions of the proxy plugins
//! (`nginx-vhosts/functions`, `domains/functions`, `certs/functions`).
//!
//! | helper | bash function |
//! |---|---|
//! | `nginx-reload` | `restart_nginx` |
//! | `nginx-bin` | `get_nginx_location` |
//! | `nginx-property APP KEY [app\|global\|computed]` | `fn-nginx-<key>`, `fn-nginx-global-<key>`, `fn-nginx-computed-<key>` (default computed) |
//! | `nginx-render APP TEMPLATE [PORT IP] [PRE_VALIDATE]` | `fn-nginx-vhosts-render-template` (prints the config) |
//! | `nginx-pre-validate APP` | `fn-nginx-vhosts-pre-validate-custom-template` |
//! | `nginx-app-config-valid APP` | `nginx_vhosts_is_valid_nginx_config_func` (exit code) |
//! | `nginx-manage-hsts APP SSL_ENABLED` | `fn-nginx-vhosts-manage-hsts` |
//! | `nginx-ssl-domains-check APP` | `validate_ssl_domains` |
//! | `nginx-app-template APP` | `get_custom_nginx_template` (prints the path, if any) |
//! | `nginx-feature NAME VERSION` | `is_http2_push_enabled`, `is_http2_directive_supported` |
//! | `nginx-is-running` | `fn-nginx-vhosts-nginx-is-running` (exit code) |
//! | `nginx-clear-config APP` | `nginx_clear_config` |
//! | `domains-list APP` | `get_app_domains` |
//! | `domains-default APP` | `get_default_vhosts` |
//! | `domains-global` | `get_global_vhosts` |
//! | `domains-vhost-enabled APP` | `is_app_vhost_enabled` |
//! | `domains-global-enabled` | `is_global_vhost_enabled` |
//! | `domains-valid NAME` | `is_valid_hostname` |
//! | `ssl-hostnames APP` | `get_ssl_hostnames` |

use dokku_core::app::AppName;
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
            | "nginx-render"
            | "nginx-pre-validate"
            | "nginx-app-config-valid"
            | "nginx-manage-hsts"
            | "nginx-ssl-domains-check"
            | "nginx-app-template"
            | "nginx-feature"
            | "nginx-is-running"
            | "nginx-clear-config"
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
            use nginx::props::Scope;
            let arg = |i: usize| rest.get(i).map(String::as_str).unwrap_or("");
            let key = arg(1);
            if !nginx::props::keys().contains(&key) {
                return Err(
                    CommandError::fail(format!("unknown nginx property '{key}'"))
                        .hint(format!("one of: {}", nginx::props::keys().join(", "))),
                );
            }
            let scope = match arg(2) {
                "" | "computed" => Scope::Computed,
                "app" => Scope::App,
                "global" => Scope::Global,
                other => {
                    return Err(CommandError::fail(format!("unknown scope '{other}'"))
                        .hint("dokku __core nginx-property APP KEY [app|global|computed]"))
                }
            };
            // As Dokku's nginx-property, the app need not exist (its values are then
            // the defaults); the global value needs no app at all.
            let app = match scope {
                Scope::Global => String::new(),
                _ => AppName::parse_existing(arg(0))?.to_string(),
            };
            lines([nginx::props::scoped(
                &host.properties(),
                &app,
                key,
                scope,
                &nginx::log_root(layout),
            )])
        }
        "nginx-render" => {
            use nginx::helpers::Listen;
            let arg = |i: usize| rest.get(i).map(String::as_str).unwrap_or("");
            let app = existing_app(ctx, rest)?;
            let template = Some(arg(1))
                .filter(|t| !t.is_empty())
                .map(std::path::Path::new);
            let listen = match (arg(2), arg(3)) {
                ("", "") => Listen::Recorded,
                (port, ip) if !port.is_empty() && !ip.is_empty() => Listen::At { port, ip },
                _ => {
                    return Err(
                        CommandError::fail("give both the listen port and IP, or neither").hint(
                            "dokku __core nginx-render APP TEMPLATE [PORT IP] [PRE_VALIDATE]",
                        ),
                    )
                }
            };
            let text = nginx::helpers::render_file(&host, &app, template, listen, arg(4) == "true")
                .map_err(cli_error)?;
            output::write(dokku_core::log::Stream::Stdout, &text);
            Ok(0)
        }
        "nginx-pre-validate" => {
            let app = existing_app(ctx, rest)?;
            nginx::helpers::pre_validate(&host, &app).map_err(cli_error)?;
            Ok(0)
        }
        "nginx-app-config-valid" => {
            let app = existing_app(ctx, rest)?;
            Ok(if nginx::helpers::app_config_valid(&host, &app) {
                0
            } else {
                1
            })
        }
        "nginx-manage-hsts" => {
            let app = existing_app(ctx, rest)?;
            let ssl = rest.get(1).is_some_and(|v| v == "true");
            nginx::helpers::manage_hsts(&host, &app, ssl).map_err(cli_error)?;
            Ok(0)
        }
        "nginx-ssl-domains-check" => {
            let app = existing_app(ctx, rest)?;
            nginx::helpers::check_ssl_domains(&host, &app);
            Ok(0)
        }
        "nginx-app-template" => {
            let app = existing_app(ctx, rest)?;
            lines(nginx::helpers::custom_template(&host, &app).map(|p| p.display().to_string()))
        }
        "nginx-feature" => {
            let arg = |i: usize| rest.get(i).map(String::as_str).unwrap_or("");
            match nginx::helpers::feature(arg(0), arg(1)) {
                Some(yes) => lines([yes.to_string()]),
                None => Err(CommandError::fail(format!(
                    "unknown nginx feature '{}' or version '{}'",
                    arg(0),
                    arg(1)
                ))
                .hint("dokku __core nginx-feature HTTP2_PUSH_SUPPORTED 1.24.0")),
            }
        }
        "nginx-is-running" => Ok(if nginx::helpers::is_running(&host) {
            0
        } else {
            1
        }),
        "nginx-clear-config" => {
            let app = existing_app(ctx, rest)?;
            nginx::helpers::clear_config(&host, &app).map_err(cli_error)?;
            Ok(0)
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
