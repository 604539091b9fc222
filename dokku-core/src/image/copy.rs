//! `copy_from_image` and `copy_dir_from_image`: reading files out of an image without
//! running it (Dokku's `CopyFromImage` / `CopyDirFromImage`, `dokku-core-behaviour.md`
//! §4.2).
//!
//! 1. One `docker image inspect` answers whether the image exists (else
//!    `Invalid docker image for copying content`) and where a relative SRC lives:
//!    `/workspace` for Cloud Native Buildpacks images, `/app` for herokuish images, else
//!    the image's `WORKDIR` (a relative SRC stays relative when there is none).
//! 2. A temporary container is created, labelled `com.dokku.app-name=<app>` plus
//!    `$DOKKU_GLOBAL_RUN_ARGS`, and never started.
//! 3. `docker container cp` copies SRC into a private temporary directory on the host.
//! 4. The container is removed with `docker container remove --force` whatever
//!    happened in step 3; the temporary directory is removed too.
//!
//! A file's content is whitespace-trimmed, CRLF line ends become LF, and a final newline
//! is added; an empty result is `Unable to copy file <src> from image`. A directory
//! copy keeps only its top-level regular files (line ends converted, nothing trimmed).
//!
//! Where we differ from Dokku on purpose: Dokku passes `$DOKKU_GLOBAL_RUN_ARGS` to
//! `docker container create` as one argument, so Docker sees a single label whose
//! value swallows the others; we split it into its words, giving the container the
//! `dokku` and `org.label-schema.*` labels every other Dokku container has. The copy
//! goes through a host directory rather than a tar stream on stdout.

use std::fs;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::docker::{Call, Docker, DockerError};
use crate::image::labels;

/// The user herokuish images run as unless the app's `DOKKU_APP_USER` says otherwise.
pub const DEFAULT_HEROKUISH_USER: &str = "herokuishuser";

/// What to copy, and from which image, on behalf of which app.
#[derive(Debug, Clone)]
pub struct CopyRequest<'a> {
    /// The app the temporary container is labelled with (`com.dokku.app-name`); may
    /// be empty, as in Dokku when a plugin has no `$APP`.
    pub app: &'a str,
    /// The image to read from.
    pub image: &'a str,
    /// The path in the image; relative paths are taken from the image's work dir.
    pub src: &'a str,
    /// The app's `DOKKU_APP_USER` config var, if set (herokuish detection).
    pub app_user: Option<&'a str>,
    /// `$DOKKU_GLOBAL_RUN_ARGS`: extra `docker container create` arguments, split on
    /// whitespace.
    pub global_run_args: &'a str,
}

