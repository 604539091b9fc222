//! Dokku's `registry` plugin: where an app's images are named and pushed.
//!
//! Properties (`registry:set`): `image-repo` (per app), `image-repo-template`,
//! `push-on-release`, `server` and `push-extra-tags` (per app or `--global`); the
//! internal `tag-version` counts pushed releases. Credentials live in Docker client
//! configs: the global one in `$DOKKU_ROOT/.docker`, an app's own in
//! `$DOKKU_LIB_ROOT/config/registry/<app>/config.json`.
//!
//! After each release build (`post-release-builder`) the image is tagged under the
//! computed repository; with `push-on-release` it is tagged `<server><repo>:<N>`
//! (N counting up) and pushed, with the extra tags, and deploys use that tag
//! (`deployed-app-image-tag`), pulling it back when it is missing locally.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::deploy::{DeployError, Host};
use crate::docker::Call;
use crate::log::Level;
use crate::paths::Layout;
use crate::process::Cmd;
use crate::property::command::{computed, value};
use crate::property::{PropertyError, PropertyStore, GLOBAL};
use crate::report::Report;

/// The plugin's name, as its properties are stored.
pub const PLUGIN: &str = "registry";

/// Every key `registry:set` takes for an app.
pub const PROPERTIES: &[&str] = &[
    "image-repo",
    "image-repo-template",
    "push-on-release",
    "server",
    "push-extra-tags",
];

/// The keys `registry:set --global` takes.
pub const GLOBAL_PROPERTIES: &[&str] = &[
    "image-repo-template",
    "push-on-release",
    "server",
    "push-extra-tags",
];

/// What can go wrong in the registry plugin.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The image-repo template is not one we can render.
    #[error("Unable to parse image-repo-template: {0}")]
    Template(String),
    /// A missing argument of `registry:login` / `registry:logout`.
    #[error("Missing {0} argument")]
    Missing(&'static str),
    /// `registry:logout APP` without credentials of that app.
    #[error("No registry credentials found for app {0}")]
    NoCredentials(String),
    /// `docker login` or `docker logout` failed.
    #[error("Unable to run docker {verb}: {detail}")]
    Docker {
        /// `login` or `logout`.
        verb: &'static str,
        /// Its error output.
        detail: String,
    },
    /// The stored tag version is not a number.
    #[error("Unable to convert existing tag version ({0}) to integer")]
    TagVersion(String),
    /// Reading or writing a property.
    #[error(transparent)]
    Property(#[from] PropertyError),
    /// Creating the credentials directory.
    #[error("Unable to create registry config directory: {0}")]
    Io(#[from] std::io::Error),
}

/// The directory of an app's own registry credentials (Docker's `DOCKER_CONFIG`);
/// `None` for a name that is not a valid app name (never joined into a path).
pub fn app_config_dir(layout: &Layout, app: &str) -> Option<PathBuf> {
    let app = crate::app::AppName::parse_existing(app).ok()?;
    Some(
        layout
            .lib_root
            .join("config")
            .join(PLUGIN)
            .join(app.as_str()),
    )
}

/// Whether a Docker client `config.json` holds credentials: its `auths` object has at
/// least one entry.
pub fn auths_present(config_json: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(config_json)
        .ok()
        .and_then(|v| {
            v.get("auths")
                .and_then(|a| a.as_object())
                .map(|a| !a.is_empty())
        })
        .unwrap_or(false)
}

/// The app's own credentials directory, when its `config.json` holds credentials.
pub fn app_credentials(layout: &Layout, app: &str) -> Option<PathBuf> {
    let dir = app_config_dir(layout, app)?;
    let text = std::fs::read_to_string(dir.join("config.json")).ok()?;
    auths_present(&text).then_some(dir)
}

/// Renders an image-repo template: Go's `text/template` with `.AppName`, the one
/// field Dokku gives it. Any other action is refused.
pub fn render_template(template: &str, app: &str) -> Result<String, RegistryError> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| RegistryError::Template("unclosed action".into()))?;
        let action = after[..end].trim();
        let action = action.strip_prefix('-').unwrap_or(action);
        let action = action.strip_suffix('-').unwrap_or(action).trim();
        if action != ".AppName" {
            return Err(RegistryError::Template(format!(
                "only {{{{ .AppName }}}} is supported, not {{{{ {action} }}}}"
            )));
        }
        out.push_str(app);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out.trim().to_string())
}

