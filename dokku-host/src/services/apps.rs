//! Apps: whether one exists, its name checked, every app, an app's domains and URLs.

use dokku_core::{app, deploy, domains};
use dokku_plugin_sdk::service as name;

use super::errors;
use super::{Answer, Args, Family, ServiceHost};

pub(super) struct Apps;

impl Family for Apps {
    fn call(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Option<Answer> {
        let ctx = host.ctx;
        Some(match service {
            name::APP_EXISTS => Ok(vec![crate::images::app_exists(ctx, args.get(0)).to_string()]),
            name::IS_VALID_APP_NAME => errors::valid_app_name(args.get(0)).map(|()| Vec::new()),
            name::VERIFY_APP_NAME => errors::existing_app(ctx, args.get(0)).map(|_| Vec::new()),
            name::APPS_LIST => app::list(&ctx.layout.dokku_root).map_err(|e| {
                dokku_plugin_sdk::HostError::failed(format!(
                    "cannot list the apps in {}: {e}",
                    ctx.layout.dokku_root.display()
                ))
            }),
            name::DOMAINS => errors::existing_app(ctx, args.get(0))
                .map(|app| domains::list(&ctx.layout, app.as_str())),
            name::URLS => errors::existing_app(ctx, args.get(0)).and_then(|app| {
                deploy::app_urls(ctx, app.as_str())
                    .map_err(|e| errors::deploy(e, &format!("the URLs of {}", app.as_str())))
            }),
            _ => return None,
        })
    }
}
