//! The `ports` plugin's triggers: `ports-get`, `ports-get-property`, the mappings
//! following a certificate added or removed, and `report`.

use std::io::Write;

use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;
use dokku_core::{ports, proxy};

use dokku_plugin_common::report::report_trigger;
use dokku_plugin_common::{arg, trigger_status, Context};

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    let app = arg(args, 0);
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        "ports-get" => {
            for m in ports::effective(&ctx.layout, &props, app) {
                let _ = writeln!(stdout, "{m}");
            }
            Ok(0)
        }
        "ports-get-property" => {
            let value = match arg(args, 1) {
                "proxy-port" => proxy::http_port(&props, app).to_string(),
                "proxy-ssl-port" => proxy::ssl_port(&props, app).to_string(),
                _ => String::new(),
            };
            let _ = writeln!(stdout, "{value}");
            Ok(0)
        }
        "post-certs-update" => trigger_status(ctx, ports::after_certs_update(&host, app)),
        "post-certs-remove" => trigger_status(ctx, ports::after_certs_remove(&host, app)),
        "report" => {
            report_trigger(ctx, ports::report(&props, app));
            Ok(0)
        }
        _ => Ok(0),
    }
}
