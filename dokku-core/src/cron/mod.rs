//! Cron tasks (Dokku's `cron` plugin): the `cron` entries of an app's `app.json`
//! become lines of the system user's crontab that run `dokku cron:run APP ID`; other
//! plugins inject global lines through the `cron-entries` trigger
//! (`SCHEDULE;COMMAND[;LOGFILE]`). The crontab is always regenerated whole
//! ([`render_crontab`]) from every app whose scheduler uses the host cron.
//!
//! Properties (`cron:set`): `mailto` and `mailfrom` (global only), `maintenance`
//! (app or global: any `true` pauses the app's tasks) and `maintenance.<ID>` (one
//! task of one app).

pub mod crontab;
pub mod schedule;

use std::fmt::Write as _;

use serde_json::Value;
use thiserror::Error;

use crate::config::gojson::push_string;
use crate::property::{PropertyStore, GLOBAL};

/// The plugin name the properties live under.
pub const PLUGIN: &str = "cron";

/// The properties `cron:set` takes besides `maintenance.<ID>`.
pub const PROPERTIES: &[&str] = &["mailfrom", "mailto", "maintenance"];

/// The prefix of a task's own maintenance property.
pub const MAINTENANCE_PREFIX: &str = "maintenance.";

/// How long a `cron:run` container may run unless `--ttl-seconds` says otherwise.
pub const DEFAULT_TTL_SECONDS: u64 = 86_400;

/// The concurrency policies a task may name (`allow` when none is given).
pub const CONCURRENCY_POLICIES: &[&str] = &["allow", "forbid", "replace"];

/// Why cron tasks or settings are refused; the texts are Dokku's.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CronError {
    /// An app.json task without a command (fatal only where Dokku's is).
    #[error("Missing cron task command for app {app} (index {index})")]
    MissingCommand {
        /// The app.
        app: String,
        /// The task's index in `cron`.
        index: usize,
    },
    /// An app.json task without a schedule.
    #[error("Missing cron schedule for app {app} (index {index})")]
    MissingSchedule {
        /// The app.
        app: String,
        /// The task's index in `cron`.
        index: usize,
    },
    /// A schedule cron would not accept.
    #[error("Invalid cron schedule for app {app} (schedule {schedule}): {reason}")]
    BadSchedule {
        /// The app.
        app: String,
        /// The schedule.
        schedule: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A command that is not a sequence of shell words.
    #[error("Invalid cron command for app {app} (command {command:?}): {reason}")]
    BadCommand {
        /// The app.
        app: String,
        /// The command.
        command: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A concurrency policy other than allow, forbid or replace.
    #[error("Invalid cron concurrency policy for app {app} (schedule {schedule}): {policy}")]
    BadPolicy {
        /// The app.
        app: String,
        /// The schedule.
        schedule: String,
        /// The policy given.
        policy: String,
    },
    /// A `maintenance.<ID>` property that is not a boolean.
    #[error("Invalid maintenance property for app {app} (schedule {schedule}): {value:?} is not a boolean")]
    BadMaintenance {
        /// The app.
        app: String,
        /// The task's schedule.
        schedule: String,
        /// The stored value.
        value: String,
    },
    /// A `cron-entries` line that is not `SCHEDULE;COMMAND[;LOGFILE]`.
    #[error("Invalid injected cron task: {0}")]
    BadInjected(String),
    /// `maintenance.<ID>` with `--global`.
    #[error("Task maintenance properties cannot be set globally")]
    TaskMaintenanceGlobal,
    /// `maintenance.` without an id.
    #[error("Invalid task maintenance property, missing ID")]
    MissingTaskId,
    /// `maintenance.<ID>` naming no task of the app.
    #[error("Invalid task maintenance property, no matching task ID found: {0}")]
    UnknownTask(String),
    /// `mailto` / `mailfrom` for one app.
    #[error("Property cannot be specified on a per-app basis")]
    GlobalOnly,
}

/// One scheduled task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Task {
    /// Its id: base36 of app, command and schedule (stable across deploys).
    pub id: String,
    /// The app (empty for an injected task).
    pub app: String,
    /// The command run in a one-off container of the app.
    pub command: String,
    /// Injected through `cron-entries` (listed by `cron:list --global`).
    pub global: bool,
    /// The cron schedule.
    pub schedule: String,
    /// `allow`, `forbid` or `replace` (empty for injected tasks).
    pub concurrency_policy: String,
    /// An injected task's command, run on the host as is.
    pub alt_command: String,
    /// Where an injected task's output is appended.
    pub log_file: String,
    /// The app's tasks are paused (`maintenance`, app or global).
    pub app_in_maintenance: bool,
    /// This task is paused (app.json `maintenance` or `maintenance.<ID>`).
    pub task_in_maintenance: bool,
    /// Either of the two: the task is left out of the crontab.
    pub maintenance: bool,
}

