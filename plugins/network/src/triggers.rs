//! The `network` plugin's triggers: the docker arguments and attachments that put an
//! app's containers on its networks, `post-delete` and `report`.

use std::io::Write;

use dokku_core::network::{self, PLUGIN};
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, properties, trigger_status, Context};

/// The `network` plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        // APP IMAGE_SOURCE_TYPE TAG PROC_TYPE INDEX
        "docker-args-process-deploy" => {
            let _ = stdout.write_all(
                network::docker_args(&props, arg(args, 0), Some(arg(args, 3))).as_bytes(),
            );
            Ok(0)
        }
        // APP IMAGE_SOURCE_TYPE TAG
        "docker-args-process-run" => {
            let _ = stdout.write_all(network::docker_args(&props, arg(args, 0), None).as_bytes());
            Ok(0)
        }
        // CONTAINER_TYPE CID APP PHASE [PROC_TYPE]
        "post-container-create" => {
            let host = ctx;
            trigger_status(
                ctx,
                network::post_container_create(
                    &host,
                    arg(args, 0),
                    arg(args, 1),
                    arg(args, 2),
                    arg(args, 3),
                    arg(args, 4),
                ),
            )
        }
        "core-post-deploy" => {
            let host = ctx;
            trigger_status(ctx, network::core_post_deploy(&host, arg(args, 0)))
        }
        "post-delete" => {
            let _ = props.destroy(PLUGIN, arg(args, 0));
            Ok(0)
        }
        "report" => {
            properties::report_trigger(ctx, network::report(&ctx.layout, &props, arg(args, 0)));
            Ok(0)
        }
        _ => Ok(0),
    }
}
