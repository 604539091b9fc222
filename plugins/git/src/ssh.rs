//! The ssh entry points of a git push or fetch: `git-receive-pack APP` and
//! `git-upload-pack APP` (the app created on its first push), and the pre-receive
//! `git-hook APP` that builds and deploys the pushed revision.

use std::io::Read;

use dokku_core::app::AppName;
use dokku_core::git::{self, RefUpdate};
use dokku_core::process::Cmd;
use dokku_core::trigger::exit_code;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{arg, cli_error, existing_app};

/// Runs one ssh entry point (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "git-receive-pack" => receive_pack(ctx, args),
        "git-upload-pack" => upload_pack(ctx, args),
        "git-hook" => hook(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// Validates the (normalised) app name of an ssh git command, creating the app on
/// first push as Dokku does.
fn prepare_repo(ctx: &Context, raw: &str) -> Result<String, CommandError> {
    let app = git::normalize_app_arg(raw);
    let host = ctx;
    // Validate before touching the filesystem: the name comes from the network and
    // must never name a path outside DOKKU_ROOT (`/` and a leading `.` are refused by
    // both rules). Existing apps may use the legacy rule.
    AppName::parse_existing(&app)?;
    // Not an app yet: missing, or left unfinished by a killed `apps:create` (its
    // repo may be there, half made), which app-maybe-create repairs first.
    let exists = dokku_core::app::verify(&ctx.layout.dokku_root, &app).is_ok();
    if !exists {
        AppName::parse(&app)?;
        maybe_create_quietly(ctx, &app)?;
    }
    if !git::has_repo(&ctx.layout, &app) {
        git::create_repo(&host, &app).map_err(cli_error)?;
    }
    Ok(app)
}

/// `plugn trigger app-maybe-create APP` in a child whose stdout goes to our stderr:
/// our stdout is git's protocol stream, and a `post-create` handler (native or bash)
/// that prints a line there would break the push or fetch.
fn maybe_create_quietly(ctx: &Context, app: &str) -> Result<(), CommandError> {
    let cmd = Cmd::new("bash")
        .args([
            "-c",
            "exec -a plugn \"$0\" trigger app-maybe-create \"$1\" >&2",
        ])
        .arg(&ctx.exe)
        .arg(app)
        .env_clear()
        .envs(ctx.env.iter());
    ctx.trace(&cmd.to_string());
    let status = cmd
        .status()
        .map_err(|e| CommandError::fail(e.to_string()))?;
    match exit_code(status) {
        0 => Ok(()),
        code => Err(CommandError::silent(code)),
    }
}

fn receive_pack(ctx: &mut Context, args: &[String]) -> CmdResult {
    let app = prepare_repo(ctx, arg(args, 0))?;
    let repo = ctx.layout.app_root(&app);
    // git-receive-pack runs the pre-receive hook, which runs `dokku git-hook`.
    let cmd = Cmd::new("git-receive-pack")
        .arg(&repo)
        .env_clear()
        .envs(ctx.env.iter());
    ctx.trace(&cmd.to_string());
    let status = cmd
        .status()
        .map_err(|e| CommandError::fail(e.to_string()))?;
    Ok(exit_code(status))
}

fn upload_pack(ctx: &mut Context, args: &[String]) -> CmdResult {
    let app = prepare_repo(ctx, arg(args, 0))?;
    let repo = ctx.layout.app_root(&app);
    ctx.fire(
        "git-pre-pull",
        std::slice::from_ref(&app),
        dokku_core::trigger::StdoutMode::Inherit,
    )?;
    let cmd = Cmd::new("git-upload-pack")
        .arg(&repo)
        .env_clear()
        .envs(ctx.env.iter());
    let status = cmd
        .status()
        .map_err(|e| CommandError::fail(e.to_string()))?;
    ctx.fire(
        "git-post-pull",
        std::slice::from_ref(&app),
        dokku_core::trigger::StdoutMode::Inherit,
    )?;
    Ok(exit_code(status))
}

fn hook(ctx: &mut Context, args: &[String]) -> CmdResult {
    let app = existing_app(ctx, args)?;
    if let Some(result) =
        dokku_plugin_common::build_capture::capture(ctx, &app, "git-hook", "git-hook", args)
    {
        return result;
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| CommandError::fail(format!("cannot read the pushed refs: {e}")))?;
    let updates = RefUpdate::parse_all(&input);
    git::hook(&&*ctx, &app, &updates).map_err(cli_error)?;
    Ok(0)
}
