//! The `app-json` plugin's trigger handlers: `app.json` extracted from a build,
//! promoted on deploy, its scripts run around the release, and its `formation`
//! handed to `ps`.

use std::io::Write;
use std::path::Path;

use dokku_core::appjson;
use dokku_core::appjson::scripts::{self, Phase};
use dokku_core::deploy::DeployError;
use dokku_core::deploy::Host;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let pid = ctx
        .var(dokku_core::env::DOKKU_PID)
        .unwrap_or("0")
        .to_string();
    match trigger {
        "core-post-extract" => {
            let props = PropertyStore::new(&ctx.layout.lib_root);
            let result = appjson::extract(
                &props,
                &ctx.layout,
                arg(args, 0),
                Path::new(arg(args, 1)),
                &pid,
            )
            .map_err(|e| match e.hint() {
                Some(hint) => DeployError::refused(e.to_string(), hint),
                None => DeployError::fail(e.to_string()),
            });
            if result.is_ok() {
                // Other plugins check the keys they own (cron: its tasks), as Dokku's
                // `app-json-is-valid APP PATH`; a refusal stops the deploy here.
                let copy = appjson::deploy_copy(&ctx.layout, arg(args, 0), &pid);
                if copy.is_file() {
                    let outcome = ctx.fire(
                        "app-json-is-valid",
                        &[arg(args, 0).to_string(), copy.display().to_string()],
                        dokku_core::trigger::StdoutMode::Inherit,
                    );
                    match outcome {
                        Ok(o) if o.status == 0 => {}
                        Ok(o) => return Ok(o.status),
                        Err(e) => return Ok(e.report()),
                    }
                }
            }
            trigger_status(ctx, result)
        }
        "core-post-deploy" => {
            appjson::promote(&ctx.layout, arg(args, 0), &pid);
            Ok(0)
        }
        // BUILDER APP IMAGE: the predeploy task, committed into the new image.
        "pre-release-builder" => {
            let host = ctx;
            let result = scripts::run(&host, arg(args, 1), arg(args, 2), Phase::Predeploy);
            trigger_status(ctx, result)
        }
        // BUILDER APP IMAGE: the Procfile release task, then Heroku's postdeploy on
        // the first deploy.
        "post-release-builder" => {
            let host = ctx;
            let (app, image) = (arg(args, 1), arg(args, 2));
            let result = scripts::run(&host, app, image, Phase::Release)
                .and_then(|()| {
                    let doc = appjson::current(&ctx.layout, app, Some(&pid))
                        .map_err(|e| DeployError::fail(e.to_string()))?;
                    appjson::formation::apply(&host, app, &doc)
                })
                .and_then(|()| first_deploy_task(host, app, image));
            trigger_status(ctx, result)
        }
        // APP PORT IP TAG: the postdeploy task, in the deployed image.
        "post-deploy" => {
            let host = ctx;
            let app = arg(args, 0);
            let tag = Some(arg(args, 3)).filter(|t| !t.is_empty());
            let image = dokku_core::image::app_image_name(app, tag, None);
            trigger_status(ctx, scripts::run(&host, app, &image, Phase::Postdeploy))
        }
        // APP PROC_TYPE: how many of the type's containers may start at once.
        "app-json-process-deploy-parallelism" => {
            match appjson::current(&ctx.layout, arg(args, 0), Some(&pid)) {
                Ok(doc) => {
                    let n = appjson::formation::deploy_parallelism(&doc, arg(args, 1));
                    let _ = writeln!(stdout, "{n}");
                    Ok(0)
                }
                Err(e) => trigger_status(ctx, Err(DeployError::fail(e.to_string()))),
            }
        }
        "app-json-get-content" => {
            let doc = appjson::current(&ctx.layout, arg(args, 0), Some(&pid));
            match doc {
                Ok(doc) => {
                    let _ = writeln!(stdout, "{doc}");
                    Ok(0)
                }
                Err(e) => trigger_status(ctx, Err(DeployError::fail(e.to_string()))),
            }
        }
        _ => Ok(0),
    }
}

/// Heroku's `scripts.postdeploy`: only while the app has never been deployed, and
/// only once (recorded as the app-json property `heroku.postdeploy=executed`).
fn first_deploy_task(host: &Context, app: &str, image: &str) -> Result<(), DeployError> {
    let props = host.properties();
    let deployed = props.get("common", app, "deployed")?.as_deref() == Some("true");
    let done = props
        .get(appjson::PLUGIN, app, "heroku.postdeploy")?
        .as_deref()
        == Some("executed");
    if deployed || done {
        return Ok(());
    }
    scripts::run(host, app, image, Phase::HerokuPostdeploy)?;
    let pid = host.var(dokku_core::env::DOKKU_PID).map(str::to_string);
    if scripts::command(host, app, Phase::HerokuPostdeploy, pid.as_deref())?.is_some() {
        props.write(appjson::PLUGIN, app, "heroku.postdeploy", "executed")?;
    }
    Ok(())
}
