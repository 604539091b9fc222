//! The `storage` trigger other plugins ask, as in Dokku: `storage-list` (deprecated
//! there in favour of `storage-app-mounts`, and still answered).

use std::io::Write;

use dokku_core::deploy::DeployError;
use dokku_core::log::Level;
use dokku_core::storage;
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, trigger_status, Context};

/// `storage-list APP [PHASE] [FORMAT]`: the app's mounts for PHASE (default
/// `deploy`), as `host:container[:options]` lines or, with `json`, Dokku's list of
/// `{host_path, container_path, ...}` objects.
pub(crate) fn trigger(
    ctx: &Context,
    _trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    ctx.log(
        Level::Warn,
        "Deprecated: please use the 'storage-app-mounts' plugn trigger or the storage Go package directly instead of 'storage-list'",
    );
    let phase = Some(arg(args, 1))
        .filter(|p| !p.is_empty())
        .unwrap_or("deploy");
    let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
    let mounts = match storage::mounts(&ctx.layout, &props, arg(args, 0), phase) {
        Ok(mounts) => mounts,
        Err(e) => return trigger_status(ctx, Err(DeployError::fail(e.to_string()))),
    };
    if arg(args, 2) == "json" {
        let rows: Vec<serde_json::Value> = mounts.iter().map(storage::Mount::json).collect();
        let _ = writeln!(stdout, "{}", serde_json::Value::Array(rows));
    } else {
        for m in &mounts {
            let _ = writeln!(stdout, "{}", m.spec());
        }
    }
    Ok(0)
}
