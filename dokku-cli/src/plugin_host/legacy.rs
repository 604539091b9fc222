//! Legacy (executable) plugins: `commands`, `subcommands/*`, run with the dispatcher's
//! environment and the full argument list, stdio inherited.

use std::path::Path;

use dokku_core::process::Cmd;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;

pub(crate) use dokku_core::plugin::resolve::is_executable;

/// Runs `program ARGS...` and returns its exit code.
pub(crate) fn run(ctx: &Context, program: &Path, args: &[String]) -> CmdResult {
    let cmd = Cmd::new(program)
        .args(args)
        .env_clear()
        .envs(ctx.env.iter());
    ctx.trace(&cmd.to_string());
    let status = cmd
        .status()
        .map_err(|e| CommandError::fail(e.to_string()))?;
    Ok(dokku_core::trigger::exit_code(status))
}

/// Runs `program ARGS...` capturing stdout (stderr passes through).
pub(crate) fn capture(
    ctx: &Context,
    program: &Path,
    args: &[String],
    extra_env: &[(&str, &str)],
) -> Result<String, CommandError> {
    let cmd = Cmd::new(program)
        .args(args)
        .env_clear()
        .envs(ctx.env.iter())
        .envs(extra_env.iter().copied());
    ctx.trace(&cmd.to_string());
    let out = cmd
        .capture_stdout(std::process::Stdio::null())
        .map_err(|e| CommandError::fail(e.to_string()))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
