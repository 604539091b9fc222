//! `docker-options:remove [--process TYPE]... <app> <phase(s)> OPTION...`.

use dokku_host::command_error::CmdResult;
use dokku_host::context::Context;

/// Removes OPTION (split at flag boundaries, exact matches) from each phase.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    crate::commands::edit(ctx, args, dokku_core::docker_options::remove)
}
