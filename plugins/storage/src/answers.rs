//! The storage plugin's triggers:
//!
//! | trigger | args | does |
//! |---|---|---|
//! | `install` | | folders, the legacy `-v` migration, the registry handed to the system user, `/etc/sudoers.d/dokku-storage` |
//! | `post-delete` | `APP` | drops the app's attachments (entries are global and stay) |
//! | `post-app-clone-setup` | `OLD NEW` | copies the attachments |
//! | `post-app-rename-setup` | `OLD NEW` | copies them (the old ones go with the old app's `post-delete`) |
//! | `storage-app-mounts` | `APP [PHASE]` | `[{"entry": ..., "attachment": ...}]` for PHASE (default deploy) |
//! | `storage-list` | `APP [PHASE] [FORMAT]` | deprecated: `host:container[:options]` lines or JSON rows |
//!
//! Mounts reach containers without a trigger: the scheduler, `dokku run` and the
//! app.json tasks ask `dokku_core::storage::docker_args` directly, where Dokku's
//! storage plugin answers `docker-args-deploy` and `docker-args-run`.

use std::io::Write;

use dokku_core::deploy::DeployError;
use dokku_core::log::Level;
use dokku_core::ownership;
use dokku_core::storage::{self, entry};
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, log, trigger_status, Context};

use crate::commands::props;

/// Where the install trigger writes the sudoers rule for the storage helpers.
const SUDOERS_FILE: &str = "/etc/sudoers.d/dokku-storage";

/// Runs the storage plugin's handler for `trigger`.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = props(ctx);
    let fail = |e: String| trigger_status(ctx, Err(DeployError::fail(e)));
    match trigger {
        "install" => {
            if let Err(e) = install(ctx) {
                return fail(e);
            }
        }
        "post-delete" if !arg(args, 0).is_empty() => {
            if let Err(e) = props.destroy(storage::PLUGIN, arg(args, 0)) {
                return fail(e.to_string());
            }
        }
        "post-app-clone-setup" | "post-app-rename-setup" => {
            let (old, new) = (arg(args, 0), arg(args, 1));
            if old.is_empty() || new.is_empty() {
                return Ok(0);
            }
            // A rename copies too: the old ones go with the old app (`post-delete`)
            // once the rename has switched names, so a killed rename leaves it whole.
            if let Err(e) = props.clone_app(storage::PLUGIN, old, new) {
                return fail(e.to_string());
            }
        }
        "storage-app-mounts" => {
            let phase = Some(arg(args, 1))
                .filter(|p| !p.is_empty())
                .unwrap_or("deploy");
            let attachments = match storage::attachments_for_phase(&props, arg(args, 0), phase) {
                Ok(list) => list,
                Err(e) => return fail(e.to_string()),
            };
            let mut pairs = Vec::new();
            for a in attachments {
                match entry::load(&ctx.layout, &a.entry_name) {
                    Ok(e) => pairs.push(serde_json::json!({"entry": e, "attachment": a})),
                    Err(e) => {
                        return fail(format!(
                            "attachment on \"{}\" references missing entry \"{}\": {e}",
                            arg(args, 0),
                            a.entry_name
                        ))
                    }
                }
            }
            let _ = writeln!(stdout, "{}", serde_json::Value::Array(pairs));
        }
        "storage-list" => {
            log(
                ctx,
                Level::Warn,
                "Deprecated: please use the 'storage-app-mounts' plugn trigger or the storage Go package directly instead of 'storage-list'",
            );
            let phase = Some(arg(args, 1))
                .filter(|p| !p.is_empty())
                .unwrap_or("deploy");
            let mounts = match storage::mounts(&ctx.layout, &props, arg(args, 0), phase) {
                Ok(mounts) => mounts,
                Err(e) => return fail(e.to_string()),
            };
            if arg(args, 2) == "json" {
                let rows: Vec<serde_json::Value> =
                    mounts.iter().map(storage::Mount::json).collect();
                let _ = writeln!(stdout, "{}", serde_json::Value::Array(rows));
            } else {
                for m in &mounts {
                    let _ = writeln!(stdout, "{}", m.spec());
                }
            }
        }
        _ => {}
    }
    Ok(0)
}

/// The install trigger: folders and migration (`storage::install`); run as root (as
/// `plugin:install` runs it), the registry goes to the system user, who writes it
/// later, and the sudoers rule for the helpers is written when this is the system
/// install and `/etc/sudoers.d` exists.
fn install(ctx: &Context) -> Result<(), String> {
    let apps = dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default();
    let moved = storage::install(&ctx.layout, &props(ctx), &apps)
        .map_err(|e| format!("storage migration failed: {e}"))?;
    if moved > 0 {
        log(
            ctx,
            Level::Info1,
            &format!("Migrated {moved} legacy storage mount(s) to storage entries"),
        );
    }
    if ownership::effective_uid() != Some(0) {
        return Ok(());
    }
    let user = ctx
        .var(dokku_core::env::DOKKU_SYSTEM_USER)
        .unwrap_or("dokku");
    let group = ctx.var(dokku_core::env::DOKKU_SYSTEM_GROUP).unwrap_or(user);
    if let Some(ids) = ownership::resolve(user, group).filter(|ids| ids.uid != 0) {
        let targets = [
            ownership::Target {
                path: entry::registry_dir(&ctx.layout),
                depth: usize::MAX,
            },
            ownership::Target {
                path: entry::storage_dir(&ctx.layout),
                depth: 0,
            },
        ];
        ownership::hand_over(&targets, 0, ids, &mut |path, ids| {
            std::os::unix::fs::lchown(path, Some(ids.uid), Some(ids.gid))
        })
        .map_err(|e| format!("Unable to repair storage registry ownership: {e}"))?;
    }
    // The file name is machine-wide: only the system install writes it. A --prefix
    // install run as root (the it tier in CI) once replaced the system's rule with
    // its own temp paths, and the system install's storage:create then failed.
    let sudoers = std::path::Path::new(SUDOERS_FILE);
    if ctx.layout.is_system() && sudoers.parent().is_some_and(std::path::Path::is_dir) {
        storage::write_sudoers(&ctx.layout, sudoers)
            .map_err(|e| format!("Unable to write sudoers file: {e}"))?;
    }
    Ok(())
}
