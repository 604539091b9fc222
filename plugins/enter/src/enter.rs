//! `enter <app> [<container-type>|--container-id <id>] [<command>...]`.

use dokku_core::deploy;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::StdoutMode;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::existing_app;

/// `enter <app> [<container-type>|--container-id <id>] [<command>...]`.
pub(crate) fn run(ctx: &mut Context, _command: &str, args: &[String]) -> CmdResult {
    let app = existing_app(ctx, args)?;
    let scheduler = deploy::scheduler_of(&PropertyStore::new(&ctx.layout.lib_root), &app);
    let mut trigger_args = vec![scheduler, app.clone()];
    let rest: Vec<String> = match args.iter().position(|a| *a == app) {
        Some(i) => args[i + 1..].to_vec(),
        None => Vec::new(),
    };
    trigger_args.extend(rest);
    let outcome = ctx.fire("scheduler-enter", &trigger_args, StdoutMode::Inherit)?;
    match outcome.status {
        0 => Ok(0),
        code => Err(CommandError::silent(code)),
    }
}
