//! The `resource` trigger other plugins ask, as in Dokku: `resource-get-property`.

use std::io::Write;

use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::arg;

/// `resource-get-property APP PROC_TYPE RESOURCE_TYPE KEY`: the process type's value,
/// else the app's default (`_default_`), else nothing.
pub(crate) fn trigger(
    ctx: &Context,
    _trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
    let value = dokku_core::resource::value(
        &props,
        arg(args, 0),
        arg(args, 1),
        arg(args, 2),
        arg(args, 3),
    );
    let _ = writeln!(stdout, "{value}");
    Ok(0)
}
