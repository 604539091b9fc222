//! The `00_dokku-standard` core plugin: `deploy`, `cleanup`, and the
//! `release-and-deploy` / `deploy` triggers that hand a built image to the scheduler.

use std::io::Write;

use dokku_core::deploy;
use dokku_core::trigger::TriggerError;

use super::host::{arg, cli_error, existing_app, trigger_status, CliHost};
use crate::context::Context;
use crate::exit::{CliError, CmdResult};

/// Runs one command of the plugin (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "deploy" => {
            let app = existing_app(ctx, args)?;
            let tag = args
                .get(1)
                .map(String::as_str)
                .filter(|t| !t.is_empty())
                .unwrap_or("latest");
            deploy::deploy(&CliHost::new(ctx), &app, tag, None).map_err(cli_error)?;
            Ok(0)
        }
        "url" | "urls" => {
            let app = existing_app(ctx, args)?;
            let urls = deploy::app_urls(&CliHost::new(ctx), &app).map_err(cli_error)?;
            let shown = if command == "url" {
                urls.into_iter().take(1).collect()
            } else {
                urls
            };
            for u in shown {
                crate::output::println(&u);
            }
            Ok(0)
        }
        "cleanup" => {
            let app = match args.first().filter(|a| !a.starts_with("--")) {
                Some(_) => Some(existing_app(ctx, args)?),
                None => None,
            };
            deploy::docker_cleanup(&CliHost::new(ctx), app.as_deref(), false);
            Ok(0)
        }
        other => Err(CliError::fail(format!("`{other}` is not a dokku command."))),
    }
}

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = CliHost::new(ctx);
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
