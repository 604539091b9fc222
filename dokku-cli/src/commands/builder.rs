//! The builder plugins: `builder` (detection override, build-dir, cleanup of build
//! images) and `builder-dockerfile` (the Dockerfile builder).

use std::io::Write;
use std::path::Path;

use dokku_core::builder::{self, dockerfile};
use dokku_core::deploy;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use super::core_plugin::run_report;
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};
use dokku_plugin_common::properties;

/// Runs one `builder:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match command {
        "builder:set" => properties::set(
            ctx,
            builder::PLUGIN,
            args,
            builder::PROPERTIES,
            builder::PROPERTIES,
        ),
        "builder:report" => run_report(ctx, builder::PLUGIN, args, |app| {
            Ok(builder::report(&props, app))
        }),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// Runs one `builder-dockerfile:*` command (also reached as `dockerfile:*`).
pub(crate) fn run_dockerfile(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match command {
        "builder-dockerfile:set" => properties::set(
            ctx,
            dockerfile::PLUGIN,
            args,
            dockerfile::PROPERTIES,
            dockerfile::PROPERTIES,
        ),
        "builder-dockerfile:report" => run_report(ctx, dockerfile::PLUGIN, args, |app| {
            Ok(dockerfile::report(&props, app))
        }),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// The `builder` plugin's trigger handlers.
pub(crate) fn builder_trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        "builder-detect" => {
            if let Some(selected) = builder::selected(&props, arg(args, 0)) {
                let _ = writeln!(stdout, "{selected}");
            }
            Ok(0)
        }
        "builder-set-property" => {
            let result = props
                .write(builder::PLUGIN, arg(args, 0), arg(args, 1), arg(args, 2))
                .map_err(Into::into);
            trigger_status(ctx, result)
        }
        "core-post-extract" => trigger_status(
            ctx,
            builder::apply_build_dir(&props, arg(args, 0), Path::new(arg(args, 1))),
        ),
        "post-release-builder" => {
            let host = &*ctx;
            let docker = dokku_core::deploy::Host::docker(&host);
            let app = arg(args, 1);
            let ids = docker.image_ls(&[
                "label=com.dokku.image-stage=build".into(),
                deploy::app_label_filter(app),
            ]);
            docker.image_rm(&ids);
            Ok(0)
        }
        _ => Ok(0),
    }
}

/// The `builder-dockerfile` plugin's trigger handlers.
pub(crate) fn dockerfile_trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let host = &*ctx;
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

/// The buildpack builders' (`builder-herokuish`, `builder-pack`) trigger handlers:
/// they claim their builds and fail them clearly (see
/// `dokku_core::builder::unavailable_builder`).
pub(crate) fn buildpack_trigger(
    ctx: &Context,
    builder: &str,
    trigger: &str,
    args: &[String],
) -> Result<i32, TriggerError> {
    match trigger {
        "builder-build" if arg(args, 0) == builder => {
            let host = &*ctx;
            trigger_status(
                ctx,
                builder::unavailable_builder(&host, builder, arg(args, 1)),
            )
        }
        _ => Ok(0),
    }
}
