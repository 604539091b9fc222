//! Dokku's `builder-herokuish` core plugin: the `herokuish` buildpack builder. It
//! claims sources with buildpacks (`.buildpacks`, `BUILDPACK_URL`), keeps the
//! `allowed` property (herokuish on hosts other than amd64), builds in the app's
//! stack image when the host has it and otherwise fails fast naming the image
//! (`dokku_core::builder::check_needs`). The rules live in
//! `dokku_core::builder::herokuish`.

use std::io::Write;
use std::path::Path;

use dokku_core::builder::{self, herokuish};
use dokku_core::deploy;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;
use dokku_host::pipeline::{arg, trigger_status};
use dokku_host::{CmdResult, CommandError, Context};
use dokku_plugin_common::properties;
use dokku_plugin_common::report::run_report;

dokku_plugin_common::core_plugin! {
    /// The `builder-herokuish` core plugin.
    BuilderHerokuish = "builder-herokuish",
    commands: [
        ("builder-herokuish:report", command),
        ("builder-herokuish:set", command),
    ],
    triggers: [
        ("builder-detect", trigger),
        ("builder-build", trigger),
        ("builder-release", trigger),
        ("builder-herokuish-allowed", trigger),
    ],
}

/// `builder-herokuish:set` and `builder-herokuish:report`.
fn command(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match command {
        "builder-herokuish:set" => properties::set(
            ctx,
            herokuish::PLUGIN,
            args,
            herokuish::PROPERTIES,
            herokuish::PROPERTIES,
        ),
        "builder-herokuish:report" => run_report(ctx, herokuish::PLUGIN, args, |app| {
            Ok(herokuish::report(&props, app))
        }),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// `builder-detect`, `builder-build` and `builder-release` of herokuish builds, and
/// `builder-herokuish-allowed APP` (exit 1 unless herokuish may build the app).
fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let app = arg(args, 0);
    match trigger {
        "builder-detect" => {
            let env = deploy::app_env(&ctx.layout, app).unwrap_or_default();
            if herokuish::detects(&props, app, Path::new(arg(args, 1)), &env) {
                let _ = writeln!(stdout, "herokuish");
            }
            Ok(0)
        }
        "builder-herokuish-allowed" => Ok(i32::from(
            herokuish::computed_allowed(&props, app) != "true",
        )),
        // BUILDER APP DIR
        "builder-build" if arg(args, 0) == "herokuish" => {
            let (app, dir) = (arg(args, 1), Path::new(arg(args, 2)));
            trigger_status(
                ctx,
                builder::check_needs(ctx, "herokuish", app)
                    .and_then(|()| herokuish::build(ctx, app, dir)),
            )
        }
        // BUILDER APP TAG
        "builder-release" if arg(args, 0) == "herokuish" => {
            trigger_status(ctx, herokuish::release(ctx, arg(args, 1), arg(args, 2)))
        }
        _ => Ok(0),
    }
}
