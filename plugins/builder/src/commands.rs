//! The `builder:*` commands: `builder:set` and `builder:report`.

use dokku_core::builder;
use dokku_core::property::PropertyStore;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_plugin_common::properties;
use dokku_plugin_common::report::run_report;

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
