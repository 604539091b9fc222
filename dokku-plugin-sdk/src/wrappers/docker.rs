//! Docker as Dokku runs it: its label sets, `$DOKKU_GLOBAL_*_ARGS`, and a docker
//! command run through `$DOCKER_BIN`.

use crate::error::HostError;
use crate::services::{bad_answer, parse_status, service, Host};

/// A label set of Dokku's builders (the `DOCKER_*_LABEL_ARGS` of its `builder-*`
/// scripts), for [`Host::docker_labels`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DockerLabels {
    /// `--label=...` arguments of `docker image build` for a build image.
    Build,
    /// `--label=...` arguments of `docker image build` for the release image.
    Release,
    /// `--change "LABEL k=v"` arguments of `docker container commit` for a build image.
    Commit,
    /// `--label=...` arguments of `docker container run`/`create` for a container
    /// working on a build.
    Run,
}

impl DockerLabels {
    /// The set's name on the wire (`build`, `release`, `commit`, `run`).
    pub const fn name(self) -> &'static str {
        match self {
            DockerLabels::Build => "build",
            DockerLabels::Release => "release",
            DockerLabels::Commit => "commit",
            DockerLabels::Run => "run",
        }
    }
}

/// Which of Dokku's global docker arguments: `$DOKKU_GLOBAL_BUILD_ARGS` or
/// `$DOKKU_GLOBAL_RUN_ARGS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DockerPhase {
    /// `$DOKKU_GLOBAL_BUILD_ARGS`, for builds.
    Build,
    /// `$DOKKU_GLOBAL_RUN_ARGS`, for containers.
    Run,
}

impl DockerPhase {
    /// The phase's name on the wire (`build`, `run`).
    pub const fn name(self) -> &'static str {
        match self {
            DockerPhase::Build => "build",
            DockerPhase::Run => "run",
        }
    }
}

/// What [`Host::docker_command`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerOutput {
    /// Docker's exit status (128 + the signal when it was killed).
    pub status: i32,
    /// What it wrote to stdout.
    pub stdout: String,
    /// What it wrote to stderr.
    pub stderr: String,
}

impl DockerOutput {
    /// Whether docker exited 0.
    pub fn success(&self) -> bool {
        self.status == 0
    }
}

impl Host<'_> {
    /// The arguments Dokku gives docker for `set` on behalf of `app`, in Dokku's
    /// order; `builder_type` adds `com.dokku.builder-type`.
    pub fn docker_labels(
        &self,
        set: DockerLabels,
        app: &str,
        builder_type: Option<&str>,
    ) -> Result<Vec<String>, HostError> {
        let mut args = vec![set.name(), app];
        if let Some(t) = builder_type {
            args.push(t);
        }
        self.call(service::DOCKER_LABELS, &args)
    }

    /// The words of `$DOKKU_GLOBAL_BUILD_ARGS` or `$DOKKU_GLOBAL_RUN_ARGS`, split as
    /// the shell splits them.
    pub fn docker_global_args(&self, phase: DockerPhase) -> Result<Vec<String>, HostError> {
        self.call(service::DOCKER_GLOBAL_ARGS, &[phase.name()])
    }

    /// Runs `$DOCKER_BIN ARGS...` (an argument list, never a shell string) with
    /// Dokku's environment and stdin empty, capturing its output. A command that makes
    /// a container (`run`, `create`, `container run|create`) gets
    /// `$DOKKU_GLOBAL_RUN_ARGS` and, with `app`, `com.dokku.app-name=APP` right after
    /// the command words; a build (`build`, `image|buildx|builder build`) gets
    /// `$DOKKU_GLOBAL_BUILD_ARGS` and the app's label: Dokku's clean-up finds what the
    /// plugin made. The command must come first. A non-zero status is an answer, not
    /// an error; a missing `app` is [`crate::ErrorKind::AppNotFound`].
    pub fn docker_command(
        &self,
        app: Option<&str>,
        args: &[&str],
    ) -> Result<DockerOutput, HostError> {
        let mut call_args = Vec::with_capacity(args.len() + 1);
        call_args.push(app.unwrap_or(""));
        call_args.extend_from_slice(args);
        let values = self.call(service::DOCKER_COMMAND, &call_args)?;
        match values.as_slice() {
            [status, stdout, stderr] => Ok(DockerOutput {
                status: parse_status(service::DOCKER_COMMAND, status)?,
                stdout: stdout.clone(),
                stderr: stderr.clone(),
            }),
            _ => Err(bad_answer(
                service::DOCKER_COMMAND,
                "three values (status, stdout, stderr)",
                &values,
            )),
        }
    }
}
