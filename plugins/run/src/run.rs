//! `run`, `run:detached` and `run:list`.

use dokku_core::scheduler::RunRequest;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::existing_app;
use dokku_plugin_common::flags::{parse_flags, FlagSpec};

/// Runs `run` or `run:detached` (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    if command == "run:list" {
        return list(ctx, args);
    }
    let detach = command == "run:detached";
    let mut req = RunRequest::default();
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
    // Dokku's `fn-run`: the mode goes to the scheduler in the environment, the `--env`
    // pairs and the command as `scheduler-run SCHEDULER APP N ENV... -- CMD...`.
    ctx.export(dokku_core::env::DOKKU_RM_CONTAINER, "1");
    if detach {
        ctx.export(dokku_core::env::DOKKU_DETACH_CONTAINER, "1");
    }
    if force_tty {
        ctx.export(dokku_core::env::DOKKU_FORCE_TTY, "true");
    } else if no_tty {
        ctx.export(dokku_core::env::DOKKU_DISABLE_TTY, "true");
    }
    if req.ttl != 0 {
        ctx.export(dokku_core::env::DOKKU_RUN_TTL_SECONDS, req.ttl.to_string());
    }
    let scheduler = dokku_core::deploy::scheduler_of(
        &dokku_core::property::PropertyStore::new(&ctx.layout.lib_root),
        &app,
    );
    req.app = app;
    req.command = rest.iter().skip(1).cloned().collect();
    let outcome = ctx.fire(
        "scheduler-run",
        &req.trigger_args(&scheduler),
        dokku_core::trigger::StdoutMode::Inherit,
    )?;
    match outcome.status {
        0 => Ok(0),
        code => Err(CommandError::silent(code)),
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
