//! The `docker-options` plugin's rules (Dokku 0.38, `dokku-deploy-behaviour.md` §8.6).
//!
//! Options are property lists of the `docker-options` plugin, one per scope and phase:
//! `config/docker-options/<app>/<scope>.<phase>`, where the scope is `_default_` (every
//! container of the app) or a process type (deploy phase only), and the phase is
//! `build`, `deploy` or `run`. Lists are kept sorted.
//!
//! ```
//! # let root = tempfile::tempdir().expect("temp dir");
//! use dokku_core::docker_options::{self, Phase};
//! use dokku_core::property::PropertyStore;
//!
//! let props = PropertyStore::new(root.path());
//! let phases = docker_options::parse_phases("deploy,run")?;
//! docker_options::add(&props, "web", &[], &phases, "-v /data:/data --restart=always")?;
//! assert_eq!(
//!     docker_options::options(&props, "web", None, Phase::Deploy)?,
//!     ["--restart=always", "-v /data:/data"]
//! );
//! assert_eq!(docker_options::emit(Phase::Run, "dockerfile", &docker_options::options(&props, "web", None, Phase::Run)?), "");
//! # Ok::<(), dokku_core::docker_options::DockerOptionsError>(())
//! ```

mod split;

pub use split::{quote, split_option_string};

use std::fmt;
use std::path::Path;

use thiserror::Error;

use crate::property::{PropertyError, PropertyStore, GLOBAL};

/// The property plugin name.
pub const PLUGIN: &str = "docker-options";
/// The scope of options that apply to every container of the app.
pub const DEFAULT_SCOPE: &str = "_default_";

/// A docker-options phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// `docker image build` (and the builders' build containers).
    Build,
    /// The app's process containers.
    Deploy,
    /// `dokku run` and cron containers.
    Run,
}

impl Phase {
    /// Every phase, in Dokku's order.
    pub const ALL: [Phase; 3] = [Phase::Build, Phase::Deploy, Phase::Run];

    /// The phase's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Build => "build",
            Phase::Deploy => "deploy",
            Phase::Run => "run",
        }
    }

    /// The phase named `name`, if any.
    pub fn from_name(name: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a docker-options operation was refused; the texts are Dokku's.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DockerOptionsError {
    /// A phase in a comma list is not a phase.
    #[error("Phase(s) must be one of [build deploy run]")]
    InvalidPhases,
    /// `--phase` of `docker-options:list` is not a phase.
    #[error("Phase must be one of [build deploy run]")]
    InvalidPhase,
    /// `docker-options:list` without `--phase`.
    #[error("--phase is required")]
    PhaseRequired,
    /// `docker-options:add` without an option.
    #[error("Please specify docker options to add to the phase")]
    NothingToAdd,
    /// `docker-options:remove` without an option.
    #[error("Please specify docker options to remove from the phase")]
    NothingToRemove,
    /// A bad `--process` value or combination.
    #[error("{0}")]
    Process(String),
    /// The option text does not parse as shell words.
    #[error("Unable to parse docker option: {0}")]
    Parse(String),
    /// The property store failed.
    #[error(transparent)]
    Property(#[from] PropertyError),
}

/// The property holding the options of `scope` (a process type, or `None` for
/// `_default_`) in `phase`: `<scope>.<phase>`.
pub fn property_key(scope: Option<&str>, phase: Phase) -> String {
    format!("{}.{phase}", scope.unwrap_or(DEFAULT_SCOPE))
}

/// Parses a comma list of phases (`build,deploy`); an empty argument is no phases.
pub fn parse_phases(arg: &str) -> Result<Vec<Phase>, DockerOptionsError> {
    if arg.is_empty() {
        return Ok(Vec::new());
    }
    arg.split(',')
        .map(|p| Phase::from_name(p).ok_or(DockerOptionsError::InvalidPhases))
        .collect()
}

/// Refuses `--process` values that are empty or `_default_`, and any phase but
/// `deploy` when process types are given.
pub fn validate_processes(
    processes: &[String],
    phases: &[Phase],
) -> Result<(), DockerOptionsError> {
    if processes.is_empty() {
        return Ok(());
    }
    for process in processes {
        if process.is_empty() {
            return Err(DockerOptionsError::Process(
                "--process value must not be empty".into(),
            ));
        }
        if process == DEFAULT_SCOPE {
            return Err(reserved());
        }
    }
    match phases.iter().find(|p| **p != Phase::Deploy) {
        Some(phase) => Err(DockerOptionsError::Process(format!(
            "--process is only supported for the deploy phase, got \"{phase}\""
        ))),
        None => Ok(()),
    }
}

fn reserved() -> DockerOptionsError {
    DockerOptionsError::Process(format!(
        "\"{DEFAULT_SCOPE}\" is reserved and cannot be used as a --process value"
    ))
}

/// The stored options of `scope` in `phase`: trimmed, empty lines dropped.
pub fn options(
    props: &PropertyStore,
    app: &str,
    scope: Option<&str>,
    phase: Phase,
) -> Result<Vec<String>, DockerOptionsError> {
    Ok(props
        .list_get(PLUGIN, app, &property_key(scope, phase))?
        .into_iter()
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect())
}

/// Changes one list under its lock, keeping it trimmed, without blank entries, and
/// sorted (Go's `sort.Strings`), so concurrent `docker-options:add` calls never lose
/// each other's options.
fn update(
    props: &PropertyStore,
    app: &str,
    scope: Option<&str>,
    phase: Phase,
    edit: impl FnOnce(&mut Vec<String>),
) -> Result<(), DockerOptionsError> {
    props.list_update(PLUGIN, app, &property_key(scope, phase), |list| {
        let mut next: Vec<String> = list
            .iter()
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())
            .collect();
        edit(&mut next);
        next.sort();
        *list = next;
        true
    })?;
    Ok(())
}

