//! The `builds:*` commands: argument parsing and printing around
//! `dokku_core::builds`.

use std::io::{Read, Seek, SeekFrom, Write};
use std::time::Duration;

use dokku_core::app;
use dokku_core::builds::{self, AppBuilds, BuildsError, CancelOutcome, Kind, Record, Status};
use dokku_core::log::Level;
use dokku_core::property::PropertyStore;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_plugin_common::flags::{parse_flags, FlagSpec, Flags};
use dokku_plugin_common::help::installed_plugin_help;
use dokku_plugin_common::{log, properties, report};

/// How long a canceled build gets between SIGTERM and SIGKILL.
const CANCEL_GRACE: Duration = Duration::from_secs(10);

/// Runs one `builds` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let ctx = &*ctx;
    match command {
        "builds" => installed_plugin_help(ctx, "builds"),
        "builds:cancel" => cancel(ctx, args),
        "builds:info" => info(ctx, args),
        "builds:list" => list(ctx, args),
        "builds:output" => output_cmd(ctx, args),
        "builds:prune" => prune(ctx, args),
        "builds:report" => report::run_report(ctx, "builds", args, |app| {
            Ok(builds::report(&ctx.layout, &props(ctx), app))
        }),
        "builds:set" => set(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

fn props(ctx: &Context) -> PropertyStore {
    PropertyStore::new(&ctx.layout.lib_root)
}

fn fail(e: BuildsError) -> CommandError {
    CommandError::fail(e.to_string())
}

fn parse(args: &[String], bools: &[&str], values: &[&str]) -> Result<Flags, CommandError> {
    parse_flags(
        args,
        &FlagSpec {
            bools,
            values,
            interspersed: true,
        },
    )
}

/// The existing app named by positional argument `n` (exit 20 when missing).
fn app_at(ctx: &Context, flags: &Flags, n: usize) -> Result<String, CommandError> {
    let name = flags.positional.get(n).map(String::as_str).unwrap_or("");
    Ok(app::verify(&ctx.layout.dokku_root, name)?
        .as_str()
        .to_string())
}

/// `stdout` or `json`.
fn format(flags: &Flags) -> Result<bool, CommandError> {
    match flags.value("format").unwrap_or("stdout") {
        "stdout" => Ok(false),
        "json" => Ok(true),
        _ => Err(
            CommandError::fail("Invalid format specified, supported formats: json, stdout")
                .hint("use --format json or --format stdout"),
        ),
    }
}

/// A record as `builds:list` / `builds:info` show it in JSON: its fields plus the
/// shown status, the duration and the log file.
fn json_view(ctx: &Context, record: &Record) -> serde_json::Value {
    let mut value = serde_json::to_value(record).unwrap_or(serde_json::Value::Null);
    if let serde_json::Value::Object(map) = &mut value {
        map.insert(
            "display_status".into(),
            record.display_status().as_str().into(),
        );
        map.insert("duration".into(), record.duration().into());
        map.insert("log_path".into(), log_path(ctx, record).into());
    }
    value
}

fn log_path(ctx: &Context, record: &Record) -> String {
    AppBuilds::new(&ctx.layout, &record.app)
        .log_path(&record.id)
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

fn print_json(values: &serde_json::Value) -> CmdResult {
    let text = serde_json::to_string(values).map_err(|e| CommandError::fail(e.to_string()))?;
    output::println(&text);
    Ok(0)
}

/// Rows split at `|`, cells trimmed, laid out as Go's columnize.
fn columnize(rows: &[String]) -> String {
    let cells: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.split('|').map(str::trim).collect())
        .collect();
    dokku_plugin_common::columns::align(&cells).join("\n")
}

/// `builds:list [<app>] [--format json] [--kind build|deploy] [--status S]`: one
/// app's records (live builds first, then newest, capped at the retention unless
/// filtered), or without an app every app's running builds.
fn list(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse(args, &[], &["format", "kind", "status"])?;
    let json = format(&flags)?;
    let kind = match flags.value("kind").filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(Kind::parse(k).ok_or_else(|| {
            CommandError::fail(format!(
                "Invalid --kind value \"{k}\" (allowed: build, deploy)"
            ))
            .hint("--kind build lists builds of new images, --kind deploy redeploys")
        })?),
    };
    let status = match flags.value("status").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            CommandError::fail(format!(
                "Invalid --status value \"{s}\" (allowed: running, succeeded, failed, canceled, abandoned)"
            ))
            .hint("abandoned is a running record whose process is gone")
        })?),
    };
    let keep = |r: &Record| {
        kind.is_none_or(|k| r.kind == k) && status.is_none_or(|s| r.display_status() == s)
    };
    if flags.positional.is_empty() {
        return list_running(ctx, json, &keep);
    }
    let app = app_at(ctx, &flags, 0)?;
    let (records, skipped) = AppBuilds::new(&ctx.layout, &app).list().map_err(fail)?;
    for e in skipped {
        log(
            ctx,
            Level::Warn,
            &format!("Skipping unreadable build record: {e}"),
        );
    }
    let mut views: Vec<Record> = records.into_iter().filter(|r| keep(r)).collect();
    // Live builds first; the sort is stable, so each group stays newest first.
    views.sort_by_key(|r| !r.is_live());
    if kind.is_none() && status.is_none() {
        let live = views.iter().filter(|r| r.is_live()).count();
        views.truncate(live + builds::retention(&props(ctx), &app));
    }
    print_views(
        ctx,
        &views,
        json,
        "No builds recorded for this app",
        &[
            "Build ID", "Kind", "Status", "PID", "Source", "Started", "Duration",
        ],
        &|r| {
            vec![
                r.id.clone(),
                r.kind.as_str().to_string(),
                r.display_status().as_str().to_string(),
                r.pid.to_string(),
                r.source.clone(),
                r.started_at.clone(),
                r.duration(),
            ]
        },
    )
}

