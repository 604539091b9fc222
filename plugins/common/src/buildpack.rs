//! The buildpack builders (`builder-herokuish`, `builder-pack`): they need images that
//! cannot be pulled here, so they claim their builds and fail them clearly (see
//! `dokku_core::builder::unavailable_builder`). Both plugins share this handler.

use dokku_core::builder;
use dokku_core::trigger::TriggerError;

use dokku_host::pipeline::{arg, trigger_status};
use dokku_host::Context;

/// The trigger handlers of the buildpack builder named `builder` (`herokuish`,
/// `pack`): `builder-build` for that builder fails with the reason; every other
/// trigger is a success that does nothing.
pub fn trigger(
    ctx: &Context,
    builder: &str,
    trigger: &str,
    args: &[String],
) -> Result<i32, TriggerError> {
    match trigger {
        "builder-build" if arg(args, 0) == builder => trigger_status(
            ctx,
            builder::unavailable_builder(ctx, builder, arg(args, 1)),
        ),
        _ => Ok(0),
    }
}
