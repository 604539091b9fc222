//! Build records (Dokku 0.38's `builds` plugin): one JSON record and one log per build
//! or deploy, under `$DOKKU_LIB_ROOT/data/builds/<app>/<id>.{json,log}`.
//!
//! A record is written `running` when a captured command starts
//! (`builds-record-start APP ID PID SOURCE`) and finalised `succeeded` / `failed` when
//! it ends (`builds-record-finalize APP ID EXIT`), then the app's records are pruned
//! to its retention. A `running` record whose process is gone shows as `abandoned`
//! (never written so) until `builds:prune` or `builds:cancel` writes it `failed`.
//!
//! The deploy lock names the build that holds it: a `build=<id>` line beside the
//! owner record ([`crate::lock::note_build`]), or, as Dokku writes it, the id alone.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::owner::Owner;
use crate::paths::Layout;
use crate::property::{PropertyStore, GLOBAL};

/// The plugin name of the records' data dir and properties.
pub const PLUGIN: &str = "builds";
/// Records kept per app when no `retention` is set.
pub const DEFAULT_RETENTION: usize = 20;

/// Whether a record is a full build or a deploy of an existing image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A new image was built (`git-hook`, `ps:rebuild`, `git:*`).
    Build,
    /// An existing image was deployed again (`ps:restart`, `config-redeploy`, ...).
    Deploy,
}

impl Kind {
    /// `build` or `deploy`; anything else is `None`.
    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "build" => Some(Kind::Build),
            "deploy" => Some(Kind::Deploy),
            _ => None,
        }
    }

    /// The kind of work a source does: sources that make an image build.
    pub fn of_source(source: &str) -> Kind {
        match source {
            "git-hook" | "ps:rebuild" | "git:sync" | "git:from-archive" | "git:from-image"
            | "git:load-image" => Kind::Build,
            _ => Kind::Deploy,
        }
    }

    /// The word written and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Build => "build",
            Kind::Deploy => "deploy",
        }
    }
}

/// A record's status. `Abandoned` is only ever shown, never written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The build is (or was, when its process is gone) running.
    Running,
    /// It exited 0.
    Succeeded,
    /// It exited non-zero, or was abandoned and reaped.
    Failed,
    /// `builds:cancel` stopped it.
    Canceled,
    /// Shown for a `running` record whose process is gone.
    Abandoned,
}

impl Status {
    /// A status `builds:list --status` accepts.
    pub fn parse(text: &str) -> Option<Status> {
        match text {
            "running" => Some(Status::Running),
            "succeeded" => Some(Status::Succeeded),
            "failed" => Some(Status::Failed),
            "canceled" => Some(Status::Canceled),
            "abandoned" => Some(Status::Abandoned),
            _ => None,
        }
    }

    /// The word written and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Canceled => "canceled",
            Status::Abandoned => "abandoned",
        }
    }

    /// Whether the build has ended.
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Succeeded | Status::Failed | Status::Canceled)
    }
}

/// The sources Dokku records; any other is written as `unknown`.
pub const SOURCES: [&str; 11] = [
    "git-hook",
    "ps:rebuild",
    "ps:restart",
    "ps:start",
    "deploy",
    "config-redeploy",
    "git:sync",
    "git:from-archive",
    "git:from-image",
    "git:load-image",
    "unknown",
];

/// One build record, as Dokku writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The build id.
    pub id: String,
    /// The app.
    pub app: String,
    /// Build or deploy.
    pub kind: Kind,
    /// The process that runs the build.
    pub pid: i64,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// The written status.
    pub status: Status,
    /// What started it (`git-hook`, `ps:restart`, ...).
    pub source: String,
    /// Its exit code once ended (-1 when canceled or reaped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
}

impl Record {
    /// The status to show: `abandoned` for a `running` record whose process is gone.
    pub fn display_status(&self) -> Status {
        if self.status == Status::Running && !pid_alive(self.pid) {
            Status::Abandoned
        } else {
            self.status
        }
    }