fn scopes(processes: &[String]) -> Vec<Option<&str>> {
    if processes.is_empty() {
        vec![None]
    } else {
        processes.iter().map(|p| Some(p.as_str())).collect()
    }
}

fn dedupe(mut processes: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    processes.retain(|p| seen.insert(p.clone()));
    processes
}

/// Which way [`add`] and [`remove`] change the option lists.
#[derive(Clone, Copy)]
enum Edit {
    Add,
    Remove,
}

/// `docker-options:add`: splits `option` into options (see [`split_option_string`])
/// and adds each to every phase of every scope. Everything is validated before the
/// first write.
pub fn add(
    props: &PropertyStore,
    app: &str,
    processes: &[String],
    phases: &[Phase],
    option: &str,
) -> Result<(), DockerOptionsError> {
    edit(props, app, processes, phases, option, Edit::Add)
}

/// `docker-options:remove`: removes each option (exact match) from every phase of
/// every scope.
pub fn remove(
    props: &PropertyStore,
    app: &str,
    processes: &[String],
    phases: &[Phase],
    option: &str,
) -> Result<(), DockerOptionsError> {
    edit(props, app, processes, phases, option, Edit::Remove)
}

fn edit(
    props: &PropertyStore,
    app: &str,
    processes: &[String],
    phases: &[Phase],
    option: &str,
    how: Edit,
) -> Result<(), DockerOptionsError> {
    let (options, lifted) = split_option_string(option)?;
    if options.is_empty() {
        return Err(match how {
            Edit::Add => DockerOptionsError::NothingToAdd,
            Edit::Remove => DockerOptionsError::NothingToRemove,
        });
    }
    let processes = dedupe([processes, &lifted].concat());
    validate_processes(&processes, phases)?;
    for scope in scopes(&processes) {
        for &phase in phases {
            update(props, app, scope, phase, |list| match how {
                Edit::Add => list.extend(options.iter().cloned()),
                // A line stored verbatim by releases before 0.38.26 (unquoted shell
                // metacharacters) matches the operator's words as they are.
                Edit::Remove => list.retain(|o| !options.contains(o) && o.trim() != option.trim()),
            })?;
        }
    }
    Ok(())
}

