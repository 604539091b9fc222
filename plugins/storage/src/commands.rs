//! The `storage:*` commands: `storage:mount`, `storage:unmount`, `storage:list`,
//! `storage:ensure-directory` (the legacy `HOST:CONTAINER` forms).

use dokku_core::log::Level;
use dokku_core::property::PropertyStore;
use dokku_core::storage;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_host::pipeline::existing_app;

/// Runs one `storage:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let fail = |e: storage::StorageError| CommandError::fail(e.to_string());
    match command {
        "storage:mount" | "storage:unmount" => {
            let app = existing_app(ctx, args)?;
            let spec = args.get(1).map(String::as_str).unwrap_or("");
            if command == "storage:mount" {
                storage::mount_legacy(&ctx.layout, &props, &app, spec).map_err(fail)?;
            } else {
                storage::unmount_legacy(&props, &app, spec).map_err(fail)?;
            }
            Ok(0)
        }
        "storage:list" => {
            let app = existing_app(ctx, args)?;
            let json = args
                .windows(2)
                .any(|w| w[0] == "--format" && w[1] == "json")
                || args.iter().any(|a| a == "--format=json");
            let mounts = storage::list(&ctx.layout, &props, &app)
                .map_err(|e| CommandError::fail(e.to_string()))?;
            if json {
                let rows: Vec<serde_json::Value> = mounts
                    .iter()
                    .map(|m| {
                        let mut parts = m.splitn(3, ':');
                        let host = parts.next().unwrap_or_default();
                        let container = parts.next().unwrap_or_default();
                        let mut row =
                            serde_json::json!({"host_path": host, "container_path": container});
                        if let Some(opts) = parts.next() {
                            row["volume_options"] = opts.into();
                        }
                        row
                    })
                    .collect();
                output::println(&serde_json::Value::Array(rows).to_string());
                return Ok(0);
            }
            ctx.log(Level::Info1Quiet, &format!("{app} volume bind-mounts:"));
            for m in mounts {
                output::println(&format!("       {m}"));
            }
            Ok(0)
        }
        "storage:ensure-directory" => {
            let mut chown = "herokuish".to_string();
            let mut name = None;
            let mut iter = args.iter();
            while let Some(a) = iter.next() {
                if a == "--chown" {
                    chown = iter.next().cloned().unwrap_or_default();
                } else if let Some(c) = a.strip_prefix("--chown=") {
                    chown = c.to_string();
                } else {
                    name = Some(a.clone());
                }
            }
            let name = name.ok_or_else(|| {
                CommandError::fail("Please specify a name for the storage directory")
            })?;
            // Everything is checked before anything is made.
            if chown != "false" && storage::chown_ids(&chown).is_none() {
                return Err(
                    CommandError::fail(format!("Unsupported chown permissions: {chown}"))
                        .hint("use herokuish, heroku, paketo, root, false or a numeric uid"),
                );
            }
            let id = storage::chown_ids(&chown);
            if let Some(id) = id.filter(|id| !storage::chown_id_allowed(*id)) {
                return Err(
                    CommandError::fail(format!("Unsupported chown permissions: {id}"))
                        .hint("use 0-65535, or 165536-231071 for user-namespace offsets"),
                );
            }
            let dir = storage::ensure_directory(&ctx.layout, &name).map_err(fail)?;
            ctx.log(Level::Info1, &format!("Ensuring {} exists", dir.display()));
            hand_to_system_user(ctx, &dir);
            if let Some(id) = id {
                ctx.log(
                    Level::Verbose,
                    &format!("Setting directory ownership to {id}:{id}"),
                );
                std::os::unix::fs::chown(&dir, Some(id), Some(id)).map_err(|e| {
                    CommandError::fail(format!("cannot chown {}: {e}", dir.display())).hint(
                        "run it as root on the host (it keeps root's rights there), or pass --chown false",
                    )
                })?;
            }
            ctx.log(Level::Verbose, "Directory ready for mounting");
            Ok(0)
        }
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
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
