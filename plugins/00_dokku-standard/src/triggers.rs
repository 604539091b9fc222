//! The plugin's trigger handlers: `release-and-deploy` and `deploy` hand a built
//! image to the scheduler; `core-post-deploy` marks the app deployed.

use std::io::Write;

use dokku_core::deploy;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    match trigger {
        "release-and-deploy" => {
            let tag = args.get(1).map(String::as_str);
            trigger_status(ctx, deploy::release_and_deploy(&host, arg(args, 0), tag))
        }
        "core-post-deploy" => {
            // Dokku's common plugin marks the app deployed here (`is_deployed`).
            let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
            trigger_status(
                ctx,
                props
                    .write("common", arg(args, 0), "deployed", "true")
                    .map_err(Into::into),
            )
        }
        "deploy" => {
            let tag = args
                .get(1)
                .map(String::as_str)
                .filter(|t| !t.is_empty())
                .unwrap_or("latest");
            let proc_type = args.get(2).map(String::as_str).filter(|p| !p.is_empty());
            trigger_status(ctx, deploy::deploy(&host, arg(args, 0), tag, proc_type))
        }
        _ => Ok(0),
    }
}
