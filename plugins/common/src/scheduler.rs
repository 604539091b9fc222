//! Commands carried out by the app's scheduler (`logs`, `logs:failed`, `run:logs`,
//! `run:stop`, `run:retire`): which scheduler that is, and firing its trigger.

use dokku_core::property::PropertyStore;
use dokku_core::trigger::StdoutMode;

use crate::{CmdResult, CommandError, Context};

/// The app's scheduler (`scheduler selected`, app then global; `docker-local` when
/// unset), the first argument of every `scheduler-*` trigger.
pub fn scheduler_of(ctx: &Context, app: &str) -> String {
    dokku_core::deploy::scheduler_of(&PropertyStore::new(&ctx.layout.lib_root), app)
}

/// Fires `trigger` with the command's output passed straight through; the command
/// ends with the trigger's exit code (its handler already said why).
pub fn fire(ctx: &Context, trigger: &str, args: &[String]) -> CmdResult {
    match ctx.fire(trigger, args, StdoutMode::Inherit)?.status {
        0 => Ok(0),
        code => Err(CommandError::silent(code)),
    }
}
