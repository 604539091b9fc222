//! The `git` plugin's trigger handlers: `post-create` (the bare repository),
//! `receive-app`, `deploy-source-set` and `post-delete`.

use std::io::Write;

use dokku_core::git;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::TriggerError;

use dokku_host::context::Context;
use dokku_host::pipeline::{arg, trigger_status};

/// The `git` plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    match trigger {
        "post-create" => trigger_status(ctx, git::create_repo(&host, arg(args, 0))),
        "receive-app" => {
            let rev = args.get(1).map(String::as_str).filter(|r| !r.is_empty());
            trigger_status(ctx, git::receive_app(&host, arg(args, 0), rev))
        }
        "deploy-source-set" => {
            if arg(args, 1) != "docker-image" {
                let props = PropertyStore::new(&ctx.layout.lib_root);
                let _ = props.delete(git::PLUGIN, arg(args, 0), "source-image");
            }
            Ok(0)
        }
        "post-delete" => {
            git::destroy(&PropertyStore::new(&ctx.layout.lib_root), arg(args, 0));
            Ok(0)
        }
        _ => Ok(0),
    }
}