impl Task {
    /// The crontab command: `dokku cron:run APP ID`, or an injected task's own
    /// command (appending to its log file when it has one).
    pub fn crontab_command(&self) -> String {
        self.crontab_command_with("dokku")
    }

    /// [`Task::crontab_command`] calling dokku as `dokku` (a crontab-ready command,
    /// already shell-quoted).
    pub fn crontab_command_with(&self, dokku: &str) -> String {
        if !self.alt_command.is_empty() {
            if !self.log_file.is_empty() {
                return format!("{} &>> {}", self.alt_command, self.log_file);
            }
            return self.alt_command.clone();
        }
        format!("{dokku} cron:run {} {}", self.app, self.id)
    }

    /// The task as Dokku's `cron:list --format json` prints it (Go's field order and
    /// escaping; `app` and `global` only when set).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"id\":");
        push_string(&mut out, &self.id);
        if !self.app.is_empty() {
            out.push_str(",\"app\":");
            push_string(&mut out, &self.app);
        }
        out.push_str(",\"command\":");
        push_string(&mut out, &self.command);
        if self.global {
            out.push_str(",\"global\":true");
        }
        out.push_str(",\"schedule\":");
        push_string(&mut out, &self.schedule);
        out.push_str(",\"concurrency_policy\":");
        push_string(&mut out, &self.concurrency_policy);
        let _ = write!(
            out,
            ",\"app-in-maintenance\":{},\"task-in-maintenance\":{},\"maintenance\":{}}}",
            self.app_in_maintenance, self.task_in_maintenance, self.maintenance
        );
        out
    }

    /// The `Maintenance` column of `cron:list`.
    pub fn maintenance_label(&self) -> &'static str {
        match (
            self.maintenance,
            self.task_in_maintenance,
            self.app_in_maintenance,
        ) {
            (true, true, _) => "true (task)",
            (true, false, true) => "true (app)",
            _ => "false",
        }
    }
}

/// A list of tasks as one JSON array.
pub fn tasks_json(tasks: &[Task]) -> String {
    let items: Vec<String> = tasks.iter().map(Task::to_json).collect();
    format!("[{}]", items.join(","))
}

/// Lower-case base36 of `bytes` (go-base36's `EncodeToStringLc`): the big-endian
/// number in base 36, one `0` per leading zero byte.
pub fn base36(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    let mut digits: Vec<u8> = Vec::new(); // little-endian base-36 digits
    for &byte in &bytes[zeros..] {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            let v = u32::from(*d) * 256 + carry;
            *d = (v % 36) as u8;
            carry = v / 36;
        }
        while carry > 0 {
            digits.push((carry % 36) as u8);
            carry /= 36;
        }
    }
    let mut out = "0".repeat(zeros);
    out.extend(digits.iter().rev().map(|d| DIGITS[*d as usize] as char));
    out
}

/// The id of an app.json task.
pub fn task_id(app: &str, command: &str, schedule: &str) -> String {
    base36(format!("{app}==={command}==={schedule}").as_bytes())
}

/// A property's value, empty when unset.
fn value(props: &PropertyStore, app: &str, key: &str) -> String {
    crate::property::command::value(props, PLUGIN, app, key)
}