    /// Whether it runs now (written `running`, process alive).
    pub fn is_live(&self) -> bool {
        self.display_status() == Status::Running
    }

    /// Seconds from start to finish (or to now while it runs), Go's `1m5s` form.
    pub fn duration(&self) -> String {
        let start = parse_time(&self.started_at).unwrap_or(0);
        let end = match &self.finished_at {
            Some(t) => parse_time(t).unwrap_or(start),
            None => now_secs(),
        };
        go_duration(end.saturating_sub(start))
    }

    /// Marks the record ended with `status` and `exit` now.
    fn finish(&mut self, status: Status, exit: i32) {
        self.status = status;
        self.finished_at = Some(rfc3339_now());
        self.exit_code = Some(exit);
    }
}

/// Why a record could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildsError {
    /// The id is not one path component of letters, digits, `-` and `_`.
    #[error("Invalid build id '{0}'")]
    InvalidId(String),
    /// No record with that id.
    #[error("No build record found for {app}/{id}")]
    NotFound {
        /// The app.
        app: String,
        /// The build id.
        id: String,
    },
    /// A record that is not Dokku's JSON.
    #[error("parse build record {id}: {source}")]
    Parse {
        /// The build id.
        id: String,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// The files could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or dir.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> BuildsError + '_ {
    move |source| BuildsError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether `id` may name a record: 1 to 64 of `[A-Za-z0-9_-]`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A new sortable id: 8 base36 digits of the time in milliseconds, then 6 random ones.
pub fn generate_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(now.as_nanos());
    hasher.write_u32(std::process::id());
    let stamp = base36(now.as_millis() as u64, 8);
    let noise = base36(hasher.finish(), 6);
    format!("{stamp}{noise}")
}

