//! Persistent storage: host directories (or docker volumes) mounted into an app's
//! containers, Dokku 0.38's model of registry entries and per-app attachments.
//!
//! - An entry is `$DOKKU_LIB_ROOT/data/storage-registry/entries/<name>.json` naming
//!   a host path (or volume).
//! - An app's attachments are the property list `storage APP mounts`, one JSON object
//!   per line: which entry, where in the container, for which phases and process type.
//!
//! The legacy form `storage:mount APP /host:/container[:opts]` (the one most
//! operators use) synthesises an entry `legacy-<hash>` and attaches it for the
//! `deploy` and `run` phases. Each attachment becomes `-v HOST:CONTAINER[:opts]` on
//! the containers of its phases.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::paths::Layout;
use crate::property::{PropertyError, PropertyStore};

pub mod entry;
pub mod migrate;
mod sha1;

pub use entry::Entry;

/// The plugin name the attachments live under.
pub const PLUGIN: &str = "storage";
/// The property list holding an app's attachments, one JSON object per line.
pub const MOUNTS: &str = "mounts";
/// The process type an attachment for every process type names.
pub const DEFAULT_PROCESS_TYPE: &str = "_default_";
/// The phases an attachment may name.
pub const PHASES: [&str; 2] = ["deploy", "run"];

fn is_empty_str(s: &str) -> bool {
    s.is_empty()
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One attachment of an entry to an app (Dokku's JSON: empty fields left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The entry.
    pub entry_name: String,
    /// Absolute path inside the container.
    pub container_path: String,
    /// `deploy`, `run`.
    #[serde(default)]
    pub phases: Vec<String>,
    /// Only for this process type (`_default_` or empty: all).
    #[serde(default, skip_serializing_if = "is_empty_str")]
    pub process_type: String,
    /// Sub-directory of the entry to mount.
    #[serde(default, skip_serializing_if = "is_empty_str")]
    pub subpath: String,
    /// Read-only mount.
    #[serde(default, skip_serializing_if = "is_false")]
    pub readonly: bool,
    /// Extra mount options (`z`, `noexec`, ...), comma-joined.
    #[serde(default, skip_serializing_if = "is_empty_str")]
    pub volume_options: String,
    /// Ownership to apply on mount, empty for none.
    #[serde(default, skip_serializing_if = "is_empty_str")]
    pub volume_chown: String,
}

impl Attachment {
    fn same_slot(&self, other: &Attachment) -> bool {
        self.entry_name == other.entry_name
            && self.container_path == other.container_path
            && self.process_type == other.process_type
    }

    /// The attachment of a legacy `HOST:CONTAINER[:OPTIONS]` mount of `entry_name`
    /// (for every process type).
    fn legacy(entry_name: &str, spec: &LegacySpec, phases: Vec<String>) -> Attachment {
        Attachment {
            entry_name: entry_name.to_string(),
            container_path: spec.container.clone(),
            phases,
            process_type: DEFAULT_PROCESS_TYPE.into(),
            subpath: String::new(),
            readonly: spec.readonly,
            volume_options: spec.options.clone(),
            volume_chown: String::new(),
        }
    }

    fn applies_to(&self, proc_type: Option<&str>) -> bool {
        self.process_type.is_empty()
            || self.process_type == DEFAULT_PROCESS_TYPE
            || proc_type.is_some_and(|t| t == self.process_type)
    }
}

/// A storage request that cannot be honoured, with Dokku's messages.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StorageError {
    /// Not `host:container[:options]` with an absolute container path.
    #[error("Storage path must be two valid paths divided by colon.")]
    BadSpec,
    /// A docker volume name that docker would not take.
    #[error("Volume name must be two characters or more. Volume name must not contain invalid characters. Storage path must be two valid paths divided by colon.")]
    BadVolume,
    /// This exact mount exists.
    #[error("Mount path already exists.")]
    Exists,
    /// No such mount.
    #[error("Mount path does not exist.")]
    Missing,
    /// No such entry.
    #[error("storage entry \"{0}\" does not exist")]
    NoEntry(String),
    /// A request Dokku refuses, with its message.
    #[error("{0}")]
    Invalid(String),
    /// A property could not be read or written.
    #[error(transparent)]
    Property(#[from] PropertyError),
    /// docker-options could not be read or changed (`storage:migrate`).
    #[error(transparent)]
    DockerOptions(#[from] crate::docker_options::DockerOptionsError),
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The app's attachments.
pub fn attachments(props: &PropertyStore, app: &str) -> Result<Vec<Attachment>, PropertyError> {
    Ok(props
        .list_get(PLUGIN, app, MOUNTS)?
        .iter()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l.trim()).ok())
        .collect())
}

/// The app's attachments for `phase`, by entry name then container path.
pub fn attachments_for_phase(
    props: &PropertyStore,
    app: &str,
    phase: &str,
) -> Result<Vec<Attachment>, PropertyError> {
    let mut list: Vec<Attachment> = attachments(props, app)?
        .into_iter()
        .filter(|a| a.phases.iter().any(|p| p == phase))
        .collect();
    list.sort_by(|a, b| {
        (&a.entry_name, &a.container_path).cmp(&(&b.entry_name, &b.container_path))
    });
    Ok(list)
}

/// Changes the app's attachments holding the `mounts` property's lock from read to
/// write, so parallel `storage:mount` calls keep each other's mounts. `edit` may
/// refuse (nothing is written then). An emptied list stays as an empty property,
/// which reads as no attachments, the same as a missing one.
fn edit_attachments<T>(
    props: &PropertyStore,
    app: &str,
    edit: impl FnOnce(&mut Vec<Attachment>) -> Result<T, StorageError>,
) -> Result<T, StorageError> {
    let mut out = None;
    props.list_try_update(PLUGIN, app, MOUNTS, |lines| {
        let mut list: Vec<Attachment> = lines
            .iter()
            .filter_map(|l| serde_json::from_str(l.trim()).ok())
            .collect();
        out = Some(edit(&mut list)?);
        *lines = list
            .iter()
            .map(|a| serde_json::to_string(a).unwrap_or_default())
            .collect();
        Ok::<_, StorageError>(true)
    })?;
    out.ok_or_else(|| StorageError::Invalid("storage attachments were not updated".into()))
}

/// A legacy `HOST:CONTAINER[:OPTIONS]` mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacySpec {
    /// Host path or volume name.
    pub host: String,
    /// Absolute container path.
    pub container: String,
    /// `ro` was among the options.
    pub readonly: bool,
    /// The other options, comma-joined; may be empty.
    pub options: String,
}

