//! The `certs` triggers other plugins ask, as in Dokku: `certs-get`, `certs-set` and
//! `certs-remove`.

use std::io::Write;
use std::path::Path;

use dokku_core::certs::{self, CertPair};
use dokku_core::deploy::DeployError;
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, trigger_status, Context};

/// The plugin's answers to other plugins.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    let app = arg(args, 0);
    match trigger {
        // APP crt|key: the file's content, when the app has a certificate.
        "certs-get" => {
            let file = match arg(args, 1) {
                "crt" => "server.crt",
                "key" => "server.key",
                _ => return Ok(1),
            };
            if dokku_core::app::verify(&ctx.layout.dokku_root, app).is_err()
                || !certs::is_enabled(&ctx.layout, app)
            {
                return Ok(1);
            }
            match std::fs::read(certs::tls_dir(&ctx.layout, app).join(file)) {
                Ok(bytes) => {
                    let _ = stdout.write_all(&bytes);
                    Ok(0)
                }
                Err(_) => Ok(1),
            }
        }
        // APP CRT_FILE KEY_FILE: `certs:add APP CRT_FILE KEY_FILE`.
        "certs-set" => {
            let result = existing(ctx, app).and_then(|()| {
                let pair = CertPair::from_files(Path::new(arg(args, 1)), Path::new(arg(args, 2)))
                    .map_err(|e| DeployError::fail(e.to_string()))?;
                certs::add(&host, app, &pair)
            });
            trigger_status(ctx, result)
        }
        // APP: `certs:remove APP`.
        "certs-remove" => trigger_status(
            ctx,
            existing(ctx, app).and_then(|()| certs::remove(&host, app)),
        ),
        _ => Ok(0),
    }
}

fn existing(ctx: &Context, app: &str) -> Result<(), DeployError> {
    dokku_core::app::verify(&ctx.layout.dokku_root, app)
        .map(|_| ())
        .map_err(|e| DeployError::fail(e.to_string()))
}
