//! Dokku's `builder-herokuish` core plugin: the `herokuish` buildpack builder. It
//! claims sources with buildpacks (`.buildpacks`, `BUILDPACK_URL`), keeps the
//! `allowed` property (herokuish on hosts other than amd64), and its `builder-build`
//! fails fast with what the host lacks (`dokku_core::builder::unavailable_builder`).
//! The rules live in `dokku_core::builder::herokuish`.

use std::io::Write;
use std::path::Path;

use dokku_core::builder::herokuish;
use dokku_core::deploy;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;
use dokku_host::pipeline::arg;
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

/// `builder-detect`, `builder-build` (fails fast, see the crate docs) and
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
        _ => dokku_plugin_common::buildpack::trigger(ctx, "herokuish", trigger, args),
    }
}
