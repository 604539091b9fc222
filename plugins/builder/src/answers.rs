//! The `builder` triggers other plugins ask, as in Dokku: `builder-get-property`,
//! `builder-image-is-cnb` and `builder-image-is-herokuish`.

use std::io::Write;

use dokku_core::builder;
use dokku_core::config::{ConfigScope, ConfigStore};
use dokku_core::deploy::{DeployError, Host};
use dokku_core::image::copy;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};

/// The plugin's answers to other plugins.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    let app = arg(args, 0);
    match trigger {
        // APP KEY
        "builder-get-property" => {
            let key = arg(args, 1);
            if !builder::GET_PROPERTIES.contains(&key) {
                return trigger_status(
                    ctx,
                    Err(DeployError::fail("Invalid builder property specified")),
                );
            }
            let value = host
                .properties()
                .get(builder::PLUGIN, app, key)
                .ok()
                .flatten()
                .unwrap_or_default();
            let _ = writeln!(stdout, "{value}");
            Ok(0)
        }
        // APP IMAGE: `true` or `false`.
        "builder-image-is-cnb" | "builder-image-is-herokuish" => {
            let image = arg(args, 1);
            let info = if image.is_empty() {
                None
            } else {
                copy::inspect(host.docker(), image).ok().flatten()
            };
            let answer = info.is_some_and(|info| {
                if trigger == "builder-image-is-cnb" {
                    info.is_cnb()
                } else {
                    let user = ConfigStore::new(&ctx.layout.lib_root)
                        .get(&ConfigScope::app(app), "DOKKU_APP_USER")
                        .ok()
                        .flatten();
                    info.is_herokuish(user.as_deref())
                }
            });
            let _ = writeln!(stdout, "{answer}");
            Ok(0)
        }
        _ => Ok(0),
    }
}
