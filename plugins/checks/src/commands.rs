//! The `checks:*` commands: `checks:disable`, `checks:enable`, `checks:skip`,
//! `checks:set` and `checks:report`.

use dokku_core::checks::{self, PLUGIN};
use dokku_core::log::Level;
use dokku_core::property::{PropertyStore, GLOBAL};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::existing_app;
use dokku_plugin_common::report::run_report;

use crate::report::checks_report;

/// Runs one `checks:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let prop_err = |e: dokku_core::property::PropertyError| CommandError::fail(e.to_string());
    match command {
        "checks:disable" | "checks:skip" => {
            let app = existing_app(ctx, args)?;
            let (key, other, verb) = if command == "checks:disable" {
                ("disabled", "skipped", "Disabling")
            } else {
                ("skipped", "disabled", "Skipping")
            };
            let types = types_arg(args);
            if types.is_empty() {
                ctx.log(
                    Level::Info1,
                    &format!("{verb} zero downtime for app ({app})"),
                );
            } else {
                ctx.log(
                    Level::Info1,
                    &format!(
                        "{verb} zero downtime for app's ({app}) proctypes ({})",
                        types.join(",")
                    ),
                );
            }
            checks::put(&props, &app, key, other, &types).map_err(prop_err)?;
            Ok(0)
        }
        "checks:enable" => {
            let app = existing_app(ctx, args)?;
            let types = types_arg(args);
            if types.is_empty() {
                ctx.log(
                    Level::Info1,
                    &format!("Enabling zero downtime for app's ({app})"),
                );
            } else {
                ctx.log(
                    Level::Info1,
                    &format!(
                        "Enabling zero downtime for app's ({app}) proctypes ({})",
                        types.join(",")
                    ),
                );
            }
            checks::enable(&props, &app, &types).map_err(prop_err)?;
            Ok(0)
        }
        "checks:set" => {
            let scope = args.first().map(String::as_str).unwrap_or("");
            let app = if scope == GLOBAL {
                GLOBAL.to_string()
            } else {
                existing_app(ctx, args)?
            };
            let key = args.get(1).map(String::as_str).unwrap_or("");
            if !SET_KEYS.contains(&key) {
                return Err(CommandError::fail(format!(
                    "Invalid key specified, valid keys include: {}",
                    SET_KEYS.join(", ")
                )));
            }
            if GLOBAL_ONLY_KEYS.contains(&key) && app != GLOBAL {
                return Err(
                    CommandError::fail(format!("{key} can only be set globally"))
                        .hint(format!("dokku checks:set --global {key} VALUE")),
                );
            }
            // Ours (releases/watch.rs): the automatic-rollback window, checked here.
            if key == dokku_core::releases::watch::PROPERTY {
                if let Some(value) = args.get(2).filter(|v| !v.is_empty()) {
                    dokku_core::releases::watch::check_window(value)
                        .map_err(|e| CommandError::fail(e).hint("0 turns the watch window off"))?;
                }
            }
            match args.get(2).filter(|v| !v.is_empty()) {
                Some(value) => {
                    check_value(key, value)?;
                    ctx.log(Level::Info2, &format!("Setting {key} to {value}"));
                    props.write(PLUGIN, &app, key, value).map_err(prop_err)?;
                }
                None => {
                    ctx.log(Level::Info2, &format!("Unsetting {key}"));
                    props.delete(PLUGIN, &app, key).map_err(prop_err)?;
                }
            }
            Ok(0)
        }
        "checks:report" => report(ctx, &props, args),
        "checks:run" => crate::run::run(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// The keys `checks:set` takes. Dokku takes only `wait-to-retire`; `watch-window` is
/// automatic rollback's (`dokku_core::releases::watch`), the others set the default
/// check (`dokku_core::checks::readiness`).
const SET_KEYS: [&str; 5] = [
    "wait-to-retire",
    "watch-window",
    "default-mode",
    "uptime-guard",
    "default-wait",
];

/// Keys that only exist globally, as in Dokku (`default-wait`).
const GLOBAL_ONLY_KEYS: [&str; 1] = ["default-wait"];

/// Refuses a value the key cannot hold, before anything is written.
fn check_value(key: &str, value: &str) -> Result<(), CommandError> {
    dokku_core::checks::readiness::check_value(key, value)
        .map_err(|bad| CommandError::fail(bad.message).hint(bad.hint))
}

fn types_arg(args: &[String]) -> Vec<String> {
    args.get(1)
        .map(|t| {
            t.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn report(ctx: &Context, props: &PropertyStore, args: &[String]) -> CmdResult {
    run_report(ctx, PLUGIN, args, |app| Ok(checks_report(props, app)))
}
