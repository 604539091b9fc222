//! The `releases:*` commands: argument parsing and printing around
//! `dokku_core::releases`.

use dokku_core::app;
use dokku_core::log::Level;
use dokku_core::property::PropertyStore;
use dokku_core::releases::{self, AppReleases, Release};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_host::pipeline::cli_error;
use dokku_plugin_common::flags::{parse_flags, FlagSpec, Flags};
use dokku_plugin_common::help::installed_plugin_help;
use dokku_plugin_common::{log, properties, report};

/// Runs one `releases` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let ctx = &*ctx;
    match command {
        "releases" if args.is_empty() => installed_plugin_help(ctx, "releases"),
        "releases" | "releases:list" => list(ctx, args),
        "releases:info" => info(ctx, args),
        "releases:report" => report::run_report(ctx, releases::PLUGIN, args, |app| {
            Ok(releases::report(&ctx.layout, &props(ctx), app))
        }),
        "releases:rollback" => rollback(ctx, args),
        "releases:set" => set(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

fn props(ctx: &Context) -> PropertyStore {
    PropertyStore::new(&ctx.layout.lib_root)
}

fn parse(args: &[String], values: &[&str]) -> Result<Flags, CommandError> {
    parse_flags(
        args,
        &FlagSpec {
            bools: &[],
            values,
            interspersed: true,
        },
    )
}

/// The existing app named by the first positional argument (exit 20 when missing).
fn app_arg(ctx: &Context, flags: &Flags) -> Result<String, CommandError> {
    let name = flags.positional.first().map(String::as_str).unwrap_or("");
    Ok(app::verify(&ctx.layout.dokku_root, name)?
        .as_str()
        .to_string())
}

/// `stdout` or `json`.
fn format(flags: &Flags) -> Result<bool, CommandError> {
    match flags.value("format").unwrap_or("stdout") {
        "stdout" => Ok(false),
        "json" => Ok(true),
        other => Err(CommandError::fail(format!(
            "Invalid format \"{}\", supported formats: json, stdout",
            dokku_core::text::printable(other, Some(40), "...")
        ))
        .hint("use --format json or --format stdout")),
    }
}

/// The version named by positional argument `n`.
fn version_at(flags: &Flags, n: usize) -> Result<Option<u64>, CommandError> {
    match flags.positional.get(n).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => releases::parse_version(v).map(Some).map_err(|e| {
            CommandError::fail(dokku_core::text::printable(&e.to_string(), Some(80), "..."))
                .hint("releases are named v1, v2, ...: 'dokku releases APP' lists them")
        }),
    }
}

fn print_json(value: &serde_json::Value) -> CmdResult {
    let text = serde_json::to_string(value).map_err(|e| CommandError::fail(e.to_string()))?;
    output::println(&text);
    Ok(0)
}

/// A release as the JSON output shows it: every field except the config values
/// (keys only: `config:show` is the place for values).
fn json_view(release: &Release) -> serde_json::Value {
    let mut value = serde_json::to_value(release).unwrap_or(serde_json::Value::Null);
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("name".into(), release.name().into());
        map.insert(
            "config".into(),
            release.config.keys().cloned().collect::<Vec<_>>().into(),
        );
        map.remove("procfile");
        map.remove("app_json");
    }
    value
}

fn warn_skipped(ctx: &Context, skipped: Vec<releases::ReleasesError>) {
    for e in skipped {
        log(ctx, Level::Warn, &format!("Skipping {e}"));
    }
}

