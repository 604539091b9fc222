//! `dokku version`.

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;

/// Prints `dokku version <Dokku contract> (dokku-rs <ours>)`.
pub(crate) fn run(ctx: &Context) -> CmdResult {
    let line = ctx.version_line().ok_or_else(|| {
        CommandError::fail("Unable to determine dokku's version").hint(format!(
            "write the version into {}",
            ctx.layout.lib_root.join("VERSION").display()
        ))
    })?;
    output::println(&line);
    Ok(0)
}
