//! `docker-options:clear [--process TYPE]... <app> [<phase(s)>]`.

use dokku_core::docker_options;
use dokku_core::log::Level;

use crate::commands::{existing_app, fail, parse_scoped, props};
use dokku_host::command_error::CmdResult;
use dokku_host::context::Context;
use dokku_plugin_common::log;

/// Clears the default scope (all phases, or those given) or the given process types.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse_scoped(args)?;
    let app = existing_app(ctx, &flags)?;
    let phases = flags.positional.get(1).map(String::as_str).unwrap_or("");
    let cleared =
        docker_options::clear(&props(ctx), &app, &flags.values("process"), phases).map_err(fail)?;
    for message in cleared.messages(&app) {
        log(ctx, Level::Info1, &message);
    }
    Ok(0)
}
