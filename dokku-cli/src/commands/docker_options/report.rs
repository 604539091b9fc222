//! `docker-options:report [<app>|--global] [--format stdout|json] [<flag>]`.

use dokku_core::docker_options;

use super::{fail, props};
use crate::commands::core_plugin::run_report;
use dokku_host::command_error::CmdResult;
use dokku_host::context::Context;

/// The `--docker-options-{build,deploy,run}` report, plus one
/// `--docker-options-deploy.<type>` per process type with options.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    let props = props(ctx);
    run_report(ctx, docker_options::PLUGIN, args, |app| {
        docker_options::report(&props, app).map_err(fail)
    })
}
