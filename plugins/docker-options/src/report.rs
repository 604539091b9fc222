//! `docker-options:report [<app>|--global] [--format stdout|json] [<flag>]`.

use dokku_core::docker_options;

use crate::commands::{fail, props};
use dokku_host::command_error::CmdResult;
use dokku_host::context::Context;
use dokku_plugin_common::report::run_report;

/// The `--docker-options-{build,deploy,run}` report, plus one
/// `--docker-options-deploy.<type>` per process type with options.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    let props = props(ctx);
    run_report(ctx, docker_options::PLUGIN, args, |app| {
        docker_options::report(&props, app).map_err(fail)
    })
}
