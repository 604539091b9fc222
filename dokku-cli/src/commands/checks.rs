//! The `checks` core plugin: `checks:disable`, `checks:enable`, `checks:skip`,
//! `checks:set` and `checks:report`.

use dokku_core::checks::{self, PLUGIN};
use dokku_core::log::Level;
use dokku_core::property::{PropertyStore, GLOBAL};

use dokku_core::report::{Report, ReportArgs};

use super::core_plugin::{print_report, run_report};
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::existing_app;

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
            if key != "wait-to-retire" {
                return Err(CommandError::fail(
                    "Invalid key specified, valid keys include: wait-to-retire",
                ));
            }
            match args.get(2).filter(|v| !v.is_empty()) {
                Some(value) => {
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
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
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

/// The `--checks-*` report of one app, or the global values for `--global`.
fn checks_report(props: &PropertyStore, app: &str) -> Report {
    let list = |key: &str| {
        let l = checks::list(props, app, key).unwrap_or_default();
        if l.is_empty() {
            "none".to_string()
        } else {
            l.join(",")
        }
    };
    let get = |a: &str| {
        props
            .get(PLUGIN, a, "wait-to-retire")
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let mut report = Report::new(PLUGIN, app);
    report
        .flag(
            "--checks-computed-wait-to-retire",
            checks::wait_to_retire(props, app).to_string(),
        )
        .flag("--checks-global-wait-to-retire", get(GLOBAL));
    if app != GLOBAL {
        report
            .flag("--checks-disabled-list", list("disabled"))
            .flag("--checks-skipped-list", list("skipped"))
            .flag("--checks-wait-to-retire", get(app));
    }
    report
}

/// The plugin's trigger handlers: `report APP` prints the app's report
/// (`dokku report APP`).
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn std::io::Write,
) -> Result<i32, dokku_core::trigger::TriggerError> {
    if trigger == "report" {
        let app = args.first().map(String::as_str).unwrap_or("");
        if dokku_core::app::verify(&ctx.layout.dokku_root, app).is_ok() {
            let props = PropertyStore::new(&ctx.layout.lib_root);
            if let Ok(rendered) = checks_report(&props, app).render(&ReportArgs::default()) {
                print_report(ctx, rendered);
            }
        }
    }
    Ok(0)
}
