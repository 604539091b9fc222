//! The `cron` plugin's trigger answers.

use std::io::Write;

use dokku_core::appjson;
use dokku_core::cron;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::arg;

use crate::crontab;

fn status(result: Result<(), dokku_host::command_error::CommandError>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) => e.report(),
    }
}

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    Ok(match trigger {
        // SCHEDULER [APP]: no scheduler (every app) or one that uses the host cron.
        "scheduler-cron-write" => {
            let scheduler = arg(args, 0);
            if !scheduler.is_empty() && !crontab::uses_host_cron(ctx, scheduler) {
                return Ok(0);
            }
            status(crontab::write(ctx))
        }
        // APP (after a deploy).
        "post-deploy" => status(crontab::fire_write(ctx, arg(args, 0))),
        // APP: its folder is removed after the delete triggers here (Dokku removes it
        // first), so a host-cron rewrite leaves the app out explicitly.
        "post-delete" => {
            let app = arg(args, 0);
            let scheduler = dokku_core::deploy::scheduler_of(&props, app);
            if crontab::uses_host_cron(ctx, &scheduler) {
                status(crontab::write_except(ctx, Some(app)))
            } else {
                status(crontab::fire_write(ctx, app))
            }
        }
        // SCHEDULER APP REMOVE_CONTAINERS.
        "scheduler-stop" => {
            if !crontab::uses_host_cron(ctx, arg(args, 0)) {
                return Ok(0);
            }
            status(crontab::fire_write(ctx, arg(args, 1)))
        }
        // APP KEY.
        "cron-get-property" => {
            let key = arg(args, 1);
            if !cron::PROPERTIES.contains(&key) {
                ctx.log_as_plugin(
                    dokku_core::log::Level::Fail,
                    "Invalid cron property specified",
                );
                return Ok(1);
            }
            let default = if key == "maintenance" { "false" } else { "" };
            let value = dokku_core::property::command::computed(
                &props,
                cron::PLUGIN,
                arg(args, 0),
                key,
                default,
            );
            let _ = writeln!(stdout, "{value}");
            0
        }
        // APP PATH: the cron tasks of an app.json about to be deployed.
        "app-json-is-valid" => {
            let (app, path) = (arg(args, 0), arg(args, 1));
            let Ok(bytes) = std::fs::read(path) else {
                return Ok(0);
            };
            let checked = appjson::parse_bytes(&bytes, "app.json")
                .map_err(|e| e.to_string())
                .and_then(|doc| {
                    cron::app_tasks(&props, app, &doc, true).map_err(|e| e.to_string())
                });
            match checked {
                Ok(_) => 0,
                Err(message) => {
                    ctx.log_as_plugin(dokku_core::log::Level::Fail, &message);
                    1
                }
            }
        }
        _ => 0,
    })
}
