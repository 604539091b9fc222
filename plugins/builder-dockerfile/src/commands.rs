//! The `builder-dockerfile:*` commands: `builder-dockerfile:set` and
//! `builder-dockerfile:report`.

use dokku_core::builder::dockerfile;
use dokku_core::property::PropertyStore;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_plugin_common::properties;
use dokku_plugin_common::report::run_report;

/// Runs one `builder-dockerfile:*` command (also reached as `dockerfile:*`).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
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