/// Prints records as JSON, as `empty` when there are none, or as a table of
/// `header` and one `row` per record.
fn print_views(
    ctx: &Context,
    views: &[Record],
    json: bool,
    empty: &str,
    header: &[&str],
    row: &dyn Fn(&Record) -> Vec<String>,
) -> CmdResult {
    if json {
        return print_json(&views.iter().map(|r| json_view(ctx, r)).collect());
    }
    if views.is_empty() {
        output::println(empty);
        return Ok(0);
    }
    let mut rows = vec![header.join("|")];
    rows.extend(views.iter().map(|r| row(r).join("|")));
    output::println(&columnize(&rows));
    Ok(0)
}

/// `builds:list` without an app: the running records of every app.
fn list_running(ctx: &Context, json: bool, keep: &dyn Fn(&Record) -> bool) -> CmdResult {
    let apps = app::list(&ctx.layout.dokku_root).map_err(|e| CommandError::fail(e.to_string()))?;
    let mut views = Vec::new();
    for name in apps {
        match AppBuilds::new(&ctx.layout, &name).list() {
            Ok((records, _)) => views.extend(
                records
                    .into_iter()
                    .filter(|r| r.status == Status::Running && keep(r)),
            ),
            Err(e) => log(
                ctx,
                Level::Warn,
                &format!("Could not read builds for {name}: {e}"),
            ),
        }
    }
    builds::sort_newest_first(&mut views);
    print_views(
        ctx,
        &views,
        json,
        "No builds currently running",
        &["App", "Build ID", "Kind", "PID", "Source", "Started"],
        &|r| {
            vec![
                r.app.clone(),
                r.id.clone(),
                r.kind.as_str().to_string(),
                r.pid.to_string(),
                r.source.clone(),
                r.started_at.clone(),
            ]
        },
    )
}

/// `builds:info <app> <build-id> [--format json|stdout]`.
fn info(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse(args, &[], &["format"])?;
    let json = format(&flags)?;
    let app = app_at(ctx, &flags, 0)?;
    let id = flags.positional.get(1).map(String::as_str).unwrap_or("");
    if id.is_empty() {
        return Err(CommandError::fail("Please specify a build id")
            .hint("dokku builds:list APP shows the build ids"));
    }
    let record = AppBuilds::new(&ctx.layout, &app).read(id).map_err(fail)?;
    if json {
        return print_json(&json_view(ctx, &record));
    }
    let mut rows = vec![
        format!("Build ID:|{}", record.id),
        format!("App:|{}", record.app),
        format!("Kind:|{}", record.kind.as_str()),
        format!("Status:|{}", record.display_status().as_str()),
        format!("PID:|{}", record.pid),
        format!("Source:|{}", record.source),
        format!("Started:|{}", record.started_at),
    ];
    if let Some(finished) = &record.finished_at {
        rows.push(format!("Finished:|{finished}"));
    }
    rows.push(format!("Duration:|{}", record.duration()));
    if let Some(code) = record.exit_code {
        rows.push(format!("Exit Code:|{code}"));
    }
    rows.push(format!("Log:|{}", log_path(ctx, &record)));
    output::println(&columnize(&rows));
    Ok(0)
}

