//! The Dockerfile builder (`builder-dockerfile`): `docker image build` of the source
//! tree into `dokku/APP:latest` with Dokku's labels, then the release relabel
//! (`com.dokku.image-stage=release`).

use std::path::Path;

use crate::deploy::{self, DeployError, Host};
use crate::image::labels::LabelSet;
use crate::log::Level;
use crate::ports;
use crate::property::PropertyStore;

/// The plugin name (properties).
pub const PLUGIN: &str = "builder-dockerfile";

/// Flags `docker image build` is given from `docker-args-build` and
/// `$DOKKU_GLOBAL_BUILD_ARGS` (with a value, as `--x v` or `--x=v`).
const VALUE_FLAGS: &[&str] = &[
    "--add-host",
    "--allow",
    "--annotation",
    "--attest",
    "--build-arg",
    "--builder",
    "--cache-from",
    "--cache-to",
    "--call",
    "--cgroup-parent",
    "--label",
    "--memory",
    "-m",
    "--memory-swap",
    "--network",
    "--platform",
    "--progress",
    "--provenance",
    "--sbom",
    "--secret",
    "--shm-size",
    "--ssh",
    "--tag",
    "--target",
    "--ulimit",
];
/// Flags passed through without a value.
const BARE_FLAGS: &[&str] = &["--check", "-D", "--debug", "--no-cache"];

/// Keeps only the build flags Dokku passes through, dropping everything else.
pub fn filter_build_args(words: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if BARE_FLAGS.contains(&w.as_str()) {
            out.push(w.clone());
        } else if let Some((flag, _)) = w.split_once('=').filter(|(f, _)| VALUE_FLAGS.contains(f)) {
            let _ = flag;
            out.push(w.clone());
        } else if VALUE_FLAGS.contains(&w.as_str()) {
            if let Some(value) = words.get(i + 1) {
                out.push(w.clone());
                out.push(value.clone());
                i += 1;
            }
        }
        i += 1;
    }
    out
}

/// The properties `builder-dockerfile:set` takes (also globally).
pub const PROPERTIES: &[&str] = &["dockerfile-path"];

/// `builder-dockerfile:report`: `dockerfile-path` with its global and computed values.
pub fn report(props: &PropertyStore, app: &str) -> crate::report::Report {
    let mut report = crate::report::Report::new(PLUGIN, app);
    crate::property::command::report_scoped(
        &mut report,
        props,
        PLUGIN,
        PLUGIN,
        app,
        "dockerfile-path",
        "Dockerfile",
    );
    report
}

/// The `dockerfile-path` property (app, then global), default `Dockerfile`.
pub fn dockerfile_path(props: &PropertyStore, app: &str) -> String {
    deploy::prop_app_or_global(props, PLUGIN, app, "dockerfile-path")
        .unwrap_or_else(|| "Dockerfile".into())
}

/// `core-post-extract`: a custom `dockerfile-path` is moved to `Dockerfile`.
pub fn apply_dockerfile_path(
    props: &PropertyStore,
    app: &str,
    workdir: &Path,
) -> Result<(), DeployError> {
    let path = dockerfile_path(props, app);
    if path == "Dockerfile" {
        return Ok(());
    }
    let from = workdir.join(&path);
    if path.contains("..") || !from.is_file() {
        return Err(DeployError::fail(format!(
            "Invalid dockerfile-path specified: {path}"
        )));
    }
    std::fs::rename(&from, workdir.join("Dockerfile")).map_err(DeployError::io("move", &from))
}

/// `builder-detect` for this builder: a `Dockerfile`, and neither herokuish nor pack
/// claiming the source.
pub fn detects(
    props: &PropertyStore,
    app: &str,
    workdir: &Path,
    env: &crate::settings::EnvMap,
) -> bool {
    if super::herokuish::detects(props, app, workdir, env)
        || super::file_builder::PACK.detects(workdir)
    {
        return false;
    }
    let path = dockerfile_path(props, app);
    workdir.join("Dockerfile").is_file() || workdir.join(path).is_file()
}

/// Fires a deprecated trigger only when a plugin other than the events logger
/// implements it, with Dokku's warning.
fn deprecated(
    host: &dyn Host,
    trigger: &str,
    replacement: &str,
    args: &[&str],
) -> Result<(), DeployError> {
    if host.has_trigger(trigger, &["20_events"]) {
        host.log(Level::Warn, &format!("Deprecated: please upgrade plugin to use '{replacement}' plugin trigger instead of {trigger}"));
        host.fire_checked(trigger, args)?;
    }
    Ok(())
}

