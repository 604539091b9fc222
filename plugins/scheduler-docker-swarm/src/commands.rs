//! `scheduler-docker-swarm:set` and `scheduler-docker-swarm:report`.

use dokku_core::property::PropertyStore;
use dokku_core::swarm::{self, PLUGIN};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_plugin_common::properties;
use dokku_plugin_common::report::run_report;

/// Runs one `scheduler-docker-swarm:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let names = swarm::property_names();
    match command {
        "scheduler-docker-swarm:set" => {
            let (app, rest) = properties::scoped(ctx, args)?;
            let key = rest.first().map(String::as_str).unwrap_or("");
            let value = rest.get(1..).map(|v| v.join(" ")).unwrap_or_default();
            // A bad value is refused before anything is written.
            if let Err(why) = swarm::validate(key, &value) {
                return Err(CommandError::fail(why).hint(format!(
                    "dokku scheduler-docker-swarm:set {app} {key} <value>; unset it with an empty value"
                )));
            }
            properties::set_value(ctx, PLUGIN, &app, key, &value, &names, &names)
        }
        "scheduler-docker-swarm:report" => {
            run_report(ctx, PLUGIN, args, |app| Ok(swarm::report(&props, app)))
        }
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}
