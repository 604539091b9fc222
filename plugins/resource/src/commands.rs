//! The `resource:*` commands: `resource:limit`, `resource:reserve`,
//! `resource:limit-clear`, `resource:reserve-clear` and `resource:report`.

use std::collections::BTreeMap;

use dokku_core::log::Level;
use dokku_core::property::PropertyStore;
use dokku_core::report::{Rendered, ReportArgs};
use dokku_core::resource::{self, Kind, PLUGIN, RESOURCES};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_plugin_common::flags::{parse_flags, FlagSpec};
use dokku_plugin_common::log;

const VALUE_FLAGS: &[&str] = &[
    "process-type",
    "cpu",
    "memory",
    "memory-swap",
    "network",
    "network-ingress",
    "network-egress",
    "nvidia-gpu",
];

/// Runs one `resource:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let fail = |e: resource::ResourceError| CommandError::fail(e.to_string());
    match command {
        "resource:limit" | "resource:reserve" => {
            let kind = if command == "resource:limit" {
                Kind::Limit
            } else {
                Kind::Reserve
            };
            let flags = parse_flags(
                args,
                &FlagSpec {
                    bools: &[],
                    values: VALUE_FLAGS,
                    interspersed: true,
                },
            )?;
            let app = existing(ctx, &flags.positional)?;
            let proc_type = flags.value("process-type").filter(|p| !p.is_empty());
            let values: BTreeMap<String, String> = RESOURCES
                .iter()
                .filter_map(|k| {
                    flags
                        .value(k)
                        .filter(|v| !v.is_empty())
                        .map(|v| (k.to_string(), v.to_string()))
                })
                .collect();
            if values.is_empty() {
                let (header, lines) = resource::show(&props, &app, proc_type, kind);
                log(ctx, Level::Info2Quiet, &header);
                for line in lines {
                    log(ctx, Level::Verbose, &line);
                }
                return Ok(0);
            }
            let lines = resource::set(&props, &app, proc_type, kind, &values).map_err(fail)?;
            log(
                ctx,
                Level::Info2Quiet,
                &resource::set_message(&app, proc_type, kind),
            );
            for line in lines {
                log(ctx, Level::Verbose, &line);
            }
            Ok(0)
        }
        "resource:limit-clear" | "resource:reserve-clear" => {
            let kind = if command == "resource:limit-clear" {
                Kind::Limit
            } else {
                Kind::Reserve
            };
            let flags = parse_flags(
                args,
                &FlagSpec {
                    bools: &[],
                    values: &["process-type"],
                    interspersed: true,
                },
            )?;
            let app = existing(ctx, &flags.positional)?;
            let message =
                resource::clear(&props, &app, flags.value("process-type"), kind).map_err(fail)?;
            log(ctx, Level::Info2Quiet, &message);
            Ok(0)
        }
        "resource:report" => report(ctx, &props, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

fn existing(ctx: &Context, positional: &[String]) -> Result<String, CommandError> {
    if positional.first().is_none_or(|a| a.is_empty()) {
        return Err(CommandError::fail(
            "Please specify an app to run the command on",
        ));
    }
    dokku_host::pipeline::existing_app(ctx, positional)
}

/// `resource:report [<app>] [--format stdout|json] [<flag>]`, with Dokku's labels for
/// this report (property names as they are).
fn report(ctx: &Context, props: &PropertyStore, args: &[String]) -> CmdResult {
    let parsed = ReportArgs::parse(PLUGIN, args).map_err(|e| CommandError::fail(e.to_string()))?;
    let apps = match &parsed.app {
        Some(app) => vec![dokku_core::app::verify(&ctx.layout.dokku_root, app)?
            .as_str()
            .to_string()],
        None => {
            let apps = dokku_core::app::list(&ctx.layout.dokku_root)
                .map_err(|e| CommandError::fail(e.to_string()))?;
            if apps.is_empty() {
                log(
                    ctx,
                    Level::Warn,
                    "You haven't deployed any applications yet",
                );
                return Ok(0);
            }
            apps
        }
    };
    for app in apps {
        let r = resource::report(props, &app);
        match r
            .render(&parsed)
            .map_err(|e| CommandError::fail(e.to_string()))?
        {
            Rendered::Stdout { header, .. } => {
                log(ctx, Level::Info2Quiet, &header);
                for line in resource::report_lines(&r) {
                    log(ctx, Level::Verbose, &line);
                }
            }
            Rendered::Value(text) | Rendered::Json(text) => output::println(&text),
        }
    }
    Ok(0)
}
