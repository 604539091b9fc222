//! The `logs` trigger other plugins ask, as in Dokku: `logs-get-property`.

use std::io::Write;

use dokku_core::deploy::DeployError;
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, trigger_status, Context};

/// `logs-get-property APP max-size`: the app's value, else the global one, else
/// Dokku's default `10m`; any other key is refused.
pub(crate) fn trigger(
    ctx: &Context,
    _trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    if arg(args, 1) != "max-size" {
        return trigger_status(
            ctx,
            Err(DeployError::fail("Invalid logs property specified")),
        );
    }
    let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
    let _ = writeln!(
        stdout,
        "{}",
        dokku_core::scheduler::log_max_size(&props, arg(args, 0))
    );
    Ok(0)
}
