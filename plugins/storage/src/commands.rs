//! The app-level `storage:*` commands: `storage:mount`, `storage:unmount`,
//! `storage:list`, `storage:report`, `storage:migrate`, and the deprecated
//! `storage:ensure-directory`.

use dokku_core::log::Level;
use dokku_core::property::PropertyStore;
use dokku_core::report::Report;
use dokku_core::storage::{self, entry, migrate, MountRequest, StorageError};

use dokku_host::output;
use dokku_host::pipeline::existing_app;
use dokku_plugin_common::flags::{parse_flags, FlagSpec, Flags};
use dokku_plugin_common::report::run_report;
use dokku_plugin_common::{log, CmdResult, CommandError, Context};

/// A storage rule's refusal as the command's error.
pub(crate) fn fail(e: StorageError) -> CommandError {
    CommandError::fail(e.to_string())
}

/// The property store the attachments live in.
pub(crate) fn props(ctx: &Context) -> PropertyStore {
    PropertyStore::new(&ctx.layout.lib_root)
}

/// Parses a storage command's arguments as pflag does (flags anywhere).
pub(crate) fn flags(
    args: &[String],
    bools: &[&str],
    values: &[&str],
) -> Result<Flags, CommandError> {
    parse_flags(
        args,
        &FlagSpec {
            bools,
            values,
            interspersed: true,
        },
    )
}

/// `--format text|json` of `storage:list`, `:info`, `:list-entries`.
pub(crate) fn text_or_json(format: Option<&str>) -> Result<bool, CommandError> {
    match format.unwrap_or("text") {
        "text" => Ok(false),
        "json" => Ok(true),
        _ => Err(CommandError::fail("Invalid --format value specified")
            .hint("use --format text or --format json")),
    }
}

