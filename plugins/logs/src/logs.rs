//! `logs` and `logs:failed`.

use dokku_core::log::Level;
use dokku_core::scheduler::{self, LogsRequest};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_host::pipeline::existing_app;

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
    let mut req = LogsRequest {
        app: String::new(),
        proc_type: None,
        num: 100,
        follow: false,
        quiet: false,
    };
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        match a.as_str() {
            "-n" | "--num" => {
                let n = iter.next().cloned().unwrap_or_default();
                req.num = n
                    .parse()
                    .map_err(|_| CommandError::fail(format!("Invalid number of lines: {n}")))?;
            }
            "-t" | "--tail" => req.follow = true,
            "-q" | "--quiet" => req.quiet = true,
            "-p" | "--ps" => req.proc_type = iter.next().cloned().filter(|t| !t.is_empty()),
            other if req.app.is_empty() && !other.starts_with('-') => req.app = other.to_string(),
            _ => {}
        }
    }
    let app = existing_app(ctx, std::slice::from_ref(&req.app))?;
    if !dokku_core::config::ops::is_deployed(&ctx.layout.lib_root, &app) {
        return Err(CommandError::fail(format!(
            "App {app} has not been deployed"
        )));
    }
    let host = &*ctx;
    scheduler::logs(&host, &req, &|line| output::println(line));
    Ok(0)
}

fn failed(ctx: &mut Context, args: &[String]) -> CmdResult {
    let apps = if args.iter().any(|a| a == "--all") {
        dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default()
    } else {
        vec![existing_app(ctx, args)?]
    };
    let host = &*ctx;
    let mut found = false;
    for app in apps {
        let file = scheduler::failed_containers_file(&ctx.layout, &app);
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let mut keep = String::new();
        for line in text.lines() {
            let Some(cid) = line.split_whitespace().next() else {
                continue;
            };
            if host.docker().container_inspect(cid).is_none() {
                ctx.log(
                    Level::Warn,
                    &format!("App container {cid} no longer running"),
                );
                continue;
            }
            keep.push_str(line);
            keep.push('\n');
            found = true;
            let out = host.docker().container_logs(cid, None);
            output::write(dokku_core::log::Stream::Stdout, &out);
        }
        let _ = dokku_core::fs::write_atomic(&file, keep.as_bytes(), 0o644);
    }
    if !found {
        ctx.log(Level::Warn, "No failed containers found");
    }
    Ok(0)
}
