//! `dokku version`.

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;

/// The installed version: `STABLE_VERSION`, else `VERSION`, under `DOKKU_LIB_ROOT`.
pub(crate) fn installed_version(ctx: &Context) -> Option<String> {
    ctx.layout
        .version_files()
        .iter()
        .find_map(|f| std::fs::read_to_string(f).ok())
        .map(|v| v.trim_end_matches('\n').to_string())
}

/// Prints `dokku version X`.
pub(crate) fn run(ctx: &Context) -> CmdResult {
    let version = installed_version(ctx).ok_or_else(|| {
        CommandError::fail("Unable to determine dokku's version").hint(format!(
            "write the version into {}",
            ctx.layout.lib_root.join("VERSION").display()
        ))
    })?;
    output::println(&format!("dokku version {version}"));
    Ok(0)
}
