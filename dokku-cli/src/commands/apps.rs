//! The `apps` core plugin: `apps:create`, `apps:destroy`, `apps:list`, `apps:exists`,
//! `apps:lock`, `apps:unlock`, `apps:locked`, and its triggers.

use std::io::{BufRead, Write};

use dokku_core::app::{self, lifecycle};
use dokku_core::env;
use dokku_core::log::Level;
use dokku_core::trigger::TriggerError;

use super::host::{arg, cli_error, existing_app, trigger_status, CliHost};
use crate::context::Context;
use crate::exit::{CliError, CmdResult};
use crate::output;

/// Runs one `apps:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "apps:create" => {
            let name = args.first().map(String::as_str).unwrap_or("");
            lifecycle::create(&CliHost::new(ctx), name, true).map_err(cli_error)?;
            Ok(0)
        }
        "apps:destroy" => destroy(ctx, args),
        "apps:list" => list(ctx, args),
        "apps:exists" => {
            existing_app(ctx, args)?;
            Ok(0)
        }
        "apps:lock" => {
            let app = existing_app(ctx, args)?;
            let path = ctx.layout.deploy_lock(&app);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| CliError::fail(e.to_string()))?;
            }
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|_| CliError::fail("Unable to create deploy lock"))?;
            ctx.log(Level::Info1, "Deploy lock created");
            Ok(0)
        }
        "apps:unlock" => {
            let app = existing_app(ctx, args)?;
            let path = ctx.layout.deploy_lock(&app);
            if !path.exists() {
                return Err(CliError::fail("Unable to remove deploy lock"));
            }
            ctx.log(Level::Warn, "A deploy may be in progress.");
            ctx.log(
                Level::Warn,
                "Removing the app lock will not stop in progress deploys.",
            );
            std::fs::remove_file(&path)
                .map_err(|_| CliError::fail("Unable to remove deploy lock"))?;
            ctx.log(Level::Info1, "Deploy lock removed");
            Ok(0)
        }
        "apps:locked" => {
            let app = existing_app(ctx, args)?;
            if ctx.layout.deploy_lock(&app).exists() {
                output::println("Deploy lock exists");
                Ok(0)
            } else {
                Err(CliError::fail("Deploy lock does not exist"))
            }
        }
        other => Err(CliError::fail(format!("`{other}` is not a dokku command."))),
    }
}

fn destroy(ctx: &mut Context, args: &[String]) -> CmdResult {
    let app = existing_app(ctx, args)?;
    let forced =
        args.iter().any(|a| a == "--force") || ctx.var(env::DOKKU_APPS_FORCE_DELETE) == Some("1");
    if !forced {
        ctx.log(Level::Warn, "WARNING: Potentially Destructive Action");
        ctx.log(
            Level::Warn,
            &format!("This command will destroy app {app}."),
        );
        ctx.log(Level::Warn, &format!("To proceed, type \"{app}\""));
        output::write(dokku_core::log::Stream::Stdout, "> ");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim_end_matches(['\n', '\r']) != app {
            return Err(CliError::fail("Confirmation did not match test. Aborted."));
        }
    }
    lifecycle::destroy(&CliHost::new(ctx), &app).map_err(cli_error)?;
    Ok(0)
}

fn list(ctx: &Context, args: &[String]) -> CmdResult {
    let apps = app::list(&ctx.layout.dokku_root).map_err(|e| CliError::fail(e.to_string()))?;
    let json = args
        .windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json");
    if json {
        output::println(&serde_json::to_string(&apps).unwrap_or_else(|_| "[]".into()));
        return Ok(0);
    }
    if apps.is_empty() {
        ctx.log(Level::Warn, "You haven't deployed any applications yet");
        return Ok(0);
    }
    ctx.log(Level::Info2Quiet, "My Apps");
    for a in apps {
        output::println(&a);
    }
    Ok(0)
}

/// The `apps` plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = CliHost::new(ctx);
    match trigger {
        "app-maybe-create" => trigger_status(ctx, lifecycle::maybe_create(&host, arg(args, 0))),
        "app-exists" => Ok(
            if app::verify(&ctx.layout.dokku_root, arg(args, 0)).is_ok() {
                0
            } else {
                20
            },
        ),
        "deploy-source-set" => {
            let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
            let app = arg(args, 0);
            let result = props
                .write(lifecycle::PLUGIN, app, "deploy-source", arg(args, 1))
                .and_then(|()| {
                    props.write(
                        lifecycle::PLUGIN,
                        app,
                        "deploy-source-metadata",
                        arg(args, 2),
                    )
                })
                .map_err(Into::into);
            trigger_status(ctx, result)
        }
        _ => Ok(0),
    }
}
