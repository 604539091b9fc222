//! `logs` and `logs:failed`.

use dokku_core::log::Level;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::existing_app;
use dokku_plugin_common::scheduler::{fire, scheduler_of};

/// Runs one `logs*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "logs" => logs(ctx, args),
        "logs:failed" => failed(ctx, args),
        "logs:report" => crate::settings::report(ctx, args),
        "logs:set" => crate::settings::set(ctx, args),
        "logs:vector-logs" => crate::vector::logs_cmd(ctx, args),
        "logs:vector-start" => crate::vector::start(ctx, args),
        "logs:vector-stop" => crate::vector::stop(ctx),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

fn logs(ctx: &mut Context, args: &[String]) -> CmdResult {
    let (mut app, mut proc_type, mut num, mut tail, mut quiet) = (
        String::new(),
        String::new(),
        "100".to_string(),
        false,
        false,
    );
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        match a.as_str() {
            "-n" | "--num" => {
                let n = iter.next().cloned().unwrap_or_default();
                if n.parse::<u32>().is_err() {
                    return Err(CommandError::fail(format!("Invalid number of lines: {n}")));
                }
                num = n;
            }
            "-t" | "--tail" => tail = true,
            "-q" | "--quiet" => quiet = true,
            "-p" | "--ps" => proc_type = iter.next().cloned().unwrap_or_default(),
            other if app.is_empty() && !other.starts_with('-') => app = other.to_string(),
            _ => {}
        }
    }
    let app = existing_app(ctx, std::slice::from_ref(&app))?;
    if !dokku_core::config::ops::is_deployed(&ctx.layout.lib_root, &app) {
        return Err(CommandError::fail(format!(
            "App {app} has not been deployed"
        )));
    }
    // As Dokku: the app's scheduler answers (docker-local and docker-swarm here).
    let scheduler = scheduler_of(ctx, &app);
    fire(
        ctx,
        "scheduler-logs",
        &[
            scheduler,
            app,
            proc_type,
            tail.to_string(),
            quiet.to_string(),
            num,
        ],
    )
}

fn failed(ctx: &mut Context, args: &[String]) -> CmdResult {
    let apps = if args.iter().any(|a| a == "--all") {
        dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default()
    } else {
        vec![existing_app(ctx, args)?]
    };
    for app in apps {
        ctx.log_as_plugin(Level::Info2Quiet, &format!("{app} failed deploy logs"));
        let scheduler = scheduler_of(ctx, &app);
        fire(ctx, "scheduler-logs-failed", &[scheduler, app])?;
    }
    Ok(0)
}
