//! The `registry` plugin's triggers: the image repository, tag and registry deploys
//! use, the per-app state's life cycle, pushing releases, and `report`.

use std::io::Write;

use dokku_core::property::PropertyStore;
use dokku_core::registry::{self, PLUGIN};
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, properties, trigger_status, Context};

/// The `registry` plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let app = arg(args, 0);
    match trigger {
        "deployed-app-image-repo" => {
            let _ = writeln!(stdout, "{}", registry::computed_image_repo(&props, app));
            Ok(0)
        }
        "deployed-app-image-tag" => {
            if let Some(tag) = registry::deployed_image_tag(&props, app) {
                let _ = writeln!(stdout, "{tag}");
            }
            Ok(0)
        }
        "deployed-app-repository" => {
            let _ = writeln!(stdout, "{}", registry::server_prefix(&props, app));
            Ok(0)
        }
        "install" => {
            let _ = props.setup(PLUGIN);
            Ok(0)
        }
        "post-create" => {
            let _ = props.setup_app(PLUGIN, app);
            Ok(0)
        }
        // OLD NEW
        "post-app-clone-setup" | "post-app-rename-setup" => {
            let (old, new) = (app, arg(args, 1));
            let rename = trigger == "post-app-rename-setup";
            let carried = props
                .clone_app(PLUGIN, old, new)
                .map_err(|e| e.to_string())
                .and_then(|()| {
                    registry::carry_credentials(&ctx.layout, old, new, !rename)
                        .map_err(|e| e.to_string())
                });
            if rename {
                let _ = props.destroy(PLUGIN, old);
            }
            trigger_status(ctx, carried.map_err(dokku_core::deploy::DeployError::fail))
        }
        "post-delete" => {
            let _ = props.destroy(PLUGIN, app);
            registry::remove_credentials(&ctx.layout, app);
            Ok(0)
        }
        // BUILDER_TYPE APP IMAGE
        "post-release-builder" => {
            let host = ctx;
            trigger_status(
                ctx,
                registry::post_release_builder(&host, arg(args, 1), arg(args, 2)),
            )
        }
        "report" => {
            properties::report_trigger(ctx, registry::report(&props, app));
            Ok(0)
        }
        _ => Ok(0),
    }
}