/// Dokku's computed `maintenance`: `true` when the app's or the global value is
/// `true` (an app's `false` does not override a global `true`), else the global
/// value, else `false`.
pub fn computed_maintenance(props: &PropertyStore, app: &str) -> String {
    if app != GLOBAL && value(props, app, "maintenance") == "true" {
        return "true".into();
    }
    Some(value(props, GLOBAL, "maintenance"))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "false".into())
}

/// The app's tasks from its app.json `doc`. With `strict` (validating a deploy's
/// app.json), a task without command or schedule fails; otherwise it is skipped and
/// its message returned among the warnings.
pub fn app_tasks(
    props: &PropertyStore,
    app: &str,
    doc: &Value,
    strict: bool,
) -> Result<(Vec<Task>, Vec<String>), CronError> {
    let mut tasks = Vec::new();
    let mut warnings = Vec::new();
    let Some(entries) = doc.get("cron").and_then(Value::as_array) else {
        return Ok((tasks, warnings));
    };
    let app_paused = computed_maintenance(props, app) == "true";
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    for (index, entry) in entries.iter().enumerate() {
        let command = text(entry.get("command"));
        let schedule = text(entry.get("schedule"));
        let missing = if command.is_empty() {
            Some(CronError::MissingCommand {
                app: app.into(),
                index,
            })
        } else if schedule.is_empty() {
            Some(CronError::MissingSchedule {
                app: app.into(),
                index,
            })
        } else {
            None
        };
        if let Some(err) = missing {
            if strict {
                return Err(err);
            }
            warnings.push(err.to_string());
            continue;
        }
        schedule::validate(&schedule).map_err(|e| CronError::BadSchedule {
            app: app.into(),
            schedule: schedule.clone(),
            reason: e.0,
        })?;
        crate::shell::split_words_strict(&command).map_err(|e| CronError::BadCommand {
            app: app.into(),
            command: command.clone(),
            reason: e.to_string(),
        })?;
        let id = task_id(app, &command, &schedule);
        let mut paused = entry
            .get("maintenance")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let own = value(props, app, &format!("{MAINTENANCE_PREFIX}{id}"));
        if !own.is_empty() {
            // Dokku refuses a value ParseBool rejects, and only `true` overrides.
            match crate::text::parse_bool(&own) {
                Some(true) => paused = true,
                Some(false) => {}
                None => {
                    return Err(CronError::BadMaintenance {
                        app: app.into(),
                        schedule,
                        value: own,
                    })
                }
            }
        }
        let mut policy = text(entry.get("concurrency_policy"));
        if policy.is_empty() {
            policy = "allow".into();
        }
        if !CONCURRENCY_POLICIES.contains(&policy.as_str()) {
            return Err(CronError::BadPolicy {
                app: app.into(),
                schedule,
                policy,
            });
        }
        tasks.push(Task {
            id,
            app: app.into(),
            command,
            schedule,
            concurrency_policy: policy,
            maintenance: app_paused || paused,
            app_in_maintenance: app_paused,
            task_in_maintenance: paused,
            ..Task::default()
        });
    }
    Ok((tasks, warnings))
}

/// Parses the output of `cron-entries SCHEDULER`: one `SCHEDULE;COMMAND[;LOGFILE]`
/// per line. For the crontab (`lenient` false) a blank line ends the list and a bad
/// line fails it, as Dokku's; for `cron:list --global` blank lines are skipped and
/// bad lines returned as warnings.
pub fn injected_tasks(output: &str, lenient: bool) -> Result<(Vec<Task>, Vec<String>), CronError> {
    let mut tasks = Vec::new();
    let mut warnings = Vec::new();
    for line in output.split('\n') {
        if line.trim().is_empty() {
            if lenient {
                continue;
            }
            break;
        }
        let parts: Vec<&str> = line.split(';').collect();
        if parts.len() != 2 && parts.len() != 3 {
            let err = CronError::BadInjected(line.to_string());
            if lenient {
                warnings.push(err.to_string());
                continue;
            }
            return Err(err);
        }
        tasks.push(Task {
            id: base36(parts.join(";;;").as_bytes()),
            schedule: parts[0].to_string(),
            command: if lenient {
                parts[1].to_string()
            } else {
                String::new()
            },
            alt_command: parts[1].to_string(),
            log_file: parts.get(2).map(|s| s.to_string()).unwrap_or_default(),
            global: lenient,
            ..Task::default()
        });
    }
    Ok((tasks, warnings))
}

