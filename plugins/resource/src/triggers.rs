//! The `resource` plugin's trigger handlers: the deploy-time docker arguments
//! (`docker-args-process-deploy`, `docker-args-process-build`), `post-delete` and
//! `report`.

use std::io::Write;

use dokku_core::log::Level;
use dokku_core::property::PropertyStore;
use dokku_core::report::{Rendered, ReportArgs};
use dokku_core::resource::{self, PLUGIN};
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::arg;
use dokku_plugin_common::log;

/// The `resource` plugin's trigger handlers.
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
            if ctx.var(dokku_core::env::DOKKU_OMIT_RESOURCE_ARGS) != Some("1") {
                let _ = stdout.write_all(
                    resource::docker_args(&props, arg(args, 0), arg(args, 3)).as_bytes(),
                );
            }
            Ok(0)
        }
        // APP BUILDER
        "docker-args-process-build" => {
            if ctx.var(dokku_core::env::DOKKU_OMIT_RESOURCE_ARGS) != Some("1") {
                let _ = stdout.write_all(
                    resource::build_docker_args(&props, arg(args, 0), arg(args, 1)).as_bytes(),
                );
            }
            Ok(0)
        }
        "post-delete" => {
            let _ = props.destroy(PLUGIN, arg(args, 0));
            Ok(0)
        }
        "report" => {
            let r = resource::report(&props, arg(args, 0));
            if let Ok(Rendered::Stdout { header, .. }) = r.render(&ReportArgs::default()) {
                log(ctx, Level::Info2Quiet, &header);
                for line in resource::report_lines(&r) {
                    log(ctx, Level::Verbose, &line);
                }
            }
            Ok(0)
        }
        _ => Ok(0),
    }
}
