//! `run:logs`, `run:stop` and `run:retire`: checked here, carried out by the app's
//! scheduler (`scheduler-run-logs`, `scheduler-run-stop`, `scheduler-run-retire`).

use dokku_core::scheduler::run_container_app;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::existing_app;
use dokku_plugin_common::scheduler::{fire, scheduler_of};

/// The app and the optional run container a `run:logs` / `run:stop` names, from
/// `--container NAME`, or `APP [NAME]`. The container must be `APP.run.N` and
/// belong to the app given; the app must exist.
fn target(
    ctx: &Context,
    app: Option<String>,
    container: Option<String>,
) -> Result<(String, Option<String>), CommandError> {
    let refused = |e: dokku_core::deploy::DeployError| {
        let mut err = CommandError::fail(e.to_string());
        if let Some(h) = e.hint() {
            err = err.hint(h.to_string());
        }
        err
    };
    let app = match (&app, &container) {
        (None, None) => {
            return Err(CommandError::fail("No container or app specified")
                .hint("pass an app, or --container APP.run.N from `dokku run:list APP`"))
        }
        (Some(app), None) => app.clone(),
        (app, Some(name)) => {
            let owner = run_container_app(name).map_err(refused)?;
            if let Some(app) = app.as_deref().filter(|a| *a != owner) {
                return Err(CommandError::fail(format!(
                    "Specified app {app} does not match the app in container name {name}"
                ))
                .hint(format!("the container belongs to {owner}")));
            }
            owner.to_string()
        }
    };
    let app = existing_app(ctx, std::slice::from_ref(&app))?;
    Ok((app, container))
}

/// One argument of `run:logs` / `run:stop` naming what to act on: `--container NAME`,
/// `--container=NAME`, or positionally `APP` then `CONTAINER`; anything more is
/// refused with `usage` as the hint.
fn take_target(
    arg: &str,
    rest: &mut std::slice::Iter<'_, String>,
    (app, container): (&mut Option<String>, &mut Option<String>),
    usage: &str,
) -> Result<(), CommandError> {
    if arg == "--container" {
        *container = rest.next().cloned();
    } else if let Some(name) = arg.strip_prefix("--container=") {
        *container = Some(name.to_string());
    } else if app.is_none() {
        *app = Some(arg.to_string());
    } else if container.is_none() {
        *container = Some(arg.to_string());
    } else {
        return Err(CommandError::fail(format!("Unexpected argument: {arg}")).hint(usage));
    }
    Ok(())
}

/// `run:logs <app|--container NAME> [-n NUM] [-q] [-t]`.
pub(crate) fn logs(ctx: &mut Context, args: &[String]) -> CmdResult {
    let (mut app, mut container) = (None, None);
    let (mut num, mut quiet, mut tail) = ("100".to_string(), false, false);
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        match a.as_str() {
            "-n" | "--num" => {
                let n = iter.next().cloned().unwrap_or_default();
                if n.parse::<u32>().is_err() {
                    return Err(CommandError::fail(format!("Invalid number of lines: {n}"))
                        .hint("pass a whole number, e.g. -n 50"));
                }
                num = n;
            }
            "-q" | "--quiet" => quiet = true,
            "-t" | "--tail" => tail = true,
            other => take_target(
                other,
                &mut iter,
                (&mut app, &mut container),
                "usage: dokku run:logs <app|--container CONTAINER> [-n num] [-q] [-t]",
            )?,
        }
    }
    let (app, container) = target(ctx, app, container)?;
    let scheduler = scheduler_of(ctx, &app);
    fire(
        ctx,
        "scheduler-run-logs",
        &[
            scheduler,
            app,
            container.unwrap_or_default(),
            tail.to_string(),
            quiet.to_string(),
            num,
        ],
    )
}

/// `run:stop <app|--container NAME>` (or `APP NAME`).
pub(crate) fn stop(ctx: &mut Context, args: &[String]) -> CmdResult {
    let (mut app, mut container) = (None, None);
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        take_target(
            a,
            &mut iter,
            (&mut app, &mut container),
            "usage: dokku run:stop <app|--container CONTAINER>",
        )?;
    }
    let (app, container) = target(ctx, app, container)?;
    let scheduler = scheduler_of(ctx, &app);
    fire(
        ctx,
        "scheduler-run-stop",
        &[scheduler, app, container.unwrap_or_default()],
    )
}

/// `run:retire [<app>]`: every app's expired run and cron containers, or one app's.
pub(crate) fn retire(ctx: &mut Context, args: &[String]) -> CmdResult {
    match args.iter().find(|a| !a.starts_with("--")) {
        None => fire(ctx, "scheduler-run-retire", &[]),
        Some(_) => {
            let app = existing_app(ctx, args)?;
            let scheduler = scheduler_of(ctx, &app);
            fire(ctx, "scheduler-run-retire", &[scheduler, app])
        }
    }
}