/// `builder-build dockerfile APP DIR`.
pub fn build(host: &dyn Host, app: &str, workdir: &Path) -> Result<(), DeployError> {
    let dir = workdir.display().to_string();
    host.log(Level::Info1, &format!("Building {app} from Dockerfile"));
    let dockerfile = workdir.join("Dockerfile");
    if !dockerfile.is_file() {
        return Err(DeployError::fail(
            "No Dockerfile found in source code directory",
        ));
    }
    deprecated(host, "pre-build-dockerfile", "pre-build", &[app])?;
    host.fire_checked("pre-build", &["dockerfile", app, &dir])?;

    let mut extra = host.fire_capture("docker-args-build", &[app, "dockerfile"])?;
    extra.push(' ');
    extra.push_str(&host.fire_capture("docker-args-process-build", &[app, "dockerfile"])?);
    extra.push(' ');
    extra.push_str(
        host.var(crate::env::DOKKU_GLOBAL_BUILD_ARGS)
            .unwrap_or(crate::env::fixed::GLOBAL_DOCKER_ARGS),
    );
    let image = crate::image::app_image_name(app, None, None);
    let mut args = LabelSet::Build.args(app, Some("dockerfile"));
    args.extend(filter_build_args(&crate::shell::split_words(&extra)));
    args.extend(["--tag".to_string(), image.clone(), ".".to_string()]);
    // Config vars are not build args, but a `--build-arg KEY` without a value picks
    // the value up from the client's environment, as in Dokku.
    let env: Vec<(String, String)> = deploy::app_env(host.layout(), app)?.into_iter().collect();
    if let Err(err) = host.docker().image_build(workdir, args, env, true) {
        return Err(match err {
            crate::docker::DockerError::Failed { code, .. } => DeployError::Exit { code },
            other => other.into(),
        });
    }

    let props = host.properties();
    let text = std::fs::read_to_string(&dockerfile).unwrap_or_default();
    let mut maps = ports::from_dockerfile(&text);
    if maps.is_empty() {
        maps = host
            .docker()
            .image_exposed_ports(&image)
            .iter()
            .filter_map(|p| ports::map_for_exposed(p))
            .collect();
    }
    if maps.is_empty() {
        let proxy_port = deploy::prop_app_or_global(&props, "proxy", app, "proxy-port")
            .and_then(|p| p.parse().ok())
            .unwrap_or(80);
        maps.push(ports::PortMap {
            scheme: "http".into(),
            host: proxy_port,
            container: 5000,
        });
    }
    ports::set_detected(&props, app, &maps)?;
    let joined: Vec<String> = maps.iter().map(ToString::to_string).collect();
    host.fire_checked("ports-set-detected", &[app, &joined.join(" ")])?;

    deprecated(host, "post-build-dockerfile", "post-build", &[app])?;
    host.fire_checked("post-build", &["dockerfile", app, &dir])
}

/// `builder-release dockerfile APP TAG`: relabels `dokku/APP:TAG` as a release image.
pub fn release(host: &dyn Host, app: &str, tag: &str) -> Result<(), DeployError> {
    let image = crate::image::app_image_name(app, Some(tag), None);
    deprecated(
        host,
        "pre-release-dockerfile",
        "pre-release-builder",
        &[app, tag],
    )?;
    host.fire_checked("pre-release-builder", &["dockerfile", app, &image])?;

    // Removed when `dir` drops, whatever the build did.
    let dir = release_context(host, app)?;
    let context = dir.path();
    let dockerfile = context.join("Dockerfile");
    std::fs::write(&dockerfile, "ARG APP_IMAGE\nFROM $APP_IMAGE\n")
        .map_err(DeployError::io("write", &dockerfile))?;
    let mut args = LabelSet::Release.args(app, None);
    args.extend(crate::shell::split_words(
        host.var(crate::env::DOKKU_GLOBAL_BUILD_ARGS)
            .unwrap_or(crate::env::fixed::GLOBAL_DOCKER_ARGS),
    ));
    args.extend([
        "-f".to_string(),
        dockerfile.display().to_string(),
        "--build-arg".into(),
        format!("APP_IMAGE={image}"),
        "-t".into(),
        image.clone(),
        context.display().to_string(),
    ]);
    let result = host.docker().image_build(context, args, Vec::new(), false);
    if result.is_err() {
        return Err(DeployError::fail(
            "Failure injecting docker labels on image",
        ));
    }
    host.fire_checked("post-release-builder", &["dockerfile", app, &image])?;
    // Where Dokku's registry plugin answers post-release-builder: the old name of the
    // hook, for plugins that still implement it.
    deprecated(host, "pre-deploy", "pre-release-builder", &[app, tag])
}

