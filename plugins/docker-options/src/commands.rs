//! The `docker-options:*` commands' dispatch and what they share (flags, the app
//! argument, errors, the add/remove edit).

use dokku_core::app;
use dokku_core::docker_options::DockerOptionsError;
use dokku_core::property::PropertyStore;

use crate::{add, clear, list, remove, report};
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_plugin_common::flags::{parse_flags, FlagSpec, Flags};
use dokku_plugin_common::help::installed_plugin_help;

/// Runs one `docker-options` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let ctx = &*ctx;
    match command {
        "docker-options" => help(ctx),
        "docker-options:add" => add::run(ctx, args),
        "docker-options:remove" => remove::run(ctx, args),
        "docker-options:clear" => clear::run(ctx, args),
        "docker-options:list" => list::run(ctx, args),
        "docker-options:report" => report::run(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// Bare `docker-options`, which the manifest declares: the plugin's help.
fn help(ctx: &Context) -> CmdResult {
    installed_plugin_help(ctx, "docker-options")
}

/// The property store of this installation.
pub(crate) fn props(ctx: &Context) -> PropertyStore {
    PropertyStore::new(&ctx.layout.lib_root)
}

/// pflag with `SetInterspersed(false)`: `--process` flags first, then
/// `APP PHASES OPTION...` verbatim (an option's own dashes are not flags).
pub(crate) fn parse_scoped(args: &[String]) -> Result<Flags, CommandError> {
    parse_flags(
        args,
        &FlagSpec {
            bools: &[],
            values: &["process"],
            interspersed: false,
        },
    )
}

/// The app named by the first positional argument (exit 20 when it does not exist).
pub(crate) fn existing_app(ctx: &Context, flags: &Flags) -> Result<String, CommandError> {
    let name = flags.positional.first().map(String::as_str).unwrap_or("");
    Ok(app::verify(&ctx.layout.dokku_root, name)?
        .as_str()
        .to_string())
}

/// A docker-options error as the command's error (` !     <message>`, exit 1).
pub(crate) fn fail(err: DockerOptionsError) -> CommandError {
    CommandError::fail(err.to_string())
}

/// The change `docker-options:add` / `:remove` make, as dokku-core exposes it.
type EditFn = fn(
    &PropertyStore,
    &str,
    &[String],
    &[dokku_core::docker_options::Phase],
    &str,
) -> Result<(), DockerOptionsError>;

/// `<app> <phase(s)> OPTION...` with `--process TYPE`s, applied through `apply`.
pub(crate) fn edit(ctx: &Context, args: &[String], apply: EditFn) -> CmdResult {
    let flags = parse_scoped(args)?;
    let app = existing_app(ctx, &flags)?;
    let phase_arg = flags.positional.get(1).map(String::as_str).unwrap_or("");
    let phases = dokku_core::docker_options::parse_phases(phase_arg).map_err(fail)?;
    let option = flags.positional.get(2..).unwrap_or_default().join(" ");
    apply(
        &props(ctx),
        &app,
        &flags.values("process"),
        &phases,
        &option,
    )
    .map_err(fail)?;
    Ok(0)
}