/// The template in force: the app's, else the global one.
pub fn computed_template(props: &PropertyStore, app: &str) -> String {
    computed(props, PLUGIN, app, "image-repo-template", "")
        .trim()
        .to_string()
}

/// The repository the app's images are named in: its `image-repo`, else its rendered
/// template, else `dokku/<app>` (a template that does not render counts as none).
pub fn computed_image_repo(props: &PropertyStore, app: &str) -> String {
    let own = value(props, PLUGIN, app, "image-repo").trim().to_string();
    if !own.is_empty() {
        return own;
    }
    let template = computed_template(props, app);
    if !template.is_empty() {
        if let Ok(repo) = render_template(&template, app) {
            if !repo.is_empty() {
                return repo;
            }
        }
    }
    crate::image::app_image_repo(app)
}

/// The registry server prefix: the app's `server`, else the global one, with one
/// trailing `/`; Docker Hub (`docker.io`, `hub.docker.com`) is no prefix.
pub fn server_prefix(props: &PropertyStore, app: &str) -> String {
    let own = if app == GLOBAL {
        String::new()
    } else {
        value(props, PLUGIN, app, "server")
    };
    let server = if own.is_empty() {
        value(props, PLUGIN, GLOBAL, "server")
    } else {
        own
    };
    let server = server.trim();
    let server = server.strip_suffix('/').unwrap_or(server);
    if server.is_empty() || server == "hub.docker.com" || server == "docker.io" {
        return String::new();
    }
    format!("{server}/")
}

/// `push-on-release` in force (`false` by default).
pub fn computed_push_on_release(props: &PropertyStore, app: &str) -> String {
    computed(props, PLUGIN, app, "push-on-release", "false")
        .trim()
        .to_string()
}

/// Whether each release is pushed.
pub fn push_enabled(props: &PropertyStore, app: &str) -> bool {
    computed_push_on_release(props, app) == "true"
}

/// The extra tags pushed with each release, comma-separated.
pub fn computed_push_extra_tags(props: &PropertyStore, app: &str) -> String {
    computed(props, PLUGIN, app, "push-extra-tags", "")
        .trim()
        .to_string()
}

/// The tag deploys use (`deployed-app-image-tag`): the last pushed version (`1`
/// before any), only when pushing is on.
pub fn deployed_image_tag(props: &PropertyStore, app: &str) -> Option<String> {
    if !push_enabled(props, app) {
        return None;
    }
    let tag = value(props, PLUGIN, app, "tag-version").trim().to_string();
    Some(if tag.is_empty() { "1".into() } else { tag })
}

/// `registry:report` of `app` (or `--global`: only the global and computed keys).
pub fn report(props: &PropertyStore, app: &str) -> Report {
    let mut r = Report::new(PLUGIN, app);
    let global = |key: &str| value(props, PLUGIN, GLOBAL, key);
    r.flag(
        "--registry-computed-push-on-release",
        computed_push_on_release(props, app),
    );
    r.flag(
        "--registry-global-push-on-release",
        global("push-on-release"),
    );
    r.flag("--registry-computed-server", server_prefix(props, app));
    r.flag("--registry-global-server", global("server"));
    r.flag(
        "--registry-computed-image-repo-template",
        computed_template(props, app),
    );
    r.flag(
        "--registry-global-image-repo-template",
        global("image-repo-template"),
    );
    r.flag(
        "--registry-computed-push-extra-tags",
        computed_push_extra_tags(props, app),
    );
    r.flag(
        "--registry-global-push-extra-tags",
        global("push-extra-tags"),
    );
    if app == GLOBAL {
        return r;
    }
    let own = |key: &str| value(props, PLUGIN, app, key);
    r.flag(
        "--registry-computed-image-repo",
        computed_image_repo(props, app),
    );
    r.flag("--registry-image-repo", own("image-repo"));
    r.flag("--registry-push-on-release", own("push-on-release"));
    r.flag("--registry-image-repo-template", own("image-repo-template"));
    r.flag("--registry-server", own("server"));
    r.flag(
        "--registry-tag-version",
        own("tag-version").trim().to_string(),
    );
    r.flag("--registry-push-extra-tags", own("push-extra-tags"));
    r
}

/// Bumps and records the app's tag version, under the plugin's app lock.
pub fn next_tag_version(props: &PropertyStore, app: &str) -> Result<u64, RegistryError> {
    props.app_locked(PLUGIN, app, || {
        let current = value(props, PLUGIN, app, "tag-version").trim().to_string();
        let current = if current.is_empty() { "0" } else { &current };
        let version: u64 = current
            .parse()
            .map_err(|_| RegistryError::TagVersion(current.to_string()))?;
        let next = version + 1;
        props.write(PLUGIN, app, "tag-version", &next.to_string())?;
        Ok(next)
    })
}

