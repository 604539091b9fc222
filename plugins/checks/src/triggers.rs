//! The `checks` plugin's trigger handlers.

use dokku_core::property::PropertyStore;
use dokku_core::report::ReportArgs;

use dokku_host::context::Context;
use dokku_plugin_common::report::print_report;

use crate::report::checks_report;

/// The plugin's trigger handlers: `report APP` prints the app's report
/// (`dokku report APP`).
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    _stdout: &mut dyn std::io::Write,
) -> Result<i32, dokku_core::trigger::TriggerError> {
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
