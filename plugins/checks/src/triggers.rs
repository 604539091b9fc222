//! The `checks` plugin's trigger handlers.

use dokku_core::config::migrate::{self, ConfigToProperty};
use dokku_core::property::PropertyStore;
use dokku_core::report::ReportArgs;

use dokku_host::context::Context;
use dokku_plugin_common::report::print_report;

use crate::report::checks_report;

/// The deprecated config vars the checks plugin's properties replaced, oldest first
/// (a scope whose property is set by an earlier one keeps it), as Dokku's install.
fn deprecated_vars() -> [ConfigToProperty<'static>; 10] {
    fn all_if_true(v: &str) -> String {
        if v == "true" {
            "_all_".into()
        } else {
            String::new()
        }
    }
    fn all_if_zero(v: &str) -> String {
        if v == "0" {
            "_all_".into()
        } else {
            String::new()
        }
    }
    [
        ConfigToProperty::new("disabled", "DOKKU_SKIP_ALL_CHECKS").with_transform(all_if_true),
        ConfigToProperty::new("skipped", "DOKKU_SKIP_DEFAULT_CHECKS").with_transform(all_if_true),
        ConfigToProperty::new("skipped", "DOKKU_CHECKS_ENABLED").with_transform(all_if_zero),
        ConfigToProperty::new("wait-to-retire", "DOKKU_WAIT_TO_RETIRE")
            .with_global("DOKKU_WAIT_TO_RETIRE"),
        ConfigToProperty::new("disabled", "DOKKU_CHECKS_DISABLED"),
        ConfigToProperty::new("skipped", "DOKKU_CHECKS_SKIPPED"),
        ConfigToProperty::new("wait", "DOKKU_CHECKS_WAIT").with_global("DOKKU_CHECKS_WAIT"),
        ConfigToProperty::new("timeout", "DOKKU_CHECKS_TIMEOUT")
            .with_global("DOKKU_CHECKS_TIMEOUT"),
        ConfigToProperty::new("attempts", "DOKKU_CHECKS_ATTEMPTS")
            .with_global("DOKKU_CHECKS_ATTEMPTS"),
        ConfigToProperty::new("default-wait", "DOKKU_DEFAULT_CHECKS_WAIT")
            .with_global("DOKKU_DEFAULT_CHECKS_WAIT"),
    ]
}

/// The plugin's trigger handlers: `install` (the property directory and the
/// deprecated config vars moved into properties) and `report APP` (`dokku report APP`).
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn std::io::Write,
) -> Result<i32, dokku_core::trigger::TriggerError> {
    if trigger == "install" {
        let props = PropertyStore::new(&ctx.layout.lib_root);
        let apps = dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default();
        let entries = deprecated_vars();
        let result = props
            .setup(dokku_core::checks::PLUGIN)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                migrate::config_to_property(
                    ctx,
                    &ctx.layout.dokku_root,
                    dokku_core::checks::PLUGIN,
                    &apps,
                    &entries,
                )
                .map_err(|e| e.to_string())
            });
        return match result {
            Ok(()) => Ok(0),
            Err(e) => {
                ctx.log(
                    dokku_core::log::Level::Warn,
                    &format!("Unable to install the checks plugin: {e}"),
                );
                Ok(1)
            }
        };
    }
    if trigger == "report" {
        let app = args.first().map(String::as_str).unwrap_or("");
        if dokku_core::app::verify(&ctx.layout.dokku_root, app).is_ok() {
            let props = PropertyStore::new(&ctx.layout.lib_root);
            if let Ok(rendered) = checks_report(&props, app).render(&ReportArgs::default()) {
                print_report(ctx, rendered);
            }
        }
    }
    Ok(0)
}
