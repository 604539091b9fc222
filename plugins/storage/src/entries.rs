//! The entry-level `storage:*` commands: `storage:create`, `:destroy`, `:info`,
//! `:set`, `:list-entries`, `:exec`, `:wait`, and the global `storage:report`.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use dokku_core::env;
use dokku_core::log::Level;
use dokku_core::storage::{self, entry, Entry};
use dokku_core::trigger::StdoutMode;

use dokku_host::output;
use dokku_plugin_common::confirm::confirm_destruction;
use dokku_plugin_common::flags::Flags;
use dokku_plugin_common::{log, CmdResult, CommandError, Context};

use crate::commands::{fail, flags, props, text_or_json};

/// Runs one entry-level `storage:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "storage:create" => create(ctx, args),
        "storage:destroy" => destroy(ctx, args),
        "storage:info" => info(ctx, args),
        "storage:set" => set(ctx, args),
        "storage:list-entries" => list_entries(ctx, args),
        "storage:exec" => exec(ctx, args),
        "storage:wait" => wait(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// `--annotation k=v` / `--label k=v` values as a map.
fn key_values(flags: &Flags, name: &str) -> Result<BTreeMap<String, String>, CommandError> {
    flags
        .values(name)
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(CommandError::fail(format!(
                "expected key=value, got \"{pair}\""
            ))),
        })
        .collect()
}

/// Loads an existing entry named by the first positional argument.
fn named_entry(ctx: &Context, flags: &Flags) -> Result<Entry, CommandError> {
    let name = flags.positional.first().map(String::as_str).unwrap_or("");
    if name.is_empty() {
        return Err(CommandError::fail("storage entry name is required")
            .hint("dokku storage:list-entries shows the registered entries"));
    }
    entry::load(&ctx.layout, name).map_err(fail)
}

/// The entry as the scheduler triggers (`storage-create`, `storage-destroy`,
/// `storage-status`) get it on stdin.
pub(crate) fn entry_json(e: &Entry) -> Vec<u8> {
    serde_json::to_vec(e).unwrap_or_default()
}

/// A scheduler trigger's result: its trimmed stdout, or why it failed.
pub(crate) fn answered(
    trigger: &str,
    fired: Result<dokku_core::trigger::TriggerOutcome, CommandError>,
) -> Result<String, String> {
    let outcome = fired.map_err(|e| e.to_string())?;
    if outcome.status != 0 {
        return Err(format!("{trigger} trigger exited with {}", outcome.status));
    }
    Ok(String::from_utf8_lossy(&outcome.stdout).trim().to_string())
}

fn note(ctx: &Context) -> impl FnMut(String) + '_ {
    move |line| log(ctx, Level::Verbose, &line)
}

