//! The `builds` plugin's triggers: the record life cycle the build capture fires
//! (`builds-generate-id`, `builds-record-start`, `builds-record-finalize`), and the
//! app's records on `post-delete` and `post-app-rename-setup`.

use std::io::Write;

use dokku_core::builds::{self, AppBuilds, PLUGIN};
use dokku_core::log::Level;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::arg;
use dokku_plugin_common::log;

/// The `builds` plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        // Captured by `$(...)`: the id and nothing else.
        "builds-generate-id" => {
            let _ = writeln!(stdout, "{}", builds::generate_id());
            Ok(0)
        }
        // APP BUILD_ID PID SOURCE
        "builds-record-start" => {
            let Some(app) = valid_app(ctx, arg(args, 0)) else {
                return Ok(0);
            };
            let Ok(pid) = arg(args, 2).parse::<i64>() else {
                warn(
                    ctx,
                    &format!("builds-record-start: invalid pid '{}'", arg(args, 2)),
                );
                return Ok(0);
            };
            if let Err(e) = AppBuilds::new(&ctx.layout, &app).start(arg(args, 1), pid, arg(args, 3))
            {
                warn(ctx, &format!("builds-record-start: {e}"));
            }
            Ok(0)
        }
        // APP BUILD_ID EXIT_CODE
        "builds-record-finalize" => {
            let Some(app) = valid_app(ctx, arg(args, 0)) else {
                return Ok(0);
            };
            let Ok(exit) = arg(args, 2).parse::<i32>() else {
                warn(
                    ctx,
                    &format!(
                        "builds-record-finalize: invalid exit code '{}'",
                        arg(args, 2)
                    ),
                );
                return Ok(0);
            };
            let retention = builds::retention(&props, &app);
            // A lock taken by a bash plugin outside a capture has an id and no
            // record: nothing to finalise, and nothing worth a warning.
            if let Err(e) =
                AppBuilds::new(&ctx.layout, &app).finalize(arg(args, 1), exit, retention)
            {
                warn(ctx, &format!("builds-record-finalize: {e}"));
            }
            Ok(0)
        }
        "install" => {
            let _ = props.setup(PLUGIN);
            let _ = std::fs::create_dir_all(ctx.layout.plugin_data_dir(PLUGIN));
            Ok(0)
        }
        // OLD NEW: the records follow the app (its properties are cloned with every
        // plugin's; OLD's go when OLD is destroyed).
        "post-app-rename-setup" => {
            let (Some(old), Some(new)) =
                (valid_app(ctx, arg(args, 0)), valid_app(ctx, arg(args, 1)))
            else {
                return Ok(0);
            };
            let from = AppBuilds::new(&ctx.layout, &old);
            let to = AppBuilds::new(&ctx.layout, &new);
            if from.dir().is_dir() {
                if let Err(e) = dokku_core::app::transfer::copy_tree(from.dir(), to.dir()) {
                    warn(ctx, &format!("Could not copy builds data of {old}: {e}"));
                }
            }
            Ok(0)
        }
        "post-delete" => {
            if let Some(app) = valid_app(ctx, arg(args, 0)) {
                if let Err(e) = AppBuilds::new(&ctx.layout, &app).remove_all() {
                    warn(ctx, &format!("Could not remove builds data for {app}: {e}"));
                }
                let _ = props.destroy(PLUGIN, &app);
            }
            Ok(0)
        }
        _ => Ok(0),
    }
}

/// `name` when it is a valid app name (it becomes a directory); a warning otherwise.
fn valid_app(ctx: &Context, name: &str) -> Option<String> {
    match dokku_core::app::AppName::parse_existing(name) {
        Ok(app) => Some(app.as_str().to_string()),
        Err(e) => {
            warn(ctx, &e.to_string());
            None
        }
    }
}

fn warn(ctx: &Context, msg: &str) {
    log(ctx, Level::Warn, msg);
}
