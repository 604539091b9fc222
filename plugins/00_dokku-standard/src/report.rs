//! `dokku report [APP|--all]`: the host's vitals for troubleshooting, then every
//! plugin's report of the app(s).

use dokku_core::log::Level;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::existing_app;

/// `dokku report [APP|--all]`: the host's vitals, then `report APP` fired for the app
/// (or every app), which prints each plugin's report. A named app must exist (exit 20
/// before anything is printed); `--format` is refused, as in Dokku.
pub(crate) fn report(ctx: &Context, args: &[String]) -> CmdResult {
    let first = args.first().map(String::as_str).unwrap_or("");
    if first == "--format" || first.starts_with("--format=") {
        return Err(CommandError::fail(
            "--format flag not supported on global report",
        ));
    }
    let apps = match first {
        "" => Vec::new(),
        "--all" => {
            let apps = dokku_core::app::list(&ctx.layout.dokku_root)
                .map_err(|e| CommandError::fail(e.to_string()))?;
            if apps.is_empty() {
                return Err(dokku_core::app::AppError::NoApps.into());
            }
            apps
        }
        _ => vec![existing_app(ctx, args)?],
    };
    let docker = ctx.var(dokku_core::env::DOCKER_BIN).unwrap_or("docker");
    let info = |msg: &str| ctx.log(Level::Info1, msg);
    let indented = |text: &str| {
        for line in text.lines() {
            dokku_host::output::println(&format!("       {line}"));
        }
    };
    info(&format!(
        "uname: {}",
        vital(ctx, "uname", &["-a"]).trim_end()
    ));
    info("memory: ");
    indented(&vital(ctx, "free", &["-m"]));
    info("docker version: ");
    indented(&vital(ctx, docker, &["version"]));
    info("docker daemon info: ");
    indented(&vital(ctx, docker, &["-D", "system", "info"]));
    info(&format!(
        "git version: {}",
        vital(ctx, "git", &["--version"]).trim_end()
    ));
    info(&format!(
        "sigil version: {}",
        vital(ctx, "sigil", &["-v"]).trim_end()
    ));
    info("herokuish version: ");
    let image = ctx
        .var(dokku_core::env::DOKKU_IMAGE)
        .unwrap_or("gliderlabs/herokuish");
    // Nothing is ever pulled: the probe runs only when the image is already here.
    if run_quiet(ctx, docker, &["image", "inspect", image]) {
        let mut probe: Vec<&str> = vec!["container", "run"];
        let run_args = ctx
            .var(dokku_core::env::DOKKU_GLOBAL_RUN_ARGS)
            .unwrap_or("");
        probe.extend(run_args.split_whitespace());
        probe.extend(["--rm", image, "herokuish", "version"]);
        indented(&vital(ctx, docker, &probe));
    } else {
        indented(&format!("image {image} not present"));
    }
    let version = ctx.installed_version().unwrap_or_default();
    info(&format!(
        "dokku version: {}",
        ctx.version_line().unwrap_or_default()
    ));
    info(&format!("plugn version: plugn: {version}"));
    info("dokku plugins: ");
    let plugins: Vec<String> = dokku_core::plugin::manage::list(&ctx.layout)
        .iter()
        .map(dokku_core::plugin::manage::list_line)
        .collect();
    indented(&plugins.join("\n"));
    for app in apps {
        let status = ctx
            .fire("report", &[app], dokku_core::trigger::StdoutMode::Inherit)?
            .status;
        if status != 0 {
            return Err(CommandError::silent(status));
        }
    }
    Ok(0)
}

/// The stdout of `program ARGS`; when it cannot run, its error goes to stderr (as
/// bash would print it) and the value is empty.
fn vital(ctx: &Context, program: &str, args: &[&str]) -> String {
    let cmd = dokku_core::process::Cmd::new(program)
        .env_clear()
        .envs(ctx.env.iter())
        .args(args);
    match cmd.output() {
        Ok(out) => {
            dokku_host::output::write(
                dokku_core::log::Stream::Stderr,
                &String::from_utf8_lossy(&out.stderr),
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
        Err(e) => {
            dokku_host::output::write(dokku_core::log::Stream::Stderr, &format!("{e}\n"));
            String::new()
        }
    }
}

fn run_quiet(ctx: &Context, program: &str, args: &[&str]) -> bool {
    dokku_core::process::Cmd::new(program)
        .env_clear()
        .envs(ctx.env.iter())
        .args(args)
        .read()
        .is_ok()
}
