//! The `ps` plugin's triggers: the app's scale at creation, the Procfile around a
//! deploy, the `restore` property, `ps-current-scale` and `report`.

use std::io::Write;
use std::path::Path;

use dokku_core::deploy::DeployError;
use dokku_core::property::PropertyStore;
use dokku_core::ps;
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, trigger_status, Context};

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let pid = ctx
        .var(dokku_core::env::DOKKU_PID)
        .unwrap_or("0")
        .to_string();
    let app = arg(args, 0);
    match trigger {
        // APP: the initial scale and the data directory the Procfile of each deploy
        // is kept in (Dokku creates it here too).
        "post-create" => {
            let dir = ps::data_dir(&ctx.layout, app);
            let result = ps::init_scale(&props, app)
                .map_err(Into::into)
                .and_then(|()| {
                    std::fs::create_dir_all(&dir).map_err(DeployError::io("create", &dir))
                });
            trigger_status(ctx, result)
        }
        "core-post-extract" => {
            let result =
                ps::extract_procfile(&props, &ctx.layout, app, Path::new(arg(args, 1)), &pid)
                    .map_err(|e| match e {
                        ps::ExtractError::Invalid(invalid) => {
                            DeployError::refused(invalid.to_string(), invalid.hint())
                        }
                        other => DeployError::fail(other.to_string()),
                    });
            trigger_status(ctx, result)
        }
        "post-release-builder" => {
            let app = arg(args, 1);
            let result = ps::current_procfile(&ctx.layout, app, Some(&pid))
                .map_err(|e| DeployError::fail(e.to_string()))
                .and_then(|procfile| {
                    ps::update_scale(&props, app, procfile.as_deref()).map_err(Into::into)
                });
            trigger_status(ctx, result)
        }
        "core-post-deploy" => {
            ps::promote_procfile(&ctx.layout, app, &pid);
            let _ = props.delete(ps::PLUGIN, app, "scale.old");
            let result = props
                .write(ps::PLUGIN, app, "restore", "true")
                .map_err(Into::into);
            trigger_status(ctx, result)
        }
        "post-stop" => trigger_status(
            ctx,
            props
                .write(ps::PLUGIN, app, "restore", "false")
                .map_err(Into::into),
        ),
        "report" => {
            crate::report::trigger(ctx, app);
            Ok(0)
        }
        "ps-current-scale" => match ps::scale(&props, app) {
            Ok(scale) => {
                for (t, n) in scale {
                    let _ = writeln!(stdout, "{t}={n}");
                }
                Ok(0)
            }
            Err(e) => trigger_status(ctx, Err(e.into())),
        },
        _ => Ok(0),
    }
}
