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
    let app_user = app_user(ctx, app);
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

/// The app's `DOKKU_APP_USER` (merged config), when `app` names an existing app.
fn app_user(ctx: &Context, app: &str) -> Option<String> {
    use dokku_core::config::{ConfigScope, ConfigStore};

    if app::AppName::parse_existing(app).is_err() || !ctx.layout.dokku_root.join(app).is_dir() {
        return None;
    }
    ConfigStore::new(&ctx.layout.lib_root)
        .merged(&ConfigScope::app(app))
        .ok()
        .and_then(|mut env| env.remove("DOKKU_APP_USER"))
}

/// What `docker image inspect` says about `image` (`None`: no such image, or no name).
fn inspect_image(ctx: &Context, image: &str) -> Option<image::copy::ImageInfo> {
    if image.is_empty() {
        return None;
    }
    image::copy::inspect(ctx.docker(), image).ok().flatten()
}

/// `is_image_cnb_based IMAGE`: built by Cloud Native Buildpacks.
pub fn image_is_cnb(ctx: &Context, image: &str) -> bool {
    inspect_image(ctx, image).is_some_and(|info| info.is_cnb())
}

/// `is_image_herokuish_based IMAGE [APP]`: CNB, or the app user (`DOKKU_APP_USER`,
/// default `herokuishuser`) in the image's environment.
pub fn image_is_herokuish(ctx: &Context, image: &str, app: &str) -> bool {
    inspect_image(ctx, image).is_some_and(|info| info.is_herokuish(app_user(ctx, app).as_deref()))
}

/// `get_image_builder_type IMAGE [APP]`: the image's `com.dokku.builder-type` label,
/// else `herokuish` for a herokuish-like image, else `dockerfile` (also for no image).
pub fn image_builder_type(ctx: &Context, image: &str, app: &str) -> String {
    let Some(info) = inspect_image(ctx, image) else {
        return "dockerfile".to_string();
    };
    info.builder_type(app_user(ctx, app).as_deref()).to_string()
}

/// `fn-registry-docker-config-dir APP`: the directory of the app's registry
/// credentials (`$DOKKU_LIB_ROOT/config/registry/APP`), when its `config.json` holds
/// at least one `auths` entry.
pub fn registry_docker_config_dir(ctx: &Context, app: &str) -> Option<std::path::PathBuf> {
    if app::AppName::parse_existing(app).is_err() {
        return None;
    }
    dokku_core::registry::app_credentials(&ctx.layout, app)
}

/// `fn-verify-app-image APP IMAGE`: whether `image` is there, pulling it first when the
/// app deploys from a registry (a plugin reports a deployed tag) and the image is not
/// a `:latest` one. Pull progress goes to stderr so the caller's stdout stays clean.
pub fn verify_app_image(ctx: &Context, app: &str, image: &str) -> bool {
    let docker = docker_bin(ctx);
    if image::image_exists(&docker, image) {
        return true;
    }
    if image.is_empty() || image.ends_with(":latest") || app::AppName::parse_existing(app).is_err()
    {
        return false;
    }
    let text = |trigger| trigger_text(ctx, trigger, app).unwrap_or_default();
    if text("deployed-app-image-tag").is_empty() {
        return false;
    }
    let remote = text("deployed-app-repository");
    let deployed_repo = text("deployed-app-image-repo");
    let plan = image::registry_pull_plan(image, &remote, &deployed_repo);
    let mut env = Vec::new();
    if let Some(dir) = registry_docker_config_dir(ctx, app) {
        env.push(("DOCKER_CONFIG".to_string(), dir.display().to_string()));
    }
    ctx.log(
        dokku_core::log::Level::Info1,
        &format!("Image {image} not found locally, pulling from registry"),
    );
    let run = |args: Vec<&str>| {
        let call = dokku_core::docker::Call::new(args).with_env(env.clone());
        match ctx.docker().run(&call) {
            Ok(result) => {
                eprint!("{}{}", result.stdout, result.stderr);
                result.code == 0
            }
            Err(e) => {
                eprintln!("{e}");
                false
            }
        }
    };
    if !run(vec!["image", "pull", &plan.pull]) {
        return false;
    }
    match &plan.tag_as {
        Some(local) => run(vec!["image", "tag", &plan.pull, local]),
        None => true,
    }
}