/// Why a copy failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CopyError {
    /// The image does not exist locally.
    #[error("Invalid docker image for copying content")]
    InvalidImage {
        /// The image asked for.
        image: String,
    },
    /// SRC is missing, not a regular file, or (for a file) empty after trimming.
    #[error("Unable to copy file {src} from image")]
    NotCopied {
        /// SRC as given.
        src: String,
    },
    /// The temporary container could not be created.
    #[error("Unable to create a temporary container from {image}: {source}")]
    Create {
        /// The image.
        image: String,
        /// Docker's failure.
        #[source]
        source: DockerError,
    },
    /// Docker could not be run at all.
    #[error(transparent)]
    Docker(#[from] DockerError),
    /// The destination could not be written (or the temporary directory made).
    #[error("Unable to {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

fn io_err(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> CopyError {
    let path = path.to_path_buf();
    move |source| CopyError::Io {
        action,
        path,
        source,
    }
}

/// What `docker image inspect` says about an image, as far as copying cares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageInfo {
    /// `Config.WorkingDir`.
    pub working_dir: String,
    /// `Config.Env`.
    pub env: Vec<String>,
    /// `Config.Labels`.
    pub labels: std::collections::BTreeMap<String, String>,
}

impl ImageInfo {
    /// Dokku's `is_image_cnb_based`: the `io.buildpacks.stack.id` label is set.
    pub fn is_cnb(&self) -> bool {
        self.labels
            .get(labels::CNB_STACK_ID)
            .is_some_and(|v| !v.is_empty())
    }

    /// Dokku's `is_image_herokuish_based`: CNB, or `USER=<app user>` in the image's env
    /// (`DOKKU_APP_USER`, default `herokuishuser`).
    pub fn is_herokuish(&self, app_user: Option<&str>) -> bool {
        let user = app_user
            .filter(|u| !u.is_empty())
            .unwrap_or(DEFAULT_HEROKUISH_USER);
        self.is_cnb() || self.env.iter().any(|e| e == &format!("USER={user}"))
    }

    /// Dokku's `get_image_builder_type`: the `com.dokku.builder-type` label, else
    /// `herokuish` for a herokuish-like image (see [`ImageInfo::is_herokuish`]), else
    /// `dockerfile`.
    pub fn builder_type(&self, app_user: Option<&str>) -> &str {
        match self
            .labels
            .get(labels::BUILDER_TYPE)
            .filter(|v| !v.is_empty())
        {
            Some(label) => label,
            None if self.is_herokuish(app_user) => "herokuish",
            None => "dockerfile",
        }
    }

    /// Where a relative path in the image is taken from: `/workspace` (CNB), `/app`
    /// (herokuish), else the `WORKDIR`, if any.
    pub fn work_dir(&self, app_user: Option<&str>) -> Option<&str> {
        if self.is_cnb() {
            Some("/workspace")
        } else if self.is_herokuish(app_user) {
            Some("/app")
        } else {
            Some(self.working_dir.as_str()).filter(|w| !w.is_empty())
        }
    }
}

/// Inspects `image`: `None` when it does not exist.
pub fn inspect(docker: &Docker, image: &str) -> Result<Option<ImageInfo>, DockerError> {
    let result = docker.run(&Call::new([
        "image",
        "inspect",
        "--format",
        "{{json .Config}}",
        image,
    ]))?;
    if result.code != 0 {
        return Ok(None);
    }
    let config: serde_json::Value = serde_json::from_str(result.stdout.trim()).unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    Ok(Some(ImageInfo {
        working_dir: text(&config["WorkingDir"]),
        env: config["Env"]
            .as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default(),
        labels: config["Labels"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
            .unwrap_or_default(),
    }))
}

/// SRC as an absolute path in the image, when it is relative and there is a work dir.
pub fn resolve_src(src: &str, work_dir: Option<&str>) -> String {
    match work_dir {
        Some(dir) if !src.starts_with('/') => format!("{}/{src}", dir.trim_end_matches('/')),
        _ => src.to_string(),
    }
}

/// Copies the file SRC out of the image to `dst` (see the module docs for the rules).
pub fn copy_from_image(
    docker: &Docker,
    req: &CopyRequest<'_>,
    dst: &Path,
) -> Result<(), CopyError> {
    with_copy(docker, req, |copied, src| {
        let bytes = match fs::symlink_metadata(copied) {
            Ok(meta) if meta.is_file() => fs::read(copied).map_err(io_err("read", copied))?,
            _ => {
                return Err(CopyError::NotCopied {
                    src: src.to_string(),
                })
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(CopyError::NotCopied {
                src: src.to_string(),
            });
        }
        let mut content = unix_line_ends(trimmed);
        if !content.ends_with('\n') {
            content.push('\n');
        }
        crate::fs::write_atomic(dst, content.as_bytes(), 0o644).map_err(io_err("write", dst))
    })
}

/// Copies the top-level regular files of directory SRC in the image into `dir`
/// (created if missing); sub-directories and anything else are skipped.
pub fn copy_dir_from_image(
    docker: &Docker,
    req: &CopyRequest<'_>,
    dir: &Path,
) -> Result<(), CopyError> {
    with_copy(docker, req, |copied, src| {
        match fs::symlink_metadata(copied) {
            Ok(meta) if meta.is_dir() => {}
            _ => {
                return Err(CopyError::NotCopied {
                    src: src.to_string(),
                })
            }
        }
        fs::create_dir_all(dir).map_err(io_err("create directory", dir))?;
        let entries = fs::read_dir(copied).map_err(io_err("read directory", copied))?;
        for entry in entries {
            let entry = entry.map_err(io_err("read directory", copied))?;
            let is_file = entry
                .file_type()
                .map_err(io_err("read directory", copied))?
                .is_file();
            if !is_file {
                continue;
            }
            let bytes = fs::read(entry.path()).map_err(io_err("read", &entry.path()))?;
            let target = dir.join(entry.file_name());
            let content = match String::from_utf8(bytes) {
                Ok(text) => unix_line_ends(&text).into_bytes(),
                Err(e) => e.into_bytes(),
            };
            crate::fs::write_atomic(&target, &content, 0o644).map_err(io_err("write", &target))?;
        }
        Ok(())
    })
}

/// `dos2unix`: CRLF line ends become LF.
fn unix_line_ends(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Creates the temporary container, copies SRC into a private host directory, runs
/// `finish` on the copy, and always removes the container and the directory.
fn with_copy(
    docker: &Docker,
    req: &CopyRequest<'_>,
    finish: impl FnOnce(&Path, &str) -> Result<(), CopyError>,
) -> Result<(), CopyError> {
    let info = inspect(docker, req.image)?.ok_or_else(|| CopyError::InvalidImage {
        image: req.image.to_string(),
    })?;
    let src = resolve_src(req.src, info.work_dir(req.app_user));
    let mut args = vec![
        "container".to_string(),
        "create".to_string(),
        format!("--label={}", labels::app_name(req.app)),
    ];
    args.extend(req.global_run_args.split_whitespace().map(str::to_string));
    args.push(req.image.to_string());
    let created = docker.run(&Call::new(args))?;
    let id = created
        .stdout
        .trim()
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string();
    if created.code != 0 || id.is_empty() {
        return Err(CopyError::Create {
            image: req.image.to_string(),
            source: DockerError::Failed {
                command: format!("container create {}", req.image),
                code: created.code,
                stderr: created.stderr,
            },
        });
    }
    // Private (0700), unpredictably named, removed on drop.
    let result = crate::fs::private_tempdir("dokku-copy-")
        .map_err(io_err(
            "create a temporary directory in",
            &std::env::temp_dir(),
        ))
        .and_then(|tmp| {
            let copied = tmp.path().join("copy");
            let cp = docker.run(&Call::new([
                "container".to_string(),
                "cp".to_string(),
                "--quiet".to_string(),
                format!("{id}:{src}"),
                copied.display().to_string(),
            ]));
            match cp {
                Ok(out) if out.code == 0 => finish(&copied, req.src),
                Ok(_) => Err(CopyError::NotCopied {
                    src: req.src.to_string(),
                }),
                Err(e) => Err(e.into()),
            }
        });
    // Always, whatever the copy did.
    let removed = docker.run(&Call::new(["container", "remove", "--force", id.as_str()]));
    result?;
    match removed {
        Ok(out) if out.code != 0 => Err(DockerError::Failed {
            command: format!("container remove --force {id}"),
            code: out.code,
            stderr: out.stderr,
        }
        .into()),
        Ok(_) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docker::fake::FakeDocker;
    use crate::docker::CallResult;

    fn req<'a>(src: &'a str) -> CopyRequest<'a> {
        CopyRequest {
            app: "web",
            image: "dokku/web:latest",
            src,
            app_user: None,
            global_run_args: crate::env::fixed::GLOBAL_DOCKER_ARGS,
        }
    }

    fn image(config: &str) -> FakeDocker {
        let fake = FakeDocker::new();
        fake.respond_ok(&["image", "inspect"], config);
        fake
    }

    #[test]
    fn work_dir_rules() {
        let plain = ImageInfo {
            working_dir: "/srv".into(),
            ..ImageInfo::default()
        };
        assert_eq!(plain.work_dir(None), Some("/srv"));
        assert_eq!(ImageInfo::default().work_dir(None), None);
        let herokuish = ImageInfo {
            env: vec!["USER=herokuishuser".into()],
            ..plain.clone()
        };
        assert_eq!(herokuish.work_dir(None), Some("/app"));
        assert_eq!(
            herokuish.work_dir(Some("other")),
            Some("/srv"),
            "DOKKU_APP_USER decides"
        );
        let mut cnb = plain.clone();
        cnb.labels
            .insert(labels::CNB_STACK_ID.into(), "heroku-22".into());
        assert_eq!(cnb.work_dir(None), Some("/workspace"));
        assert_eq!(resolve_src("Procfile", Some("/app/")), "/app/Procfile");
        assert_eq!(resolve_src("/etc/x", Some("/app")), "/etc/x");
        assert_eq!(resolve_src("Procfile", None), "Procfile");
    }

    #[test]
    fn builder_type_rules() {
        let mut info = ImageInfo::default();
        assert_eq!(info.builder_type(None), "dockerfile");
        info.env.push("USER=herokuishuser".into());
        assert_eq!(info.builder_type(None), "herokuish");
        assert_eq!(
            info.builder_type(Some("web")),
            "dockerfile",
            "DOKKU_APP_USER decides"
        );
        info.labels
            .insert(labels::BUILDER_TYPE.into(), "pack".into());
        assert_eq!(info.builder_type(None), "pack", "the label wins");
        let mut cnb = ImageInfo::default();
        cnb.labels
            .insert(labels::CNB_STACK_ID.into(), "heroku-22".into());
        assert_eq!(
            cnb.builder_type(None),
            "herokuish",
            "CNB images count as herokuish"
        );
    }

    #[test]
    fn a_missing_image_is_refused_before_creating_anything() {
        let fake = FakeDocker::new();
        fake.respond(
            &["image", "inspect"],
            CallResult {
                code: 1,
                ..CallResult::default()
            },
        );
        let dst = tempfile::tempdir().expect("tmp");
        let err = copy_from_image(&fake.docker(), &req("Procfile"), &dst.path().join("out"))
            .expect_err("invalid");
        assert_eq!(err.to_string(), "Invalid docker image for copying content");
        assert_eq!(
            fake.calls(),
            ["image inspect --format {{json .Config}} dokku/web:latest"]
        );
    }

    #[test]
    fn the_container_is_labelled_and_removed_even_when_the_copy_fails() {
        let fake = image(r#"{"WorkingDir":"/srv","Env":[],"Labels":null}"#);
        fake.respond(
            &["container", "cp"],
            CallResult {
                code: 1,
                stderr: "no such file".into(),
                ..CallResult::default()
            },
        );
        let dst = tempfile::tempdir().expect("tmp");
        let err = copy_from_image(&fake.docker(), &req("Procfile"), &dst.path().join("out"))
            .expect_err("fails");
        assert_eq!(err.to_string(), "Unable to copy file Procfile from image");
        let calls = fake.calls();
        assert_eq!(
            calls[1],
            "container create --label=com.dokku.app-name=web --label=org.label-schema.schema-version=1.0 \
             --label=org.label-schema.vendor=dokku --label=dokku dokku/web:latest"
        );
        assert!(
            calls[2].starts_with("container cp --quiet cid1:/srv/Procfile /"),
            "{}",
            calls[2]
        );
        assert_eq!(calls[3], "container remove --force cid1");
        assert_eq!(calls.len(), 4);
        assert!(!dst.path().join("out").exists());
    }

    #[test]
    fn a_failed_create_is_reported_and_nothing_is_removed() {
        let fake = image("{}");
        fake.respond(
            &["container", "create"],
            CallResult {
                code: 125,
                stderr: "boom".into(),
                ..CallResult::default()
            },
        );
        let dst = tempfile::tempdir().expect("tmp");
        let err = copy_dir_from_image(&fake.docker(), &req("/etc"), dst.path()).expect_err("fails");
        assert!(err.to_string().contains("boom"), "{err}");
        assert_eq!(fake.calls().len(), 2);
    }

    #[test]
    fn an_empty_copy_is_not_copied_and_the_container_goes() {
        // The fake `cp` succeeds without producing a file: same as an empty source.
        let fake = image(r#"{"Env":["USER=herokuishuser"]}"#);
        let dst = tempfile::tempdir().expect("tmp");
        let err = copy_from_image(&fake.docker(), &req("CHECKS"), &dst.path().join("CHECKS"))
            .expect_err("empty");
        assert_eq!(err.to_string(), "Unable to copy file CHECKS from image");
        let calls = fake.calls();
        assert!(calls[2].contains("cid1:/app/CHECKS"), "herokuish: /app");
        assert_eq!(
            calls.last().map(String::as_str),
            Some("container remove --force cid1")
        );
    }

    #[test]
    fn line_ends_are_unix() {
        assert_eq!(unix_line_ends("a\r\nb\r\n"), "a\nb\n");
    }
}