/// The crontab for `tasks` (those in maintenance left out), with `MAILFROM` /
/// `MAILTO` when set; `None` when no task is left (the crontab is removed).
pub fn render_crontab(tasks: &[Task], mailfrom: &str, mailto: &str) -> Option<String> {
    let live: Vec<&Task> = tasks.iter().filter(|t| !t.maintenance).collect();
    if live.is_empty() {
        return None;
    }
    let mut out = String::new();
    if !mailfrom.is_empty() {
        let _ = writeln!(out, "MAILFROM={mailfrom}");
    }
    if !mailto.is_empty() {
        let _ = writeln!(out, "MAILTO={mailto}");
    }
    out.push_str("PATH=/usr/local/bin:/usr/bin:/bin\nSHELL=/bin/bash\n\n");
    for task in live {
        let _ = writeln!(out, "{} {}", task.schedule, task.crontab_command());
    }
    Some(out)
}

/// The task lines alone, each calling dokku as `dokku` (shell-quoted here, `%`
/// escaped for cron): the block a prefix install keeps in its user's crontab,
/// where the `PATH`, `SHELL` and `MAILTO` lines of [`render_crontab`] would also
/// apply to the user's own entries. `None` when no task is live.
pub fn render_block(tasks: &[Task], dokku: &std::path::Path) -> Option<String> {
    let dokku = crate::shell::quote(&dokku.display().to_string()).replace('%', "\\%");
    let mut out = String::new();
    for task in tasks.iter().filter(|t| !t.maintenance) {
        let _ = writeln!(
            out,
            "{} {}",
            task.schedule,
            task.crontab_command_with(&dokku)
        );
    }
    (!out.is_empty()).then_some(out)
}

/// Checks a `cron:set` before it is stored: `mailto` / `mailfrom` only globally;
/// `maintenance.<ID>` only for an app, and only for one of its `tasks`.
pub fn check_set(app: &str, key: &str, tasks: &[Task]) -> Result<(), CronError> {
    if matches!(key, "mailfrom" | "mailto") && app != GLOBAL {
        return Err(CronError::GlobalOnly);
    }
    if let Some(id) = key.strip_prefix(MAINTENANCE_PREFIX) {
        if app == GLOBAL {
            return Err(CronError::TaskMaintenanceGlobal);
        }
        if id.is_empty() {
            return Err(CronError::MissingTaskId);
        }
        if !tasks.iter().any(|t| t.id == id) {
            return Err(CronError::UnknownTask(key.to_string()));
        }
    }
    Ok(())
}

/// `cron:report` of `app` (or `--global`): mailfrom, mailto and maintenance (global
/// and computed), the app's own maintenance, its task count and each task's own
/// maintenance property (`--cron-maintenance-<ID>`).
pub fn report(
    props: &PropertyStore,
    app: &str,
    task_count: Option<usize>,
) -> crate::report::Report {
    let mut report = crate::report::Report::new(PLUGIN, app);
    for key in ["mailfrom", "mailto"] {
        let global = value(props, GLOBAL, key);
        report.flag(&format!("--cron-global-{key}"), global.clone());
        report.flag(&format!("--cron-computed-{key}"), global);
    }
    report.flag(
        "--cron-global-maintenance",
        value(props, GLOBAL, "maintenance"),
    );
    report.flag(
        "--cron-computed-maintenance",
        computed_maintenance(props, app),
    );
    if app == GLOBAL {
        return report;
    }
    report.flag("--cron-maintenance", value(props, app, "maintenance"));
    report.flag(
        "--cron-task-count",
        task_count.unwrap_or_default().to_string(),
    );
    if let Ok(own) = props.get_all_by_prefix(PLUGIN, app, MAINTENANCE_PREFIX) {
        for (key, value) in own {
            let id = key.trim_start_matches(MAINTENANCE_PREFIX);
            report.flag(&format!("--cron-maintenance-{id}"), value);
        }
    }
    report
}

#[cfg(test)]
mod tests;
