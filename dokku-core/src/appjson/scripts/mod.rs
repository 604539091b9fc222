//! Deploy tasks: app.json `scripts.dokku.predeploy` / `scripts.dokku.postdeploy`,
//! Heroku's `scripts.postdeploy` (first deploy only) and the Procfile `release`
//! process type, each run once in a throwaway container of the new image.
//!
//! When they run (Dokku's order):
//!
//! | task | trigger | image |
//! |---|---|---|
//! | `predeploy` | `pre-release-builder` | the new image; the container is committed back into it |
//! | `release` (Procfile) | `post-release-builder` | the new image |
//! | `heroku.postdeploy` | `post-release-builder`, first deploy only | the new image |
//! | `postdeploy` | `post-deploy`, after the switch | the deployed image |
//!
//! A task that fails fails the deploy: before the switch nothing new ever served;
//! after it the scheduler puts the previous containers back (scheduler/rollback.rs).
//! Its output is printed into the deploy log either way.

use crate::deploy::{DeployError, Host};
use crate::log::Level;

/// One kind of deploy task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// `scripts.dokku.predeploy`.
    Predeploy,
    /// The Procfile's `release` process type.
    Release,
    /// Heroku's `scripts.postdeploy`, run on an app's first deploy only.
    HerokuPostdeploy,
    /// `scripts.dokku.postdeploy`.
    Postdeploy,
}

impl Phase {
    /// The name Dokku prints and labels the task container with.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Predeploy => "predeploy",
            Phase::Release => "release",
            Phase::HerokuPostdeploy => "heroku.postdeploy",
            Phase::Postdeploy => "postdeploy",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Phase::Release => "Procfile",
            _ => "app.json",
        }
    }
}

/// The command of `phase` for the deploy run by `pid`, if the app defines one.
pub fn command(
    host: &dyn Host,
    app: &str,
    phase: Phase,
    pid: Option<&str>,
) -> Result<Option<String>, DeployError> {
    let layout = host.layout();
    if phase == Phase::Release {
        let procfile = crate::ps::current_procfile(layout, app, pid)
            .map_err(|e| DeployError::fail(e.to_string()))?;
        return Ok(procfile
            .unwrap_or_default()
            .into_iter()
            .find(|p| p.name == "release")
            .map(|p| p.command));
    }
    let doc = super::current(layout, app, pid).map_err(|e| DeployError::fail(e.to_string()))?;
    let pointer = match phase {
        Phase::Predeploy => "/scripts/dokku/predeploy",
        Phase::Postdeploy => "/scripts/dokku/postdeploy",
        _ => "/scripts/postdeploy",
    };
    // A string, as in Dokku (app.json's schema check refuses any other type).
    let text = doc.pointer(pointer).and_then(|v| v.as_str());
    Ok(text
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string))
}

/// Runs `phase` of `app` in a container of `image` (`dokku/APP:TAG`), if defined.
pub fn run(host: &dyn Host, app: &str, image: &str, phase: Phase) -> Result<(), DeployError> {
    let pid = host.var(crate::env::DOKKU_PID).map(str::to_string);
    host.log(Level::Info1, &format!("Checking for {} task", phase.name()));
    let Some(command) = command(host, app, phase, pid.as_deref())? else {
        host.log(
            Level::Verbose,
            &format!("No {} task found, skipping", phase.name()),
        );
        return Ok(());
    };
    let place = if phase == Phase::Predeploy {
        ""
    } else {
        " in ephemeral container"
    };
    host.log(
        Level::Verbose,
        &format!(
            "Executing {} task from {}{place}: {command}",
            phase.name(),
            phase.source()
        ),
    );
    let task = Task::new(host, app, image, phase);
    let cid = task.create(&command)?;
    let result = task.execute(&cid, &command);
    host.docker().container_rm_force(std::slice::from_ref(&cid));
    result
}

/// What one task container needs.
struct Task<'a> {
    host: &'a dyn Host,
    app: &'a str,
    image: &'a str,
    phase: Phase,
}

/// Arguments a one-off task must not inherit from the app's process settings.
const NOT_FOR_TASKS: &[&str] = &[
    "--cpus",
    "--gpus",
    "--memory",
    "--memory-reservation",
    "--memory-swap",
    "--publish",
    "--publish-all",
    "--restart",
    "-p",
    "-P",
];

/// `args` without the [`NOT_FOR_TASKS`] flags (`--flag=v`, `--flag v` and bare forms).
fn without_process_flags(args: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip_value = false;
    for arg in args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        let flag = arg.split_once('=').map_or(arg.as_str(), |(f, _)| f);
        if NOT_FOR_TASKS.contains(&flag) {
            // `--publish-all` and `-P` take no value.
            skip_value = !arg.contains('=') && !matches!(flag, "--publish-all" | "-P");
            continue;
        }
        out.push(arg);
    }
    out
}

