//! `docker-options:list --phase PHASE [--process TYPE] <app>`.

use dokku_core::docker_options;

use crate::commands::{existing_app, fail, props};
use dokku_host::command_error::CmdResult;
use dokku_host::context::Context;
use dokku_host::output;
use dokku_plugin_common::flags::{parse_flags, FlagSpec};

/// Prints the options of one scope and phase, one per line.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools: &[],
            values: &["phase", "process"],
            interspersed: true,
        },
    )?;
    let app = existing_app(ctx, &flags)?;
    let options = docker_options::list(
        &props(ctx),
        &app,
        flags.value("process"),
        flags.value("phase").unwrap_or(""),
    )
    .map_err(fail)?;
    for option in options {
        output::println(&option);
    }
    Ok(0)
}
