//! `docker-options:add [--process TYPE]... <app> <phase(s)> OPTION...`.

use dokku_host::command_error::CmdResult;
use dokku_host::context::Context;

/// Adds OPTION (split at flag boundaries) to each comma-separated phase.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    crate::commands::edit(ctx, args, dokku_core::docker_options::add)
}