impl LegacySpec {
    /// Parses `HOST:CONTAINER[:OPTIONS]` with Dokku's checks: an absolute host path,
    /// or a docker volume name of two or more characters; an absolute container
    /// path; `ro` among the options is the read-only flag.
    pub fn parse(spec: &str) -> Result<LegacySpec, StorageError> {
        let mut parts = spec.splitn(3, ':');
        let host = parts.next().unwrap_or_default();
        let container = parts.next().unwrap_or_default();
        let options = parts.next().unwrap_or_default();
        if host.starts_with('/') {
            if !container.starts_with('/') {
                return Err(StorageError::BadSpec);
            }
        } else if !entry::is_volume_name(host) || !container.starts_with('/') {
            return Err(StorageError::BadVolume);
        }
        let mut readonly = false;
        let mut rest = Vec::new();
        for token in options.split(',').filter(|t| !t.is_empty()) {
            if token == "ro" {
                readonly = true;
            } else {
                rest.push(token);
            }
        }
        Ok(LegacySpec {
            host: host.to_string(),
            container: container.to_string(),
            readonly,
            options: rest.join(","),
        })
    }
}

/// `storage:mount APP HOST:CONTAINER[:OPTIONS]`: a `legacy-<hash>` entry for the
/// host path (made once) and an attachment for the `deploy` and `run` phases.
pub fn mount_legacy(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
    spec: &str,
) -> Result<(), StorageError> {
    let spec = LegacySpec::parse(spec)?;
    let entry = Entry::legacy(&spec.host);
    let phases = PHASES.iter().map(|p| p.to_string()).collect();
    let attachment = Attachment::legacy(&entry.name, &spec, phases);
    edit_attachments(props, app, |list| {
        if list.iter().any(|a| a.same_slot(&attachment)) {
            return Err(StorageError::Exists);
        }
        // The entry's name is a hash of its host path and its contents follow from
        // that path, so parallel mounts of one path write the same file.
        if !entry::exists(layout, &entry.name) {
            entry::save(layout, &entry)?;
        }
        list.push(attachment);
        Ok(())
    })
}

