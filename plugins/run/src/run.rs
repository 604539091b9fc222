//! `run`, `run:detached` and `run:list`.

use dokku_core::scheduler::run::DEFAULT_TTL;
use dokku_core::scheduler::RunRequest;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::existing_app;
use dokku_plugin_common::flags::{parse_flags, FlagSpec};

/// The options `run` and `run:detached` take before the app (Dokku's `fn-run`).
#[derive(Debug, Default, PartialEq, Eq)]
struct RunOptions {
    env: Vec<String>,
    no_tty: bool,
    force_tty: bool,
    ttl: Option<String>,
    cron_id: String,
    concurrency_policy: String,
    /// Index of the app in the arguments (the command follows it).
    app_at: usize,
}

/// Reads the flags up to the app name; each valued flag takes `--flag=V` or
/// `--flag V`.
fn parse_run_options(args: &[String]) -> Result<RunOptions, CommandError> {
    let mut o = RunOptions::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n, Some(v.to_string())),
            _ => (a, None),
        };
        let valued = matches!(
            name,
            "-e" | "--env" | "--ttl-seconds" | "--cron-id" | "--concurrency-policy"
        );
        if !valued {
            match a {
                "--no-tty" => o.no_tty = true,
                "--force-tty" => o.force_tty = true,
                _ => break,
            }
            i += 1;
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i).cloned().ok_or_else(|| {
                    CommandError::fail(format!("expected {name} to have an argument"))
                        .hint(format!("pass a value after {name}"))
                })?
            }
        };
        match name {
            "-e" | "--env" => o.env.push(value),
            "--ttl-seconds" => o.ttl = Some(value),
            "--cron-id" => o.cron_id = value,
            _ => o.concurrency_policy = value,
        }
        i += 1;
    }
    o.app_at = i;
    Ok(o)
}

/// Runs `run` or `run:detached` (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "run:list" => return list(ctx, args),
        "run:logs" => return crate::manage::logs(ctx, args),
        "run:stop" => return crate::manage::stop(ctx, args),
        "run:retire" => return crate::manage::retire(ctx, args),
        _ => {}
    }
    let detach = command == "run:detached";
    let opts = parse_run_options(args)?;
    let ttl = opts.ttl.as_deref().unwrap_or("").trim();
    let ttl = if ttl.is_empty() {
        DEFAULT_TTL
    } else {
        ttl.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            CommandError::fail("--ttl-seconds must be a positive integer")
                .hint("pass a number of seconds, e.g. --ttl-seconds 3600")
        })?
    };
    let no_tty = opts.no_tty || (detach && !opts.force_tty);
    if opts.no_tty && opts.force_tty {
        return Err(
            CommandError::fail("Cannot specify both --force-tty and --no-tty")
                .hint("pass only one of them"),
        );
    }
    if !matches!(
        opts.concurrency_policy.as_str(),
        "" | "allow" | "forbid" | "replace"
    ) {
        return Err(CommandError::fail(format!(
            "Invalid concurrency policy specified: {}",
            opts.concurrency_policy
        ))
        .hint("use one of allow, forbid or replace"));
    }
    let rest = &args[opts.app_at.min(args.len())..];
    let app = existing_app(ctx, rest)?;
    // Dokku's `fn-run`: the mode goes to the scheduler in the environment, the `--env`
    // pairs and the command as `scheduler-run SCHEDULER APP N ENV... -- CMD...`.
    ctx.export(dokku_core::env::DOKKU_RM_CONTAINER, "1");
    if detach {
        ctx.export(dokku_core::env::DOKKU_DETACH_CONTAINER, "1");
    }
    if opts.force_tty {
        ctx.export(dokku_core::env::DOKKU_FORCE_TTY, "true");
    } else if no_tty {
        ctx.export(dokku_core::env::DOKKU_DISABLE_TTY, "true");
    }
    ctx.export(dokku_core::env::DOKKU_RUN_TTL_SECONDS, ttl.to_string());
    if !opts.cron_id.is_empty() {
        ctx.export(dokku_core::env::DOKKU_CRON_ID, opts.cron_id.clone());
        let policy = if opts.concurrency_policy.is_empty() {
            "allow".to_string()
        } else {
            opts.concurrency_policy.clone()
        };
        ctx.export(dokku_core::env::DOKKU_CONCURRENCY_POLICY, policy);
    }
    let scheduler = dokku_core::deploy::scheduler_of(
        &dokku_core::property::PropertyStore::new(&ctx.layout.lib_root),
        &app,
    );
    let req = RunRequest {
        app,
        env: opts.env,
        command: rest.iter().skip(1).cloned().collect(),
        ..RunRequest::default()
    };
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
            bools: &["quiet"],
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
    if flags.has("quiet") {
        ctx.export(dokku_core::env::DOKKU_QUIET_OUTPUT, "true");
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_stop_at_the_app_and_take_both_value_forms() {
        let a = args(&[
            "--ttl-seconds=60",
            "-e",
            "A=1",
            "--env=B=2",
            "--cron-id",
            "abc",
            "--concurrency-policy=forbid",
            "--no-tty",
            "web",
            "--env",
            "C=3",
        ]);
        let o = parse_run_options(&a).expect("parsed");
        assert_eq!(o.env, ["A=1", "B=2"]);
        assert_eq!(o.ttl.as_deref(), Some("60"));
        assert_eq!(
            (o.cron_id.as_str(), o.concurrency_policy.as_str()),
            ("abc", "forbid")
        );
        assert!(o.no_tty && !o.force_tty);
        assert_eq!(a[o.app_at], "web", "the command's own flags are left alone");
        assert!(parse_run_options(&args(&["--ttl-seconds"])).is_err());
    }
}