/// The flags `storage:create` and `storage:set` take for an entry's fields: the
/// settable properties, `--annotation`, `--label`, and for `storage:create` `extra`.
fn entry_flags(extra: &[&'static str]) -> Vec<&'static str> {
    entry::SETTABLE
        .iter()
        .chain(&["annotation", "label"])
        .chain(extra)
        .copied()
        .collect()
}

fn create(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(args, &[], &entry_flags(&["scheduler"]))?;
    let name = flags.positional.first().cloned().unwrap_or_default();
    entry::validate_name(&name, false).map_err(fail)?;
    let scheduler = flags
        .value("scheduler")
        .unwrap_or(entry::DOCKER_LOCAL)
        .to_string();
    let mut host_path = flags.positional.get(1).cloned().unwrap_or_default();
    if scheduler == entry::DOCKER_LOCAL && host_path.is_empty() {
        host_path = entry::default_host_path(&ctx.layout, &name)
            .display()
            .to_string();
    }
    let value = |f: &str| flags.value(f).unwrap_or_default().to_string();
    let new = Entry {
        name: name.clone(),
        scheduler: scheduler.clone(),
        host_path,
        size: value("size"),
        access_mode: value("access-mode"),
        storage_class: value("storage-class-name"),
        namespace: value("namespace"),
        chown: value("chown"),
        mode: entry::normalize_mode(&value("mode")).map_err(fail)?,
        reclaim_policy: value("reclaim-policy"),
        annotations: key_values(&flags, "annotation")?,
        labels: key_values(&flags, "label")?,
        schema_version: entry::SCHEMA_VERSION,
    };
    new.validate(&ctx.layout).map_err(fail)?;
    if !new.chown.is_empty() {
        storage::resolve_chown(&new.chown).map_err(|e| {
            fail(e).hint("use herokuish, heroku, paketo, root, false or a uid up to 65535")
        })?;
    }
    if entry::exists(&ctx.layout, &name) {
        let existing = entry::load(&ctx.layout, &name).map_err(fail)?;
        if existing.scheduler != new.scheduler {
            return Err(CommandError::fail(format!(
                "storage entry \"{name}\" already exists with scheduler \"{}\"; refusing to redefine",
                existing.scheduler
            )));
        }
        log(
            ctx,
            Level::Info1Quiet,
            &format!("Storage entry {name} already exists, leaving in place"),
        );
    }
    if scheduler == entry::DOCKER_LOCAL {
        entry::ensure_host_dir(&ctx.layout, &new, &mut note(ctx)).map_err(fail)?;
    }
    entry::save(&ctx.layout, &new).map_err(fail)?;
    if scheduler != entry::DOCKER_LOCAL {
        let fired = ctx.fire_with_input(
            "storage-create",
            std::slice::from_ref(&name),
            StdoutMode::Inherit,
            &entry_json(&new),
        );
        if let Err(e) = answered("storage-create", fired) {
            // Keep the disk and the scheduler in step.
            let _ = entry::delete(&ctx.layout, &name);
            return Err(CommandError::fail(format!(
                "scheduler refused storage entry \"{name}\": {e}"
            )));
        }
    }
    log(ctx, Level::Info1, &format!("Storage entry {name} created"));
    Ok(0)
}

fn destroy(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(args, &["force", "destroy-host-dir"], &[])?;
    let found = named_entry(ctx, &flags)?;
    let name = found.name.clone();
    let apps = dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default();
    let using = storage::apps_using(&props(ctx), &apps, &name);
    if !using.is_empty() {
        return Err(CommandError::fail(format!(
            "storage entry \"{name}\" is still mounted by app(s): {}",
            using.join(", ")
        ))
        .hint(format!(
            "dokku storage:unmount <app> {name} on each of them first"
        )));
    }
    let destroy_host_dir = flags.has("destroy-host-dir");
    if destroy_host_dir && found.scheduler != entry::DOCKER_LOCAL {
        return Err(CommandError::fail(format!(
            "--destroy-host-dir only applies to docker-local storage entries; \"{name}\" is scheduler \"{}\" and follows --reclaim-policy",
            found.scheduler
        )));
    }
    let mut remove_dir = false;
    if found.scheduler == entry::DOCKER_LOCAL
        && (destroy_host_dir || found.reclaim_policy == entry::DELETE)
    {
        match found.require_default_path(&ctx.layout, "--destroy-host-dir") {
            Ok(()) => remove_dir = true,
            Err(e) if destroy_host_dir => return Err(fail(e)),
            Err(_) => log(
                ctx,
                Level::Warn,
                &format!(
                    "Leaving {} in place; reclaim policy Delete only removes the default host path",
                    found.host_path
                ),
            ),
        }
    }
    let force = flags.has("force") || ctx.var(env::DOKKU_APPS_FORCE_DELETE) == Some("1");
    if !force {
        if remove_dir {
            log(
                ctx,
                Level::Warn,
                &format!(
                    "Storage entry {name} is backed by {}, which will be removed along with its contents.",
                    found.host_path
                ),
            );
        }
        confirm_destruction(ctx, &name, "storage entry")?;
    }
    if found.scheduler != entry::DOCKER_LOCAL {
        let fired = ctx.fire_with_input(
            "storage-destroy",
            std::slice::from_ref(&name),
            StdoutMode::Inherit,
            &entry_json(&found),
        );
        answered("storage-destroy", fired).map_err(|e| {
            CommandError::fail(format!(
                "scheduler refused to remove storage entry \"{name}\": {e}"
            ))
        })?;
    }
    if remove_dir {
        storage::run_helper(&ctx.layout, "destroy-storage-dir", &name, &[]).map_err(|e| {
            CommandError::fail(format!("unable to remove {}: {e}", found.host_path))
        })?;
        log(ctx, Level::Verbose, &format!("Removed {}", found.host_path));
    }
    entry::delete(&ctx.layout, &name).map_err(fail)?;
    log(
        ctx,
        Level::Info1,
        &format!("Storage entry {name} destroyed"),
    );
    Ok(0)
}

fn info(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(args, &[], &["format"])?;
    let json = text_or_json(flags.value("format"))?;
    let found = named_entry(ctx, &flags)?;
    if json {
        output::println(&serde_json::to_string_pretty(&found).unwrap_or_default());
        return Ok(0);
    }
    log(
        ctx,
        Level::Info1Quiet,
        &format!("Storage entry {}", found.name),
    );
    for (label, value) in [
        ("Scheduler:", &found.scheduler),
        ("Host path:", &found.host_path),
        ("Size:", &found.size),
        ("Access mode:", &found.access_mode),
        ("Storage class:", &found.storage_class),
        ("Namespace:", &found.namespace),
        ("Chown:", &found.chown),
        ("Mode:", &found.mode),
        ("Reclaim policy:", &found.reclaim_policy),
    ] {
        if label == "Scheduler:" || !value.is_empty() {
            log(ctx, Level::Verbose, &format!("{label:<18}{value}"));
        }
    }
    Ok(0)
}

fn set(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(args, &[], &entry_flags(&[]))?;
    let changes: Vec<(String, String)> = entry::SETTABLE
        .iter()
        .filter_map(|p| flags.value(p).map(|v| (p.to_string(), v.to_string())))
        .collect();
    let map_flags = flags.value("annotation").is_some() || flags.value("label").is_some();
    let property = flags.positional.get(1).cloned().unwrap_or_default();
    let used_flags = !changes.is_empty() || map_flags;
    if !property.is_empty() && used_flags {
        return Err(CommandError::fail(
            "storage:set accepts either a property and a value or flags, not both",
        ));
    }
    if property.is_empty() && !used_flags {
        return Err(CommandError::fail("No property specified").hint(format!(
            "valid properties include: {}",
            entry::SETTABLE.join(", ")
        )));
    }
    let mut found = named_entry(ctx, &flags)?;
    let changes = if used_flags {
        if !changes.is_empty() {
            log(
                ctx,
                Level::Warn,
                "Deprecated: please use 'storage:set <name> <property> [<value>]' instead of flags",
            );
        }
        if map_flags {
            log(
                ctx,
                Level::Warn,
                "Deprecated: please use 'storage:annotations:set' and 'storage:labels:set' instead of --annotation and --label",
            );
            found.annotations = key_values(&flags, "annotation")?;
            found.labels = key_values(&flags, "label")?;
        }
        changes
    } else {
        vec![(
            property,
            flags.positional.get(2).cloned().unwrap_or_default(),
        )]
    };
    let mut touches_dir = false;
    for (property, value) in &changes {
        entry::apply_property(&mut found, property, value).map_err(fail)?;
        touches_dir |= property == "chown" || property == "mode";
    }
    found.validate(&ctx.layout).map_err(fail)?;
    if found.scheduler == entry::DOCKER_LOCAL && touches_dir {
        entry::ensure_host_dir(&ctx.layout, &found, &mut note(ctx)).map_err(fail)?;
    }
    entry::save(&ctx.layout, &found).map_err(fail)?;
    if found.scheduler != entry::DOCKER_LOCAL {
        let fired = ctx.fire_with_input(
            "storage-create",
            std::slice::from_ref(&found.name),
            StdoutMode::Inherit,
            &entry_json(&found),
        );
        answered("storage-create", fired).map_err(|e| {
            CommandError::fail(format!(
                "scheduler refused storage:set for \"{}\": {e}",
                found.name
            ))
        })?;
    }
    log(
        ctx,
        Level::Info1,
        &format!("Storage entry {} updated", found.name),
    );
    Ok(0)
}

fn list_entries(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(args, &[], &["scheduler", "format"])?;
    let json = text_or_json(flags.value("format"))?;
    let scheduler = flags.value("scheduler").unwrap_or_default();
    let entries: Vec<Entry> = entry::list(&ctx.layout)
        .map_err(fail)?
        .into_iter()
        .filter(|e| scheduler.is_empty() || e.scheduler == scheduler)
        .collect();
    if json {
        output::println(&serde_json::to_string_pretty(&entries).unwrap_or_default());
        return Ok(0);
    }
    if entries.is_empty() {
        log(ctx, Level::Info1Quiet, "No storage entries registered");
        return Ok(0);
    }
    log(ctx, Level::Info1Quiet, "Storage entries:");
    for e in &entries {
        log(
            ctx,
            Level::Verbose,
            &format!("{}\t{}\t{}", e.name, e.scheduler, e.host_path),
        );
    }
    Ok(0)
}

/// `storage:report --global`: every entry and the apps mounting it.
pub(crate) fn report_global(ctx: &Context, args: &[String]) -> CmdResult {
    let json = args
        .windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json");
    let apps = dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default();
    let props = props(ctx);
    let rows: Vec<(Entry, Vec<String>)> = entry::list(&ctx.layout)
        .map_err(fail)?
        .into_iter()
        .map(|e| {
            let using = storage::apps_using(&props, &apps, &e.name);
            (e, using)
        })
        .collect();
    if json {
        let value: Vec<serde_json::Value> = rows
            .iter()
            .map(|(e, using)| serde_json::json!({"entry": e, "mounted_by": using}))
            .collect();
        output::println(&serde_json::to_string_pretty(&value).unwrap_or_default());
        return Ok(0);
    }
    if rows.is_empty() {
        log(ctx, Level::Info1Quiet, "No storage entries registered");
        return Ok(0);
    }
    log(ctx, Level::Info1Quiet, "Storage report (global):");
    for (e, using) in &rows {
        let by = if using.is_empty() {
            "—".to_string()
        } else {
            using.join(", ")
        };
        log(
            ctx,
            Level::Verbose,
            &format!("{}\t{}\tmounted by: {by}", e.name, e.scheduler),
        );
    }
    Ok(0)
}

fn exec(ctx: &Context, args: &[String]) -> CmdResult {
    // pflag: flags anywhere before `--`; everything after it is the command.
    let flags = flags(args, &[], &["image", "as-user"])?;
    let found = named_entry(ctx, &flags)?;
    let image = flags.value("image").unwrap_or("alpine:3");
    let tty = std::io::stdin().is_terminal();
    let interactive = tty || stdin_is_pipe();
    let mut trigger_args = vec![
        found.scheduler.clone(),
        found.name.clone(),
        image.to_string(),
        format!("--interactive={interactive}"),
        format!("--tty={tty}"),
    ];
    if let Some(user) = flags.value("as-user") {
        trigger_args.push("--as-user".into());
        trigger_args.push(user.to_string());
    }
    if flags.positional.len() > 1 {
        trigger_args.push("--".into());
        trigger_args.extend(flags.positional[1..].iter().cloned());
    }
    let outcome = ctx.fire("scheduler-storage-exec", &trigger_args, StdoutMode::Inherit)?;
    if outcome.handlers_run == 0 {
        return Err(CommandError::fail(format!(
            "no scheduler plugin runs commands for \"{}\" storage entries",
            found.scheduler
        ))
        .hint("the scheduler-storage-exec trigger has no handler; enable the scheduler's plugin"));
    }
    if outcome.status != 0 {
        return Err(CommandError::silent(outcome.status));
    }
    Ok(0)
}

fn stdin_is_pipe() -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata("/proc/self/fd/0").is_ok_and(|m| m.file_type().is_fifo())
}

fn wait(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(args, &[], &[])?;
    let found = named_entry(ctx, &flags)?;
    if found.scheduler == entry::DOCKER_LOCAL {
        if found.host_path.starts_with('/') && !std::path::Path::new(&found.host_path).is_dir() {
            return Err(CommandError::fail(format!(
                "storage entry \"{}\" host path {} is not present",
                found.name, found.host_path
            ))
            .hint(format!("dokku storage:create {} recreates it", found.name)));
        }
        return Ok(0);
    }
    let fired = ctx.fire_with_input(
        "storage-status",
        std::slice::from_ref(&found.name),
        StdoutMode::Capture,
        &entry_json(&found),
    );
    let status = answered("storage-status", fired).map_err(CommandError::fail)?;
    if status != "Bound" {
        return Err(CommandError::fail(format!(
            "storage entry \"{}\" is {status}, not Bound",
            found.name
        )));
    }
    log(
        ctx,
        Level::Info1,
        &format!("Storage entry {} is bound", found.name),
    );
    Ok(0)
}