/// `storage:unmount APP HOST:CONTAINER[:OPTIONS]`.
pub fn unmount_legacy(props: &PropertyStore, app: &str, spec: &str) -> Result<(), StorageError> {
    let spec = LegacySpec::parse(spec)?;
    let name = Entry::legacy(&spec.host).name;
    match unmount(props, app, &name, &spec.container) {
        Err(StorageError::Invalid(msg)) if msg.contains("is not mounted") => {
            Err(StorageError::Missing)
        }
        other => other,
    }
}

/// What `storage:mount APP NAME --container-dir DIR [flags]` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MountRequest {
    /// The entry.
    pub entry: String,
    /// `--container-dir`.
    pub container_dir: String,
    /// `--phase` (repeatable; default deploy and run).
    pub phases: Vec<String>,
    /// `--process-type` (default `_default_`: every process type).
    pub process_type: String,
    /// `--volume-subpath`.
    pub subpath: String,
    /// `--volume-readonly`.
    pub readonly: bool,
    /// `--volume-options`.
    pub volume_options: String,
    /// `--volume-chown`.
    pub volume_chown: String,
}

fn check_subpath(subpath: &str) -> Result<(), StorageError> {
    let bad = subpath.starts_with('/')
        || subpath.split('/').any(|part| part == ".." || part == ".")
        || subpath.contains(':')
        || subpath.contains(',');
    if bad {
        return Err(StorageError::Invalid(format!(
            "--volume-subpath \"{subpath}\" must be a relative path inside the entry"
        )));
    }
    Ok(())
}

/// `storage:mount` of a named entry: adds the attachment, or rewrites the mount-time
/// fields of the one with the same entry, container path and process type. Returns
/// whether it was new.
pub fn mount_named(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
    request: &MountRequest,
) -> Result<bool, StorageError> {
    if !entry::exists(layout, &request.entry) {
        return Err(StorageError::Invalid(format!(
            "storage entry \"{}\" does not exist; create it first with `dokku storage:create`",
            request.entry
        )));
    }
    if request.container_dir.is_empty() {
        return Err(StorageError::Invalid(
            "--container-dir is required when mounting a named storage entry".into(),
        ));
    }
    if !request.container_dir.starts_with('/') || request.container_dir.contains(':') {
        return Err(StorageError::Invalid(format!(
            "attachment container path \"{}\" must be absolute",
            request.container_dir
        )));
    }
    let phases = if request.phases.is_empty() {
        PHASES.iter().map(|p| p.to_string()).collect()
    } else {
        request.phases.clone()
    };
    if let Some(bad) = phases.iter().find(|p| !PHASES.contains(&p.as_str())) {
        return Err(StorageError::Invalid(format!(
            "attachment phase \"{bad}\" is not supported (must be \"deploy\" or \"run\")"
        )));
    }
    check_subpath(&request.subpath)?;
    if request.volume_options.contains(':') {
        return Err(StorageError::Invalid(format!(
            "--volume-options \"{}\" must not contain a colon",
            request.volume_options
        )));
    }
    let process_type = match request.process_type.as_str() {
        "" => DEFAULT_PROCESS_TYPE.to_string(),
        p if p == DEFAULT_PROCESS_TYPE || crate::ps::is_valid_process_type(p) => p.to_string(),
        p => {
            return Err(StorageError::Invalid(format!(
                "invalid process type \"{p}\""
            )))
        }
    };
    let attachment = Attachment {
        entry_name: request.entry.clone(),
        container_path: request.container_dir.clone(),
        phases,
        process_type,
        subpath: request.subpath.clone(),
        readonly: request.readonly,
        volume_options: request.volume_options.clone(),
        volume_chown: request.volume_chown.clone(),
    };
    edit_attachments(props, app, |list| {
        match list.iter_mut().find(|a| a.same_slot(&attachment)) {
            Some(existing) => {
                *existing = attachment;
                Ok(false)
            }
            None => {
                list.push(attachment);
                Ok(true)
            }
        }
    })
}