impl<'a> Task<'a> {
    fn new(host: &'a dyn Host, app: &'a str, image: &'a str, phase: Phase) -> Task<'a> {
        Task {
            host,
            app,
            image,
            phase,
        }
    }

    /// `docker inspect --format '{{json .Config.FIELD}}' IMAGE` as a list of words.
    fn image_config(&self, field: &str) -> Vec<String> {
        let out = self.host.docker().run(&crate::docker::Call::new([
            "image".to_string(),
            "inspect".to_string(),
            "--format".to_string(),
            format!("{{{{json .Config.{field}}}}}"),
            self.image.to_string(),
        ]));
        out.ok()
            .filter(|o| o.code == 0)
            .and_then(|o| serde_json::from_str::<Option<Vec<String>>>(o.stdout.trim()).ok())
            .flatten()
            .unwrap_or_default()
    }

    /// The container's command: the task's words handed to the image's own
    /// entrypoint when it has one (as its processes get them), else a shell.
    fn script(&self, command: &str) -> Vec<String> {
        let entrypoint = self.image_config("Entrypoint");
        let init_only =
            entrypoint.len() == 2 && entrypoint[0].ends_with("tini") && entrypoint[1] == "--";
        if !entrypoint.is_empty() && !init_only {
            return crate::shell::split_words(command);
        }
        vec![
            "/bin/sh".into(),
            "-c".into(),
            format!("set -e; {command} || exit 1"),
        ]
    }

    fn create(&self, command: &str) -> Result<String, DeployError> {
        let host = self.host;
        let app = self.app;
        let tag = self.image.rsplit_once(':').map_or("latest", |(_, t)| t);
        let env = crate::deploy::app_env(host.layout(), app)?;
        let mut args: Vec<String> = env.keys().map(|k| format!("--env={k}")).collect();
        args.extend(crate::shell::split_words(
            &host.fire_capture("docker-args-deploy", &[app, tag])?,
        ));
        args.extend(crate::storage::docker_args(
            host.layout(),
            &host.properties(),
            app,
            "deploy",
            None,
        ));
        args.extend(crate::shell::split_words(&host.fire_capture(
            "docker-args-process-deploy",
            &[app, "dockerfile", tag],
        )?));
        let mut args = without_process_flags(args);
        args.extend(crate::shell::split_words(
            host.var(crate::env::DOKKU_GLOBAL_RUN_ARGS)
                .unwrap_or(crate::env::fixed::GLOBAL_DOCKER_ARGS),
        ));
        args.push(format!("--label=com.dokku.app-name={app}"));
        args.push(format!("--label=dokku_phase_script={}", self.phase.name()));
        args.push(self.image.to_string());
        args.extend(self.script(command));
        let cid = host
            .docker()
            .container_create(args, env.into_iter().collect())
            .map_err(|e| {
                DeployError::fail(format!(
                    "Failed to create {} execution container: {e}",
                    self.phase.name()
                ))
            })?;
        if let Err(err) = host.fire_checked(
            "post-container-create",
            &["app", &cid, app, self.phase.name()],
        ) {
            host.docker().container_rm_force(std::slice::from_ref(&cid));
            return Err(err);
        }
        Ok(cid)
    }

    fn execute(&self, cid: &str, command: &str) -> Result<(), DeployError> {
        let host = self.host;
        let docker = host.docker();
        let started = docker.container_start(cid).is_ok();
        let exit = started
            .then(|| docker.run(&crate::docker::Call::new(["container", "wait", cid])))
            .and_then(Result::ok)
            .and_then(|out| out.stdout.trim().parse::<i32>().ok());
        let short: String = cid.chars().take(9).collect();
        let phase = self.phase.name();
        host.log(
            Level::Info2,
            &format!("Start of {} {phase} task ({short}) output", self.app),
        );
        // Printed whatever the tty: a migration's output belongs in the deploy log.
        for line in docker.container_logs(cid, None).lines() {
            host.log(Level::Verbose, line);
        }
        host.log(
            Level::Info2,
            &format!("End of {} {phase} task ({short}) output", self.app),
        );
        if exit != Some(0) {
            return Err(DeployError::fail(format!(
                "Execution of {phase} task failed: {command}"
            )));
        }
        if self.phase == Phase::Predeploy {
            self.commit(cid)?;
        }
        Ok(())
    }

    /// Commits the predeploy container into the image, keeping its entrypoint and
    /// command (the task's own command must not become the image's).
    fn commit(&self, cid: &str) -> Result<(), DeployError> {
        let mut args = vec!["container".to_string(), "commit".to_string()];
        for (field, instruction) in [("Entrypoint", "ENTRYPOINT"), ("Cmd", "CMD")] {
            let words = self.image_config(field);
            if !words.is_empty() {
                let json = serde_json::to_string(&words).unwrap_or_else(|_| "[]".into());
                args.push("--change".into());
                args.push(format!("{instruction} {json}"));
            }
        }
        for label in [
            "org.label-schema.schema-version=1.0".to_string(),
            "org.label-schema.vendor=dokku".to_string(),
            format!("com.dokku.app-name={}", self.app),
            format!("com.dokku.{}-phase=true", self.phase.name()),
        ] {
            args.push("--change".into());
            args.push(format!("LABEL {label}"));
        }
        args.push(cid.to_string());
        args.push(self.image.to_string());
        self.host
            .docker()
            .check(&crate::docker::Call::new(args))
            .map(|_| ())
            .map_err(|e| {
                DeployError::fail(format!(
                    "Committing of '{}' to image failed: {e}",
                    self.phase.name()
                ))
            })
    }
}

#[cfg(test)]
mod tests;
