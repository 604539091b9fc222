//! `storage:annotations:set` / `:report` and `storage:labels:set` / `:report`: one
//! implementation over an entry's two string maps.

use std::collections::BTreeMap;

use dokku_core::log::Level;
use dokku_core::report::{ReportArgs, ReportFormat};
use dokku_core::storage::{entry, Entry};

use dokku_host::output;
use dokku_plugin_common::{log, CmdResult, CommandError, Context};

use crate::commands::fail;

/// Which map a command works on.
struct Field {
    /// `annotations` / `labels`.
    name: &'static str,
    /// `annotation` / `label`.
    singular: &'static str,
    /// The info-flag prefix: `--storage-annotations.`.
    flag_prefix: &'static str,
    /// The text report's row label.
    row: &'static str,
    get: fn(&mut Entry) -> &mut BTreeMap<String, String>,
}

const ANNOTATIONS: Field = Field {
    name: "annotations",
    singular: "annotation",
    flag_prefix: "--storage-annotations.",
    row: "Annotation",
    get: |e| &mut e.annotations,
};

const LABELS: Field = Field {
    name: "labels",
    singular: "label",
    flag_prefix: "--storage-labels.",
    row: "Label",
    get: |e| &mut e.labels,
};

/// Runs one annotations or labels command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "storage:annotations:set" => set(ctx, &ANNOTATIONS, args),
        "storage:labels:set" => set(ctx, &LABELS, args),
        "storage:annotations:report" => report(ctx, &ANNOTATIONS, args),
        "storage:labels:report" => report(ctx, &LABELS, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// `storage:<field>:set NAME KEY [VALUE]`: sets KEY, or removes it without VALUE.
fn set(ctx: &Context, field: &Field, args: &[String]) -> CmdResult {
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let arg = |i: usize| positional.get(i).map(|s| s.as_str()).unwrap_or("");
    let (name, key, value) = (arg(0), arg(1), arg(2));
    if name.is_empty() {
        return Err(CommandError::fail("storage entry name is required"));
    }
    if key.is_empty() {
        return Err(
            CommandError::fail(format!("No {} key specified", field.singular)).hint(format!(
                "dokku storage:{}:set {name} <key> [<value>]",
                field.name
            )),
        );
    }
    let mut found = entry::load(&ctx.layout, name).map_err(fail)?;
    let map = (field.get)(&mut found);
    if value.is_empty() {
        map.remove(key);
        log(
            ctx,
            Level::Info2Quiet,
            &format!("Unsetting {} {key}", field.singular),
        );
    } else {
        map.insert(key.to_string(), value.to_string());
        log(
            ctx,
            Level::Info2Quiet,
            &format!("Setting {} {key} to {value}", field.singular),
        );
    }
    found.validate(&ctx.layout).map_err(fail)?;
    entry::save(&ctx.layout, &found).map_err(fail)?;
    if found.scheduler != entry::DOCKER_LOCAL {
        let fired = ctx.fire_with_input(
            "storage-create",
            std::slice::from_ref(&found.name),
            dokku_core::trigger::StdoutMode::Inherit,
            &crate::entries::entry_json(&found),
        );
        crate::entries::answered("storage-create", fired).map_err(|e| {
            CommandError::fail(format!(
                "scheduler refused {} change for \"{name}\": {e}",
                field.name
            ))
        })?;
    }
    Ok(0)
}

/// `storage:<field>:report [NAME] [--format stdout|json] [--storage-<field>.KEY]`.
fn report(ctx: &Context, field: &Field, args: &[String]) -> CmdResult {
    let parsed =
        ReportArgs::parse("storage", args).map_err(|e| CommandError::fail(e.to_string()))?;
    if let Some(name) = &parsed.app {
        let found = entry::load(&ctx.layout, name).map_err(fail)?;
        return render(ctx, field, found, &parsed);
    }
    if parsed.info_flag.is_some() {
        return Err(CommandError::fail(format!(
            "storage:{}:report requires a storage entry name when an info flag is specified",
            field.name
        )));
    }
    let entries = entry::list(&ctx.layout).map_err(fail)?;
    if entries.is_empty() {
        log(ctx, Level::Info1Quiet, "No storage entries registered");
    }
    for found in entries {
        render(ctx, field, found, &parsed)?;
    }
    Ok(0)
}

/// One entry's map: the info flag's value, JSON, or the text layout (keys as given,
/// not turned into words, so `app.kubernetes.io/part-of` stays readable).
fn render(ctx: &Context, field: &Field, mut found: Entry, args: &ReportArgs) -> CmdResult {
    let map = (field.get)(&mut found).clone();
    if let Some(flag) = &args.info_flag {
        if let Some(value) = flag
            .strip_prefix(field.flag_prefix)
            .and_then(|key| map.get(key))
        {
            output::println(value);
            return Ok(0);
        }
        let valid: Vec<String> = map
            .keys()
            .map(|k| format!("{}{k}", field.flag_prefix))
            .collect();
        return Err(CommandError::fail(format!(
            "Invalid flag passed, valid flags: {}",
            valid.join(", ")
        )));
    }
    if args.format == ReportFormat::Json {
        output::println(&serde_json::to_string(&map).unwrap_or_default());
        return Ok(0);
    }
    log(
        ctx,
        Level::Info2Quiet,
        &format!("{} {} information", found.name, field.name),
    );
    let labels: Vec<String> = map.keys().map(|k| format!("{} {k}:", field.row)).collect();
    let width = labels.iter().map(String::len).max().unwrap_or(0).max(31);
    for (label, value) in labels.iter().zip(map.values()) {
        log(ctx, Level::Verbose, &format!("{label:<width$}{value}"));
    }
    Ok(0)
}
