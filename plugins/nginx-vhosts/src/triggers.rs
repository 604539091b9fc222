//! The `nginx-vhosts` plugin's triggers: nginx's side of the proxy hooks (config
//! built, cleared, promoted with a deploy), clone, rename, delete, `pre-restore`
//! and `report`.

use std::io::Write;

use dokku_core::deploy::Host;
use dokku_core::log::Level;
use dokku_core::nginx::{self, props};
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::report::report_trigger;
use dokku_plugin_common::{arg, trigger_status, Context};

use crate::commands::last_visited;

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    let app = arg(args, 0);
    match trigger {
        // As Dokku's: the network plugin first brings the app's addresses in line
        // with its running containers, when it has any.
        "proxy-build-config" => {
            let result = sync_network(host, app).and_then(|()| nginx::build_config(&host, app));
            trigger_status(ctx, result)
        }
        "post-domains-update" | "post-proxy-ports-update" | "post-certs-remove" => {
            trigger_status(ctx, nginx::build_config(&host, app))
        }
        // As Dokku's nginx-vhosts: the app is routed (or not) and then restarted, so
        // its containers start as a proxied (or unproxied) app does.
        "proxy-enable" | "proxy-disable" => {
            let result = nginx::build_config(&host, app).and_then(|()| {
                if dokku_core::proxy::proxy_type(&host.properties(), app) == "nginx" {
                    host.fire_checked("app-restart", &[app])
                } else {
                    Ok(())
                }
            });
            trigger_status(ctx, result)
        }
        "proxy-clear-config" if app == "--all" => {
            let apps = dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default();
            let result = apps.iter().try_for_each(|app| clear(host, app));
            trigger_status(ctx, result)
        }
        "proxy-clear-config" => trigger_status(ctx, clear(host, app)),
        // We go further than Dokku: a stopped app is unrouted at once (its domains
        // answer 502), not at the next ps:restore, since Docker may give its addresses
        // to another app's containers.
        "post-stop" => trigger_status(ctx, nginx::build_config(&host, app)),
        // As Dokku's: a new app's domains answer 502 until it is deployed. Without a
        // configured nginx there is nothing to serve them.
        "post-create" => {
            let nginx_ready = nginx::Nginx::from_env(host.env()).config().is_some();
            if !nginx_ready || dokku_core::proxy::proxy_type(&host.properties(), app) != "nginx" {
                return Ok(0);
            }
            trigger_status(ctx, nginx::build_config(&host, app))
        }
        "scheduler-post-deploy-process" => {
            if arg(args, 1) != "web" {
                return Ok(0);
            }
            let props = host.properties();
            if dokku_core::proxy::proxy_type(&props, app) != "nginx" {
                return Ok(0);
            }
            ctx.log(Level::Info2, "Triggering early nginx proxy rebuild");
            trigger_status(ctx, host.fire_checked("proxy-build-config", &[app]))
        }
        "core-post-deploy" => {
            let result = host.fire_checked("proxy-build-config", &[app]);
            if result.is_ok() {
                let pid = ctx
                    .var(dokku_core::env::DOKKU_PID)
                    .unwrap_or("0")
                    .to_string();
                nginx::promote(&ctx.layout, app, &pid);
            }
            trigger_status(ctx, result)
        }
        "core-post-extract" => trigger_status(
            ctx,
            nginx::extract(&host, app, std::path::Path::new(arg(args, 1))),
        ),
        "post-delete" => trigger_status(ctx, nginx::delete_app(&host, app)),
        // Dokku's nginx-vhosts: a clone starts without the original's config; a
        // renamed app's copied config names the old app, so it is cleared.
        "post-app-clone-setup" => {
            let _ = std::fs::remove_file(nginx::conf_path(&ctx.layout, arg(args, 1)));
            Ok(0)
        }
        // Copied, not moved: OLD stays whole until the rename switches names (its
        // copy goes with OLD's post-delete).
        "post-app-rename-setup" => {
            let (old, new) = (arg(args, 0), arg(args, 1));
            let from = nginx::app_template_dir(&ctx.layout, old);
            if from.is_dir() {
                let to = nginx::app_template_dir(&ctx.layout, new);
                let _ = dokku_core::app::transfer::copy_tree(&from, &to);
            }
            trigger_status(ctx, host.fire_checked("proxy-clear-config", &[new]))
        }
        // As Dokku's: a proxy that `nginx:start` last left started is started again
        // before the apps come back; one `nginx:stop` stopped stays stopped.
        "pre-restore" => {
            let status = host
                .properties()
                .get(nginx::PLUGIN, dokku_core::property::GLOBAL, "proxy-status")
                .ok()
                .flatten();
            let control = nginx::Nginx::from_env(host.env());
            if status.as_deref() == Some("started") && control.own_master().is_none() {
                // ps:restore clears every app's config right after this trigger; done
                // first here, the master never routes to an address of before the
                // reboot (Docker may have given it to another app's container).
                if let Err(err) = host.fire_checked("proxy-clear-config", &["--all"]) {
                    ctx.log(Level::Warn, &err.to_string());
                }
                if let Err(err) = control.start(host.env()) {
                    ctx.log(Level::Warn, &err.message);
                    ctx.log(
                        Level::Warn,
                        "Failed to restore nginx proxy, requests may not route as expected",
                    );
                }
            }
            Ok(0)
        }
        "report" => {
            let props = host.properties();
            let logs = nginx::log_root(&ctx.layout);
            let visited = last_visited(&props, app, &logs);
            report_trigger(ctx, props::report(&props, app, &logs, visited));
            Ok(0)
        }
        _ => Ok(0),
    }
}

/// Dokku's `proxy-build-config` prologue for an nginx app: `network-build-config APP`
/// when `network-config-exists APP` says `true`.
fn sync_network(host: &Context, app: &str) -> Result<(), dokku_core::deploy::DeployError> {
    if dokku_core::proxy::proxy_type(&host.properties(), app) != "nginx" {
        return Ok(());
    }
    if host.fire_capture("network-config-exists", &[app])?.trim() == "true" {
        host.fire_checked("network-build-config", &[app])?;
    }
    Ok(())
}

/// Dokku's `proxy-clear-config` of one nginx app: `network-clear-config APP`, then the
/// config goes.
fn clear(host: &Context, app: &str) -> Result<(), dokku_core::deploy::DeployError> {
    if dokku_core::proxy::proxy_type(&host.properties(), app) == "nginx" {
        host.fire_checked("network-clear-config", &[app])?;
    }
    nginx::clear_config(&host, app)
}
