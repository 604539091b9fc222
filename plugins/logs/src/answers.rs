//! The `logs` triggers other plugins fire, as in Dokku: `logs-get-property`, and
//! `docker-args-process-deploy` (the app's `--log-opt=max-size`).

use std::io::Write;

use dokku_core::deploy::DeployError;
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, trigger_status, Context};

/// `logs-get-property APP max-size`: the app's value, else the global one, else
/// Dokku's default `10m`; any other key is refused.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    if trigger == "docker-args-process-deploy" {
        return Ok(max_size_arg(ctx, arg(args, 0), stdout));
    }
    if arg(args, 1) != "max-size" {
        return trigger_status(
            ctx,
            Err(DeployError::fail("Invalid logs property specified")),
        );
    }
    let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
    let _ = writeln!(
        stdout,
        "{}",
        dokku_core::scheduler::log_max_size(&props, arg(args, 0))
    );
    Ok(0)
}

/// `docker-args-process-deploy APP ...`: ` --log-opt=max-size=SIZE ` unless the size is
/// `unlimited` or the log driver in force (the app's `--log-driver` deploy option,
/// else the daemon's) takes none.
fn max_size_arg(ctx: &Context, app: &str, stdout: &mut dyn Write) -> i32 {
    let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
    let options = dokku_core::docker_options::options(
        &props,
        app,
        None,
        dokku_core::docker_options::Phase::Deploy,
    )
    .unwrap_or_default();
    let daemon = || dokku_core::scheduler::daemon_log_driver(ctx.docker());
    if let Some(opt) = dokku_core::logs::max_size_arg(&props, app, &options, &daemon) {
        let _ = write!(stdout, " {opt} ");
    }
    0
}
