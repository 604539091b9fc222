//! What the builders other than `dockerfile` share: `builder-herokuish`, `builder-pack`,
//! `builder-nixpacks`, `builder-lambda` and `builder-railpack`. Their `builder-build`
//! fails fast with what the host lacks (see `dokku_core::builder::unavailable_builder`);
//! the file-driven ones (`dokku_core::builder::file_builder`) share their
//! `<plugin>:set`, `<plugin>:report`, `builder-detect` and `core-post-extract`.

use std::io::Write;
use std::path::Path;

use dokku_core::builder::{self, file_builder::FileBuilder};
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_host::pipeline::{arg, trigger_status};
use dokku_host::{CmdResult, CommandError, Context};

use crate::properties;
use crate::report::run_report;

/// The trigger handlers of the builder named `builder` (`herokuish`, `pack`, ...):
/// `builder-build` for that builder fails with the reason; every other trigger is a
/// success that does nothing.
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

/// `<plugin>:set` and `<plugin>:report` of a file-driven builder.
pub fn file_builder_command(
    ctx: &Context,
    spec: &FileBuilder,
    command: &str,
    args: &[String],
) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let valid = spec.properties();
    match command.strip_prefix(spec.plugin) {
        Some(":set") => properties::set(ctx, spec.plugin, args, &valid, &valid),
        Some(":report") => run_report(ctx, spec.plugin, args, |app| Ok(spec.report(&props, app))),
        _ => Err(CommandError::fail(format!(
            "`{command}` is not a dokku command."
        ))),
    }
}

/// The triggers of a file-driven builder: `builder-detect` (its file is in the
/// tree), `core-post-extract` (the configured file moved into place) and
/// `builder-build` (see [`trigger`]).
pub fn file_builder_trigger(
    ctx: &Context,
    spec: &FileBuilder,
    trigger_name: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger_name {
        "builder-detect" => {
            if spec.detects(Path::new(arg(args, 1))) {
                let _ = writeln!(stdout, "{}", spec.builder);
            }
            Ok(0)
        }
        "core-post-extract" => trigger_status(
            ctx,
            spec.apply_path(&props, arg(args, 0), Path::new(arg(args, 1))),
        ),
        _ => trigger(ctx, spec.builder, trigger_name, args),
    }
}

/// Declares a file-driven builder's core plugin (`core_plugin!`) from its
/// `dokku_core::builder::file_builder` spec: the `<plugin>:report` and
/// `<plugin>:set` commands ([`file_builder_command`]) and the `builder-detect`,
/// `builder-build` and `core-post-extract` triggers ([`file_builder_trigger`]).
#[macro_export]
macro_rules! file_builder_plugin {
    (
        $(#[$meta:meta])*
        $ty:ident = $name:literal,
        spec: $spec:path,
        commands: [$report:literal, $set:literal] $(,)?
    ) => {
        $crate::core_plugin! {
            $(#[$meta])*
            $ty = $name,
            commands: [($report, file_builder_command), ($set, file_builder_command)],
            triggers: [
                ("builder-detect", file_builder_trigger),
                ("builder-build", file_builder_trigger),
                ("core-post-extract", file_builder_trigger),
            ],
        }

        /// The plugin's `:report` and `:set` commands.
        fn file_builder_command(
            ctx: &mut $crate::Context,
            command: &str,
            args: &[String],
        ) -> $crate::CmdResult {
            $crate::buildpack::file_builder_command(ctx, &$spec, command, args)
        }

        /// The plugin's trigger handlers.
        fn file_builder_trigger(
            ctx: &$crate::Context,
            trigger: &str,
            args: &[String],
            stdout: &mut dyn ::std::io::Write,
        ) -> Result<i32, dokku_core::trigger::TriggerError> {
            $crate::buildpack::file_builder_trigger(ctx, &$spec, trigger, args, stdout)
        }
    };
}
