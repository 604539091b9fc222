//! The plugin's trigger handlers: `release-and-deploy` and `deploy` hand a built
//! image to the scheduler; `core-post-deploy` marks the app deployed.

use std::io::Write;

use dokku_core::deploy;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};
use dokku_plugin_common::build_capture::capture;

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    match trigger {
        // APP [TAG] [SOURCE]: as Dokku's `release_and_deploy`, the output is captured
        // into a build record of SOURCE (default `deploy`) unless a capture runs.
        "release-and-deploy" => {
            let tag = args.get(1).map(String::as_str).filter(|t| !t.is_empty());
            let source = args
                .get(2)
                .map(String::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or("deploy");
            let app = arg(args, 0);
            if dokku_core::app::AppName::parse_existing(app).is_ok() {
                let rest: Vec<String> =
                    ["deploy", "release-and-deploy", app, tag.unwrap_or("latest")]
                        .iter()
                        .map(|s| s.to_string())
                        .collect();
                if let Some(result) = capture(ctx, app, source, "__core", &rest) {
                    return Ok(result.unwrap_or_else(|e| e.report()));
                }
            }
            trigger_status(ctx, deploy::release_and_deploy(&host, app, tag))
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
