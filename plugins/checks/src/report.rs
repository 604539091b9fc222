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
    readiness_flags(&mut report, props, app);
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

/// The default check's keys (`default-mode`, `uptime-guard`, app + global, and the
/// global-only `default-wait`), in Dokku's shape: the raw app value, the raw global
/// value and the computed one.
fn readiness_flags(report: &mut Report, props: &PropertyStore, app: &str) {
    use dokku_core::checks::readiness::{self, GUARD_KEY, MODE_KEY};
    report
        .flag(
            "--checks-computed-default-mode",
            readiness::default_mode(props, app).as_str(),
        )
        .flag(
            "--checks-global-default-mode",
            readiness::raw_global(props, MODE_KEY),
        )
        .flag(
            "--checks-computed-uptime-guard",
            readiness::uptime_guard(props, app).to_string(),
        )
        .flag(
            "--checks-global-uptime-guard",
            readiness::raw_global(props, GUARD_KEY),
        )
        .flag(
            "--checks-computed-default-wait",
            checks::default_wait(props).to_string(),
        )
        .flag(
            "--checks-global-default-wait",
            readiness::raw_global(props, "default-wait"),
        );
    if app != GLOBAL {
        report
            .flag(
                "--checks-default-mode",
                readiness::raw(props, app, MODE_KEY),
            )
            .flag(
                "--checks-uptime-guard",
                readiness::raw(props, app, GUARD_KEY),
            );
    }
}
