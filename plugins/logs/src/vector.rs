//! `logs:vector-start`, `logs:vector-stop`, `logs:vector-logs`: the vector container
//! that ships app logs to the sinks of `vector.json`.

use dokku_core::log::Level;
use dokku_core::logs::{self, VectorMounts, VECTOR_CONTAINER};
use dokku_core::property::PropertyStore;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_plugin_common::flags::{parse_flags, FlagSpec};
use dokku_plugin_common::log;

fn fail(e: impl ToString) -> CommandError {
    CommandError::fail(e.to_string())
}

/// `logs:vector-start [--vector-image IMAGE]`.
pub(crate) fn start(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools: &[],
            values: &["vector-image"],
            interspersed: true,
        },
    )?;
    let props = PropertyStore::new(&ctx.layout.lib_root);
    log(ctx, Level::Info2, "Starting vector container");
    log(ctx, Level::Verbose, "Ensuring vector configuration exists");
    logs::write_vector_config(&ctx.layout, &props, &[], &[]).map_err(fail)?;
    let image = flags
        .value("vector-image")
        .filter(|i| !i.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| logs::computed_vector_image(&props));
    let host_path = |key: &str, default: &std::path::Path| {
        ctx.var(key)
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| default.to_path_buf())
    };
    let mounts = VectorMounts {
        lib_root: host_path(dokku_core::env::DOKKU_LIB_HOST_ROOT, &ctx.layout.lib_root),
        logs_dir: host_path(dokku_core::env::DOKKU_LOGS_HOST_DIR, &ctx.layout.logs_dir),
    };
    log(ctx, Level::Verbose, "Starting vector container");
    logs::vector_start(ctx.docker(), &props, &mounts, &image).map_err(|e| {
        fail(e).hint("set another image with: dokku logs:set --global vector-image IMAGE")
    })?;
    log(ctx, Level::Verbose, "Vector container is running");
    Ok(0)
}

/// `logs:vector-stop`.
pub(crate) fn stop(ctx: &Context) -> CmdResult {
    log(
        ctx,
        Level::Info2Quiet,
        "Stopping and removing vector container",
    );
    logs::vector_stop(ctx.docker());
    Ok(0)
}

/// `logs:vector-logs [--num N] [--tail]`.
pub(crate) fn logs_cmd(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools: &["tail"],
            values: &["num"],
            interspersed: true,
        },
    )?;
    let num: u32 = match flags.value("num") {
        None => 100,
        Some(n) => n
            .parse()
            .map_err(|_| fail(format!("Invalid number of lines: {n}")))?,
    };
    let Some(info) = ctx.docker().container_inspect(VECTOR_CONTAINER) else {
        return Err(
            fail("Vector container does not exist").hint("start it with: dokku logs:vector-start")
        );
    };
    if !info.running {
        log(ctx, Level::Warn, "Vector container is not running");
    }
    log(ctx, Level::Info1Quiet, "Vector container logs");
    if flags.has("tail") {
        let call = dokku_core::docker::Call::new([
            "container".to_string(),
            "logs".into(),
            "--follow".into(),
            "--tail".into(),
            num.to_string(),
            VECTOR_CONTAINER.into(),
        ])
        .streamed();
        ctx.docker().run(&call).map_err(fail)?;
    } else {
        let out = ctx.docker().container_logs(VECTOR_CONTAINER, Some(num));
        for line in out.lines() {
            output::println(&format!("       {line}"));
        }
    }
    Ok(0)
}
