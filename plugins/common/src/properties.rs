//! The `<plugin>:set [--global|<app>] <key> [<value>]` and `<plugin>:report` commands
//! several core plugins share (Go's `CommandPropertySet` and `ReportSingleApp`).

use dokku_core::log::Level;
use dokku_core::property::command::{self, SetError};
use dokku_core::property::{PropertyStore, GLOBAL};

use crate::log;
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::existing_app;

/// Splits `[--global|<app>] REST...`: the scope (an existing app, exit 20 if not, or
/// `--global`) and the remaining words.
pub fn scoped(ctx: &Context, args: &[String]) -> Result<(String, Vec<String>), CommandError> {
    let global = args.iter().any(|a| a == GLOBAL);
    let words: Vec<String> = args
        .iter()
        .filter(|a| !matches!(a.as_str(), "--global" | "--quiet" | "--trace" | "--force"))
        .cloned()
        .collect();
    if global {
        return Ok((GLOBAL.to_string(), words));
    }
    let app = existing_app(ctx, &words)?;
    Ok((app, words.into_iter().skip(1).collect()))
}

/// `<plugin>:set [--global|<app>] <key> [<value>...]`: the words after the key are
/// joined with spaces; no value unsets.
pub fn set(
    ctx: &Context,
    plugin: &str,
    args: &[String],
    valid: &[&str],
    global_ok: &[&str],
) -> CmdResult {
    let (app, rest) = scoped(ctx, args)?;
    let key = rest.first().map(String::as_str).unwrap_or("");
    let value = rest.get(1..).map(|v| v.join(" ")).unwrap_or_default();
    set_value(ctx, plugin, &app, key, &value, valid, global_ok)
}

/// Sets (or with an empty value unsets) one property and prints Dokku's line.
pub fn set_value(
    ctx: &Context,
    plugin: &str,
    app: &str,
    key: &str,
    value: &str,
    valid: &[&str],
    global_ok: &[&str],
) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    // Validate before printing anything.
    if key.is_empty() {
        return Err(CommandError::fail(SetError::NoProperty.to_string()));
    }
    let outcome = command::set(&props, plugin, app, key, value, valid, global_ok)
        .map_err(|e| CommandError::fail(e.to_string()))?;
    log(ctx, Level::Info2Quiet, outcome.message());
    Ok(0)
}

/// A plugin's answer to the `report` trigger (`dokku report APP`): its report of
/// the app in the text layout.
pub fn report_trigger(ctx: &Context, report: dokku_core::report::Report) {
    if let Ok(rendered) = report.render(&dokku_core::report::ReportArgs::default()) {
        crate::report::print_report(ctx, rendered);
    }
}
