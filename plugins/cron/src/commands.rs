//! The `cron:*` commands.

use dokku_core::cron::{self, Task};
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::scheduler::RunRequest;
use dokku_core::trigger::StdoutMode;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_host::pipeline::existing_app;
use dokku_plugin_common::flags::{parse_flags, FlagSpec};
use dokku_plugin_common::properties;
use dokku_plugin_common::report::run_report;

use crate::crontab;

/// Runs one `cron:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "cron:list" => list(ctx, args),
        "cron:report" => {
            let host = ctx.clone();
            let props = PropertyStore::new(&ctx.layout.lib_root);
            run_report(ctx, cron::PLUGIN, args, |app| {
                let count = if app == GLOBAL {
                    None
                } else {
                    Some(
                        crontab::app_tasks(&host, app, false)
                            .map(|t| t.len())
                            .unwrap_or(0),
                    )
                };
                Ok(cron::report(&props, app, count))
            })
        }
        "cron:set" => {
            let (app, rest) = properties::scoped(ctx, args)?;
            let key = rest.first().cloned().unwrap_or_default();
            let value = rest.get(1..).map(|v| v.join(" ")).unwrap_or_default();
            set(ctx, &app, &key, &value)
        }
        "cron:suspend" | "cron:resume" => {
            let app = existing_app(ctx, args)?;
            let id = args.get(1).cloned().unwrap_or_default();
            let value = if command == "cron:suspend" {
                "true"
            } else {
                ""
            };
            set(
                ctx,
                &app,
                &format!("{}{id}", cron::MAINTENANCE_PREFIX),
                value,
            )
        }
        "cron:run" => run_task(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// `cron:set [--global|APP] KEY [VALUE]`, then `scheduler-cron-write` so the crontab
/// follows.
fn set(ctx: &Context, app: &str, key: &str, value: &str) -> CmdResult {
    let tasks: Vec<Task> = if app != GLOBAL && key.starts_with(cron::MAINTENANCE_PREFIX) {
        crontab::app_tasks(ctx, app, false)?
    } else {
        Vec::new()
    };
    cron::check_set(app, key, &tasks).map_err(|e| {
        let err = CommandError::fail(e.to_string());
        match e {
            cron::CronError::UnknownTask(_) | cron::CronError::MissingTaskId => {
                err.hint(format!("the ids are in `dokku cron:list {app}`"))
            }
            _ => err,
        }
    })?;
    let mut valid: Vec<&str> = cron::PROPERTIES.to_vec();
    if key.starts_with(cron::MAINTENANCE_PREFIX) {
        valid.push(key);
    }
    properties::set_value(ctx, cron::PLUGIN, app, key, value, &valid, cron::PROPERTIES)?;
    crontab::fire_write(ctx, app)?;
    Ok(0)
}

/// `cron:list APP|--global [--format json|stdout]`.
fn list(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools: &["global"],
            values: &["format"],
            interspersed: true,
        },
    )?;
    let format = flags.value("format").unwrap_or("stdout");
    if format != "stdout" && format != "json" {
        return Err(CommandError::fail(
            "Invalid format specified, supported formats: json, stdout",
        ));
    }
    let tasks = if flags.has("global") {
        let (tasks, warnings) =
            cron::injected_tasks(&crontab::injected_output(ctx, "docker-local"), true)
                .map_err(|e| CommandError::fail(e.to_string()))?;
        for warning in warnings {
            ctx.log_as_plugin(dokku_core::log::Level::Warn, &warning);
        }
        tasks
    } else {
        let app = existing_app(ctx, &flags.positional)?;
        crontab::app_tasks(ctx, &app, false)?
    };
    if format == "json" {
        output::println(&cron::tasks_json(&tasks));
        return Ok(0);
    }
    let mut rows = vec![[
        "ID".to_string(),
        "Schedule".into(),
        "Concurrency".into(),
        "Maintenance".into(),
        "Command".into(),
    ]];
    for t in &tasks {
        rows.push([
            t.id.clone(),
            t.schedule.clone(),
            t.concurrency_policy.clone(),
            t.maintenance_label().into(),
            t.command.clone(),
        ]);
    }
    output::println(&columns(&rows));
    Ok(0)
}

