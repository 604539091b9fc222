//! `docker-options:remove [--process TYPE]... <app> <phase(s)> OPTION...`.

use dokku_core::docker_options;

use super::{existing_app, fail, parse_scoped, props};
use crate::context::Context;
use crate::exit::CmdResult;

/// Removes OPTION (split at flag boundaries, exact matches) from each phase.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse_scoped(args)?;
    let app = existing_app(ctx, &flags)?;
    let phases =
        docker_options::parse_phases(flags.positional.get(1).map(String::as_str).unwrap_or(""))
            .map_err(fail)?;
    let option = flags.positional.get(2..).unwrap_or_default().join(" ");
    docker_options::remove(
        &props(ctx),
        &app,
        &flags.values("process"),
        &phases,
        &option,
    )
    .map_err(fail)?;
    Ok(0)
}
