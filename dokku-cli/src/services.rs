//! Core services answered by value: the one implementation behind both
//! `dokku __core <helper>` (bash plugins) and the native plugins' host services.

use dokku_core::app::{self, AppName};
use dokku_core::env;
use dokku_core::image;
use dokku_core::trigger::StdoutMode;

use crate::context::Context;
use crate::exit::CliError;

fn docker_bin(ctx: &Context) -> String {
    ctx.var(env::DOCKER_BIN).unwrap_or("docker").to_string()
}

fn trigger_text(ctx: &Context, trigger: &str, app: &str) -> Result<String, CliError> {
    let outcome = ctx.fire(trigger, &[app.to_string()], StdoutMode::Capture)?;
    Ok(outcome.stdout_text().trim().to_string())
}

/// `get_app_image_repo`.
pub(crate) fn image_repo(app: &str) -> Result<String, CliError> {
    let app = AppName::parse_existing(app)?;
    Ok(image::app_image_repo(app.as_str()))
}

/// `get_app_image_name APP [TAG] [REPO]`: verified only when a tag is given.
pub(crate) fn image_name(
    ctx: &Context,
    app: &str,
    tag: Option<&str>,
    repo: Option<&str>,
) -> Result<String, CliError> {
    let app = AppName::parse_existing(app)?;
    let tag = tag.filter(|t| !t.is_empty());
    let name = image::app_image_name(app.as_str(), tag, repo);
    if tag.is_some() && !image::image_exists(&docker_bin(ctx), &name) {
        return Err(CliError::fail(format!("App image ({name}) not found")));
    }
    Ok(name)
}

/// `get_running_image_tag APP [TAG]`.
pub(crate) fn running_image_tag(
    ctx: &Context,
    app: &str,
    tag: Option<&str>,
) -> Result<String, CliError> {
    let app = AppName::parse_existing(app)?;
    let reported = trigger_text(ctx, "deployed-app-image-tag", app.as_str())?;
    Ok(image::running_image_tag(Some(&reported), tag))
}

/// `get_deploying_app_image_name APP [TAG] [REPO]`, verified locally.
pub(crate) fn deploying_image_name(
    ctx: &Context,
    app: &str,
    tag: Option<&str>,
    repo: Option<&str>,
) -> Result<String, CliError> {
    let tag = running_image_tag(ctx, app, tag)?;
    let remote = trigger_text(ctx, "deployed-app-repository", app)?;
    let repo = match repo.filter(|r| !r.is_empty()) {
        Some(r) => r.to_string(),
        None => trigger_text(ctx, "deployed-app-image-repo", app)?,
    };
    let name = image::deploying_image_name(app, &remote, Some(&repo), &tag);
    if !image::image_exists(&docker_bin(ctx), &name) {
        return Err(CliError::fail(format!("App image ({name}) not found")));
    }
    Ok(name)
}

/// Whether `app` exists.
pub(crate) fn app_exists(ctx: &Context, app: &str) -> bool {
    app::verify(&ctx.layout.dokku_root, app).is_ok()
}
