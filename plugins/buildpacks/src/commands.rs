//! The `buildpacks:*` commands.

use dokku_core::buildpacks::{self, BuildpacksError, PLUGIN, PROPERTIES};
use dokku_core::log::Level;
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::trigger::StdoutMode;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{cli_error, existing_app};
use dokku_plugin_common::flags::{parse_flags, FlagSpec, Flags};
use dokku_plugin_common::help::installed_plugin_help;
use dokku_plugin_common::report::run_report;
use dokku_plugin_common::{log, properties};

/// Runs one `buildpacks` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let ctx = &*ctx;
    let props = PropertyStore::new(&ctx.layout.lib_root);
    match command {
        "buildpacks" => installed_plugin_help(ctx, PLUGIN),
        "buildpacks:add" => {
            let (flags, app) = parse(ctx, args, &["index"], &[])?;
            let buildpack = flags.positional.get(1).map(String::as_str).unwrap_or("");
            buildpacks::add(&props, &app, buildpack, index(&flags)?).map_err(fail)?;
            Ok(0)
        }
        "buildpacks:clear" => {
            let (_, app) = parse(ctx, args, &[], &[])?;
            buildpacks::clear(&props, &app).map_err(fail)?;
            Ok(0)
        }
        "buildpacks:detect" => {
            let (flags, app) = parse(ctx, args, &["branch"], &[])?;
            let branch = match flags.value("branch").filter(|b| !b.is_empty()) {
                Some(b) => b.to_string(),
                None => dokku_core::git::deploy_branch(&props, &app).0,
            };
            let found = buildpacks::detect(ctx, &app, &branch).map_err(cli_error)?;
            log(ctx, Level::Verbose, found.trim_end());
            Ok(0)
        }
        "buildpacks:list" => {
            let (_, app) = parse(ctx, args, &[], &[])?;
            let urls = buildpacks::list(&props, &app).map_err(fail)?;
            log(ctx, Level::Info1Quiet, &format!("{app} buildpack urls"));
            for url in urls {
                log(ctx, Level::Verbose, &url);
            }
            Ok(0)
        }
        "buildpacks:remove" => {
            let (flags, app) = parse(ctx, args, &["index"], &[])?;
            let buildpack = flags.positional.get(1).map(String::as_str).unwrap_or("");
            let index = index(&flags)?;
            // Dokku says what it removes once it knows the entry exists.
            let removed = buildpacks::remove(&props, &app, buildpack, index).map_err(fail)?;
            log(ctx, Level::Info1Quiet, &format!("Removing {removed}"));
            Ok(0)
        }
        "buildpacks:report" => {
            let default = dokku_image(ctx);
            run_report(ctx, PLUGIN, args, |app| {
                Ok(buildpacks::report(
                    &props,
                    app,
                    &default_for(ctx, app, &default),
                ))
            })
        }
        "buildpacks:set" => {
            let (flags, app) = parse(ctx, args, &["index"], &["replace"])?;
            buildpacks::set(
                &props,
                &app,
                &flags.positional[1..],
                index(&flags)?,
                flags.has("replace"),
            )
            .map_err(fail)?;
            Ok(0)
        }
        "buildpacks:set-property" => set_property(ctx, &props, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// pflag parsing of `[flags] APP ...`; the app must exist (exit 20).
fn parse(
    ctx: &Context,
    args: &[String],
    values: &[&str],
    bools: &[&str],
) -> Result<(Flags, String), CommandError> {
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools,
            values,
            interspersed: true,
        },
    )?;
    let app = existing_app(ctx, &flags.positional)?;
    Ok((flags, app))
}

/// `--index N` (1-based; 0 or absent means none).
fn index(flags: &Flags) -> Result<usize, CommandError> {
    match flags.value("index") {
        None => Ok(0),
        Some(text) => text.parse().map_err(|_| {
            CommandError::with_code(
                format!("invalid argument \"{text}\" for \"--index\" flag: not a positive number"),
                2,
            )
            .hint("--index takes the 1-based position in the app's buildpack list")
        }),
    }
}

fn fail(err: BuildpacksError) -> CommandError {
    let hint = match &err {
        BuildpacksError::Invalid(_) | BuildpacksError::Missing => {
            Some("give OWNER/NAME (a heroku-buildpack-NAME repository on GitHub) or a git URL")
        }
        _ => None,
    };
    let error = CommandError::fail(err.to_string());
    match hint {
        Some(h) => error.hint(h),
        None => error,
    }
}

/// The image herokuish builds with when no `stack` is set: `$DOKKU_IMAGE`, else the
/// default herokuish image.
fn dokku_image(ctx: &Context) -> String {
    ctx.var(dokku_core::env::DOKKU_IMAGE)
        .filter(|v| !v.is_empty())
        .unwrap_or(dokku_core::env::fixed::HEROKUISH_IMAGE)
        .to_string()
}

/// The app's `DOKKU_IMAGE` config (Dokku's deprecated way to set the stack), else
/// `default`.
fn default_for(ctx: &Context, app: &str, default: &str) -> String {
    if app == GLOBAL {
        return default.to_string();
    }
    dokku_core::deploy::app_env(&ctx.layout, app)
        .ok()
        .and_then(|env| env.get(dokku_core::env::DOKKU_IMAGE).cloned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}

/// `buildpacks:set-property [--global|APP] KEY [VALUE]`; a changed `stack` fires
/// `post-stack-set APP STACK` (for every app when global).
fn set_property(ctx: &Context, props: &PropertyStore, args: &[String]) -> CmdResult {
    let (app, rest) = properties::scoped(ctx, args)?;
    let key = rest.first().map(String::as_str).unwrap_or("");
    let value = rest.get(1..).map(|v| v.join(" ")).unwrap_or_default();
    let old = dokku_core::property::command::value(props, PLUGIN, &app, key);
    properties::set_value(ctx, PLUGIN, &app, key, &value, PROPERTIES, PROPERTIES)?;
    if key != "stack" || old == value {
        return Ok(0);
    }
    let apps = if app == GLOBAL {
        dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default()
    } else {
        vec![app]
    };
    for app in apps {
        let outcome = ctx.fire("post-stack-set", &[app, value.clone()], StdoutMode::Inherit)?;
        if outcome.status != 0 {
            return Ok(outcome.status);
        }
    }
    Ok(0)
}
