//! The `builder` plugin's trigger handlers: `builder-detect` (the `selected`
//! override), `builder-set-property`, `core-post-extract` (the `build-dir`) and
//! `post-release-builder` (removing the build images).

use std::io::Write;
use std::path::Path;

use dokku_core::builder;
use dokku_core::deploy;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};

/// The `builder` plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        "builder-detect" => {
            if let Some(selected) = builder::selected(&props, arg(args, 0)) {
                let _ = writeln!(stdout, "{selected}");
            }
            Ok(0)
        }
        "builder-set-property" => {
            let result = props
                .write(builder::PLUGIN, arg(args, 0), arg(args, 1), arg(args, 2))
                .map_err(Into::into);
            trigger_status(ctx, result)
        }
        "core-post-extract" => trigger_status(
            ctx,
            builder::apply_build_dir(&props, arg(args, 0), Path::new(arg(args, 1))),
        ),
        "post-release-builder" => {
            let host = ctx;
            let docker = dokku_core::deploy::Host::docker(&host);
            let app = arg(args, 1);
            let ids = docker.image_ls(&[
                "label=com.dokku.image-stage=build".into(),
                deploy::app_label_filter(app),
            ]);
            docker.image_rm(&ids);
            Ok(0)
        }
        _ => Ok(0),
    }
}
