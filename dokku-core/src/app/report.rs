//! `apps:report`: Dokku's `app` report of one app (`dokku-deploy-behaviour.md` §8.2).
//!
//! The report is named `app`, so its header reads `=====> <app> app information`; its
//! JSON has the stripped keys (`dir`) and Dokku's legacy ones (`app-dir`).

use crate::paths::Layout;
use crate::property::{PropertyStore, GLOBAL};
use crate::report::Report;

use super::lifecycle::PLUGIN;

/// The report's name in its header and flags.
pub const REPORT_NAME: &str = "app";

/// The global property `apps:set --global disable-autocreation` writes.
pub const DISABLE_AUTOCREATION: &str = "disable-autocreation";

/// The app's report: `--app-created-at` (Unix seconds), `--app-deploy-source`,
/// `--app-deploy-source-metadata`, `--app-dir`, `--app-global-disable-autocreation`
/// (empty when unset, as Dokku) and `--app-locked`. For `--global` only the global key.
pub fn report(layout: &Layout, props: &PropertyStore, app: &str) -> Report {
    let get = |app: &str, key: &str| props.get(PLUGIN, app, key).ok().flatten();
    let mut report = Report::new(REPORT_NAME, app);
    report.flag(
        "--app-global-disable-autocreation",
        get(GLOBAL, DISABLE_AUTOCREATION).unwrap_or_default(),
    );
    if app == GLOBAL {
        return report;
    }
    report
        .flag(
            "--app-created-at",
            get(app, "created-at").unwrap_or_default(),
        )
        .flag(
            "--app-deploy-source",
            get(app, "deploy-source").unwrap_or_default(),
        )
        .flag(
            "--app-deploy-source-metadata",
            get(app, "deploy-source-metadata").unwrap_or_default(),
        )
        .flag("--app-dir", layout.app_root(app).display().to_string())
        .flag(
            "--app-locked",
            crate::lock::status(&layout.deploy_lock(app))
                .blocks()
                .to_string(),
        );
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Rendered, ReportArgs};
    use crate::settings::EnvMap;

    #[test]
    fn report_has_dokkus_keys_and_layout() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut vars = EnvMap::new();
        vars.insert("DOKKU_ROOT".into(), "/home/dokku".into());
        vars.insert("DOKKU_LIB_PATH".into(), dir.path().display().to_string());
        let layout = Layout::from_env(&vars);
        let props = PropertyStore::new(&layout.lib_root);
        props
            .write(PLUGIN, "web", "created-at", "1700000000")
            .expect("write");
        props
            .write(PLUGIN, "web", "deploy-source", "git")
            .expect("write");
        let Rendered::Stdout { header, lines } = report(&layout, &props, "web")
            .render(&ReportArgs::default())
            .expect("render")
        else {
            panic!("stdout expected")
        };
        assert_eq!(header, "web app information");
        assert_eq!(
            lines,
            [
                "App created at:                  1700000000",
                "App deploy source:               git",
                "App deploy source metadata:      ",
                "App dir:                         /home/dokku/web",
                "App global disable autocreation: ",
                "App locked:                      false",
            ]
        );
        let json = report(&layout, &props, "web")
            .render(&ReportArgs {
                format: crate::report::ReportFormat::Json,
                ..ReportArgs::default()
            })
            .expect("json");
        let Rendered::Json(json) = json else {
            panic!("json expected")
        };
        for key in [
            "dir",
            "app-dir",
            "locked",
            "app-locked",
            "global-disable-autocreation",
        ] {
            assert!(json.contains(&format!("\"{key}\":")), "{key} in {json}");
        }
    }
}