/// `builds:cancel <app>`: stops the build holding the app's deploy lock.
fn cancel(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse(args, &[], &[])?;
    let app = app_at(ctx, &flags, 0)?;
    let outcome = builds::cancel(&ctx.layout, &app, CANCEL_GRACE).map_err(fail)?;
    let message = match outcome {
        CancelOutcome::NotDeploying => "App not currently deploying".to_string(),
        CancelOutcome::NoBuild => "No matching app deploy found".to_string(),
        CancelOutcome::StaleLock(id) => {
            format!("No build record for {id}, removing stale lock file")
        }
        CancelOutcome::NotRunning(id, status) => format!(
            "Build {id} is no longer running (status={}); leaving record untouched",
            status.as_str()
        ),
        CancelOutcome::Abandoned(_) => "Build was already terminated, marking failed".to_string(),
        CancelOutcome::Canceled(_) => "Killing app deploy".to_string(),
    };
    log(ctx, Level::Info1, &message);
    Ok(0)
}

/// `builds:output <app> [<build-id>|current]`: the build's log; a running build's is
/// followed until the build ends.
fn output_cmd(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse(args, &[], &[])?;
    let app = app_at(ctx, &flags, 0)?;
    let mut id = flags.positional.get(1).cloned().unwrap_or_default();
    if id.is_empty() || id == "current" {
        match builds::locked_build(&ctx.layout.deploy_lock(&app)) {
            builds::LockedBuild::NoLock => {
                log(ctx, Level::Info1, "App not currently deploying");
                return Ok(0);
            }
            builds::LockedBuild::Unnamed => {
                log(ctx, Level::Info1, "No matching app deploy found");
                return Ok(0);
            }
            builds::LockedBuild::Named(named) => id = named,
        }
    }
    let store = AppBuilds::new(&ctx.layout, &app);
    let path = store.log_path(&id).map_err(fail)?;
    let mut file = std::fs::File::open(&path).map_err(|e| {
        CommandError::fail(format!("No build log for {app}/{id}: {e}"))
            .hint("dokku builds:list APP shows the recorded builds")
    })?;
    let mut stdout = std::io::stdout();
    let mut pos = copy_new(&mut file, 0, &mut stdout);
    while store.read(&id).is_ok_and(|r| r.is_live()) {
        std::thread::sleep(Duration::from_millis(250));
        pos = copy_new(&mut file, pos, &mut stdout);
    }
    copy_new(&mut file, pos, &mut stdout);
    Ok(0)
}

/// Copies what `file` holds beyond `pos` to `out`; returns the new position.
fn copy_new(file: &mut std::fs::File, pos: u64, out: &mut dyn Write) -> u64 {
    if file.seek(SeekFrom::Start(pos)).is_err() {
        return pos;
    }
    let mut buf = Vec::new();
    let n = file.read_to_end(&mut buf).unwrap_or(0);
    let _ = out.write_all(&buf[..n]);
    let _ = out.flush();
    pos + n as u64
}

/// `builds:prune <app> [--all-apps]`: reaps abandoned records and prunes to the
/// retention.
fn prune(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse(args, &["all-apps"], &[])?;
    let apps = if flags.has("all-apps") {
        let apps =
            app::list(&ctx.layout.dokku_root).map_err(|e| CommandError::fail(e.to_string()))?;
        if apps.is_empty() {
            log(ctx, Level::Warn, &app::AppError::NoApps.to_string());
        }
        apps
    } else {
        vec![app_at(ctx, &flags, 0)?]
    };
    let props = props(ctx);
    for name in apps {
        let retention = builds::retention(&props, &name);
        if let Err(e) = AppBuilds::new(&ctx.layout, &name).prune(retention) {
            log(ctx, Level::Warn, &format!("Prune failed for {name}: {e}"));
        }
    }
    Ok(0)
}

/// `builds:set [--global|<app>] retention [<n>]`.
fn set(ctx: &Context, args: &[String]) -> CmdResult {
    let (scope, rest) = properties::scoped(ctx, args)?;
    let key = rest.first().map(String::as_str).unwrap_or("");
    let value = rest.get(1).map(String::as_str).unwrap_or("");
    if key != "retention" {
        return Err(
            CommandError::fail(format!("Invalid property \"{key}\" (allowed: retention)"))
                .hint("dokku builds:set [--global|APP] retention N keeps the newest N builds"),
        );
    }
    if !value.is_empty() && builds::parse_retention(value).is_none() {
        return Err(CommandError::fail(format!(
            "Invalid retention \"{value}\": must be a positive integer"
        ))
        .hint("the retention is how many finished builds to keep, at least 1"));
    }
    properties::set_value(
        ctx,
        "builds",
        &scope,
        key,
        value,
        &["retention"],
        &["retention"],
    )
}
