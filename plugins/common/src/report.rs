//! `<plugin>:report` for any core plugin: one app, `--global`, or every app in turn,
//! printed as Dokku prints reports.

use dokku_core::app;
use dokku_core::log::Level;
use dokku_core::property::GLOBAL;
use dokku_core::report::{Rendered, Report, ReportArgs};
use dokku_host::{output, CmdResult, CommandError, Context};

/// Prints a rendered report as Dokku does: the header with `dokku_log_info2_quiet` and
/// each line with `dokku_log_verbose`; a single value or JSON as a plain line.
pub fn print_report(ctx: &Context, rendered: Rendered) {
    match rendered {
        Rendered::Stdout { header, lines } => {
            ctx.log_as_plugin(Level::Info2Quiet, &header);
            for line in lines {
                ctx.log_as_plugin(Level::Verbose, &line);
            }
        }
        Rendered::Value(text) | Rendered::Json(text) => output::println(&text),
    }
}

/// `<plugin>:report [<app>|--global] [--format stdout|json] [--<flag>]` for any plugin:
/// one app, the global scope, or every app in turn (`You haven't deployed any
/// applications yet` when there are none). `build` makes the report of one app (or
/// `--global`), after the app was checked.
pub fn run_report(
    ctx: &Context,
    plugin: &str,
    args: &[String],
    build: impl Fn(&str) -> Result<Report, CommandError>,
) -> CmdResult {
    let parsed = ReportArgs::parse(plugin, args).map_err(|e| CommandError::fail(e.to_string()))?;
    let apps = if parsed.global {
        vec![GLOBAL.to_string()]
    } else if let Some(app) = &parsed.app {
        vec![app.clone()]
    } else {
        let apps =
            app::list(&ctx.layout.dokku_root).map_err(|e| CommandError::fail(e.to_string()))?;
        if apps.is_empty() {
            ctx.log_as_plugin(Level::Warn, &app::AppError::NoApps.to_string());
            return Ok(0);
        }
        apps
    };
    for name in apps {
        if name != GLOBAL {
            app::verify(&ctx.layout.dokku_root, &name)?;
        }
        let rendered = build(&name)?
            .render(&parsed)
            .map_err(|e| CommandError::fail(e.to_string()))?;
        print_report(ctx, rendered);
    }
    Ok(0)
}

/// A plugin's answer to `report APP` (`dokku report`): its report in the text layout.
pub fn report_trigger(ctx: &Context, report: Report) {
    if let Ok(rendered) = report.render(&ReportArgs::default()) {
        print_report(ctx, rendered);
    }
}
