//! `app-json:set` and `app-json:report`: which file of the source is the app's
//! `app.json` (`appjson-path`, per app or global).

use dokku_core::appjson;
use dokku_core::property::PropertyStore;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_plugin_common::properties;
use dokku_plugin_common::report::run_report;

/// Runs one `app-json:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match command {
        "app-json:set" => {
            let (app, rest) = properties::scoped(ctx, args)?;
            let key = rest.first().map(String::as_str).unwrap_or("");
            let value = rest.get(1..).map(|v| v.join(" ")).unwrap_or_default();
            if key == "appjson-path" && !value.is_empty() {
                appjson::check_path(&value).map_err(|e| {
                    CommandError::fail(e.to_string()).hint(
                        "name a file of the app's source, e.g. `app.json` or `deploy/app.json`",
                    )
                })?;
            }
            properties::set_value(
                ctx,
                appjson::PLUGIN,
                &app,
                key,
                &value,
                appjson::PROPERTIES,
                appjson::PROPERTIES,
            )
        }
        "app-json:report" => run_report(ctx, appjson::PLUGIN, args, |app| {
            Ok(appjson::report(&props, app))
        }),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}
