//! The `ps` triggers other plugins ask, as in Dokku: `app-restart`,
//! `docker-args-process-deploy` (the app's `--restart` policy), `procfile-get-command`, `procfile-exists`, `ps-can-scale` and `ps-set-scale`.

use std::io::Write;

use dokku_core::deploy::{DeployError, Host};
use dokku_core::log::Level;
use dokku_core::ps;
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, trigger_status, Context};

/// The plugin's answers to other plugins.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let app = arg(args, 0);
    let pid = ctx.var(dokku_core::env::DOKKU_PID).map(str::to_string);
    match trigger {
        // APP ...: the restart policy of the app's containers.
        "docker-args-process-deploy" => {
            let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
            let _ = write!(stdout, " --restart={}", ps::restart_policy(&props, app));
            Ok(0)
        }
        // APP: `ps:restart APP`, without the build capture.
        "app-restart" => trigger_status(ctx, restart(ctx, app)),
        // APP PROC_TYPE [PORT]: the type's command, nothing without a Procfile.
        "procfile-get-command" => {
            let port = ps::command_port(arg(args, 2));
            let result = dokku_core::deploy::app_env(&ctx.layout, app).and_then(|env| {
                ps::procfile_command(&ctx.layout, app, pid.as_deref(), arg(args, 1), &port, &env)
                    .map_err(|e| DeployError::fail(e.to_string()))
            });
            match result {
                Ok(Some(command)) => {
                    let _ = writeln!(stdout, "{command}");
                    Ok(0)
                }
                Ok(None) => Ok(0),
                Err(err) => trigger_status(ctx, Err(err)),
            }
        }
        // APP: exit 0 when the deploy (or the last one) has a Procfile.
        "procfile-exists" => {
            let found = ps::current_procfile(&ctx.layout, app, pid.as_deref())
                .map_err(|e| DeployError::fail(e.to_string()));
            let result = found.and_then(|p| match p {
                Some(_) => Ok(()),
                None => Err(DeployError::fail("Procfile does not exist")),
            });
            trigger_status(ctx, result)
        }
        // APP true|false: whether `ps:scale` may change the scale (app.json's
        // `formation` says no).
        "ps-can-scale" => {
            let value = if arg(args, 1) == "true" {
                "true"
            } else {
                "false"
            };
            let props = ctx.properties();
            trigger_status(
                ctx,
                props
                    .write(ps::PLUGIN, app, "can-scale", value)
                    .map_err(Into::into),
            )
        }
        // APP SKIP_DEPLOY CLEAR_EXISTING TYPE=N...
        "ps-set-scale" => {
            let skip_deploy = arg(args, 1) == "true";
            let clear = arg(args, 2) == "true";
            let tuples = args.get(3..).unwrap_or_default();
            trigger_status(ctx, set_scale(ctx, app, tuples, skip_deploy, clear))
        }
        _ => Ok(0),
    }
}

/// Dokku's `Restart`: a deployed app is deployed again from its current image.
fn restart(ctx: &Context, app: &str) -> Result<(), DeployError> {
    if !crate::commands::is_deployed(ctx, app) {
        ctx.log(Level::Warn, &format!("App {app} has not been deployed"));
        return Ok(());
    }
    ctx.fire_checked("deploy", &[app, "latest"])
}

fn set_scale(
    ctx: &Context,
    app: &str,
    tuples: &[String],
    skip_deploy: bool,
    clear: bool,
) -> Result<(), DeployError> {
    let pid = ctx.var(dokku_core::env::DOKKU_PID).map(str::to_string);
    let props = ctx.properties();
    let types = ps::set_scale(&props, &ctx.layout, app, pid.as_deref(), tuples, clear)
        .map_err(|e| DeployError::fail(e.to_string()))?;
    if skip_deploy || !crate::commands::is_deployed(ctx, app) {
        return Ok(());
    }
    for t in types {
        ctx.fire_checked("deploy", &[app, "latest", &t])?;
    }
    Ok(())
}
