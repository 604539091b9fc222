//! The `network` triggers other plugins ask, as in Dokku: where an app's containers
//! listen (`network-get-ipaddr`, `network-get-listeners`,
//! `network-get-static-listeners`, `network-config-exists`), its computed properties
//! (`network-get-property`), and the `IP`/`PORT` files (`network-write-ipaddr`,
//! `network-write-port`, `network-build-config`).

use std::io::Write;

use dokku_core::deploy::{DeployError, Host};
use dokku_core::log::Level;
use dokku_core::network_addresses::{self as addresses, FileKind};
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, trigger_status, Context};

/// The plugin's answers to other plugins.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    let app = arg(args, 0);
    let props = host.properties();
    let mut print = |line: &str| {
        let _ = writeln!(stdout, "{line}");
        Ok(0)
    };
    match trigger {
        // APP: `true` or `false`.
        "network-config-exists" => print(if addresses::config_exists(&ctx.layout, &props, app) {
            "true"
        } else {
            "false"
        }),
        // APP PROC_TYPE CONTAINER_ID
        "network-get-ipaddr" => print(&addresses::container_ip(
            &host,
            app,
            arg(args, 1),
            arg(args, 2),
        )),
        // APP [PROC_TYPE]: `ip:port` of each container, space-separated.
        "network-get-listeners" => {
            let proc_type = match arg(args, 1) {
                "" => {
                    ctx.log(
                        Level::Warn,
                        "Deprecated: Please specify a processType argument for the network-get-listeners plugin trigger",
                    );
                    "web"
                }
                other => other,
            };
            print(&dokku_core::nginx::listeners(&ctx.layout, app, proc_type).join(" "))
        }
        // APP PROC_TYPE
        "network-get-static-listeners" => {
            print(&addresses::static_web_listener(&props, app).unwrap_or_default())
        }
        // APP KEY
        "network-get-property" => match addresses::property(&props, app, arg(args, 1)) {
            Some(value) => print(&value),
            None => trigger_status(
                ctx,
                Err(DeployError::fail(format!(
                    "Invalid network property specified: {}",
                    arg(args, 1)
                ))),
            ),
        },
        // APP PROC_TYPE INDEX VALUE
        "network-write-ipaddr" | "network-write-port" => {
            let kind = if trigger == "network-write-ipaddr" {
                FileKind::Ip
            } else {
                FileKind::Port
            };
            trigger_status(
                ctx,
                addresses::write(&host, app, arg(args, 1), arg(args, 2), kind, arg(args, 3)),
            )
        }
        // APP
        "network-build-config" => trigger_status(ctx, addresses::build_config(&host, app)),
        _ => Ok(0),
    }
}