/// The last `width` base36 digits of `n`, zero-padded.
fn base36(mut n: u64, width: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether process `pid` runs (not a zombie).
pub fn pid_alive(pid: i64) -> bool {
    u32::try_from(pid)
        .ok()
        .filter(|p| *p > 0)
        .and_then(Owner::of_pid)
        .is_some()
}

/// The records and logs of one app.
#[derive(Debug, Clone)]
pub struct AppBuilds {
    app: String,
    dir: PathBuf,
}

impl AppBuilds {
    /// The records of `app` (a checked app name).
    pub fn new(layout: &Layout, app: &str) -> AppBuilds {
        AppBuilds {
            app: app.to_string(),
            dir: layout.app_data_dir(PLUGIN, app),
        }
    }

    /// `data/builds/<app>`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The record file of `id`.
    pub fn record_path(&self, id: &str) -> Result<PathBuf, BuildsError> {
        check_id(id)?;
        Ok(self.dir.join(format!("{id}.json")))
    }

    /// The log file of `id`.
    pub fn log_path(&self, id: &str) -> Result<PathBuf, BuildsError> {
        check_id(id)?;
        Ok(self.dir.join(format!("{id}.log")))
    }

    /// Reads the record of `id` ([`BuildsError::NotFound`] when there is none); its
    /// `app` is this app.
    pub fn read(&self, id: &str) -> Result<Record, BuildsError> {
        let path = self.record_path(id)?;
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(BuildsError::NotFound {
                    app: self.app.clone(),
                    id: id.to_string(),
                })
            }
            Err(e) => return Err(io_err(&path)(e)),
        };
        let mut record: Record =
            serde_json::from_str(&text).map_err(|source| BuildsError::Parse {
                id: id.to_string(),
                source,
            })?;
        // A record belongs to the app whose folder holds it (records follow a rename).
        record.app.clone_from(&self.app);
        Ok(record)
    }

    /// Writes `record` atomically (the dir is created).
    pub fn write(&self, record: &Record) -> Result<(), BuildsError> {
        let path = self.record_path(&record.id)?;
        std::fs::create_dir_all(&self.dir).map_err(io_err(&self.dir))?;
        let mut body = serde_json::to_vec_pretty(record).map_err(|source| BuildsError::Parse {
            id: record.id.clone(),
            source,
        })?;
        body.push(b'\n');
        crate::fs::write_atomic(&path, &body, 0o644).map_err(io_err(&path))
    }

    /// Every readable record, newest first; the unreadable ones' errors beside them.
    pub fn list(&self) -> Result<(Vec<Record>, Vec<BuildsError>), BuildsError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
            Err(e) => return Err(io_err(&self.dir)(e)),
        };
        let mut records = Vec::new();
        let mut skipped = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_suffix(".json") else {
                continue;
            };
            if !valid_id(id) || entry.file_type().map(|t| t.is_dir()).unwrap_or(true) {
                continue;
            }
            match self.read(id) {
                Ok(record) => records.push(record),
                Err(e) => skipped.push(e),
            }
        }
        sort_newest_first(&mut records);
        Ok((records, skipped))
    }

    /// `builds-record-start`: a new `running` record of `id` for process `pid`, its
    /// kind from `source` (an unknown source is recorded as `unknown`).
    pub fn start(&self, id: &str, pid: i64, source: &str) -> Result<Record, BuildsError> {
        let source = if SOURCES.contains(&source) {
            source
        } else {
            "unknown"
        };
        let record = Record {
            id: id.to_string(),
            app: self.app.clone(),
            kind: Kind::of_source(source),
            pid,
            started_at: rfc3339_now(),
            finished_at: None,
            status: Status::Running,
            source: source.to_string(),
            exit_code: None,
        };
        let _lock = self.lock()?;
        self.write(&record)?;
        Ok(record)
    }

    /// `builds-record-finalize`: ends the record of `id` with `exit` (already ended
    /// records are left alone), then prunes to `retention`. `false` when there is
    /// no such record.
    pub fn finalize(&self, id: &str, exit: i32, retention: usize) -> Result<bool, BuildsError> {
        check_id(id)?;
        let _lock = self.lock()?;
        let mut record = match self.read(id) {
            Ok(record) => record,
            Err(BuildsError::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(e),
        };
        if !record.status.is_terminal() {
            let status = if exit == 0 {
                Status::Succeeded
            } else {
                Status::Failed
            };
            record.finish(status, exit);
            self.write(&record)?;
        }
        self.prune_locked(retention)?;
        Ok(true)
    }

    /// Writes every abandoned record `failed` (exit -1); returns how many.
    pub fn reap_abandoned(&self) -> Result<usize, BuildsError> {
        let _lock = self.lock()?;
        self.reap_locked()
    }

    fn reap_locked(&self) -> Result<usize, BuildsError> {
        let (records, _) = self.list()?;
        let mut reaped = 0;
        for mut record in records {
            if record.display_status() == Status::Abandoned {
                record.finish(Status::Failed, -1);
                self.write(&record)?;
                reaped += 1;
            }
        }
        Ok(reaped)
    }

    /// Reaps abandoned records, then removes the ended records beyond the newest
    /// `retention` (a running build is always kept). Returns the removed ids.
    pub fn prune(&self, retention: usize) -> Result<Vec<String>, BuildsError> {
        let _lock = self.lock()?;
        self.prune_locked(retention)
    }

    fn prune_locked(&self, retention: usize) -> Result<Vec<String>, BuildsError> {
        self.reap_locked()?;
        let (records, _) = self.list()?;
        let mut removed = Vec::new();
        for record in records
            .into_iter()
            .filter(|r| !r.is_live())
            .skip(retention.max(1))
        {
            for path in [self.record_path(&record.id)?, self.log_path(&record.id)?] {
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(io_err(&path)(e)),
                }
            }
            removed.push(record.id);
        }
        Ok(removed)
    }

    /// The lock every change of the app's records holds (`data/builds/APP/.lock`):
    /// a record is read, changed and written under it.
    fn lock(&self) -> Result<crate::property::lock::FileLock, BuildsError> {
        std::fs::create_dir_all(&self.dir).map_err(io_err(&self.dir))?;
        let path = self.dir.join(".lock");
        crate::property::lock::FileLock::exclusive(&path).map_err(io_err(&path))
    }

    /// Removes every record and log of the app (`post-delete`).
    pub fn remove_all(&self) -> Result<(), BuildsError> {
        match std::fs::remove_dir_all(&self.dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_err(&self.dir)(e)),
        }
    }
}

