//! Images: an app's image names and tags, files copied out of an image. As in
//! Dokku's helpers, the app's name must be valid but the app need not exist.

use dokku_core::app::AppName;
use dokku_plugin_sdk::service as name;
use dokku_plugin_sdk::HostError;

use super::errors;
use super::{Answer, Args, Family, ServiceHost};
use crate::images;

pub(super) struct Images;

/// The app argument: a valid name (an existing app's name may follow the older rule).
fn app_name(name: &str) -> Result<AppName, HostError> {
    AppName::parse_existing(name).map_err(|e| HostError::invalid_arguments(e.to_string()))
}

impl Family for Images {
    fn call(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Option<Answer> {
        let ctx = host.ctx;
        let one = |s: String| vec![s];
        let app = || app_name(args.get(0));
        Some(match service {
            name::IMAGE_REPO => {
                app().map(|app| one(dokku_core::image::app_image_repo(app.as_str())))
            }
            name::IMAGE_NAME => app().and_then(|app| {
                images::image_name(ctx, app.as_str(), args.opt(1), args.opt(2))
                    .map(one)
                    .map_err(errors::command)
            }),
            name::RUNNING_IMAGE_TAG => app().and_then(|app| {
                images::running_image_tag(ctx, app.as_str(), args.opt(1))
                    .map(one)
                    .map_err(errors::command)
            }),
            name::DEPLOYING_IMAGE_NAME => app().and_then(|app| {
                images::deploying_image_name(ctx, app.as_str(), args.opt(1), args.opt(2))
                    .map(one)
                    .map_err(errors::command)
            }),
            name::COPY_FROM_IMAGE | name::COPY_DIR_FROM_IMAGE => copy(host, service, args),
            _ => return None,
        })
    }
}

/// `copy-from-image APP IMAGE SRC DST` / `copy-dir-from-image APP IMAGE SRC DIR`; an
/// empty APP copies on behalf of no app.
fn copy(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Answer {
    let dir = service == name::COPY_DIR_FROM_IMAGE;
    if args.opt(1).is_none() || args.opt(2).is_none() || args.opt(3).is_none() {
        let what = if dir {
            "APP IMAGE SRC DIR"
        } else {
            "APP IMAGE SRC DST"
        };
        return Err(HostError::invalid_arguments(format!(
            "{service} needs {what}"
        )));
    }
    if let Some(app) = args.opt(0) {
        app_name(app)?;
    }
    images::copy_from_image(
        host.ctx,
        dir,
        args.get(0),
        args.get(1),
        args.get(2),
        args.get(3),
    )
    .map(|()| Vec::new())
    .map_err(errors::command)
}
