//! The herokuish builder's settings (`builder-herokuish`): the `allowed` property,
//! which lets herokuish claim builds on hosts other than amd64 (its image is built
//! for amd64 only), and its detection of buildpack sources.

use std::path::Path;

use crate::config::{ConfigScope, ConfigStore};
use crate::deploy::{self, DeployError, Host};
use crate::image::labels::LabelSet;
use crate::log::Level;
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

/// The user herokuish runs the app as: the app's `DOKKU_APP_USER`, else
/// `herokuishuser`. Refused unless it is a plain user name (it reaches a Dockerfile
/// `ARG`).
fn app_user(host: &dyn Host, app: &str) -> Result<String, DeployError> {
    let user = ConfigStore::new(&host.layout().lib_root)
        .get(&ConfigScope::app(app), "DOKKU_APP_USER")
        .ok()
        .flatten()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "herokuishuser".into());
    let plain = user.len() <= 32
        && user.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && user
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if plain {
        Ok(user)
    } else {
        Err(DeployError::refused(
            format!("Invalid DOKKU_APP_USER for {app}: {user}"),
            format!("use a plain user name: dokku config:set {app} DOKKU_APP_USER=herokuishuser"),
        ))
    }
}

/// The global build arguments (`$DOKKU_GLOBAL_BUILD_ARGS`), as words.
fn global_build_args(host: &dyn Host) -> Vec<String> {
    crate::shell::split_words(
        host.var(crate::env::DOKKU_GLOBAL_BUILD_ARGS)
            .unwrap_or(crate::env::fixed::GLOBAL_DOCKER_ARGS),
    )
}

/// A private temp dir holding `files` (name, contents), removed on drop.
fn context_dir(
    host: &dyn Host,
    what: &str,
    app: &str,
    files: &[(&str, &str)],
) -> Result<tempfile::TempDir, DeployError> {
    let pid = host.var(crate::env::DOKKU_PID).unwrap_or("0");
    let prefix = format!("dokku-{pid}-{}-herokuish-{what}-{app}.", std::process::id());
    let dir = crate::fs::private_tempdir(&prefix).map_err(DeployError::io(
        "create a temporary directory in",
        &std::env::temp_dir(),
    ))?;
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).map_err(DeployError::io("write", &path))?;
    }
    Ok(dir)
}

/// `docker image build` for a herokuish step; a failure is `failure` (a warning and
/// exit 1, as Dokku's).
fn image_build(
    host: &dyn Host,
    context: &Path,
    args: Vec<String>,
    failure: &str,
) -> Result<(), DeployError> {
    if host
        .docker()
        .image_build(context, args, Vec::new(), false)
        .is_err()
    {
        host.log(Level::Warn, failure);
        return Err(DeployError::Exit { code: 1 });
    }
    Ok(())
}

/// The source copied into the stack image (Dokku's `copy-source.Dockerfile`).
const COPY_SOURCE: &str = "ARG APP_IMAGE\nFROM $APP_IMAGE\n\nARG DOKKU_APP_USER=herokuishuser\nARG TRACE\nRUN TRACE=$TRACE USER=$DOKKU_APP_USER /exec true\nCOPY --chown=$DOKKU_APP_USER . /app\nWORKDIR /app\nENV HEROKUISH_DISABLE_CHOWN true\n";

/// The config written into the image for `/start` (Dokku's
/// `builder-pre-release.Dockerfile`).
const PRE_RELEASE: &str = "ARG APP_IMAGE\nFROM $APP_IMAGE\n\nARG DOKKU_APP_USER=herokuishuser\nCOPY --chown=$DOKKU_APP_USER 00-global-env.sh 01-app-env.sh /app/.profile.d/\n";

/// The release image: files handed to the app user, which the app runs as (Dokku's
/// `builder-release.Dockerfile`).
const RELEASE: &str = "ARG APP_IMAGE\nFROM $APP_IMAGE\n\nARG DOKKU_APP_USER=herokuishuser\nRUN find \"/app\" \\( \\! -user \"$DOKKU_APP_USER\" -o \\! -group \"$DOKKU_APP_USER\" \\) -print0 | xargs -0 -r chown \"$DOKKU_APP_USER:$DOKKU_APP_USER\"\nUSER $DOKKU_APP_USER\nENV HEROKUISH_SETUIDGUID false\n";

