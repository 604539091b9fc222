//! Builders: choosing one for a source tree, and the `builder` plugin's properties
//! (`selected`, `build-dir`, `skip-cleanup`, `detected`).
//!
//! Detection is the `builder-detect APP DIR` trigger: plugins answer in name order and
//! the first non-empty line wins; nothing detected means `herokuish`. The `builder`
//! plugin answers first with a manual choice (`builder:set APP selected X`).

pub mod dockerfile;

use std::path::Path;

use crate::deploy::{self, DeployError};
use crate::property::PropertyStore;
use crate::settings::EnvMap;

/// The plugin name the properties live under.
pub const PLUGIN: &str = "builder";

/// The builder used when no plugin detects one.
pub const FALLBACK: &str = "herokuish";

/// The properties `builder:set` takes; all of them may also be set globally.
pub const PROPERTIES: &[&str] = &["build-dir", "selected", "skip-cleanup"];

/// The properties `builder-get-property APP KEY` hands out (the app's own value): the
/// settable ones and `detected`.
pub const GET_PROPERTIES: &[&str] = &["build-dir", "detected", "selected", "skip-cleanup"];

/// `builder:report` of `app` (or `--global`): `build-dir`, `selected` and
/// `skip-cleanup` with their global and computed values, and the app's `detected`
/// builder.
pub fn report(props: &PropertyStore, app: &str) -> crate::report::Report {
    use crate::property::command::report_scoped;
    let mut report = crate::report::Report::new(PLUGIN, app);
    report_scoped(&mut report, props, PLUGIN, PLUGIN, app, "build-dir", "");
    report_scoped(&mut report, props, PLUGIN, PLUGIN, app, "selected", "");
    report_scoped(
        &mut report,
        props,
        PLUGIN,
        PLUGIN,
        app,
        "skip-cleanup",
        "false",
    );
    if app != crate::property::GLOBAL {
        report.flag(
            "--builder-detected",
            crate::property::command::value(props, PLUGIN, app, "detected"),
        );
    }
    report
}

/// The `builder` plugin's `builder-detect` answer: the `selected` property, app then
/// global.
pub fn selected(props: &PropertyStore, app: &str) -> Option<String> {
    deploy::prop_app_or_global(props, PLUGIN, app, "selected")
}

/// Whether the herokuish builder would claim the source: `.buildpacks`, a `.env`
/// setting `BUILDPACK_URL`, or a `BUILDPACK_URL` config var.
pub fn herokuish_detects(dir: &Path, env: &EnvMap) -> bool {
    dir.join(".buildpacks").is_file()
        || std::fs::read_to_string(dir.join(".env")).is_ok_and(|t| t.contains("BUILDPACK_URL"))
        || env.get("BUILDPACK_URL").is_some_and(|v| !v.is_empty())
}

/// Whether the pack (CNB) builder would claim the source: `project.toml`.
pub fn pack_detects(dir: &Path) -> bool {
    dir.join("project.toml").is_file()
}

/// The first line of the `builder-detect` output, or the fallback.
pub fn pick(detect_output: &str) -> String {
    detect_output
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| FALLBACK.to_string())
}

/// `builder-build herokuish|pack APP DIR` on a host that cannot run those builders:
/// both need an image (herokuish's `$DOKKU_IMAGE`, the CNB builder
/// `$DOKKU_CNB_BUILDER` plus the `pack` CLI) that cannot be pulled here, and this
/// dokku builds with Dockerfiles only. Fails with what is missing and how to proceed,
/// instead of letting the deploy go on with nothing built.
pub fn unavailable_builder(
    host: &dyn crate::deploy::Host,
    builder: &str,
    app: &str,
) -> Result<(), DeployError> {
    let (image_var, default) = match builder {
        "pack" => (
            crate::env::DOKKU_CNB_BUILDER,
            crate::env::fixed::CNB_BUILDER,
        ),
        _ => (crate::env::DOKKU_IMAGE, crate::env::fixed::HEROKUISH_IMAGE),
    };
    let image = host.var(image_var).unwrap_or(default).to_string();
    let present = host.docker().image_id(&image).is_some();
    let why = if present {
        format!("the {builder} builder is not available in this dokku")
    } else {
        format!("the {builder} builder needs the image {image}, which is not on this host")
    };
    Err(DeployError::fail(format!(
        "Unable to build {app}: {why}. Add a Dockerfile to the app (or set `builder:set {app} selected dockerfile`) to build it with the Dockerfile builder."
    )))
}

/// `core-post-extract` for `build-dir`: the source tree is replaced by its
/// subdirectory `build-dir` (app, then global).
pub fn apply_build_dir(
    props: &PropertyStore,
    app: &str,
    workdir: &Path,
) -> Result<(), DeployError> {
    let Some(sub) = deploy::prop_app_or_global(props, PLUGIN, app, "build-dir") else {
        return Ok(());
    };
    let sub_path = workdir.join(&sub);
    if sub.contains("..") || !sub_path.is_dir() {
        return Err(DeployError::fail(format!(
            "Specified build-dir not found in sourcecode working directory: {sub}"
        )));
    }
    let staging = workdir.with_extension("build-dir");
    std::fs::rename(&sub_path, &staging).map_err(DeployError::io("move", &sub_path))?;
    std::fs::remove_dir_all(workdir).map_err(DeployError::io("clear", workdir))?;
    std::fs::rename(&staging, workdir).map_err(DeployError::io("move", &staging))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_answer_wins_and_herokuish_is_the_fallback() {
        assert_eq!(pick("\n dockerfile\nherokuish\n"), "dockerfile");
        assert_eq!(pick(""), "herokuish");
    }

    #[test]
    fn report_has_dokkus_keys() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        props
            .write(PLUGIN, "a", "detected", "dockerfile")
            .expect("set");
        props
            .write(PLUGIN, "--global", "selected", "pack")
            .expect("set");
        let r = report(&props, "a");
        let keys: Vec<String> = r.flags().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            keys,
            [
                "--builder-build-dir=",
                "--builder-computed-build-dir=",
                "--builder-computed-selected=pack",
                "--builder-computed-skip-cleanup=false",
                "--builder-detected=dockerfile",
                "--builder-global-build-dir=",
                "--builder-global-selected=pack",
                "--builder-global-skip-cleanup=",
                "--builder-selected=",
                "--builder-skip-cleanup=",
            ]
        );
        assert!(report(&props, "--global")
            .flags()
            .all(|(k, _)| k.contains("-global-") || k.contains("-computed-")));
    }

    #[test]
    fn build_dir_replaces_the_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path().join("lib"));
        let work = dir.path().join("work");
        std::fs::create_dir_all(work.join("sub")).expect("mkdir");
        std::fs::write(work.join("sub/Dockerfile"), "FROM x").expect("write");
        std::fs::write(work.join("top"), "x").expect("write");
        apply_build_dir(&props, "a", &work).expect("no-op");
        props.write(PLUGIN, "a", "build-dir", "sub").expect("set");
        apply_build_dir(&props, "a", &work).expect("applied");
        assert!(work.join("Dockerfile").is_file());
        assert!(!work.join("top").exists());
        props.write(PLUGIN, "a", "build-dir", "nope").expect("set");
        assert!(apply_build_dir(&props, "a", &work).is_err());
    }
}
