//! The answers to `scheduler-run` and `scheduler-run-list` that every scheduler which
//! runs one-off commands as plain containers on this host gives (docker-local, and
//! docker-swarm, whose one-off runs are plain containers too).

use std::io::Write;

use dokku_core::log::Level;
use dokku_core::scheduler::{self, RunList, RunOutcome, RunRequest};
use dokku_core::trigger::TriggerError;

use crate::{arg, trigger_status, Context};

/// `scheduler-run SCHEDULER APP ENV_COUNT ENV... -- CMD...`: runs the command; a
/// detached run prints its container name.
pub fn run(ctx: &Context, args: &[String], stdout: &mut dyn Write) -> Result<i32, TriggerError> {
    let req = RunRequest::from_trigger(args, &ctx.env, ctx.has_tty());
    match scheduler::run(ctx, &req) {
        Ok(RunOutcome::Exited(code)) => Ok(code),
        Ok(RunOutcome::Detached(name)) => {
            let _ = writeln!(stdout, "{name}");
            Ok(0)
        }
        Err(err) => trigger_status(ctx, Err(err)),
    }
}

/// `scheduler-run-list SCHEDULER APP FORMAT`: the app's run containers, Docker's
/// table under a heading, or JSON.
pub fn run_list(
    ctx: &Context,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let app = arg(args, 1);
    let quiet = ctx.var(dokku_core::env::DOKKU_QUIET_OUTPUT).is_some();
    match scheduler::run_list(ctx, app, arg(args, 2) == "json", quiet) {
        Ok(RunList::Json(json)) => {
            let _ = writeln!(stdout, "{json}");
            Ok(0)
        }
        Ok(RunList::Table(table)) => {
            crate::log(ctx, Level::Info2Quiet, &format!("{app} run containers"));
            let _ = stdout.write_all(table.as_bytes());
            Ok(0)
        }
        Err(err) => trigger_status(ctx, Err(err)),
    }
}