/// Runs one app-level `storage:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "storage:mount" => mount(ctx, args),
        "storage:unmount" => unmount(ctx, args),
        "storage:list" => list(ctx, args),
        "storage:report" => report(ctx, args),
        "storage:migrate" => migrate_cmd(ctx, args),
        "storage:ensure-directory" => ensure_directory(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

fn mount(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(
        args,
        &["volume-readonly"],
        &[
            "container-dir",
            "phase",
            "process-type",
            "volume-subpath",
            "volume-chown",
            "volume-options",
        ],
    )?;
    let app = existing_app(ctx, &flags.positional)?;
    let target = flags.positional.get(1).cloned().unwrap_or_default();
    let props = props(ctx);
    if target.contains(':') {
        storage::mount_legacy(&ctx.layout, &props, &app, &target).map_err(fail)?;
        return Ok(0);
    }
    if let Some(chown) = flags.value("volume-chown") {
        storage::resolve_chown(chown).map_err(|e| {
            fail(e).hint("use herokuish, heroku, paketo, root, false or a uid up to 65535")
        })?;
    }
    let request = MountRequest {
        entry: target.clone(),
        container_dir: flags.value("container-dir").unwrap_or_default().into(),
        phases: flags.values("phase"),
        process_type: flags.value("process-type").unwrap_or_default().into(),
        subpath: flags.value("volume-subpath").unwrap_or_default().into(),
        readonly: flags.has("volume-readonly"),
        volume_options: flags.value("volume-options").unwrap_or_default().into(),
        volume_chown: flags.value("volume-chown").unwrap_or_default().into(),
    };
    let created = storage::mount_named(&ctx.layout, &props, &app, &request).map_err(fail)?;
    let dir = &request.container_dir;
    log(
        ctx,
        Level::Info1,
        &if created {
            format!("Storage entry {target} mounted at {dir} on {app}")
        } else {
            format!("Storage entry {target} mount at {dir} on {app} updated")
        },
    );
    Ok(0)
}

fn unmount(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(args, &[], &["container-dir"])?;
    let app = existing_app(ctx, &flags.positional)?;
    let target = flags.positional.get(1).cloned().unwrap_or_default();
    let props = props(ctx);
    if target.contains(':') {
        storage::unmount_legacy(&props, &app, &target).map_err(fail)?;
    } else {
        let dir = flags.value("container-dir").unwrap_or_default();
        storage::unmount(&props, &app, &target, dir).map_err(fail)?;
    }
    Ok(0)
}

fn list(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(args, &[], &["format"])?;
    let app = existing_app(ctx, &flags.positional)?;
    let json = text_or_json(flags.value("format"))?;
    let mounts = storage::mounts(&ctx.layout, &props(ctx), &app, "deploy")
        .map_err(|e| CommandError::fail(e.to_string()))?;
    if json {
        let rows: Vec<serde_json::Value> = mounts.iter().map(storage::Mount::json).collect();
        output::println(&serde_json::Value::Array(rows).to_string());
        return Ok(0);
    }
    log(
        ctx,
        Level::Info1Quiet,
        &format!("{app} volume bind-mounts:"),
    );
    for m in mounts {
        if ctx.plugin_quiet() {
            output::println(&m.spec());
        } else {
            log(ctx, Level::Verbose, &m.spec());
        }
    }
    Ok(0)
}

fn report(ctx: &Context, args: &[String]) -> CmdResult {
    if args.iter().any(|a| a == "--global") {
        return crate::entries::report_global(ctx, args);
    }
    let props = props(ctx);
    run_report(ctx, storage::PLUGIN, args, |app| {
        let mut report = Report::new(storage::PLUGIN, app);
        for phase in ["build", "deploy", "run"] {
            report.flag(
                &format!("--storage-{phase}-mounts"),
                storage::display(&ctx.layout, &props, app, phase),
            );
        }
        let attachments = storage::attachments(&props, app).unwrap_or_else(|e| {
            log(
                ctx,
                Level::Warn,
                &format!("Unable to load storage attachments for \"{app}\": {e}"),
            );
            Vec::new()
        });
        let mut index = 0;
        for a in &attachments {
            let entry = match entry::load(&ctx.layout, &a.entry_name) {
                Ok(entry) => entry,
                Err(e) => {
                    log(
                        ctx,
                        Level::Warn,
                        &format!(
                            "Skipping attachment on \"{app}\": missing entry \"{}\" ({e})",
                            a.entry_name
                        ),
                    );
                    continue;
                }
            };
            index += 1;
            let host = if entry.host_path.is_empty() {
                entry.name.clone()
            } else {
                entry.host_path.clone()
            };
            for (key, value) in [
                ("entry-name", a.entry_name.clone()),
                ("host-path", host),
                ("container-path", a.container_path.clone()),
                ("phases", a.phases.join(",")),
                ("process-type", a.process_type.clone()),
                ("subpath", a.subpath.clone()),
                ("readonly", a.readonly.to_string()),
                ("volume-options", a.volume_options.clone()),
                ("volume-chown", a.volume_chown.clone()),
            ] {
                report.flag(&format!("--storage-attachment.{index}.{key}"), value);
            }
        }
        Ok(report)
    })
}

fn migrate_cmd(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(args, &["all"], &[])?;
    let all = flags.has("all");
    let named = flags.positional.first();
    let props = props(ctx);
    match (all, named) {
        (true, Some(_)) => Err(CommandError::fail(
            "storage:migrate accepts either an app name or --all, not both",
        )),
        (false, None) => Err(
            CommandError::fail("storage:migrate requires an app name (or --all)")
                .hint("dokku storage:migrate <app>, or dokku storage:migrate --all"),
        ),
        (true, None) => {
            let apps = dokku_core::app::list(&ctx.layout.dokku_root)
                .map_err(|e| CommandError::fail(e.to_string()))?;
            for app in &apps {
                migrate::migrate_app(&ctx.layout, &props, app).map_err(|e| {
                    CommandError::fail(format!("storage migration failed for app \"{app}\": {e}"))
                })?;
            }
            log(
                ctx,
                Level::Info1,
                &format!("Re-migrated {} app(s)", apps.len()),
            );
            Ok(0)
        }
        (false, Some(_)) => {
            let app = existing_app(ctx, &flags.positional)?;
            migrate::migrate_app(&ctx.layout, &props, &app).map_err(|e| {
                CommandError::fail(format!("storage migration failed for app \"{app}\": {e}"))
            })?;
            log(ctx, Level::Info1, &format!("Re-migrated {app}"));
            Ok(0)
        }
    }
}

fn ensure_directory(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = flags(args, &[], &["chown"])?;
    log(
        ctx,
        Level::Warn,
        "Deprecated: please use 'storage:create' instead of 'storage:ensure-directory'",
    );
    let name = flags.positional.first().cloned().unwrap_or_default();
    // Everything is checked before anything is made.
    storage::validate_directory_name(&name).map_err(fail)?;
    let chown =
        storage::resolve_chown(flags.value("chown").unwrap_or("herokuish")).map_err(|e| {
            fail(e).hint("use herokuish, heroku, paketo, root, false or a uid up to 65535")
        })?;
    let dir = entry::storage_dir(&ctx.layout).join(&name);
    log(
        ctx,
        Level::Info1,
        &format!("Ensuring {} exists", dir.display()),
    );
    storage::ensure_directory(&ctx.layout, &name).map_err(fail)?;
    hand_to_system_user(ctx, &dir);
    if let Some(id) = chown {
        log(
            ctx,
            Level::VerboseQuiet,
            &format!("Setting directory ownership to {id}:{id}"),
        );
        storage::run_helper(&ctx.layout, "chown-storage-dir", &name, &[&id.to_string()])
            .map_err(|e| CommandError::fail(format!("Unable to set directory ownership: {e}")))?;
    }
    log(ctx, Level::VerboseQuiet, "Directory ready for mounting");
    Ok(0)
}

/// Run as root, `storage:ensure-directory` made the folder (and maybe
/// `data/storage`) as root: hand both to the dokku user, who would have made them
/// in Dokku, so later commands run as that user can use them.
fn hand_to_system_user(ctx: &Context, dir: &std::path::Path) {
    use dokku_core::{env, ownership};
    if ownership::effective_uid() != Some(0) {
        return;
    }
    let user = ctx.var(env::DOKKU_SYSTEM_USER).unwrap_or("dokku");
    let group = ctx.var(env::DOKKU_SYSTEM_GROUP).unwrap_or(user);
    let Some(ids) = ownership::resolve(user, group) else {
        return;
    };
    for path in [dir.parent(), Some(dir)].into_iter().flatten() {
        // lchown: a link planted in place of the folder is changed, never followed.
        let _ = std::os::unix::fs::lchown(path, Some(ids.uid), Some(ids.gid));
    }
}
