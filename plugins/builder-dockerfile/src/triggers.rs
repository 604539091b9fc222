//! The `builder-dockerfile` plugin's trigger handlers: `builder-detect`,
//! `builder-build` and `builder-release` for the `dockerfile` builder, and
//! `core-post-extract` (the `dockerfile-path`).

use std::io::Write;
use std::path::Path;

use dokku_core::builder::dockerfile;
use dokku_core::deploy;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};

/// The `builder-dockerfile` plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let host = ctx;
    match trigger {
        "builder-detect" => {
            let app = arg(args, 0);
            let env = deploy::app_env(&ctx.layout, app).unwrap_or_default();
            if dockerfile::detects(&props, app, Path::new(arg(args, 1)), &env) {
                let _ = writeln!(stdout, "dockerfile");
            }
            Ok(0)
        }
        "builder-build" if arg(args, 0) == "dockerfile" => trigger_status(
            ctx,
            dockerfile::build(&host, arg(args, 1), Path::new(arg(args, 2))),
        ),
        "builder-release" if arg(args, 0) == "dockerfile" => {
            trigger_status(ctx, dockerfile::release(&host, arg(args, 1), arg(args, 2)))
        }
        "core-post-extract" => trigger_status(
            ctx,
            dockerfile::apply_dockerfile_path(&props, arg(args, 0), Path::new(arg(args, 1))),
        ),
        _ => Ok(0),
    }
}
