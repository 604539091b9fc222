//! The `builder-herokuish` plugin's trigger handlers (shared with the other buildpack
//! builder: `dokku_plugin_common::buildpack`).

use std::io::Write;

use dokku_core::trigger::TriggerError;
use dokku_host::Context;

/// The plugin's trigger handlers: `builder-build` of a `herokuish` build fails clearly.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    dokku_plugin_common::buildpack::trigger(ctx, "herokuish", trigger, args)
}