/// The release build's context: a private (0700) temp dir named like Dokku's
/// `dokku-<DOKKU_PID>-<pid>-release-<app>.XXXXXX`, random-suffixed and removed on drop.
fn release_context(host: &dyn Host, app: &str) -> Result<tempfile::TempDir, DeployError> {
    let pid = host.var(crate::env::DOKKU_PID).unwrap_or("0");
    let prefix = format!("dokku-{pid}-{}-release-{app}.", std::process::id());
    crate::fs::private_tempdir(&prefix).map_err(DeployError::io(
        "create a temporary directory in",
        &std::env::temp_dir(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        crate::shell::split_words(s)
    }

    /// Dokku's registry plugin fires the deprecated `pre-deploy APP TAG` at the end of
    /// `post-release-builder`, only when some plugin implements it.
    #[test]
    fn a_release_fires_pre_deploy_after_post_release_builder_only_when_implemented() {
        let mut host = crate::deploy::testing::FakeHost::new();
        host.mkapp("web");
        release(&host, "web", "latest").expect("release");
        let fired = host.fired.borrow().clone();
        assert_eq!(
            fired,
            [
                "pre-release-builder dockerfile web dokku/web:latest",
                "post-release-builder dockerfile web dokku/web:latest",
            ]
        );
        host.fired.borrow_mut().clear();
        host.on("pre-deploy", |_, _| (0, String::new()));
        release(&host, "web", "v2").expect("release");
        assert_eq!(
            host.fired.borrow().last().map(String::as_str),
            Some("pre-deploy web v2")
        );
        assert!(host.log_text().contains(
            "Deprecated: please upgrade plugin to use 'pre-release-builder' plugin trigger instead of pre-deploy"
        ));
    }

    /// Dokku passes no config var as a build argument by itself: the app's config is
    /// the client's environment, so `docker-options:add APP build '--build-arg KEY'`
    /// picks the value up; other docker options are filtered out.
    #[test]
    fn build_args_come_from_docker_options_and_values_from_the_config() {
        let mut host = crate::deploy::testing::FakeHost::new();
        host.mkapp("web");
        crate::deploy::set_config_no_restart(
            &host.layout,
            "web",
            &[("GREETING".into(), "hi".into())],
        )
        .expect("config");
        host.on("docker-args-build", |_, args| {
            assert_eq!(args, ["web", "dockerfile"]);
            (0, " --build-arg GREETING --link db -v /a:/b ".into())
        });
        let src = tempfile::tempdir().expect("tempdir");
        std::fs::write(src.path().join("Dockerfile"), "FROM x\nEXPOSE 3000\n").expect("write");
        build(&host, "web", src.path()).expect("builds");
        let call = host
            .fake
            .raw_calls()
            .into_iter()
            .find(|c| c.args[..2] == ["image", "build"])
            .expect("build call");
        assert_eq!(
            call.args.join(" "),
            "image build --label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku \
             --label=com.dokku.image-stage=build --label=com.dokku.builder-type=dockerfile \
             --label=com.dokku.app-name=web --label=dokku --build-arg GREETING \
             --label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku --label=dokku \
             --tag dokku/web:latest ."
        );
        assert_eq!(call.env, vec![("GREETING".to_string(), "hi".to_string())]);
        assert_eq!(call.cwd.as_deref(), Some(src.path()));
        let fired = host.fired.borrow().join("\n");
        assert!(
            fired.contains("ports-set-detected web http:3000:3000"),
            "{fired}"
        );
    }

    #[test]
    fn a_custom_dockerfile_path_becomes_the_dockerfile() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path().join("lib"));
        let work = dir.path().join("work");
        std::fs::create_dir_all(work.join("docker")).expect("mkdir");
        std::fs::write(work.join("docker/web.Dockerfile"), "FROM y").expect("write");
        props
            .write(
                PLUGIN,
                "--global",
                "dockerfile-path",
                "docker/web.Dockerfile",
            )
            .expect("set");
        apply_dockerfile_path(&props, "a", &work).expect("moved");
        assert_eq!(
            std::fs::read_to_string(work.join("Dockerfile")).expect("read"),
            "FROM y"
        );
        props
            .write(PLUGIN, "a", "dockerfile-path", "missing.Dockerfile")
            .expect("set");
        assert_eq!(
            apply_dockerfile_path(&props, "a", &work)
                .expect_err("missing")
                .to_string(),
            "Invalid dockerfile-path specified: missing.Dockerfile"
        );
        let r = report(&props, "a");
        let flags: Vec<String> = r.flags().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            flags,
            [
                "--builder-dockerfile-computed-dockerfile-path=missing.Dockerfile",
                "--builder-dockerfile-dockerfile-path=missing.Dockerfile",
                "--builder-dockerfile-global-dockerfile-path=docker/web.Dockerfile",
            ]
        );
    }

    #[test]
    fn only_known_build_flags_pass() {
        let args = filter_build_args(&words(
            "--label=dokku --label x=y -v /a:/b --build-arg K --no-cache --link db --memory=1g --publish 80 --target",
        ));
        assert_eq!(
            args,
            words("--label=dokku --label x=y --build-arg K --no-cache --memory=1g")
        );
    }
}
