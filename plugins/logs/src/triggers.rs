//! The `logs` plugin's app life-cycle triggers: its properties and `vector.json`
//! follow apps as they are created, cloned, renamed and destroyed.

use std::io::Write;

use dokku_core::log::Level;
use dokku_core::logs::{self, PLUGIN};
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::arg;
use dokku_plugin_common::log;

/// The `logs` plugin's life-cycle trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let (a, b) = (arg(args, 0), arg(args, 1));
    match trigger {
        "install" => {
            let _ = props.setup(PLUGIN);
            let _ = std::fs::create_dir_all(ctx.layout.plugin_data_dir(PLUGIN));
            let _ = std::fs::create_dir_all(ctx.layout.logs_dir.join("apps"));
        }
        // OLD NEW: NEW has OLD's properties (every plugin's are cloned), so it gets a
        // source of its own; NEW is still being set up, so it is named.
        "post-app-clone-setup" => regenerate(ctx, &props, &[b], &[]),
        // OLD NEW: OLD drops out as soon as NEW carries its settings.
        "post-app-rename-setup" | "post-app-rename" => regenerate(ctx, &props, &[b], &[a]),
        // APP: its properties go first, so it drops out although its directory is
        // removed later.
        "post-delete" => {
            if dokku_core::app::AppName::parse_existing(a).is_ok() {
                let _ = props.destroy(PLUGIN, a);
            }
            regenerate(ctx, &props, &[], &[a]);
        }
        _ => {}
    }
    Ok(0)
}

/// Rewrites `vector.json`; a failure is a warning, never the app operation's end.
fn regenerate(ctx: &Context, props: &PropertyStore, extra: &[&str], gone: &[&str]) {
    let extra: Vec<&str> = extra
        .iter()
        .copied()
        .filter(|a| dokku_core::app::AppName::parse_existing(a).is_ok())
        .collect();
    if let Err(e) = logs::write_vector_config(&ctx.layout, props, &extra, gone) {
        log(
            ctx,
            Level::Warn,
            &format!("Unable to write updated vector config: {e}"),
        );
    }
}
