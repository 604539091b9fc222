//! The `certs` plugin's triggers: `certs-exists`, `report`, and a clone starting
//! without the original's certificate.

use std::io::Write;

use dokku_core::certs;
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::report::report_trigger;
use dokku_plugin_common::{arg, Context};

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    match trigger {
        "post-app-clone-setup" => {
            let _ = std::fs::remove_dir_all(certs::tls_dir(&ctx.layout, arg(args, 1)));
            Ok(0)
        }
        "certs-exists" => {
            let _ = writeln!(stdout, "{}", certs::is_enabled(&ctx.layout, arg(args, 0)));
            Ok(0)
        }
        "report" => {
            report_trigger(ctx, certs::report(&ctx.layout, arg(args, 0)));
            Ok(0)
        }
        _ => Ok(0),
    }
}
