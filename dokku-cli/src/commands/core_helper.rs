//! `dokku __core <helper> ...`: the Rust side of the bash helper library.
//!
//! `common/functions` calls these so bash plugins and Rust share one implementation
//! (see docs/contracts/layout.md). Output and exit codes are those of the Dokku helper
//! each one replaces.

use dokku_core::app::{self, AppName};
use dokku_core::env;
use dokku_core::image;
use dokku_core::log::Level;
use dokku_core::trigger::StdoutMode;

use crate::context::Context;
use crate::exit::{CliError, CmdResult};
use crate::output;

/// Runs one helper; `args[0]` is its name.
pub(crate) fn run(ctx: &mut Context, args: &[String]) -> CmdResult {
    let Some((helper, rest)) = args.split_first() else {
        return Err(CliError::fail("missing helper name").hint("dokku __core <helper> [args...]"));
    };
    let arg = |i: usize| rest.get(i).map(String::as_str);
    match helper.as_str() {
        "is-valid-app-name" => {
            let (old, name) = match arg(0) {
                Some("--old") => (true, arg(1).unwrap_or("")),
                other => (false, other.unwrap_or("")),
            };
            let rule = if old { app::NameRule::Legacy } else { app::NameRule::Current };
            app_name_check(name, rule)
        }
        "verify-app-name" => {
            app::verify(&ctx.layout.dokku_root, arg(0).unwrap_or(""))?;
            Ok(0)
        }
        "apps-list" => apps_list(ctx),
        "image-repo" => {
            let app = AppName::parse_existing(arg(0).unwrap_or(""))?;
            output::println(&image::app_image_repo(app.as_str()));
            Ok(0)
        }
        "image-name" => image_name(ctx, rest),
        "running-image-tag" => {
            let app = AppName::parse_existing(arg(0).unwrap_or(""))?;
            output::println(&running_image_tag(ctx, app.as_str(), arg(1))?);
            Ok(0)
        }
        "deploying-image-name" => deploying_image_name(ctx, rest),
        "log" => {
            let level = arg(0).and_then(Level::from_name).ok_or_else(|| {
                CliError::fail(format!("unknown log level '{}'", arg(0).unwrap_or("")))
                    .hint("use info1, info2, verbose, warn, fail, exclaim or their _quiet variants")
            })?;
            ctx.log(level, &rest[1..].join(" "));
            Ok(if matches!(level, Level::Fail | Level::FailQuiet) { 1 } else { 0 })
        }
        "prop" => super::core_prop::run(ctx, rest),
        "copy-from-image" | "copy-dir-from-image" | "config" => Err(not_yet(helper)),
        other => Err(CliError::fail(format!("unknown core helper '{other}'"))
            .hint("see docs/contracts/layout.md for the helpers this dokku provides")),
    }
}

fn not_yet(helper: &str) -> CliError {
    CliError::fail(format!("{helper} is not available yet in this dokku"))
}

fn app_name_check(name: &str, rule: app::NameRule) -> CmdResult {
    app::name::check(name, rule)?;
    Ok(0)
}

fn apps_list(ctx: &Context) -> CmdResult {
    let apps = app::list(&ctx.layout.dokku_root).map_err(|e| CliError::fail(e.to_string()))?;
    if apps.is_empty() {
        return Err(app::AppError::NoApps.into());
    }
    for a in apps {
        output::println(&a);
    }
    Ok(0)
}

fn docker_bin(ctx: &Context) -> String {
    ctx.var(env::DOCKER_BIN).unwrap_or("docker").to_string()
}

fn image_name(ctx: &Context, rest: &[String]) -> CmdResult {
    let app = AppName::parse_existing(rest.first().map(String::as_str).unwrap_or(""))?;
    let tag = rest.get(1).map(String::as_str).filter(|t| !t.is_empty());
    let name = image::app_image_name(app.as_str(), tag, rest.get(2).map(String::as_str));
    if tag.is_some() && !image::image_exists(&docker_bin(ctx), &name) {
        return Err(CliError::fail(format!("App image ({name}) not found")));
    }
    output::println(&name);
    Ok(0)
}

fn trigger_text(ctx: &Context, trigger: &str, app: &str) -> Result<String, CliError> {
    let outcome = ctx.fire(trigger, &[app.to_string()], StdoutMode::Capture)?;
    Ok(outcome.stdout_text().trim().to_string())
}

fn running_image_tag(ctx: &Context, app: &str, tag: Option<&str>) -> Result<String, CliError> {
    let reported = trigger_text(ctx, "deployed-app-image-tag", app)?;
    Ok(image::running_image_tag(Some(&reported), tag))
}

fn deploying_image_name(ctx: &Context, rest: &[String]) -> CmdResult {
    let app = AppName::parse_existing(rest.first().map(String::as_str).unwrap_or(""))?;
    let tag = running_image_tag(ctx, app.as_str(), rest.get(1).map(String::as_str))?;
    let remote = trigger_text(ctx, "deployed-app-repository", app.as_str())?;
    let repo = match rest.get(2).filter(|r| !r.is_empty()) {
        Some(r) => r.clone(),
        None => trigger_text(ctx, "deployed-app-image-repo", app.as_str())?,
    };
    let name = image::deploying_image_name(app.as_str(), &remote, Some(&repo), &tag);
    if !image::image_exists(&docker_bin(ctx), &name) {
        return Err(CliError::fail(format!("App image ({name}) not found")));
    }
    output::println(&name);
    Ok(0)
}