/// `builder-build herokuish APP DIR`: runs herokuish's `/build` on the source in the
/// app's stack image (what [`super::check_needs`] found on the host) with the app's
/// build cache volume, and commits the result as `dokku/APP:latest`.
pub fn build(host: &dyn Host, app: &str, workdir: &Path) -> Result<(), DeployError> {
    let stack = super::needs(host, "herokuish", app)
        .and_then(|n| n.image)
        .unwrap_or_else(|| crate::env::fixed::HEROKUISH_IMAGE.to_string());
    let props = host.properties();
    match crate::buildpacks::stack(&props, app) {
        Some(set) => host.log(Level::Info1, &format!("Building {app} from {set}")),
        None => host.log(Level::Info1, &format!("Building {app} from herokuish")),
    }
    let dir = workdir.display().to_string();
    let image = crate::image::app_image_name(app, None, None);
    let user = app_user(host, app)?;
    let ignore = workdir.join(".dockerignore");
    if ignore.exists() {
        std::fs::remove_file(&ignore).map_err(DeployError::io("remove", &ignore))?;
    }
    // Dokku's hooks for a custom stack: one plugin may prepare an image from the
    // stack, another name the image to build from instead.
    host.fire_checked(
        "builder-create-dokku-image",
        &["herokuish", app, &dir, &stack],
    )?;
    let named = host.fire_capture("builder-dokku-image", &["herokuish", app, &dir, &stack])?;
    let stack = match named.trim() {
        "" => stack,
        other => other.to_string(),
    };
    let docker = host.docker();

    let dockerfile = context_dir(host, "build", app, &[("Dockerfile", COPY_SOURCE)])?;
    let mut args = LabelSet::Build.args(app, Some("herokuish"));
    args.extend(global_build_args(host));
    args.extend([
        "-f".to_string(),
        dockerfile.path().join("Dockerfile").display().to_string(),
        "--build-arg".into(),
        format!("APP_IMAGE={stack}"),
        "--build-arg".into(),
        format!("DOKKU_APP_USER={user}"),
        "--build-arg".into(),
        format!("TRACE={}", host.var(crate::env::DOKKU_TRACE).unwrap_or("")),
        "-t".into(),
        image.clone(),
        dir.clone(),
    ]);
    image_build(host, workdir, args, "Failure extracting app code")?;

    if host.has_trigger("pre-build-buildpack", &["20_events"]) {
        host.log(Level::Warn, "Deprecated: please upgrade plugin to use 'pre-build' plugin trigger instead of pre-build-buildpack");
        host.fire_checked("pre-build-buildpack", &[app, &dir])?;
    }
    host.fire_checked("pre-build", &["herokuish", app, &dir])?;

    let mut extra = host.fire_capture("docker-args-build", &[app, "herokuish"])?;
    extra.push(' ');
    extra.push_str(&host.fire_capture("docker-args-process-build", &[app, "herokuish"])?);
    let cache = format!("cache-{app}");
    let mut volume = vec!["volume".to_string(), "create".into()];
    volume.extend(LabelSet::Build.args(app, Some("herokuish")));
    volume.push(cache.clone());
    let _ = docker.run(&crate::docker::Call::new(volume));

    let mut create = LabelSet::Run.args(app, Some("herokuish"));
    create.extend(crate::shell::split_words(
        host.var(crate::env::DOKKU_GLOBAL_RUN_ARGS)
            .unwrap_or(crate::env::fixed::GLOBAL_DOCKER_ARGS),
    ));
    create.extend([
        "-v".to_string(),
        format!("{cache}:/cache"),
        "--env=CACHE_PATH=/cache".into(),
    ]);
    if host
        .var(crate::env::DOKKU_TRACE)
        .is_some_and(|v| !v.is_empty())
    {
        create.extend(["--env=TRACE=true".into(), "--env=BUILDPACK_XTRACE=1".into()]);
    }
    create.extend(crate::shell::split_words(&extra));
    create.extend([image.clone(), "/build".into()]);
    let cid = docker.container_create(create, Vec::new()).map_err(|e| {
        host.log(Level::Warn, "Failure creating container during app build");
        DeployError::from(e)
    })?;
    host.fire_checked("post-container-create", &["app", &cid, app, "build"])?;
    let ran = docker
        .check(&crate::docker::Call::new(["container", "start", "--attach", &cid]).streamed());
    if ran.is_err() {
        let _ = host.fire("scheduler-register-retired", &[app, &cid]);
        host.log(Level::Warn, "Failure during app build");
        return Err(DeployError::Exit { code: 1 });
    }
    let mut commit = vec!["container".to_string(), "commit".into()];
    commit.extend(LabelSet::Commit.args(app, Some("herokuish")));
    commit.extend([cid.clone(), image.clone()]);
    let committed = docker.check(&crate::docker::Call::new(commit));
    let _ = host.fire("scheduler-register-retired", &[app, &cid]);
    committed?;

    let proxy_port = deploy::prop_app_or_global(&props, "proxy", app, "proxy-port")
        .and_then(|p| p.parse().ok())
        .unwrap_or(80);
    let maps = [crate::ports::PortMap {
        scheme: "http".into(),
        host: proxy_port,
        container: 5000,
    }];
    crate::ports::set_detected(&props, app, &maps)?;
    host.fire_checked("ports-set-detected", &[app, &maps[0].to_string()])?;
    if host.has_trigger("post-build-buildpack", &["20_events"]) {
        host.log(Level::Warn, "Deprecated: please upgrade plugin to use 'post-build' plugin trigger instead of post-build-buildpack");
        host.fire_checked("post-build-buildpack", &[app, &dir])?;
    }
    host.fire_checked("post-build", &["herokuish", app, &dir])
}

