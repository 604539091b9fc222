//! The `checks` trigger other plugins ask, as in Dokku: `checks-get-property`.

use std::io::Write;

use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::arg;

/// `checks-get-property APP KEY`: only `wait-to-retire` (app, then global, then 60)
/// is handed out; any other key fails.
pub(crate) fn trigger(
    ctx: &Context,
    _trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    if arg(args, 1) != "wait-to-retire" {
        return Ok(1);
    }
    let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
    let _ = writeln!(
        stdout,
        "{}",
        dokku_core::checks::wait_to_retire(&props, arg(args, 0))
    );
    Ok(0)
}