/// What one push-on-release does, computed before any docker call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushPlan {
    /// `<server><repo>:<N>`, pushed.
    pub image: String,
    /// `<repo>:<N>`, the local alias.
    pub local: String,
    /// `<server><repo>:<extra>` per extra tag, pushed and untagged afterwards.
    pub extra: Vec<String>,
}

/// Plans the push of release `version` of `repo` to `server`.
pub fn push_plan(server: &str, repo: &str, version: u64, extra_tags: &str) -> PushPlan {
    PushPlan {
        image: format!("{server}{repo}:{version}"),
        local: format!("{repo}:{version}"),
        extra: extra_tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| format!("{server}{repo}:{t}"))
            .collect(),
    }
}

pub(crate) fn docker_env(host: &dyn Host, app: &str) -> Vec<(String, String)> {
    match app_credentials(host.layout(), app) {
        Some(dir) => vec![("DOCKER_CONFIG".into(), dir.display().to_string())],
        None => Vec::new(),
    }
}

fn tag(host: &dyn Host, src: &str, dst: &str) -> Result<(), DeployError> {
    host.docker()
        .image_tag(src, dst)
        .map_err(|e| DeployError::fail(format!("unable to tag image {src} as {dst}: {e}")))
}

fn push(host: &dyn Host, app: &str, image: &str) -> Result<(), DeployError> {
    let call = Call::new(["image", "push", image])
        .with_env(docker_env(host, app))
        .streamed();
    let result = host
        .docker()
        .run(&call)
        .map_err(|e| DeployError::fail(format!("unable to push image {image}: {e}")))?;
    if result.code != 0 {
        return Err(DeployError::fail(format!(
            "unable to push image {image}: docker image push exited with code {}",
            result.code
        )));
    }
    Ok(())
}

/// `post-release-builder APP IMAGE`: tags the release under the computed repository
/// and, with `push-on-release`, tags it `<server><repo>:<N>` and pushes it (extra tags
/// first, untagged locally afterwards). Dokku prints the step lines with
/// `LogVerboseQuiet`, which a plugin shows unless `--quiet`; the host's `log` drops
/// `_quiet` lines without a tty (a push), so they are plain verbose lines here.
pub fn post_release_builder(host: &dyn Host, app: &str, image: &str) -> Result<(), DeployError> {
    let props = host.properties();
    let Some(image_id) = host.docker().image_id(image) else {
        return Ok(());
    };
    let default_repo = crate::image::app_image_repo(app);
    let repo = computed_image_repo(&props, app);
    if repo != default_repo {
        let renamed = image.replacen(&format!("{default_repo}:"), &format!("{repo}:"), 1);
        tag(host, &image_id, &renamed)?;
    }
    if !push_enabled(&props, app) {
        return Ok(());
    }
    host.log(Level::Info1, "Pushing image to registry");
    let version = next_tag_version(&props, app).map_err(|e| DeployError::fail(e.to_string()))?;
    host.log(Level::Verbose, &format!("Bumping tag to {version}"));
    let plan = push_plan(
        &server_prefix(&props, app),
        &repo,
        version,
        &computed_push_extra_tags(&props, app),
    );
    host.log(
        Level::Verbose,
        &format!("Tagging {repo}:{version} in registry format"),
    );
    tag(host, &image_id, &plan.image)?;
    tag(host, &image_id, &plan.local)?;
    for extra in &plan.extra {
        tag(host, &image_id, extra)?;
        host.log(Level::Verbose, &format!("Pushing {extra}"));
        let pushed = push(host, app, extra);
        host.docker().image_rm(std::slice::from_ref(extra));
        pushed?;
    }
    host.log(Level::Verbose, &format!("Pushing {}", plan.image));
    push(host, app, &plan.image)?;
    host.log(Level::Verbose, &format!("Image {} pushed", plan.image));
    Ok(())
}

/// Where the app's last pushed release lives (`<server><repo>:<N>`), when pushing
/// is on: what a deploy falls back to when its local image is gone.
pub fn pushed_release(props: &PropertyStore, app: &str) -> Option<String> {
    let tag = deployed_image_tag(props, app)?;
    Some(format!(
        "{}{}:{tag}",
        server_prefix(props, app),
        computed_image_repo(props, app)
    ))
}

