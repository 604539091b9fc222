//! The `releases` plugin's trigger handlers: `install` (the property directory),
//! `report APP`, and the app's releases on `post-delete` and
//! `post-app-rename-setup`.

use std::io::Write;

use dokku_core::property::PropertyStore;
use dokku_core::releases::{self, AppReleases, PLUGIN};
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::arg;
use dokku_plugin_common::properties::report_trigger;

/// An existing-or-not app name that is at least valid.
fn valid_app(name: &str) -> Option<String> {
    dokku_core::app::AppName::parse(name)
        .ok()
        .map(|a| a.as_str().to_string())
}

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match trigger {
        "install" => {
            if let Err(e) = props.setup(PLUGIN) {
                ctx.log(
                    dokku_core::log::Level::Warn,
                    &format!("Unable to install the releases plugin: {e}"),
                );
                return Ok(1);
            }
            Ok(0)
        }
        "report" => {
            let app = arg(args, 0);
            if dokku_core::app::verify(&ctx.layout.dokku_root, app).is_ok() {
                report_trigger(ctx, releases::report(&ctx.layout, &props, app));
            }
            Ok(0)
        }
        "post-delete" => {
            if let Some(app) = valid_app(arg(args, 0)) {
                releases::keep::release_all(&ctx, &app);
                if let Err(e) = AppReleases::new(&ctx.layout, &app).remove_all() {
                    ctx.log(
                        dokku_core::log::Level::Warn,
                        &format!("Could not remove the releases of {app}: {e}"),
                    );
                }
                let _ = props.destroy(PLUGIN, &app);
            }
            Ok(0)
        }
        "post-app-rename-setup" => {
            let (Some(old), Some(new)) = (valid_app(arg(args, 0)), valid_app(arg(args, 1))) else {
                return Ok(0);
            };
            let from = AppReleases::new(&ctx.layout, &old);
            let to = AppReleases::new(&ctx.layout, &new);
            if from.dir().is_dir() {
                if let Err(e) = dokku_core::app::transfer::copy_tree(from.dir(), to.dir()) {
                    ctx.log(
                        dokku_core::log::Level::Warn,
                        &format!("Could not copy the releases of {old}: {e}"),
                    );
                }
            }
            Ok(0)
        }
        _ => Ok(0),
    }
}
