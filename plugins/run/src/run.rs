//! `run`, `run:detached` and `run:list`.

use dokku_core::scheduler::{self, RunOutcome, RunRequest};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_host::pipeline::{cli_error, existing_app};
use dokku_plugin_common::flags::{parse_flags, FlagSpec};

/// Runs `run` or `run:detached` (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    if command == "run:list" {
        return list(ctx, args);
    }
    let detach = command == "run:detached";
    let mut req = RunRequest {
        detach,
        remove: true,
        ..RunRequest::default()
    };
    let (mut no_tty, mut force_tty) = (detach, false);
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-e" | "--env" => {
                i += 1;
                req.env.push(args.get(i).cloned().unwrap_or_default());
            }
            "--no-tty" => no_tty = true,
            "--force-tty" => force_tty = true,
            "--ttl-seconds" => {
                i += 1;
                let v = args.get(i).cloned().unwrap_or_default();
                req.ttl = v
                    .parse()
                    .map_err(|_| CommandError::fail(format!("Invalid ttl-seconds value: {v}")))?;
            }
            other if other.starts_with("--env=") => {
                req.env.push(other["--env=".len()..].to_string())
            }
            _ => break,
        }
        i += 1;
    }
    let rest = &args[i.min(args.len())..];
    let app = existing_app(ctx, rest)?;
    req.app = app;
    req.command = rest.iter().skip(1).cloned().collect();
    req.tty = force_tty || (!no_tty && ctx.has_tty());
    match scheduler::run(&&*ctx, &req).map_err(cli_error)? {
        RunOutcome::Exited(0) => Ok(0),
        RunOutcome::Exited(code) => Err(CommandError::silent(code)),
        RunOutcome::Detached(name) => {
            output::println(&name);
            Ok(0)
        }
    }
}

/// `run:list [--format stdout|json] <app>`: the app's one-off containers, through its
/// scheduler (`scheduler-run-list SCHEDULER APP FORMAT`).
fn list(ctx: &mut Context, args: &[String]) -> CmdResult {
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools: &[],
            values: &["format"],
            interspersed: true,
        },
    )?;
    let format = flags.value("format").unwrap_or("stdout").to_string();
    if format != "stdout" && format != "json" {
        return Err(CommandError::fail(format!(
            "Invalid format specified, supported formats: json, stdout (got {format})"
        )));
    }
    let app = existing_app(ctx, &flags.positional)?;
    let scheduler = dokku_core::deploy::scheduler_of(
        &dokku_core::property::PropertyStore::new(&ctx.layout.lib_root),
        &app,
    );
    let outcome = ctx.fire(
        "scheduler-run-list",
        &[scheduler, app, format],
        dokku_core::trigger::StdoutMode::Inherit,
    )?;
    match outcome.status {
        0 => Ok(0),
        code => Err(CommandError::silent(code)),
    }
}