/// `releases APP` / `releases:list APP [--format json]`: newest first.
fn list(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse(args, &["format"])?;
    let json = format(&flags)?;
    let app = app_arg(ctx, &flags)?;
    let (mut all, skipped) = AppReleases::new(&ctx.layout, &app)
        .list()
        .map_err(|e| CommandError::fail(e.to_string()))?;
    warn_skipped(ctx, skipped);
    all.reverse();
    if json {
        return print_json(&all.iter().map(json_view).collect());
    }
    if all.is_empty() {
        output::println("No releases recorded for this app");
        return Ok(0);
    }
    let mut rows: Vec<Vec<String>> = vec![[
        "Release",
        "Description",
        "Image",
        "Git rev",
        "By",
        "Created",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()];
    for r in &all {
        rows.push(vec![
            r.name(),
            dokku_core::text::printable(&r.description, Some(60), "..."),
            r.short_image(),
            r.git_rev
                .as_deref()
                .map(|g| g.chars().take(12).collect())
                .unwrap_or_else(|| "-".into()),
            dokku_core::text::printable(&r.user, Some(30), "..."),
            r.created_at.clone(),
        ]);
    }
    output::println(&dokku_plugin_common::columns::align(&rows).join("\n"));
    Ok(0)
}

/// `releases:info APP vN [--format json]`.
fn info(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse(args, &["format"])?;
    let json = format(&flags)?;
    let app = app_arg(ctx, &flags)?;
    let Some(version) = version_at(&flags, 1)? else {
        return Err(CommandError::fail("Please specify a release")
            .hint("'dokku releases APP' lists the releases (v1, v2, ...)"));
    };
    let release = AppReleases::new(&ctx.layout, &app)
        .read(version)
        .map_err(|e| {
            CommandError::fail(e.to_string())
                .hint("'dokku releases APP' lists the releases (v1, v2, ...)")
        })?;
    if json {
        return print_json(&json_view(&release));
    }
    let formation: Vec<String> = release
        .formation
        .iter()
        .map(|(t, n)| format!("{t}={n}"))
        .collect();
    let keys: Vec<&str> = release.config.keys().map(String::as_str).collect();
    let rows: Vec<(&str, String)> = vec![
        ("Release", release.name()),
        ("Description", release.description.clone()),
        ("Created", release.created_at.clone()),
        ("By", release.user.clone()),
        ("Image id", release.image_id.clone()),
        ("Image", release.image.clone()),
        (
            "Registry image",
            release.registry_image.clone().unwrap_or_default(),
        ),
        ("Builder", release.builder.clone()),
        ("Git rev", release.git_rev.clone().unwrap_or_default()),
        ("Build id", release.build_id.clone().unwrap_or_default()),
        ("Formation", formation.join(" ")),
        ("Config keys", keys.join(" ")),
        (
            "Rollback of",
            release
                .rollback_of
                .map(|v| format!("v{v}"))
                .unwrap_or_default(),
        ),
    ];
    log(
        ctx,
        Level::Info2,
        &format!("{app} release {}", release.name()),
    );
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 1;
    for (key, value) in rows {
        let value = dokku_core::text::printable(&value, None, "");
        output::println(&format!("       {:<width$} {value}", format!("{key}:")));
    }
    Ok(0)
}

/// `releases:rollback APP [vN]`.
fn rollback(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse(args, &[])?;
    let app = app_arg(ctx, &flags)?;
    let target = version_at(&flags, 1)?;
    releases::rollback::rollback(&ctx, &app, target).map_err(cli_error)?;
    Ok(0)
}

/// `releases:set [--global|APP] keep [N]`.
fn set(ctx: &Context, args: &[String]) -> CmdResult {
    let (scope, rest) = properties::scoped(ctx, args)?;
    let key = rest.first().map(String::as_str).unwrap_or("");
    let value = rest.get(1).map(String::as_str).unwrap_or("");
    if key != "keep" {
        return Err(CommandError::fail(format!(
            "Invalid property \"{}\" (allowed: keep)",
            dokku_core::text::printable(key, Some(40), "...")
        ))
        .hint("dokku releases:set [--global|APP] keep N keeps the images of the last N releases"));
    }
    if !value.is_empty() {
        releases::check_keep(value).map_err(|e| {
            CommandError::fail(e).hint("0 keeps no release image beyond the running one")
        })?;
    }
    properties::set_value(
        ctx,
        releases::PLUGIN,
        &scope,
        key,
        value,
        &["keep"],
        &["keep"],
    )?;
    // Apply the new count now rather than at the next deploy.
    let apps = if scope == dokku_core::property::GLOBAL {
        app::list(&ctx.layout.dokku_root).unwrap_or_default()
    } else {
        vec![scope]
    };
    for app in apps {
        releases::keep::sync(&ctx, &app);
    }
    Ok(0)
}