/// What `docker-options:clear` cleared, for its log lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cleared {
    /// Every phase of the default scope: `Clearing docker-options for APP on all phases`.
    AllPhases,
    /// These phases of the default scope: `... on phase P` each.
    Phases(Vec<Phase>),
    /// These process types in these phases: `... on phase P for process T` each.
    Processes(Vec<(Phase, String)>),
}

impl Cleared {
    /// Dokku's `-----> ` messages for this clear.
    pub fn messages(&self, app: &str) -> Vec<String> {
        match self {
            Cleared::AllPhases => vec![format!("Clearing docker-options for {app} on all phases")],
            Cleared::Phases(phases) => phases
                .iter()
                .map(|p| format!("Clearing docker-options for {app} on phase {p}"))
                .collect(),
            Cleared::Processes(pairs) => pairs
                .iter()
                .map(|(p, t)| {
                    format!("Clearing docker-options for {app} on phase {p} for process {t}")
                })
                .collect(),
        }
    }
}

/// `docker-options:clear [--process T]... APP [PHASES]`: without process types, the
/// default scope of the given phases (all when none); with them, those scopes in the
/// given phases (`deploy` when none).
pub fn clear(
    props: &PropertyStore,
    app: &str,
    processes: &[String],
    phases_arg: &str,
) -> Result<Cleared, DockerOptionsError> {
    let phases = parse_phases(phases_arg)?;
    if processes.is_empty() {
        let (cleared, phases) = if phases.is_empty() {
            (Cleared::AllPhases, Phase::ALL.to_vec())
        } else {
            (Cleared::Phases(phases.clone()), phases)
        };
        for phase in phases {
            props.delete(PLUGIN, app, &property_key(None, phase))?;
        }
        return Ok(cleared);
    }
    let phases = if phases.is_empty() {
        vec![Phase::Deploy]
    } else {
        phases
    };
    validate_processes(processes, &phases)?;
    let mut pairs = Vec::new();
    for process in processes {
        for &phase in &phases {
            props.delete(PLUGIN, app, &property_key(Some(process), phase))?;
            pairs.push((phase, process.clone()));
        }
    }
    Ok(Cleared::Processes(pairs))
}

/// `docker-options:list --phase P [--process T] APP`: the options of one scope.
pub fn list(
    props: &PropertyStore,
    app: &str,
    process: Option<&str>,
    phase: &str,
) -> Result<Vec<String>, DockerOptionsError> {
    if phase.is_empty() {
        return Err(DockerOptionsError::PhaseRequired);
    }
    let phase = Phase::from_name(phase).ok_or(DockerOptionsError::InvalidPhase)?;
    let process = process.filter(|p| !p.is_empty());
    if let Some(process) = process {
        if process == DEFAULT_SCOPE {
            return Err(reserved());
        }
        if phase != Phase::Deploy {
            return Err(DockerOptionsError::Process(format!(
                "--process is only supported for the deploy phase, got \"{phase}\""
            )));
        }
    }
    options(props, app, process, phase)
}

/// The process types with options of their own, sorted (`_default_` excluded).
pub fn process_types(props: &PropertyStore, app: &str) -> Result<Vec<String>, DockerOptionsError> {
    let mut types: Vec<String> = props
        .get_all(PLUGIN, app)?
        .into_keys()
        .filter_map(|key| {
            let (scope, phase) = key.rsplit_once('.')?;
            (!scope.is_empty() && scope != DEFAULT_SCOPE && Phase::from_name(phase).is_some())
                .then(|| scope.to_string())
        })
        .collect();
    types.sort();
    types.dedup();
    Ok(types)
}

