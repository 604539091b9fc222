//! The `proxy` plugin's triggers: `proxy-is-enabled`, `proxy-type`, `post-delete`
//! and `report`.

use std::io::Write;

use dokku_core::property::PropertyStore;
use dokku_core::proxy;
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::report::report_trigger;
use dokku_plugin_common::{arg, trigger_status, Context};

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let app = arg(args, 0);
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        "proxy-is-enabled" => {
            let _ = writeln!(stdout, "{}", proxy::is_enabled(&props, app));
            Ok(0)
        }
        "proxy-type" => {
            let _ = writeln!(stdout, "{}", proxy::proxy_type(&props, app));
            Ok(0)
        }
        "post-delete" => trigger_status(ctx, props.destroy(proxy::PLUGIN, app).map_err(Into::into)),
        "report" => {
            report_trigger(ctx, proxy::report(&props, app));
            Ok(0)
        }
        _ => Ok(0),
    }
}
