//! `docker-options:add [--process TYPE]... <app> <phase(s)> OPTION...`.

use crate::context::Context;
use crate::exit::CmdResult;

/// Adds OPTION (split at flag boundaries) to each comma-separated phase.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    super::edit(ctx, args, dokku_core::docker_options::add)
}