/// Pulls the app's last pushed release and tags it `local` (a deploy whose local
/// image was removed: `ps:restart`, `ps:rebuild` of an image, a reboot); whether
/// `local` exists afterwards. Nothing is pulled when pushing is off.
pub fn pull_release(host: &dyn Host, app: &str, local: &str) -> bool {
    let Some(remote) = pushed_release(&host.properties(), app) else {
        return false;
    };
    host.log(
        Level::Info1,
        &format!("Image {local} not found locally, pulling {remote} from registry"),
    );
    let call = Call::new(["image", "pull", remote.as_str()])
        .with_env(docker_env(host, app))
        .streamed();
    let pulled = host.docker().run(&call).is_ok_and(|r| r.code == 0);
    if !pulled {
        host.log(Level::Warn, &format!("Unable to pull {remote}"));
        return false;
    }
    remote == local || host.docker().image_tag(&remote, local).is_ok()
}

/// Docker Hub's spellings are `docker.io` to `docker login`.
pub fn normalise_server(server: &str) -> &str {
    match server {
        "hub.docker.com" | "docker.com" => "docker.io",
        other => other,
    }
}

/// `docker login` (into the app's own config when `config_dir` is given), with the
/// password on its stdin.
pub fn login(
    docker_bin: &str,
    config_dir: Option<&Path>,
    server: &str,
    username: &str,
    password: &str,
) -> Result<(), RegistryError> {
    if server.is_empty() {
        return Err(RegistryError::Missing("server"));
    }
    if username.is_empty() {
        return Err(RegistryError::Missing("username"));
    }
    if password.is_empty() {
        return Err(RegistryError::Missing("password"));
    }
    let mut cmd = Cmd::new(docker_bin).args([
        "login",
        "--username",
        username,
        "--password-stdin",
        normalise_server(server),
    ]);
    if let Some(dir) = config_dir {
        create_private_dir(dir)?;
        cmd = cmd.env("DOCKER_CONFIG", dir);
    }
    let failed = |detail: String| RegistryError::Docker {
        verb: "login",
        detail,
    };
    let mut child = cmd
        .spawn(Stdio::piped(), Stdio::piped(), Stdio::piped())
        .map_err(|e| failed(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(format!("{password}\n").as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| failed(e.to_string()))?;
    if !out.status.success() {
        return Err(failed(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(())
}

/// `docker logout` (from the app's own config when `config_dir` is given).
pub fn logout(
    docker_bin: &str,
    config_dir: Option<&Path>,
    app: &str,
    server: &str,
) -> Result<(), RegistryError> {
    if server.is_empty() {
        return Err(RegistryError::Missing("server"));
    }
    let mut cmd = Cmd::new(docker_bin).args(["logout", normalise_server(server)]);
    if let Some(dir) = config_dir {
        if !dir.is_dir() {
            return Err(RegistryError::NoCredentials(app.to_string()));
        }
        cmd = cmd.env("DOCKER_CONFIG", dir);
    }
    let out = cmd.output().map_err(|e| RegistryError::Docker {
        verb: "logout",
        detail: e.to_string(),
    })?;
    if !out.status.success() {
        return Err(RegistryError::Docker {
            verb: "logout",
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(())
}

/// Creates `dir` 0700, or makes an existing one 0700: it is also the app's property
/// directory, which `post-create` made before any credentials were there.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// Copies (clone) or moves (rename) an app's credentials to another app.
pub fn carry_credentials(
    layout: &Layout,
    old: &str,
    new: &str,
    keep_old: bool,
) -> Result<(), RegistryError> {
    let (Some(old_dir), Some(to_dir)) = (app_config_dir(layout, old), app_config_dir(layout, new))
    else {
        return Ok(());
    };
    let from = old_dir.join("config.json");
    if !from.is_file() {
        return Ok(());
    }
    create_private_dir(&to_dir)?;
    let bytes = std::fs::read(&from)?;
    crate::fs::write_atomic(&to_dir.join("config.json"), &bytes, 0o600)?;
    if !keep_old {
        let _ = std::fs::remove_dir_all(old_dir);
    }
    Ok(())
}

/// Removes an app's credentials directory (`post-delete`).
pub fn remove_credentials(layout: &Layout, app: &str) {
    if let Some(dir) = app_config_dir(layout, app) {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[cfg(test)]
mod tests;
