//! Core services answered by value: the one implementation behind both
//! `dokku __core <helper>` (bash plugins) and the native plugins' host services.

use dokku_core::app::{self, AppName};
use dokku_core::env;
use dokku_core::image;
use dokku_core::trigger::StdoutMode;

use crate::command_error::CommandError;
use crate::context::Context;

fn docker_bin(ctx: &Context) -> String {
    ctx.var(env::DOCKER_BIN).unwrap_or("docker").to_string()
}

fn trigger_text(ctx: &Context, trigger: &str, app: &str) -> Result<String, CommandError> {
    let outcome = ctx.fire(trigger, &[app.to_string()], StdoutMode::Capture)?;
    Ok(outcome.stdout_text().trim().to_string())
}

/// `get_app_image_repo`.
pub fn image_repo(app: &str) -> Result<String, CommandError> {
    let app = AppName::parse_existing(app)?;
    Ok(image::app_image_repo(app.as_str()))
}

/// `get_app_image_name APP [TAG] [REPO]`: verified only when a tag is given.
pub fn image_name(
    ctx: &Context,
    app: &str,
    tag: Option<&str>,
    repo: Option<&str>,
) -> Result<String, CommandError> {
    let app = AppName::parse_existing(app)?;
    let tag = tag.filter(|t| !t.is_empty());
    let name = image::app_image_name(app.as_str(), tag, repo);
    if tag.is_some() && !image::image_exists(&docker_bin(ctx), &name) {
        return Err(CommandError::fail(format!("App image ({name}) not found")));
    }
    Ok(name)
}

/// `get_running_image_tag APP [TAG]`.
pub fn running_image_tag(
    ctx: &Context,
    app: &str,
    tag: Option<&str>,
) -> Result<String, CommandError> {
    let app = AppName::parse_existing(app)?;
    let reported = trigger_text(ctx, "deployed-app-image-tag", app.as_str())?;
    Ok(image::running_image_tag(Some(&reported), tag))
}

/// `get_deploying_app_image_name APP [TAG] [REPO]`, verified locally.
pub fn deploying_image_name(
    ctx: &Context,
    app: &str,
    tag: Option<&str>,
    repo: Option<&str>,
) -> Result<String, CommandError> {
    let tag = running_image_tag(ctx, app, tag)?;
    let remote = trigger_text(ctx, "deployed-app-repository", app)?;
    let repo = match repo.filter(|r| !r.is_empty()) {
        Some(r) => r.to_string(),
        None => trigger_text(ctx, "deployed-app-image-repo", app)?,
    };
    let name = image::deploying_image_name(app, &remote, Some(&repo), &tag);
    if !image::image_exists(&docker_bin(ctx), &name) {
        return Err(CommandError::fail(format!("App image ({name}) not found")));
    }
    Ok(name)
}

/// Whether `app` exists.
pub fn app_exists(ctx: &Context, app: &str) -> bool {
    app::verify(&ctx.layout.dokku_root, app).is_ok()
}

/// `copy_from_image APP IMAGE SRC DST` (or `copy_dir_from_image` with `dir`): every
/// docker call through `$DOCKER_BIN`, nothing left behind on success or failure.
pub fn copy_from_image(
    ctx: &Context,
    dir: bool,
    app: &str,
    image: &str,
    src: &str,
    dst: &str,
) -> Result<(), CommandError> {
    use dokku_core::config::{ConfigScope, ConfigStore};
    use dokku_core::image::copy;

    if image.is_empty() || src.is_empty() || dst.is_empty() {
        let what = if dir {
            "copy-dir-from-image APP IMAGE SRC DIR"
        } else {
            "copy-from-image APP IMAGE SRC DST"
        };
        return Err(
            CommandError::fail("Missing arguments for copying content from an image")
                .hint(format!("dokku __core {what}")),
        );
    }
    // herokuish images are recognised by their user, which the app may override.
    let app_user = (!app.is_empty() && ctx.layout.dokku_root.join(app).is_dir())
        .then(|| {
            ConfigStore::new(&ctx.layout.lib_root)
                .merged(&ConfigScope::app(app))
                .ok()
        })
        .flatten()
        .and_then(|mut env| env.remove("DOKKU_APP_USER"));
    let request = copy::CopyRequest {
        app,
        image,
        src,
        app_user: app_user.as_deref(),
        global_run_args: ctx
            .var(env::DOKKU_GLOBAL_RUN_ARGS)
            .unwrap_or(env::fixed::GLOBAL_DOCKER_ARGS),
    };
    let done = if dir {
        copy::copy_dir_from_image(ctx.docker(), &request, std::path::Path::new(dst))
    } else {
        copy::copy_from_image(ctx.docker(), &request, std::path::Path::new(dst))
    };
    done.map_err(|e| CommandError::fail(e.to_string()))
}
