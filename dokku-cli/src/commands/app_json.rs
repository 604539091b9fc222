//! The `app-json` core plugin: `app.json` extraction and promotion around a deploy.

use std::io::Write;
use std::path::Path;

use dokku_core::appjson;
use dokku_core::deploy::DeployError;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use super::host::{arg, trigger_status};
use crate::context::Context;

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let pid = ctx
        .var(dokku_core::env::DOKKU_PID)
        .unwrap_or("0")
        .to_string();
    match trigger {
        "core-post-extract" => {
            let props = PropertyStore::new(&ctx.layout.lib_root);
            let result = appjson::extract(
                &props,
                &ctx.layout,
                arg(args, 0),
                Path::new(arg(args, 1)),
                &pid,
            )
            .map_err(|e| match e.hint() {
                Some(hint) => DeployError::refused(e.to_string(), hint),
                None => DeployError::fail(e.to_string()),
            });
            trigger_status(ctx, result)
        }
        "core-post-deploy" => {
            appjson::promote(&ctx.layout, arg(args, 0), &pid);
            Ok(0)
        }
        "app-json-get-content" => {
            let doc = appjson::current(&ctx.layout, arg(args, 0), Some(&pid));
            match doc {
                Ok(doc) => {
                    let _ = writeln!(stdout, "{doc}");
                    Ok(0)
                }
                Err(e) => trigger_status(ctx, Err(DeployError::fail(e.to_string()))),
            }
        }
        _ => Ok(0),
    }
}
