//! The checks report of an app (`checks:report`, `dokku report`).

use dokku_core::checks::{self, PLUGIN};
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::releases::watch;
use dokku_core::report::Report;

/// The `--checks-*` report of one app, or the global values for `--global`.
pub(crate) fn checks_report(props: &PropertyStore, app: &str) -> Report {
    let list = |key: &str| {
        let l = checks::list(props, app, key).unwrap_or_default();
        if l.is_empty() {
            "none".to_string()
        } else {
            l.join(",")
        }
    };
    let get = |a: &str| {
        props
            .get(PLUGIN, a, "wait-to-retire")
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let mut report = Report::new(PLUGIN, app);
    report
        .flag(
            "--checks-computed-wait-to-retire",
            checks::wait_to_retire(props, app).to_string(),
        )
        .flag("--checks-global-wait-to-retire", get(GLOBAL));
    if app != GLOBAL {
        report
            .flag("--checks-disabled-list", list("disabled"))
            .flag("--checks-skipped-list", list("skipped"))
            .flag("--checks-wait-to-retire", get(app));
    }
    // Ours: the watch window of automatic rollback (releases/watch.rs).
    let window = |a: &str| {
        props
            .get(PLUGIN, a, watch::PROPERTY)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    report
        .flag(
            "--checks-computed-watch-window",
            watch::window(props, app).to_string(),
        )
        .flag("--checks-global-watch-window", window(GLOBAL));
    if app != GLOBAL {
        report.flag("--checks-watch-window", window(app));
    }
    report
}
