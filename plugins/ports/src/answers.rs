//! The `ports` triggers other plugins ask, as in Dokku: `ports-configure` (before a
//! proxy builds its config), `ports-clear` and `ports-get-available`.

use std::io::Write;

use dokku_core::deploy::{DeployError, Host};
use dokku_core::ports;
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
    match trigger {
        // APP: a random free port for an app nothing else gives one.
        "ports-configure" => trigger_status(ctx, ports::configure(&host, app)),
        // APP: the set and detected mappings are forgotten (no rebuild).
        "ports-clear" => trigger_status(
            ctx,
            ports::forget(&host.properties(), app).map_err(DeployError::from),
        ),
        // A free port above 1024.
        "ports-get-available" => {
            if let Some(port) = ports::available_port() {
                let _ = writeln!(stdout, "{port}");
            }
            Ok(0)
        }
        _ => Ok(0),
    }
}
