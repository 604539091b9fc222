//! The `checks` core plugin: `checks:disable`, `checks:enable`, `checks:skip`,
//! `checks:set` and `checks:report`.

use dokku_core::checks::{self, ALL, PLUGIN};
use dokku_core::log::Level;
use dokku_core::property::{PropertyStore, GLOBAL};

use super::host::existing_app;
use crate::context::Context;
use crate::exit::{CliError, CmdResult};
use crate::output;

/// Runs one `checks:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let prop_err = |e: dokku_core::property::PropertyError| CliError::fail(e.to_string());
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
                props.write(PLUGIN, &app, key, ALL).map_err(prop_err)?;
                props.delete(PLUGIN, &app, other).map_err(prop_err)?;
            } else {
                ctx.log(
                    Level::Info1,
                    &format!(
                        "{verb} zero downtime for app's ({app}) proctypes ({})",
                        types.join(",")
                    ),
                );
                checks::edit_list(&props, &app, key, &types, &[]).map_err(prop_err)?;
                checks::edit_list(&props, &app, other, &[], &types).map_err(prop_err)?;
            }
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
                props.delete(PLUGIN, &app, "disabled").map_err(prop_err)?;
                props.delete(PLUGIN, &app, "skipped").map_err(prop_err)?;
            } else {
                ctx.log(
                    Level::Info1,
                    &format!(
                        "Enabling zero downtime for app's ({app}) proctypes ({})",
                        types.join(",")
                    ),
                );
                for key in ["disabled", "skipped"] {
                    checks::edit_list(&props, &app, key, &[], &types).map_err(prop_err)?;
                }
            }
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
                return Err(CliError::fail(
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
        other => Err(CliError::fail(format!("`{other}` is not a dokku command."))),
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
    let flag = args
        .iter()
        .find(|a| a.starts_with("--") && *a != GLOBAL && !a.starts_with("--format"))
        .cloned();
    let app_arg = args
        .iter()
        .find(|a| !a.starts_with("--") || *a == GLOBAL)
        .cloned();
    let apps: Vec<String> = match app_arg.as_deref() {
        Some(a) => vec![existing_or_global(ctx, a)?],
        None => dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default(),
    };
    for app in apps {
        let list = |key: &str| {
            let l = checks::list(props, &app, key).unwrap_or_default();
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
        let mut rows: Vec<(String, String)> = vec![
            (
                "--checks-computed-wait-to-retire".into(),
                checks::wait_to_retire(props, &app).to_string(),
            ),
            ("--checks-global-wait-to-retire".into(), get(GLOBAL)),
        ];
        if app != GLOBAL {
            rows.push(("--checks-disabled-list".into(), list("disabled")));
            rows.push(("--checks-skipped-list".into(), list("skipped")));
            rows.push(("--checks-wait-to-retire".into(), get(&app)));
        }
        rows.sort();
        if let Some(flag) = &flag {
            let Some((_, v)) = rows.iter().find(|(k, _)| k == flag) else {
                let valid: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
                return Err(CliError::fail(format!(
                    "Invalid flag passed, valid flags: {}",
                    valid.join(", ")
                )));
            };
            output::println(v);
            continue;
        }
        ctx.log(Level::Info2, &format!("{app} checks information"));
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0).max(31);
        for (k, v) in rows {
            let label = report_label(&k);
            output::println(&format!("       {label:<width$}{v}"));
        }
    }
    Ok(0)
}

fn existing_or_global(ctx: &Context, a: &str) -> Result<String, CliError> {
    if a == GLOBAL {
        Ok(GLOBAL.to_string())
    } else {
        Ok(dokku_core::app::verify(&ctx.layout.dokku_root, a)?
            .as_str()
            .to_string())
    }
}

/// Dokku's report key rendering: `--checks-disabled-list` → `Checks disabled list:`.
pub(crate) fn report_label(flag: &str) -> String {
    let words = flag.trim_start_matches("--").replace(['-', '.'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => format!("{}{}:", c.to_ascii_uppercase(), chars.as_str()),
        None => String::new(),
    }
}