/// `storage:unmount APP NAME [--container-dir DIR]`: removes the entry's attachment
/// (at DIR; without DIR the entry must be mounted once only).
pub fn unmount(
    props: &PropertyStore,
    app: &str,
    name: &str,
    container_dir: &str,
) -> Result<(), StorageError> {
    edit_attachments(props, app, |list| {
        let hit = |a: &Attachment| {
            a.entry_name == name && (container_dir.is_empty() || a.container_path == container_dir)
        };
        let mut paths: Vec<String> = list
            .iter()
            .filter(|a| hit(a))
            .map(|a| a.container_path.clone())
            .collect();
        if paths.is_empty() {
            return Err(StorageError::Invalid(if container_dir.is_empty() {
                format!("storage entry \"{name}\" is not mounted on app \"{app}\"")
            } else {
                format!(
                    "storage entry \"{name}\" is not mounted at \"{container_dir}\" on app \"{app}\""
                )
            }));
        }
        if paths.len() > 1 && container_dir.is_empty() {
            paths.sort();
            return Err(StorageError::Invalid(format!(
                "storage entry \"{name}\" is mounted at multiple paths on app \"{app}\" ({}); pass --container-dir to disambiguate",
                paths.join(", ")
            )));
        }
        list.retain(|a| !hit(a));
        Ok(())
    })
}

/// The apps (of `apps`) with an attachment of entry `name`.
pub fn apps_using(props: &PropertyStore, apps: &[String], name: &str) -> Vec<String> {
    let mut using: Vec<String> = apps
        .iter()
        .filter(|app| {
            attachments(props, app)
                .unwrap_or_default()
                .iter()
                .any(|a| a.entry_name == name)
        })
        .cloned()
        .collect();
    using.sort();
    using
}

/// `host:container[:opts]` of every `deploy` attachment of the app (`storage:list`).
pub fn list(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
) -> Result<Vec<String>, PropertyError> {
    Ok(mounts(layout, props, app, "deploy")?
        .iter()
        .map(Mount::spec)
        .collect())
}

/// The `-v` arguments for a container of `phase` (`deploy`, `run`) and `proc_type`:
/// the docker-local attachments of that phase for every process type or for this
/// one. Attachments whose entry is gone are left out.
pub fn docker_args(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
    phase: &str,
    proc_type: Option<&str>,
) -> Vec<String> {
    attachments_for_phase(props, app, phase)
        .unwrap_or_default()
        .iter()
        .filter(|a| a.applies_to(proc_type))
        .filter_map(|a| {
            let entry = entry::load(layout, &a.entry_name).ok()?;
            if entry.scheduler != entry::DOCKER_LOCAL || entry.host_path.is_empty() {
                return None;
            }
            Some(Mount::of(&entry, a).spec())
        })
        .flat_map(|v| ["-v".to_string(), v])
        .collect()
}