/// `builder-release herokuish APP TAG`: the global and app config written to
/// `/app/.profile.d/` for herokuish's `/start`, then the release image owned by the
/// app user.
pub fn release(host: &dyn Host, app: &str, tag: &str) -> Result<(), DeployError> {
    let image = crate::image::app_image_name(app, Some(tag), None);
    let user = app_user(host, app)?;
    let store = ConfigStore::new(&host.layout().lib_root);
    let export = |scope: &ConfigScope| -> Result<String, DeployError> {
        let env = store
            .all(scope)
            .map_err(|e| DeployError::fail(e.to_string()))?;
        let mut text =
            crate::config::format::export(&env, crate::config::format::ExportFormat::Exports);
        text.push('\n');
        Ok(text)
    };
    let global = export(&ConfigScope::Global)?;
    let own = export(&ConfigScope::app(app))?;
    let dir = context_dir(
        host,
        "release",
        app,
        &[
            ("00-global-env.sh", &global),
            ("01-app-env.sh", &own),
            ("pre-release.Dockerfile", PRE_RELEASE),
            ("release.Dockerfile", RELEASE),
        ],
    )?;
    let build_args = |file: &str| {
        let mut args = LabelSet::Release.args(app, None);
        args.extend(global_build_args(host));
        args.extend([
            "-f".to_string(),
            dir.path().join(file).display().to_string(),
            "--build-arg".into(),
            format!("APP_IMAGE={image}"),
            "--build-arg".into(),
            format!("DOKKU_APP_USER={user}"),
            "-t".into(),
            image.clone(),
            dir.path().display().to_string(),
        ]);
        args
    };
    image_build(
        host,
        dir.path(),
        build_args("pre-release.Dockerfile"),
        "Failure injecting environment variables",
    )?;
    if host.has_trigger("pre-release-buildpack", &["20_events"]) {
        host.log(Level::Warn, "Deprecated: please upgrade plugin to use 'pre-release-builder' plugin trigger instead of pre-release-buildpack");
        host.fire_checked("pre-release-buildpack", &[app, tag])?;
    }
    host.fire_checked("pre-release-builder", &["herokuish", app, &image])?;
    image_build(
        host,
        dir.path(),
        build_args("release.Dockerfile"),
        "Failure injecting environment variables",
    )?;
    host.fire_checked("post-release-builder", &["herokuish", app, &image])
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

    /// `builder-create-dokku-image` is fired with the stack, and what
    /// `builder-dokku-image` answers is the image the build starts from.
    #[test]
    fn a_plugin_names_the_image_the_build_starts_from() {
        let mut host = crate::deploy::testing::FakeHost::new();
        host.mkapp("web");
        host.on("builder-dokku-image", |_, _| (0, "custom/stack:1\n".into()));
        let src = tempfile::tempdir().expect("tempdir");
        build(&host, "web", src.path()).expect("build");
        let dir = src.path().display().to_string();
        let stack = crate::env::fixed::HEROKUISH_IMAGE;
        let fired = host.fired.borrow().clone();
        assert!(
            fired.contains(&format!(
                "builder-create-dokku-image herokuish web {dir} {stack}"
            )),
            "{fired:#?}"
        );
        let calls = host.fake.calls();
        let copy = calls
            .iter()
            .find(|c| c.starts_with("image build"))
            .expect("the copy build");
        assert!(
            copy.contains("--build-arg APP_IMAGE=custom/stack:1 "),
            "{copy}"
        );
    }

    /// The build runs `/build` in a container of the copied source on the stack
    /// image, commits it as the app's image with Dokku's labels, and retires the
    /// build container; a failing `/build` fails the build and still retires it.
    #[test]
    fn a_build_runs_build_in_the_stack_and_commits_the_image() {
        let host = crate::deploy::testing::FakeHost::new();
        host.mkapp("web");
        let src = tempfile::tempdir().expect("tempdir");
        std::fs::write(src.path().join(".dockerignore"), "x").expect("write");
        build(&host, "web", src.path()).expect("build");
        assert!(!src.path().join(".dockerignore").exists());
        let calls = host.fake.calls();
        let find = |prefix: &str| {
            calls
                .iter()
                .find(|c| c.starts_with(prefix))
                .unwrap_or_else(|| panic!("{prefix} in {calls:#?}"))
                .clone()
        };
        let copy = find("image build");
        assert!(
            copy.contains("--label=com.dokku.builder-type=herokuish"),
            "{copy}"
        );
        assert!(
            copy.contains(&format!(
                "--build-arg APP_IMAGE={}",
                crate::env::fixed::HEROKUISH_IMAGE
            )),
            "{copy}"
        );
        assert!(
            copy.contains(
                "--build-arg DOKKU_APP_USER=herokuishuser --build-arg TRACE= -t dokku/web:latest"
            ),
            "{copy}"
        );
        let create = find("container create");
        assert!(
            create.contains("-v cache-web:/cache --env=CACHE_PATH=/cache"),
            "{create}"
        );
        assert!(create.ends_with("dokku/web:latest /build"), "{create}");
        assert_eq!(find("container start"), "container start --attach cid1");
        let commit = find("container commit");
        assert!(
            commit.contains("--change LABEL com.dokku.builder-type=herokuish"),
            "{commit}"
        );
        assert!(commit.ends_with("cid1 dokku/web:latest"), "{commit}");
        let fired = host.fired.borrow().clone();
        for want in [
            "pre-build herokuish web",
            "post-container-create app cid1 web build",
            "scheduler-register-retired web cid1",
            "ports-set-detected web http:80:5000",
            "post-build herokuish web",
        ] {
            assert!(
                fired.iter().any(|f| f.starts_with(want)),
                "{want} in {fired:#?}"
            );
        }

        host.fake.respond(
            &["container", "start"],
            crate::docker::CallResult {
                code: 1,
                stdout: String::new(),
                stderr: "boom".into(),
            },
        );
        host.fired.borrow_mut().clear();
        assert!(build(&host, "web", src.path()).is_err());
        assert!(host.log_text().contains("Failure during app build"));
        let fired = host.fired.borrow().clone();
        assert!(
            fired
                .iter()
                .any(|f| f == "scheduler-register-retired web cid2"),
            "{fired:#?}"
        );
        assert!(
            !fired.iter().any(|f| f.starts_with("post-build")),
            "{fired:#?}"
        );
    }

    /// The release writes the config for `/start` and builds the release image as the
    /// app user; a DOKKU_APP_USER that is not a plain name is refused.
    #[test]
    fn a_release_injects_the_config_and_refuses_odd_users() {
        let host = crate::deploy::testing::FakeHost::new();
        host.mkapp("web");
        release(&host, "web", "latest").expect("release");
        let builds: Vec<String> = host
            .fake
            .calls()
            .into_iter()
            .filter(|c| c.starts_with("image build"))
            .collect();
        assert_eq!(builds.len(), 2, "{builds:#?}");
        assert!(
            builds[0].contains("pre-release.Dockerfile"),
            "{}",
            builds[0]
        );
        assert!(builds[1].contains("/release.Dockerfile"), "{}", builds[1]);
        assert!(
            builds[1].contains("--label=com.dokku.image-stage=release"),
            "{}",
            builds[1]
        );
        let fired = host.fired.borrow().clone();
        assert_eq!(
            fired,
            [
                "pre-release-builder herokuish web dokku/web:latest",
                "post-release-builder herokuish web dokku/web:latest",
            ]
        );
        ConfigStore::new(&host.layout.lib_root)
            .set(&ConfigScope::app("web"), &[("DOKKU_APP_USER", "x y")])
            .expect("set");
        assert!(release(&host, "web", "latest").is_err());
    }
}
