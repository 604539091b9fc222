//! `scheduler-docker-local:set` and `scheduler-docker-local:report`.

use dokku_core::property::PropertyStore;
use dokku_core::scheduler::selection::{docker_local_report, DOCKER_LOCAL_PROPERTIES};
use dokku_core::scheduler::PLUGIN;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_plugin_common::properties;
use dokku_plugin_common::report::run_report;

/// Runs one `scheduler-docker-local:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match command {
        "scheduler-docker-local:set" => properties::set(
            ctx,
            PLUGIN,
            args,
            DOCKER_LOCAL_PROPERTIES,
            DOCKER_LOCAL_PROPERTIES,
        ),
        "scheduler-docker-local:report" => run_report(ctx, PLUGIN, args, |app| {
            Ok(docker_local_report(&props, app))
        }),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}