/// The report of `app` (or `--global`): `--docker-options-{build,deploy,run}` for an
/// app, plus `--docker-options-deploy.<type>` per process type; JSON adds
/// `<phase>-list` arrays.
pub fn report(
    props: &PropertyStore,
    app: &str,
) -> Result<crate::report::Report, DockerOptionsError> {
    let mut report = crate::report::Report::new(PLUGIN, app);
    if app != GLOBAL {
        for phase in Phase::ALL {
            let list = options(props, app, None, phase)?;
            report.flag(&format!("--docker-options-{phase}"), list.join(" "));
            report.json_list(&format!("{phase}-list"), list);
        }
    }
    for process in process_types(props, app)? {
        let list = options(props, app, Some(&process), Phase::Deploy)?;
        report.flag(
            &format!("--docker-options-deploy.{process}"),
            list.join(" "),
        );
        if app != GLOBAL {
            report.json_list(&format!("deploy.{process}-list"), list);
        }
    }
    Ok(report)
}

/// What a `docker-args-*` trigger adds for `options`: ` <option>` each, skipping
/// comments, `--restart*` outside the deploy phase, and per image source type the
/// flags its builder cannot take (`--link`, `-v`, `--volume` for dockerfile, nixpacks
/// and railpack; `--file`, `--build-args` for herokuish).
pub fn emit(phase: Phase, image_source_type: &str, options: &[String]) -> String {
    let mut out = String::new();
    for option in options {
        let option = option.trim();
        if option.is_empty() || option.starts_with('#') {
            continue;
        }
        if option.starts_with("--restart") {
            if phase == Phase::Deploy {
                out.push(' ');
                out.push_str(option);
            }
            continue;
        }
        let dropped: &[&str] = match image_source_type {
            "dockerfile" | "nixpacks" | "railpack" => &["--link", "-v", "--volume"],
            "herokuish" => &["--file", "--build-args"],
            _ => &[],
        };
        if dropped.iter().any(|p| {
            option == *p
                || option.starts_with(&format!("{p}="))
                || option.starts_with(&format!("{p} "))
        }) {
            continue;
        }
        out.push(' ');
        out.push_str(option);
    }
    out
}

/// `post-app-rename-setup`: the options are copied to the new name. The old ones go
/// with the old app (`post-delete`), once the rename has switched names: a rename
/// killed before that leaves the old app whole.
pub fn rename(props: &PropertyStore, old: &str, new: &str) -> Result<(), DockerOptionsError> {
    props.clone_app(PLUGIN, old, new)?;
    Ok(())
}

/// The `install` trigger: the property directory, then (once) the pre-0.38
/// `$DOKKU_ROOT/<app>/DOCKER_OPTIONS_<PHASE>` files drained into properties. Returns
/// the files migrated, for Dokku's `Migrated <file> to docker-options properties`.
pub fn install(
    props: &PropertyStore,
    dokku_root: &Path,
    apps: &[String],
) -> Result<Vec<String>, DockerOptionsError> {
    props.setup(PLUGIN)?;
    if props.get(PLUGIN, GLOBAL, "migrated-from-files")?.as_deref() == Some("true") {
        return Ok(Vec::new());
    }
    let mut migrated = Vec::new();
    for app in apps {
        for phase in Phase::ALL {
            let legacy = dokku_root
                .join(app)
                .join(format!("DOCKER_OPTIONS_{}", phase.as_str().to_uppercase()));
            let Ok(text) = std::fs::read_to_string(&legacy) else {
                continue;
            };
            let lines: Vec<String> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect();
            if !lines.is_empty() {
                props.list_write(PLUGIN, app, &property_key(None, phase), &lines)?;
                props.write(PLUGIN, app, &format!("migrated-{phase}"), "true")?;
                migrated.push(legacy.display().to_string());
            }
            std::fs::remove_file(&legacy).map_err(|e| {
                DockerOptionsError::Process(format!(
                    "Unable to remove migrated file {}: {e}",
                    legacy.display()
                ))
            })?;
        }
    }
    props.write(PLUGIN, GLOBAL, "migrated-from-files", "true")?;
    Ok(migrated)
}

#[cfg(test)]
mod tests;