/// The rows aligned as columnize's `SimpleFormat` does.
fn columns(rows: &[[String; 5]]) -> String {
    let rows: Vec<Vec<&String>> = rows.iter().map(|r| r.iter().collect()).collect();
    dokku_plugin_common::columns::align(&rows).join("\n")
}

/// `cron:run APP ID [--detach] [--ttl-seconds N]`: the task's command in a one-off
/// container of the app (`scheduler-run`); a detached one is removed when it exits, an
/// attached one is kept until the task's next run (its output is in `dokku logs`).
fn run_task(ctx: &mut Context, args: &[String]) -> CmdResult {
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools: &["detach"],
            values: &["ttl-seconds"],
            interspersed: true,
        },
    )?;
    let app = existing_app(ctx, &flags.positional)?;
    let ttl = match flags.value("ttl-seconds") {
        None => cron::DEFAULT_TTL_SECONDS,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n > 0 => n as u64,
            _ => {
                return Err(
                    CommandError::fail("--ttl-seconds must be a positive integer")
                        .hint("pass a number of seconds greater than 0, e.g. --ttl-seconds 3600"),
                )
            }
        },
    };
    let tasks = crontab::app_tasks(ctx, &app, false)?;
    let id = flags.positional.get(1).cloned().unwrap_or_default();
    if id.is_empty() {
        return Err(CommandError::fail(format!(
            "Please specify a Cron ID from the output of 'dokku cron:list {app}'"
        )));
    }
    let Some(task) = tasks.iter().find(|t| t.id == id) else {
        return Err(CommandError::fail(format!(
            "No matching Cron ID found. Please specify a Cron ID from the output of 'dokku cron:list {app}'"
        )));
    };
    let command = dokku_core::shell::split_words_strict(&task.command)
        .map_err(|e| CommandError::fail(format!("Could not parse command: {e}")))?;
    if flags.has("detach") {
        ctx.export(dokku_core::env::DOKKU_DETACH_CONTAINER, "1");
        ctx.export(dokku_core::env::DOKKU_DISABLE_TTY, "true");
    }
    ctx.export(
        dokku_core::env::DOKKU_CONCURRENCY_POLICY,
        task.concurrency_policy.clone(),
    );
    ctx.export(dokku_core::env::DOKKU_CRON_ID, id.clone());
    // Ours: an attached run (the crontab's) keeps its container once it exits, so
    // `dokku logs APP` shows the task's output; the scheduler removes the task's
    // previous finished run when the next starts. A detached run stays `--rm`.
    if flags.has("detach") {
        ctx.export(dokku_core::env::DOKKU_RM_CONTAINER, "1");
    }
    ctx.export(dokku_core::env::DOKKU_RUN_TTL_SECONDS, ttl.to_string());
    let scheduler =
        dokku_core::deploy::scheduler_of(&PropertyStore::new(&ctx.layout.lib_root), &app);
    let req = RunRequest {
        app,
        command,
        ..RunRequest::default()
    };
    let outcome = ctx.fire(
        "scheduler-run",
        &req.trigger_args(&scheduler),
        StdoutMode::Inherit,
    )?;
    match outcome.status {
        0 => Ok(0),
        code => Err(CommandError::silent(code)),
    }
}

#[cfg(test)]
mod tests {
    use super::columns;

    #[test]
    fn columns_pad_all_but_the_last() {
        let rows = [
            ["ID", "Schedule", "C", "M", "Command"].map(String::from),
            ["abc", "@daily", "allow", "false", "echo hi"].map(String::from),
        ];
        assert_eq!(
            columns(&rows),
            "ID   Schedule  C      M      Command\nabc  @daily    allow  false  echo hi"
        );
    }
}
