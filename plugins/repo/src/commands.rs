//! `repo:gc APP` and `repo:purge-cache APP`.

use dokku_core::git::repo;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::existing_app;

/// Runs one `repo:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let app = existing_app(ctx, args)?;
    let result = match command {
        "repo:gc" => repo::gc(&ctx.layout, &app),
        "repo:purge-cache" => repo::purge_cache(ctx.docker(), &app),
        other => {
            return Err(CommandError::fail(format!(
                "`{other}` is not a dokku command."
            )))
        }
    };
    result.map_err(|e| CommandError::with_code(e.to_string(), e.exit_code()))?;
    Ok(0)
}
