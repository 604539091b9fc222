//! The herokuish builder's settings (`builder-herokuish`): the `allowed` property,
//! which lets herokuish claim builds on hosts other than amd64 (its image is built
//! for amd64 only), and its detection of buildpack sources.

use std::path::Path;

use crate::property::command::{computed, report_scoped};
use crate::property::PropertyStore;
use crate::report::Report;
use crate::settings::EnvMap;

/// The plugin (and property namespace).
pub const PLUGIN: &str = "builder-herokuish";

/// The properties `builder-herokuish:set` takes, app or `--global`.
pub const PROPERTIES: &[&str] = &["allowed"];

/// The host's architecture in dpkg's words (`amd64`, `arm64`, ...), from the
/// architecture this binary was built for.
pub fn host_architecture() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "arm" => "armhf",
        "x86" => "i386",
        other => other,
    }
}

/// `allowed` when neither the app nor the global scope sets it: `true` on amd64 only.
pub fn default_allowed() -> &'static str {
    if host_architecture() == "amd64" {
        "true"
    } else {
        "false"
    }
}

/// The `allowed` value in force for `app`.
pub fn computed_allowed(props: &PropertyStore, app: &str) -> String {
    computed(props, PLUGIN, app, "allowed", default_allowed())
}

/// `builder-herokuish:report`: `allowed`, raw, global and computed.
pub fn report(props: &PropertyStore, app: &str) -> Report {
    let mut report = Report::new(PLUGIN, app).legacy_keys(false);
    report_scoped(
        &mut report,
        props,
        PLUGIN,
        PLUGIN,
        app,
        "allowed",
        default_allowed(),
    );
    report
}

/// `builder-detect` for herokuish: a buildpack source (see
/// [`super::herokuish_detects`]), unless the host is arm64 and herokuish is not
/// `allowed` there.
pub fn detects(props: &PropertyStore, app: &str, workdir: &Path, env: &EnvMap) -> bool {
    if host_architecture() == "arm64" && computed_allowed(props, app) != "true" {
        return false;
    }
    super::herokuish_detects(workdir, env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_app_then_global_then_architecture() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        assert_eq!(computed_allowed(&props, "a"), default_allowed());
        props
            .write(PLUGIN, "--global", "allowed", "false")
            .expect("write");
        assert_eq!(computed_allowed(&props, "a"), "false");
        props.write(PLUGIN, "a", "allowed", "true").expect("write");
        assert_eq!(computed_allowed(&props, "a"), "true");
        let r = report(&props, "a");
        let flags: Vec<(&str, &str)> = r.flags().collect();
        assert_eq!(
            flags,
            [
                ("--builder-herokuish-allowed", "true"),
                ("--builder-herokuish-computed-allowed", "true"),
                ("--builder-herokuish-global-allowed", "false"),
            ]
        );
    }

    #[test]
    fn detects_buildpack_sources() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path().join("lib"));
        let env = EnvMap::new();
        assert!(!detects(&props, "a", dir.path(), &env));
        std::fs::write(dir.path().join(".buildpacks"), "").expect("write");
        assert_eq!(
            detects(&props, "a", dir.path(), &env),
            host_architecture() != "arm64"
        );
    }
}
