//! Builders: choosing one for a source tree, and the `builder` plugin's properties
//! (`selected`, `build-dir`, `skip-cleanup`, `detected`).
//!
//! Detection is the `builder-detect APP DIR` trigger: plugins answer in name order and
//! the first non-empty line wins; nothing detected means `herokuish`. The `builder`
//! plugin answers first with a manual choice (`builder:set APP selected X`).

pub mod dockerfile;
pub mod file_builder;
pub mod herokuish;

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

/// The first line of the `builder-detect` output, or the fallback.
pub fn pick(detect_output: &str) -> String {
    detect_output
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| FALLBACK.to_string())
}

/// What a builder other than `dockerfile` needs on the host: an image, a program on
/// `PATH`, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    /// The image the build runs in (herokuish's stack, pack's CNB builder).
    pub image: Option<String>,
    /// The program the build runs (`pack`, `nixpacks`, `railpack`, `lambda-builder`).
    pub program: Option<&'static str>,
}

/// What `builder` needs to build `app` (`None` for a builder this table does not
/// know). Herokuish builds in the app's stack (`buildpacks:set-property stack`, else
/// `DOKKU_IMAGE`); pack runs the `pack` program with `$DOKKU_CNB_BUILDER`.
pub fn needs(host: &dyn crate::deploy::Host, builder: &str, app: &str) -> Option<Needs> {
    let program = |p| Needs {
        image: None,
        program: Some(p),
    };
    Some(match builder {
        "herokuish" => {
            let env_image = host
                .var(crate::env::DOKKU_IMAGE)
                .unwrap_or(crate::env::fixed::HEROKUISH_IMAGE);
            let config_image = deploy::app_env(host.layout(), app)
                .ok()
                .and_then(|env| env.get(crate::env::DOKKU_IMAGE).cloned())
                .filter(|v| !v.is_empty());
            let default = config_image.unwrap_or_else(|| env_image.to_string());
            Needs {
                image: Some(crate::buildpacks::computed_stack(
                    &host.properties(),
                    app,
                    &default,
                )),
                program: None,
            }
        }
        "pack" => Needs {
            image: Some(
                host.var(crate::env::DOKKU_CNB_BUILDER)
                    .unwrap_or(crate::env::fixed::CNB_BUILDER)
                    .to_string(),
            ),
            program: Some("pack"),
        },
        "nixpacks" => program("nixpacks"),
        "railpack" => program("railpack"),
        "lambda" => program("lambda-builder"),
        _ => return None,
    })
}

/// Whether `program` is an executable file in one of `path`'s folders.
pub fn on_path(program: &str, path: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path).any(|dir| {
        std::fs::metadata(dir.join(program))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

/// The first thing `builder` needs that this host lacks, as the one-line failure of
/// the build and its hint; `Ok` when everything is there.
pub fn check_needs(
    host: &dyn crate::deploy::Host,
    builder: &str,
    app: &str,
) -> Result<(), DeployError> {
    let Some(needs) = needs(host, builder, app) else {
        return Ok(());
    };
    let dockerfile_hint = format!(
        "or build with a Dockerfile: add one and run `dokku builder:set {app} selected dockerfile`"
    );
    if let Some(program) = needs.program {
        if !on_path(program, host.var("PATH").unwrap_or("")) {
            return Err(DeployError::refused(
                format!("Unable to build {app}: the {builder} builder needs the program {program}, which is not on this host's PATH"),
                format!("install {program} for the dokku user, {dockerfile_hint}"),
            ));
        }
    }
    if let Some(image) = needs.image {
        if host.docker().image_id(&image).is_none() {
            let how = if builder == "herokuish" {
                format!("`docker pull {image}` (or `docker load` it), or choose another with `dokku buildpacks:set-property {app} stack IMAGE`")
            } else {
                format!("`docker pull {image}` (or `docker load` it), or choose another with DOKKU_CNB_BUILDER")
            };
            return Err(DeployError::refused(
                format!("Unable to build {app}: the {builder} builder needs the image {image}, which is not on this host"),
                format!("{how}, {dockerfile_hint}"),
            ));
        }
    }
    Ok(())
}

/// `builder-build BUILDER APP DIR` for a builder this dokku cannot run yet: fails
/// fast with what is missing (see [`check_needs`]), else says the builder itself is
/// not available, instead of letting the deploy go on with nothing built.
pub fn unavailable_builder(
    host: &dyn crate::deploy::Host,
    builder: &str,
    app: &str,
) -> Result<(), DeployError> {
    check_needs(host, builder, app)?;
    Err(DeployError::refused(
        format!("Unable to build {app}: the {builder} builder is not available in this dokku"),
        format!("build with a Dockerfile: add one and run `dokku builder:set {app} selected dockerfile`"),
    ))
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