/// The report's `<phase>-mounts` value: `-v host:container[:opts]` joined by spaces.
pub fn display(layout: &Layout, props: &PropertyStore, app: &str, phase: &str) -> String {
    mounts(layout, props, app, phase)
        .unwrap_or_default()
        .iter()
        .map(|m| format!("-v {}", m.spec()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `id` is a uid `--chown` may hand a storage directory to: 0–65535, or the
/// same range shifted into a user namespace (165536–231071), as Dokku allows.
pub fn chown_id_allowed(id: u32) -> bool {
    id <= 65_535 || (165_536..=231_071).contains(&id)
}

/// The uid (and gid) a `--chown` value names: herokuish 32767, heroku 1000, paketo
/// (and the misspelt `packeto`) 2000, root 0, or a number up to 65535; `false` is
/// `None` (leave ownership alone). Anything else is Dokku's `Unsupported chown
/// permissions`.
pub fn resolve_chown(chown: &str) -> Result<Option<u32>, StorageError> {
    Ok(Some(match chown {
        "false" => return Ok(None),
        "herokuish" => 32767,
        "heroku" => 1000,
        "paketo" | "packeto" => 2000,
        "root" => 0,
        other => match other.parse::<u16>() {
            Ok(id) if other.bytes().all(|b| b.is_ascii_digit()) => u32::from(id),
            _ => {
                return Err(StorageError::Invalid(
                    "Unsupported chown permissions".into(),
                ))
            }
        },
    }))
}

/// Checks a storage directory name: one path component of `[A-Za-z0-9_-]` (Dokku's
/// rule, the one its sudo helpers apply), so it never points outside the storage
/// folder.
pub fn validate_directory_name(name: &str) -> Result<(), StorageError> {
    if name.is_empty() {
        return Err(StorageError::Invalid(
            "Please specify a directory to create".into(),
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(StorageError::Invalid(
            "Directory can only contain the following set of characters: [A-Za-z0-9_-]".into(),
        ));
    }
    Ok(())
}

/// `$DOKKU_LIB_ROOT/data/storage/NAME`, created (`storage:ensure-directory`).
pub fn ensure_directory(layout: &Layout, name: &str) -> Result<PathBuf, StorageError> {
    validate_directory_name(name)?;
    let dir = entry::storage_dir(layout).join(name);
    std::fs::create_dir_all(&dir).map_err(|source| StorageError::Io {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

/// The root-only helpers in the plugin's `bin/`: each takes an entry (directory)
/// name and builds the path under `data/storage` itself, so no caller can point
/// them elsewhere. The install trigger whitelists them for the dokku group.
pub const HELPERS: [&str; 3] = [
    "chown-storage-dir",
    "chmod-storage-dir",
    "destroy-storage-dir",
];

/// `$PLUGIN_AVAILABLE_PATH/storage/bin/<helper>`.
pub fn helper_path(layout: &Layout, helper: &str) -> PathBuf {
    layout
        .plugin_available()
        .join(PLUGIN)
        .join("bin")
        .join(helper)
}

/// `/etc/sudoers.d/dokku-storage`: the helpers, for the `dokku` group, keeping
/// `DOKKU_LIB_ROOT`.
pub fn sudoers(layout: &Layout) -> String {
    let mut text = String::new();
    for helper in HELPERS {
        text.push_str(&format!(
            "%dokku ALL=(ALL) NOPASSWD:{} *\n",
            helper_path(layout, helper).display()
        ));
    }
    text.push_str("Defaults env_keep += \"DOKKU_LIB_ROOT\"\n");
    text
}

/// Runs a helper on entry directory `name` (as root: directly; otherwise through
/// `sudo -n`, which the install trigger's sudoers file allows). Its refusal comes
/// back as the error, without its ` !` prefix.
pub fn run_helper(
    layout: &Layout,
    helper: &str,
    name: &str,
    args: &[&str],
) -> Result<(), StorageError> {
    validate_directory_name(name)?;
    let path = helper_path(layout, helper);
    let cmd = if crate::ownership::effective_uid() == Some(0) {
        crate::process::Cmd::new(&path)
    } else {
        crate::process::Cmd::new("sudo").arg("-n").arg(&path)
    };
    let out = cmd
        .arg(name)
        .args(args)
        .env(crate::env::DOKKU_LIB_ROOT, &layout.lib_root)
        .output()
        .map_err(|e| StorageError::Invalid(e.to_string()))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let message = stderr.trim().trim_start_matches('!').trim();
    Err(StorageError::Invalid(if message.is_empty() {
        format!("{helper} failed ({})", out.status)
    } else {
        message.to_string()
    }))
}

/// The install trigger's work: the property folder, `data/storage` and the
/// registry folders (0755), then the legacy `-v` migration of every app not migrated
/// yet. Returns how many mounts were migrated.
pub fn install(
    layout: &Layout,
    props: &PropertyStore,
    apps: &[String],
) -> Result<usize, StorageError> {
    use std::os::unix::fs::PermissionsExt;
    props.setup(PLUGIN)?;
    let registry = entry::registry_dir(layout);
    for dir in [
        entry::storage_dir(layout),
        registry.clone(),
        entry::entries_dir(layout),
        registry.join("migrations"),
    ] {
        let io = |source| StorageError::Io {
            path: dir.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).map_err(io)?;
    }
    migrate::migrate_all(layout, props, apps)
}

/// Writes the sudoers file of [`sudoers`] to `path` (mode 0440).
pub fn write_sudoers(layout: &Layout, path: &std::path::Path) -> Result<(), StorageError> {
    crate::fs::write_atomic(path, sudoers(layout).as_bytes(), 0o440).map_err(|source| {
        StorageError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// One mount of an app, as Dokku's `storage-list` trigger describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// The entry mounted.
    pub entry_name: String,
    /// The host directory (or volume), with the attachment's sub-path.
    pub host_path: String,
    /// Where it appears in the container.
    pub container_path: String,
    /// Read-only.
    pub readonly: bool,
    /// Other mount options, comma-joined.
    pub volume_options: String,
}

impl Mount {
    /// `host:container[:options]`, `ro` first among the options.
    pub fn spec(&self) -> String {
        let mut opts: Vec<&str> = Vec::new();
        if self.readonly {
            opts.push("ro");
        }
        opts.extend(self.volume_options.split(',').filter(|o| !o.is_empty()));
        let mut spec = format!("{}:{}", self.host_path, self.container_path);
        if !opts.is_empty() {
            spec.push(':');
            spec.push_str(&opts.join(","));
        }
        spec
    }

    /// Dokku's JSON row: `entry_name`, `host_path`, `container_path`, and `readonly`
    /// / `volume_options` only when set.
    pub fn json(&self) -> serde_json::Value {
        let mut row = serde_json::Map::new();
        row.insert("entry_name".into(), self.entry_name.clone().into());
        row.insert("host_path".into(), self.host_path.clone().into());
        row.insert("container_path".into(), self.container_path.clone().into());
        if self.readonly {
            row.insert("readonly".into(), true.into());
        }
        if !self.volume_options.is_empty() {
            row.insert("volume_options".into(), self.volume_options.clone().into());
        }
        serde_json::Value::Object(row)
    }
}

impl Mount {
    /// The mount of attachment `a` of `entry`: the entry's host path (its name when
    /// it has none, as k3s entries) plus the attachment's sub-path.
    pub fn of(entry: &Entry, a: &Attachment) -> Mount {
        let mut host_path = if entry.host_path.is_empty() {
            entry.name.clone()
        } else {
            entry.host_path.clone()
        };
        if !a.subpath.is_empty() {
            host_path = format!("{}/{}", host_path.trim_end_matches('/'), a.subpath);
        }
        Mount {
            entry_name: entry.name.clone(),
            host_path,
            container_path: a.container_path.clone(),
            readonly: a.readonly,
            volume_options: a.volume_options.clone(),
        }
    }
}

/// The app's mounts for containers of `phase` (`deploy`, `run`), whatever their
/// process type, by entry name and container path; attachments whose entry is gone
/// are left out.
pub fn mounts(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
    phase: &str,
) -> Result<Vec<Mount>, PropertyError> {
    Ok(attachments_for_phase(props, app, phase)?
        .iter()
        .filter_map(|a| Some(Mount::of(&entry::load(layout, &a.entry_name).ok()?, a)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(dir: &std::path::Path) -> Layout {
        let mut vars = crate::settings::EnvMap::new();
        vars.insert("DOKKU_LIB_PATH".into(), dir.display().to_string());
        Layout::from_env(&vars)
    }

    #[test]
    fn legacy_mounts_become_volume_arguments() {
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = layout(dir.path());
        let props = PropertyStore::new(&layout.lib_root);
        mount_legacy(&layout, &props, "web", "/srv/data:/data").expect("mount");
        mount_legacy(&layout, &props, "web", "cache:/cache:ro,z").expect("mount volume");
        assert!(matches!(
            mount_legacy(&layout, &props, "web", "/srv/data:/data"),
            Err(StorageError::Exists)
        ));
        assert!(matches!(
            mount_legacy(&layout, &props, "web", "relative/x:/data"),
            Err(StorageError::BadVolume)
        ));
        assert!(matches!(
            mount_legacy(&layout, &props, "web", "/srv:data"),
            Err(StorageError::BadSpec)
        ));
        // Sorted by entry name (a hash of the host path), then container path.
        let mut listed = list(&layout, &props, "web").expect("list");
        listed.sort();
        assert_eq!(listed, vec!["/srv/data:/data", "cache:/cache:ro,z"]);
        let args = docker_args(&layout, &props, "web", "deploy", Some("web"));
        assert_eq!(args.len(), 4);
        assert!(args.contains(&"/srv/data:/data".to_string()));
        assert!(docker_args(&layout, &props, "web", "build", None).is_empty());
        unmount_legacy(&props, "web", "/srv/data:/data").expect("unmount");
        assert!(matches!(
            unmount_legacy(&props, "web", "/srv/data:/data"),
            Err(StorageError::Missing)
        ));
        assert_eq!(list(&layout, &props, "web").expect("list").len(), 1);
    }

    #[test]
    fn legacy_entries_are_named_like_dokku() {
        // sha1("/tmp/mount") starts with these ten digits, as Dokku names it.
        assert_eq!(
            Entry::legacy("/tmp/mount").name,
            format!("legacy-{}", &sha1::hex(b"/tmp/mount")[..10])
        );
        assert_eq!(
            Entry::legacy("vol1").name,
            format!("legacy-{}", &sha1::hex(b"vol:vol1")[..10])
        );
    }

    #[test]
    fn named_mounts_upsert_and_reach_their_process_types() {
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = layout(dir.path());
        let props = PropertyStore::new(&layout.lib_root);
        let data = Entry {
            name: "data".into(),
            scheduler: entry::DOCKER_LOCAL.into(),
            host_path: "/srv/data".into(),
            ..Entry::default()
        };
        entry::save(&layout, &data).expect("save");
        let mut request = MountRequest {
            entry: "data".into(),
            container_dir: "/data".into(),
            volume_options: "Z".into(),
            ..MountRequest::default()
        };
        assert!(mount_named(&layout, &props, "web", &request).expect("mount"));
        request.volume_options = "noexec,nosuid".into();
        request.readonly = true;
        assert!(!mount_named(&layout, &props, "web", &request).expect("upsert"));
        assert_eq!(
            list(&layout, &props, "web").expect("list"),
            vec!["/srv/data:/data:ro,noexec,nosuid"]
        );
        // Only the worker gets this one.
        let worker = MountRequest {
            entry: "data".into(),
            container_dir: "/jobs".into(),
            process_type: "worker".into(),
            subpath: "jobs".into(),
            ..MountRequest::default()
        };
        assert!(mount_named(&layout, &props, "web", &worker).expect("mount worker"));
        assert_eq!(
            docker_args(&layout, &props, "web", "deploy", Some("web")).len(),
            2
        );
        assert_eq!(
            docker_args(&layout, &props, "web", "run", Some("worker")),
            vec![
                "-v",
                "/srv/data:/data:ro,noexec,nosuid",
                "-v",
                "/srv/data/jobs:/jobs"
            ]
        );
        for bad in [
            MountRequest {
                entry: "missing".into(),
                container_dir: "/x".into(),
                ..MountRequest::default()
            },
            MountRequest {
                entry: "data".into(),
                ..MountRequest::default()
            },
            MountRequest {
                entry: "data".into(),
                container_dir: "/x".into(),
                subpath: "../etc".into(),
                ..MountRequest::default()
            },
            MountRequest {
                entry: "data".into(),
                container_dir: "/x".into(),
                phases: vec!["build".into()],
                ..MountRequest::default()
            },
        ] {
            assert!(
                mount_named(&layout, &props, "web", &bad).is_err(),
                "{bad:?}"
            );
        }
        // Two attachments of one entry need --container-dir to unmount.
        assert!(unmount(&props, "web", "data", "").is_err());
        unmount(&props, "web", "data", "/jobs").expect("unmount /jobs");
        unmount(&props, "web", "data", "").expect("unmount the last one");
        assert!(attachments(&props, "web").expect("read").is_empty());
        assert_eq!(
            apps_using(&props, &["web".to_string()], "data"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn entry_rules_follow_dokku() {
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = layout(dir.path());
        for bad in [
            "",
            "Upper",
            "with_underscore",
            "-dash",
            "legacy-x",
            &"a".repeat(46),
        ] {
            assert!(entry::validate_name(bad, false).is_err(), "{bad}");
        }
        entry::validate_name("legacy-x", true).expect("legacy allowed in migration");
        assert_eq!(entry::normalize_mode("750").expect("mode"), "0750");
        assert!(entry::normalize_mode("0888").is_err());
        assert!(entry::normalize_mode("u+rwx").is_err());
        let mut e = Entry {
            name: "data".into(),
            scheduler: entry::DOCKER_LOCAL.into(),
            host_path: "/custom".into(),
            reclaim_policy: entry::DELETE.into(),
            ..Entry::default()
        };
        assert!(e.validate(&layout).is_err());
        e.host_path = entry::default_host_path(&layout, "data")
            .display()
            .to_string();
        e.validate(&layout).expect("Delete on the default path");
        e.scheduler = entry::K3S.into();
        e.host_path.clear();
        assert!(e.validate(&layout).is_err(), "k3s needs a size");
        e.size = "1Gi".into();
        e.mode = "0777".into();
        assert!(e.validate(&layout).is_err(), "k3s takes no mode");
        assert_eq!(resolve_chown("herokuish").expect("herokuish"), Some(32767));
        assert_eq!(resolve_chown("false").expect("false"), None);
        for bad in ["65536", "-1", "abc", ""] {
            assert!(resolve_chown(bad).is_err(), "{bad}");
        }
        let mut e = Entry::default();
        entry::apply_property(&mut e, "mode", "700").expect("mode");
        assert_eq!(e.mode, "0700");
        assert!(entry::apply_property(&mut e, "access-mode", "ReadWriteMany").is_err());
        assert!(entry::apply_property(&mut e, "bogus", "x").is_err());
    }

    #[test]
    fn exec_runs_a_throwaway_container_with_the_entry_at_data() {
        let args: Vec<String> = [
            "data",
            "alpine:3",
            "--interactive=false",
            "--tty=false",
            "--",
            "ls",
            "/data",
        ]
        .map(String::from)
        .to_vec();
        let req = entry::ExecRequest::from_trigger(&args);
        let mut e = Entry {
            name: "data".into(),
            scheduler: entry::DOCKER_LOCAL.into(),
            host_path: "/srv/data".into(),
            chown: "heroku".into(),
            ..Entry::default()
        };
        assert_eq!(
            req.docker_args(&e).expect("args").join(" "),
            "run --rm --user 1000:1000 -v /srv/data:/data alpine:3 ls /data"
        );
        e.chown.clear();
        let shell = entry::ExecRequest {
            tty: true,
            as_user: "5".into(),
            ..req.clone()
        };
        let shell = entry::ExecRequest {
            command: Vec::new(),
            ..shell
        };
        let args = shell.docker_args(&e).expect("args");
        assert_eq!(args[..5], ["run", "--rm", "-it", "--user", "5:5"]);
        assert_eq!(
            args.last().map(String::as_str),
            Some("command -v bash >/dev/null 2>&1 && exec bash || exec sh")
        );
        let bad = entry::ExecRequest {
            as_user: "root; rm".into(),
            ..req
        };
        assert!(bad.docker_args(&e).is_err());
    }

    #[test]
    fn entries_round_trip_and_list_by_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = layout(dir.path());
        let mut e = Entry {
            name: "b".into(),
            scheduler: entry::DOCKER_LOCAL.into(),
            host_path: "/srv/b".into(),
            ..Entry::default()
        };
        e.annotations.insert("team".into(), "billing".into());
        entry::save(&layout, &e).expect("save b");
        e.name = "a".into();
        entry::save(&layout, &e).expect("save a");
        let text =
            std::fs::read_to_string(entry::entries_dir(&layout).join("b.json")).expect("read");
        assert!(text.contains("\"schema_version\": 1"), "{text}");
        assert!(
            !text.contains("\"size\""),
            "empty fields are left out: {text}"
        );
        let names: Vec<String> = entry::list(&layout)
            .expect("list")
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["a", "b"]);
        entry::delete(&layout, "a").expect("delete");
        assert!(!entry::exists(&layout, "a"));
        assert!(matches!(
            entry::load(&layout, "a"),
            Err(StorageError::NoEntry(_))
        ));
        assert!(entry::load(&layout, "../etc").is_err());
    }

    #[test]
    fn migration_moves_v_options_into_attachments_once() {
        use crate::docker_options::{self, Phase};
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = layout(dir.path());
        let props = PropertyStore::new(&layout.lib_root);
        docker_options::add(
            &props,
            "web",
            &[],
            &[Phase::Deploy, Phase::Run],
            "-v /tmp/legacy:/legacy",
        )
        .expect("add");
        assert_eq!(
            migrate::migrate_app(&layout, &props, "web").expect("migrate"),
            1
        );
        assert_eq!(
            list(&layout, &props, "web").expect("list"),
            ["/tmp/legacy:/legacy"]
        );
        assert!(docker_options::options(&props, "web", None, Phase::Deploy)
            .expect("options")
            .is_empty());
        assert_eq!(
            props.get(PLUGIN, "web", migrate::MIGRATED).expect("marker"),
            Some("true".to_string())
        );
        assert_eq!(
            migrate::migrate_app(&layout, &props, "web").expect("again"),
            0
        );
        assert_eq!(attachments(&props, "web").expect("read").len(), 1);
        // Nothing to migrate: no marker.
        assert_eq!(
            migrate::migrate_app(&layout, &props, "api").expect("none"),
            0
        );
        assert!(!props
            .exists(PLUGIN, "api", migrate::MIGRATED)
            .expect("exists"));
    }
}
