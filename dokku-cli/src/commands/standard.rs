//! The `00_dokku-standard` core plugin: `deploy`, `cleanup`, `report`, `url(s)`, and
//! the `release-and-deploy` / `deploy` triggers that hand a built image to the
//! scheduler.

use std::io::Write;

use dokku_core::deploy;
use dokku_core::log::Level;
use dokku_core::trigger::TriggerError;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{arg, cli_error, existing_app, trigger_status};

/// Runs one command of the plugin (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "deploy" => {
            let app = existing_app(ctx, args)?;
            let tag = args
                .get(1)
                .map(String::as_str)
                .filter(|t| !t.is_empty())
                .unwrap_or("latest");
            deploy::deploy(&&*ctx, &app, tag, None).map_err(cli_error)?;
            Ok(0)
        }
        "url" | "urls" => {
            let app = existing_app(ctx, args)?;
            let host = &*ctx;
            // `domains-urls APP url|urls` (the domains plugin) knows the main URL.
            let shown: Vec<String> = if ctx.trigger_exists("domains-urls", &["20_events"]) {
                use dokku_core::deploy::Host;
                host.fire_capture("domains-urls", &[&app, command])
                    .map_err(cli_error)?
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            } else {
                let urls = deploy::app_urls(&host, &app).map_err(cli_error)?;
                let take = if command == "url" { 1 } else { usize::MAX };
                urls.into_iter().take(take).collect()
            };
            for u in shown {
                dokku_host::output::println(&u);
            }
            Ok(0)
        }
        "cleanup" => {
            // `dokku cleanup [APP|--global]`: no app is `--global`. Dokku's bash helper
            // never forwards its force flag, so `skip-cleanup` is honoured here.
            let app = match args.first().filter(|a| !a.starts_with("--")) {
                Some(_) => Some(existing_app(ctx, args)?),
                None => None,
            };
            let host = &*ctx;
            if app.is_none() {
                // What killed `apps:create` / `apps:rename` runs left (ours).
                dokku_core::app::lifecycle::repair_all(&host).map_err(cli_error)?;
            }
            deploy::docker_cleanup(&host, app.as_deref(), false);
            Ok(0)
        }
        "report" => report(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// `dokku report [APP|--all]`: the host's vitals, then `report APP` fired for the app
/// (or every app), which prints each plugin's report. A named app must exist (exit 20
/// before anything is printed); `--format` is refused, as in Dokku.
fn report(ctx: &Context, args: &[String]) -> CmdResult {
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
    let version = crate::commands::version::installed_version(ctx).unwrap_or_default();
    info(&format!("dokku version: dokku version {version}"));
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

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = &*ctx;
    match trigger {
        "release-and-deploy" => {
            let tag = args.get(1).map(String::as_str);
            trigger_status(ctx, deploy::release_and_deploy(&host, arg(args, 0), tag))
        }
        "core-post-deploy" => {
            // Dokku's common plugin marks the app deployed here (`is_deployed`).
            let props = dokku_core::property::PropertyStore::new(&ctx.layout.lib_root);
            trigger_status(
                ctx,
                props
                    .write("common", arg(args, 0), "deployed", "true")
                    .map_err(Into::into),
            )
        }
        "deploy" => {
            let tag = args
                .get(1)
                .map(String::as_str)
                .filter(|t| !t.is_empty())
                .unwrap_or("latest");
            let proc_type = args.get(2).map(String::as_str).filter(|p| !p.is_empty());
            trigger_status(ctx, deploy::deploy(&host, arg(args, 0), tag, proc_type))
        }
        _ => Ok(0),
    }
}
