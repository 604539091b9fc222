//! `docker-options:report [<app>|--global] [--format stdout|json] [<flag>]`.

use dokku_core::docker_options;

use super::{fail, props};
use crate::commands::core_plugin::run_report;
use crate::context::Context;
use crate::exit::CmdResult;

/// The `--docker-options-{build,deploy,run}` report, plus one
/// `--docker-options-deploy.<type>` per process type with options.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    let props = props(ctx);
    run_report(ctx, docker_options::PLUGIN, args, |app| {
        docker_options::report(&props, app).map_err(fail)
    })
}
