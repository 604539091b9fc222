//! The `buildpacks` plugin's trigger handlers: `buildpack-stack-name`,
//! `post-extract` (the `.buildpacks` file) and `report`.

use std::io::Write;
use std::path::Path;

use dokku_core::buildpacks;
use dokku_core::deploy::DeployError;
use dokku_core::log::Level;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};
use dokku_plugin_common::{log, properties};

/// The `buildpacks` plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let app = arg(args, 0);
    match trigger {
        // APP: the stack set on the app or globally, else its DOKKU_IMAGE config.
        "buildpack-stack-name" => {
            let stack = buildpacks::stack(&props, app).or_else(|| {
                let image = dokku_core::deploy::app_env(&ctx.layout, app)
                    .ok()?
                    .get(dokku_core::env::DOKKU_IMAGE)
                    .cloned()
                    .filter(|v| !v.is_empty())?;
                log(
                    ctx,
                    Level::Warn,
                    "Deprecated: use buildpacks:set-property instead of specifying DOKKU_IMAGE environment variable",
                );
                Some(image)
            });
            if let Some(stack) = stack {
                let _ = writeln!(stdout, "{stack}");
            }
            Ok(0)
        }
        // APP DIR REV
        "post-extract" => {
            let workdir = Path::new(arg(args, 1));
            let list = app_buildpacks(&props, app, workdir);
            let result = buildpacks::write_buildpacks_file(workdir, &list)
                .map_err(|e| DeployError::fail(e.to_string()));
            trigger_status(ctx, result)
        }
        "report" => {
            if dokku_core::app::verify(&ctx.layout.dokku_root, app).is_ok() {
                let image = ctx
                    .var(dokku_core::env::DOKKU_IMAGE)
                    .unwrap_or(dokku_core::env::fixed::HEROKUISH_IMAGE);
                properties::report_trigger(ctx, buildpacks::report(&props, app, image));
            }
            Ok(0)
        }
        _ => Ok(0),
    }
}

/// The app's buildpacks: its list, else (unless it deploys an image) the source's
/// app.json `buildpacks`.
fn app_buildpacks(props: &PropertyStore, app: &str, workdir: &Path) -> Vec<String> {
    let list = buildpacks::list(props, app).unwrap_or_default();
    if !list.is_empty() {
        return list;
    }
    let from_image =
        dokku_core::git::query::property(props, app, "source-image").is_some_and(|s| !s.is_empty());
    if from_image {
        return Vec::new();
    }
    let name = dokku_core::deploy::prop_app_or_global(
        props,
        dokku_core::appjson::PLUGIN,
        app,
        "appjson-path",
    )
    .unwrap_or_else(|| "app.json".into());
    if !dokku_core::builder::file_builder::is_inside(&name) {
        return Vec::new();
    }
    std::fs::read(workdir.join(name))
        .ok()
        .and_then(|bytes| dokku_core::appjson::parse_bytes(&bytes, "app.json").ok())
        .map(|doc| buildpacks::from_app_json(&doc))
        .unwrap_or_default()
}
