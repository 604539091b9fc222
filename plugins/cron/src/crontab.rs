//! Regenerating the host crontab (Dokku's `writeCronTab`): every app whose scheduler
//! uses the host cron contributes its app.json tasks, and each such scheduler the
//! lines plugins inject through `cron-entries SCHEDULER`.

use std::collections::BTreeMap;

use dokku_core::appjson;
use dokku_core::cron::{self, crontab, Task};
use dokku_core::log::Level;
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::scheduler::selection;
use dokku_core::trigger::StdoutMode;

use dokku_host::command_error::CommandError;
use dokku_host::context::Context;
use dokku_plugin_common::log;

/// Whether `scheduler` uses the host crontab: the `scheduler-uses-host-cron` trigger
/// prints `true` (an empty scheduler or no answer is `false`).
pub(crate) fn uses_host_cron(ctx: &Context, scheduler: &str) -> bool {
    if scheduler.is_empty() {
        return false;
    }
    ctx.fire(
        "scheduler-uses-host-cron",
        &[scheduler.to_string()],
        StdoutMode::Capture,
    )
    .is_ok_and(|o| o.stdout_text().trim() == "true")
}

/// The app's tasks from its deployed app.json; with `strict`, a task without a
/// command or schedule is an error, otherwise a warning.
pub(crate) fn app_tasks(ctx: &Context, app: &str, strict: bool) -> Result<Vec<Task>, CommandError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let doc = appjson::current(&ctx.layout, app, None)
        .map_err(|e| CommandError::fail(format!("Unable to fetch app.json for app {app}: {e}")))?;
    let (tasks, warnings) = cron::app_tasks(&props, app, &doc, strict)
        .map_err(|e| CommandError::fail(e.to_string()))?;
    for warning in warnings {
        log(ctx, Level::Warn, &warning);
    }
    Ok(tasks)
}

/// The output of `cron-entries SCHEDULER` (a failing handler's output still counts,
/// as Dokku ignores the trigger's status).
pub(crate) fn injected_output(ctx: &Context, scheduler: &str) -> String {
    ctx.fire(
        "cron-entries",
        &[scheduler.to_string()],
        StdoutMode::Capture,
    )
    .map(|o| o.stdout_text().to_string())
    .unwrap_or_default()
}

/// Regenerates the system user's crontab, or removes it when no task is left.
pub(crate) fn write(ctx: &Context) -> Result<(), CommandError> {
    write_except(ctx, None)
}

/// [`write`] leaving out the tasks of `except`: the app being destroyed, whose
/// folder is still there while its `post-delete` triggers run.
pub(crate) fn write_except(ctx: &Context, except: Option<&str>) -> Result<(), CommandError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let apps = dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default();
    let mut host_cron: BTreeMap<String, bool> = BTreeMap::new();
    let mut ask = |scheduler: String| -> bool {
        *host_cron
            .entry(scheduler.clone())
            .or_insert_with(|| uses_host_cron(ctx, &scheduler))
    };
    let mut tasks = Vec::new();
    for app in apps.iter().filter(|a| Some(a.as_str()) != except) {
        if !ask(dokku_core::deploy::scheduler_of(&props, app)) {
            continue;
        }
        match app_tasks(ctx, app, false) {
            Ok(found) => tasks.extend(found),
            Err(e) => log(ctx, Level::Warn, &e.to_string()),
        }
    }
    ask(selection::global_scheduler(&props));
    for (scheduler, uses) in &host_cron {
        if !uses {
            continue;
        }
        let (found, _) = cron::injected_tasks(&injected_output(ctx, scheduler), false)
            .map_err(|e| CommandError::fail(e.to_string()))?;
        tasks.extend(found);
    }
    let value = |key: &str| dokku_core::property::command::value(&props, cron::PLUGIN, GLOBAL, key);
    let user = ctx
        .var(dokku_core::env::DOKKU_SYSTEM_USER)
        .unwrap_or("dokku")
        .to_string();
    let installed = match prefix_login(ctx) {
        None => {
            let text = cron::render_crontab(&tasks, &value("mailfrom"), &value("mailto"));
            crontab::install("crontab", &user, text.as_deref())
        }
        Some(login) => {
            let _lock = user_crontab_lock(ctx, &user)?;
            let block = cron::render_block(&tasks, &login);
            let key = ctx.layout.dokku_root.display().to_string();
            crontab::install_block("crontab", &user, &key, block.as_deref())
        }
    };
    match installed {
        Ok(crontab::Installed::Updated) => log(ctx, Level::Info1, "Updated schedule file"),
        Ok(crontab::Installed::Removed) => log(ctx, Level::Info1, "Removed"),
        Ok(_) => {}
        Err(e) => {
            return Err(CommandError::fail(e.to_string()).hint(
                "install Debian's `cron` package (it provides crontab(1) and the daemon that runs the tasks)",
            ))
        }
    }
    Ok(())
}

/// A prefix install's login wrapper (`PREFIX/bin/dokku-login`, next to the binary):
/// cron starts commands with a bare environment, and the wrapper loads the
/// install's before running dokku. A system install has none (cron finds `dokku` on
/// its `PATH`, with the default layout).
fn prefix_login(ctx: &Context) -> Option<std::path::PathBuf> {
    let login = ctx.exe.parent()?.join("dokku-login");
    login.is_file().then_some(login)
}

/// Orders the prefix installs of one user that rewrite its crontab: a lock file in
/// that user's home (from `/etc/passwd`, never a shared temporary folder, where
/// another user could plant a link), else in this install's data folder.
fn user_crontab_lock(
    ctx: &Context,
    user: &str,
) -> Result<dokku_core::lock::DeployLock, CommandError> {
    let dir = crontab::user_home(user)
        .filter(|h| h.is_dir())
        .unwrap_or_else(|| ctx.layout.plugin_data_dir(cron::PLUGIN));
    let path = dir.join(".dokku-rs-crontab.lock");
    dokku_core::lock::DeployLock::acquire(&path, || {})
        .map_err(|e| CommandError::fail(format!("Unable to lock the crontab: {e}")))
}

/// Fires `scheduler-cron-write SCHEDULER [APP]` for `app` (or globally), as Dokku
/// does after a change, so that each scheduler updates its own backend.
pub(crate) fn fire_write(ctx: &Context, app: &str) -> Result<(), CommandError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let args = if app == GLOBAL {
        vec![selection::global_scheduler(&props)]
    } else {
        vec![
            dokku_core::deploy::scheduler_of(&props, app),
            app.to_string(),
        ]
    };
    let outcome = ctx.fire("scheduler-cron-write", &args, StdoutMode::Inherit)?;
    match outcome.status {
        0 => Ok(()),
        code => Err(CommandError::silent(code)),
    }
}