fn check_id(id: &str) -> Result<(), BuildsError> {
    if valid_id(id) {
        Ok(())
    } else {
        Err(BuildsError::InvalidId(id.to_string()))
    }
}

/// Newest start first; ids break ties (they sort by time too).
pub fn sort_newest_first(records: &mut [Record]) {
    records.sort_by(|a, b| {
        let (ta, tb) = (
            parse_time_precise(&a.started_at),
            parse_time_precise(&b.started_at),
        );
        tb.cmp(&ta).then_with(|| b.id.cmp(&a.id))
    });
}

/// A retention value `builds:set` accepts: an integer of at least 1.
pub fn parse_retention(text: &str) -> Option<usize> {
    text.trim().parse::<usize>().ok().filter(|n| *n >= 1)
}

/// The retention in force for `app`: its own, else the global one, else
/// [`DEFAULT_RETENTION`] (unusable values fall through).
pub fn retention(props: &PropertyStore, app: &str) -> usize {
    let get = |scope: &str| {
        props
            .get(PLUGIN, scope, "retention")
            .ok()
            .flatten()
            .and_then(|v| parse_retention(&v))
    };
    (if app == GLOBAL { None } else { get(app) })
        .or_else(|| get(GLOBAL))
        .unwrap_or(DEFAULT_RETENTION)
}

/// What the deploy lock of an app says about the build holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockedBuild {
    /// There is no lock file.
    NoLock,
    /// A lock file naming no build (`apps:lock`, or a deploy without a build id).
    Unnamed,
    /// The lock names this build id.
    Named(String),
}

/// Reads the build id out of a deploy lock file: a `build=<id>` line, or (Dokku's
/// format) a file whose only content is the id.
pub fn locked_build(lock: &Path) -> LockedBuild {
    let text = match std::fs::read_to_string(lock) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return LockedBuild::NoLock,
        Err(_) => return LockedBuild::Unnamed,
    };
    if let Some(id) = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("build="))
        .filter(|id| valid_id(id))
    {
        return LockedBuild::Named(id.to_string());
    }
    let trimmed = text.trim();
    if valid_id(trimmed) && trimmed != crate::lock::MANUAL && !trimmed.contains('=') {
        return LockedBuild::Named(trimmed.to_string());
    }
    LockedBuild::Unnamed
}

/// What `builds:cancel` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    /// No deploy lock: nothing runs.
    NotDeploying,
    /// The lock names no build (`apps:lock`, or a deploy without a record).
    NoBuild,
    /// The lock names a build without a record: the lock file was removed.
    StaleLock(String),
    /// The named build has already ended; nothing was touched.
    NotRunning(String, Status),
    /// Its process was gone: the record was written `failed`, the lock removed.
    Abandoned(String),
    /// Its process group was ended, the record written `canceled`, the lock removed.
    Canceled(String),
}

/// `builds:cancel APP`: stops the build that holds the app's deploy lock.
pub fn cancel(layout: &Layout, app: &str, grace: Duration) -> Result<CancelOutcome, BuildsError> {
    let lock = layout.deploy_lock(app);
    let id = match locked_build(&lock) {
        LockedBuild::NoLock => return Ok(CancelOutcome::NotDeploying),
        LockedBuild::Unnamed => return Ok(CancelOutcome::NoBuild),
        LockedBuild::Named(id) => id,
    };
    let builds = AppBuilds::new(layout, app);
    // Held until the record says how it ended: a finalize of the dying build waits,
    // then finds it ended and leaves it.
    let _records = builds.lock()?;
    let remove_lock = || match std::fs::remove_file(&lock) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err(&lock)(e)),
        _ => Ok(()),
    };
    let mut record = match builds.read(&id) {
        Ok(record) => record,
        Err(BuildsError::NotFound { .. }) => {
            remove_lock()?;
            return Ok(CancelOutcome::StaleLock(id));
        }
        Err(e) => return Err(e),
    };
    if record.status != Status::Running {
        return Ok(CancelOutcome::NotRunning(id, record.status));
    }
    if !pid_alive(record.pid) {
        record.finish(Status::Failed, -1);
        builds.write(&record)?;
        remove_lock()?;
        return Ok(CancelOutcome::Abandoned(id));
    }
    if let Some(group) = u32::try_from(record.pid)
        .ok()
        .and_then(crate::process::ProcessGroup::of_process)
    {
        group.end(grace);
    }
    // Read again: the record is the one on disk now, whatever the build wrote last.
    let mut current = builds.read(&id)?;
    if current.status == Status::Running {
        current.finish(Status::Canceled, -1);
        builds.write(&current)?;
    }
    remove_lock()?;
    Ok(CancelOutcome::Canceled(id))
}

/// The `builds:report` of `app` (or `--global`): the newest record's fields, and the
/// retention (the app's own, the global one, the one in force).
pub fn report(layout: &Layout, props: &PropertyStore, app: &str) -> crate::report::Report {
    let mut r = crate::report::Report::new(PLUGIN, app);
    let get = |scope: &str| {
        props
            .get(PLUGIN, scope, "retention")
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    r.flag("--builds-global-retention", get(GLOBAL));
    if app == GLOBAL {
        return r;
    }
    let newest = AppBuilds::new(layout, app)
        .list()
        .ok()
        .and_then(|(records, _)| records.into_iter().next());
    let field = |f: &dyn Fn(&Record) -> String| newest.as_ref().map(f).unwrap_or_default();
    r.flag("--build-id", field(&|b| b.id.clone()));
    r.flag("--build-kind", field(&|b| b.kind.as_str().to_string()));
    r.flag(
        "--build-status",
        field(&|b| b.display_status().as_str().to_string()),
    );
    r.flag("--build-pid", field(&|b| b.pid.to_string()));
    r.flag("--build-source", field(&|b| b.source.clone()));
    r.flag("--build-started-at", field(&|b| b.started_at.clone()));
    r.flag(
        "--build-finished-at",
        field(&|b| b.finished_at.clone().unwrap_or_default()),
    );
    r.flag(
        "--build-exit-code",
        field(&|b| b.exit_code.map(|c| c.to_string()).unwrap_or_default()),
    );
    r.flag("--builds-retention", get(app));
    r.flag(
        "--builds-computed-retention",
        retention(props, app).to_string(),
    );
    r
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Now as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn rfc3339_now() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let base = crate::events::rfc3339(UNIX_EPOCH + Duration::from_secs(now.as_secs()));
    let base = base.strip_suffix("+00:00").unwrap_or(&base);
    format!("{base}.{:03}Z", now.subsec_millis())
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` as seconds since the epoch.
pub fn parse_time(text: &str) -> Option<u64> {
    parse_time_precise(text).map(|(s, _)| u64::try_from(s).unwrap_or(0))
}

/// As [`parse_time`], with the nanoseconds (for sorting).
pub(crate) fn parse_time_precise(text: &str) -> Option<(i64, u32)> {
    let (date, rest) = text.split_once('T')?;
    let mut d = date.splitn(3, '-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: i64 = d.next()?.parse().ok()?;
    let day: i64 = d.next()?.parse().ok()?;
    let clock_end = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(clock_end);
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let mut t = hms.splitn(3, ':');
    let h: i64 = t.next()?.parse().ok()?;
    let m: i64 = t.next()?.parse().ok()?;
    let s: i64 = t.next()?.parse().ok()?;
    let nanos = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().take(9).collect();
        let n: u32 = digits.parse().ok()?;
        n * 10u32.pow(9 - digits.len() as u32)
    };
    let offset = match zone {
        "" | "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (oh, om) = z[1..].split_once(':')?;
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + h * 3600 + m * 60 + s - offset, nanos))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds in Go's `time.Duration` form: `0s`, `45s`, `2m5s`, `1h0m3s`.
pub fn go_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(dir: &Path) -> Layout {
        let mut vars = crate::settings::EnvMap::new();
        vars.insert(
            "DOKKU_LIB_PATH".into(),
            dir.join("lib").display().to_string(),
        );
        vars.insert("DOKKU_ROOT".into(), dir.join("home").display().to_string());
        Layout::from_env(&vars)
    }

    fn finished(builds: &AppBuilds, id: &str, started: &str, kind: Kind) {
        let record = Record {
            id: id.into(),
            app: "web".into(),
            kind,
            pid: 1,
            started_at: started.into(),
            finished_at: Some(started.into()),
            status: Status::Succeeded,
            source: "git-hook".into(),
            exit_code: Some(0),
        };
        builds.write(&record).expect("write");
    }

    #[test]
    fn ids_are_sortable_and_safe() {
        let a = generate_id();
        assert_eq!(a.len(), 14);
        assert!(valid_id(&a));
        for bad in ["", "../x", "a/b", "a b", "x.json"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn times_parse_and_durations_print_as_go_does() {
        assert_eq!(parse_time("1970-01-01T00:01:05Z"), Some(65));
        assert_eq!(parse_time("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_time("2000-03-01T00:00:00.5Z"), Some(951_868_800));
        assert_eq!(parse_time(&rfc3339_now()).map(|t| t > 0), Some(true));
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(125), "2m5s");
        assert_eq!(go_duration(3603), "1h0m3s");
    }

    #[test]
    fn a_record_starts_running_and_finalizes_once() {
        let dir = tempfile::tempdir().expect("tmp");
        let builds = AppBuilds::new(&layout(dir.path()), "web");
        let me = i64::from(std::process::id());
        let r = builds.start("abc", me, "ps:restart").expect("start");
        assert_eq!((r.kind, r.status), (Kind::Deploy, Status::Running));
        assert!(r.is_live());
        assert!(builds.finalize("abc", 3, 20).expect("finalize"));
        let r = builds.read("abc").expect("read");
        assert_eq!((r.status, r.exit_code), (Status::Failed, Some(3)));
        builds.finalize("abc", 0, 20).expect("again");
        assert_eq!(builds.read("abc").expect("read").status, Status::Failed);
        assert!(!builds.finalize("nope", 0, 20).expect("missing"));
        let odd = builds.start("odd", me, "rm -rf").expect("start");
        assert_eq!((odd.source.as_str(), odd.kind), ("unknown", Kind::Deploy));
    }

    #[test]
    fn records_belong_to_the_app_whose_folder_holds_them() {
        let dir = tempfile::tempdir().expect("tmp");
        let layout = layout(dir.path());
        AppBuilds::new(&layout, "old")
            .start("r1", 1, "git-hook")
            .expect("start");
        let (old, new) = (
            AppBuilds::new(&layout, "old"),
            AppBuilds::new(&layout, "new"),
        );
        crate::app::transfer::copy_tree(old.dir(), new.dir()).expect("copy");
        assert_eq!(new.read("r1").expect("read").app, "new");
    }

    #[test]
    fn a_dead_running_record_is_abandoned_until_reaped() {
        let dir = tempfile::tempdir().expect("tmp");
        let builds = AppBuilds::new(&layout(dir.path()), "web");
        let dead = crate::owner::testing::dead_owner().pid;
        builds
            .start("ghost", i64::from(dead), "git-hook")
            .expect("start");
        assert_eq!(
            builds.read("ghost").expect("read").display_status(),
            Status::Abandoned
        );
        assert_eq!(builds.reap_abandoned().expect("reap"), 1);
        let r = builds.read("ghost").expect("read");
        assert_eq!((r.status, r.exit_code), (Status::Failed, Some(-1)));
    }

    #[test]
    fn prune_keeps_the_newest_and_the_running() {
        let dir = tempfile::tempdir().expect("tmp");
        let builds = AppBuilds::new(&layout(dir.path()), "web");
        for i in 1..=4 {
            finished(
                &builds,
                &format!("p{i}"),
                &format!("2026-01-01T00:00:0{i}Z"),
                Kind::Build,
            );
        }
        builds
            .start("live", i64::from(std::process::id()), "git-hook")
            .expect("start");
        let removed = builds.prune(2).expect("prune");
        assert_eq!(removed, vec!["p2".to_string(), "p1".to_string()]);
        let (left, _) = builds.list().expect("list");
        let ids: Vec<_> = left.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["live", "p4", "p3"]);
    }

    #[test]
    fn the_lock_names_its_build_in_either_format() {
        let dir = tempfile::tempdir().expect("tmp");
        let lock = dir.path().join(".deploy.lock");
        assert_eq!(locked_build(&lock), LockedBuild::NoLock);
        std::fs::write(&lock, "done01\n").expect("write");
        assert_eq!(locked_build(&lock), LockedBuild::Named("done01".into()));
        std::fs::write(&lock, "pid=1\nstart=2\nbuild=b7\n").expect("write");
        assert_eq!(locked_build(&lock), LockedBuild::Named("b7".into()));
        for unnamed in ["manual\n", "", "pid=1\nstart=2\n", "../../etc\n"] {
            std::fs::write(&lock, unnamed).expect("write");
            assert_eq!(locked_build(&lock), LockedBuild::Unnamed, "{unnamed:?}");
        }
    }

    #[test]
    fn cancel_of_an_abandoned_build_fails_it_and_frees_the_lock() {
        let dir = tempfile::tempdir().expect("tmp");
        let layout = layout(dir.path());
        let builds = AppBuilds::new(&layout, "web");
        let grace = Duration::from_millis(10);
        assert_eq!(
            cancel(&layout, "web", grace).expect("cancel"),
            CancelOutcome::NotDeploying
        );
        let dead = crate::owner::testing::dead_owner().pid;
        builds
            .start("b1", i64::from(dead), "git-hook")
            .expect("start");
        let lock = layout.deploy_lock("web");
        std::fs::create_dir_all(lock.parent().expect("dir")).expect("mkdir");
        std::fs::write(&lock, "b1\n").expect("lock");
        assert_eq!(
            cancel(&layout, "web", grace).expect("cancel"),
            CancelOutcome::Abandoned("b1".into())
        );
        assert!(!lock.exists());
        assert_eq!(builds.read("b1").expect("read").status, Status::Failed);
        std::fs::write(&lock, "b1\n").expect("lock");
        assert_eq!(
            cancel(&layout, "web", grace).expect("cancel"),
            CancelOutcome::NotRunning("b1".into(), Status::Failed)
        );
        assert!(lock.exists());
    }

    #[test]
    fn cancel_ends_a_running_build() {
        let dir = tempfile::tempdir().expect("tmp");
        let layout = layout(dir.path());
        let builds = AppBuilds::new(&layout, "web");
        let mut child = crate::process::Cmd::new("sleep")
            .arg("30")
            .own_process_group()
            .spawn(
                std::process::Stdio::null(),
                std::process::Stdio::null(),
                std::process::Stdio::null(),
            )
            .expect("sleep");
        builds
            .start("b2", i64::from(child.id()), "git-hook")
            .expect("start");
        let lock = layout.deploy_lock("web");
        std::fs::create_dir_all(lock.parent().expect("dir")).expect("mkdir");
        std::fs::write(&lock, "pid=1\nstart=1\nbuild=b2\n").expect("lock");
        assert_eq!(
            cancel(&layout, "web", Duration::from_secs(2)).expect("cancel"),
            CancelOutcome::Canceled("b2".into())
        );
        let status = child.wait().expect("wait");
        assert!(!status.success());
        assert_eq!(builds.read("b2").expect("read").status, Status::Canceled);
        assert!(!lock.exists());
    }
}
