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

/// The plugin name the attachments live under.
pub const PLUGIN: &str = "storage";

/// A registry entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Entry name.
    pub name: String,
    /// Scheduler it is for.
    #[serde(default)]
    pub scheduler: String,
    /// Host directory or volume name.
    pub host_path: String,
    /// Ownership to apply (`herokuish`, `root`, a uid, ...), empty for none.
    #[serde(default)]
    pub chown: String,
    /// Schema version of this file.
    #[serde(default)]
    pub schema_version: u32,
}

/// One attachment of an entry to an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The entry.
    pub entry_name: String,
    /// Absolute path inside the container.
    pub container_path: String,
    /// `deploy`, `run`, ...
    #[serde(default)]
    pub phases: Vec<String>,
    /// Only for this process type (empty: all).
    #[serde(default)]
    pub process_type: String,
    /// Sub-directory of the entry to mount.
    #[serde(default)]
    pub subpath: String,
    /// Read-only mount.
    #[serde(default)]
    pub readonly: bool,
    /// Extra mount options (`z`, `rw`, ...), comma-joined.
    #[serde(default)]
    pub volume_options: String,
    /// Ownership to apply on mount, empty for none.
    #[serde(default)]
    pub volume_chown: String,
}

/// A storage request that cannot be honoured, with Dokku's messages.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StorageError {
    /// Not `host:container[:options]` with an absolute container path.
    #[error("Storage path must be two valid paths divided by colon.")]
    BadSpec,
    /// This exact mount exists.
    #[error("Mount path already exists.")]
    Exists,
    /// No such mount.
    #[error("Mount path does not exist.")]
    Missing,
    /// A property could not be read or written.
    #[error(transparent)]
    Property(#[from] PropertyError),
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

fn entries_dir(layout: &Layout) -> PathBuf {
    layout.plugin_data_dir("storage-registry").join("entries")
}

/// The entry named `name`, if it exists.
pub fn entry(layout: &Layout, name: &str) -> Option<Entry> {
    let text = std::fs::read_to_string(entries_dir(layout).join(format!("{name}.json"))).ok()?;
    serde_json::from_str(&text).ok()
}

fn write_entry(layout: &Layout, entry: &Entry) -> Result<(), StorageError> {
    let dir = entries_dir(layout);
    std::fs::create_dir_all(&dir).map_err(|source| StorageError::Io {
        path: dir.clone(),
        source,
    })?;
    let path = dir.join(format!("{}.json", entry.name));
    let text = serde_json::to_string(entry).unwrap_or_default();
    crate::fs::write_atomic(&path, text.as_bytes(), 0o644)
        .map_err(|source| StorageError::Io { path, source })
}

/// The app's attachments.
pub fn attachments(props: &PropertyStore, app: &str) -> Result<Vec<Attachment>, PropertyError> {
    Ok(props
        .list_get(PLUGIN, app, "mounts")?
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}

/// Changes the app's attachments holding the `mounts` property's lock from read to
/// write, so parallel `storage:mount` calls keep each other's mounts. `edit` may
/// refuse (nothing is written then). An emptied list stays as an empty property,
/// which reads as no attachments, the same as a missing one.
fn edit_attachments(
    props: &PropertyStore,
    app: &str,
    edit: impl FnOnce(&mut Vec<Attachment>) -> Result<(), StorageError>,
) -> Result<(), StorageError> {
    props.list_try_update(PLUGIN, app, "mounts", |lines| {
        let mut list: Vec<Attachment> = lines
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        edit(&mut list)?;
        *lines = list
            .iter()
            .map(|a| serde_json::to_string(a).unwrap_or_default())
            .collect();
        Ok::<_, StorageError>(true)
    })?;
    Ok(())
}

/// A legacy `HOST:CONTAINER[:OPTIONS]` mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacySpec {
    /// Host path or volume name.
    pub host: String,
    /// Absolute container path.
    pub container: String,
    /// Options (`ro`, `z`, ...), comma-joined; may be empty.
    pub options: String,
}

impl LegacySpec {
    /// Parses `HOST:CONTAINER[:OPTIONS]`.
    pub fn parse(spec: &str) -> Result<LegacySpec, StorageError> {
        let parts: Vec<&str> = spec.split(':').collect();
        let (host, container, options) = match parts.as_slice() {
            [h, c] => (*h, *c, ""),
            [h, c, o] => (*h, *c, *o),
            _ => return Err(StorageError::BadSpec),
        };
        let host_ok = !host.is_empty() && (host.starts_with('/') || !host.contains('/'));
        if !host_ok || !container.starts_with('/') || container.len() < 2 {
            return Err(StorageError::BadSpec);
        }
        Ok(LegacySpec {
            host: host.to_string(),
            container: container.to_string(),
            options: options.to_string(),
        })
    }
}

fn legacy_name(host: &str) -> String {
    // FNV-1a: stable across runs and versions.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in host.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("legacy-{:016x}", hash)
}

/// `storage:mount APP HOST:CONTAINER[:OPTIONS]`.
pub fn mount_legacy(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
    spec: &str,
) -> Result<(), StorageError> {
    let spec = LegacySpec::parse(spec)?;
    let name = legacy_name(&spec.host);
    let options: Vec<&str> = spec.options.split(',').filter(|o| !o.is_empty()).collect();
    edit_attachments(props, app, |list| {
        if list
            .iter()
            .any(|a| a.entry_name == name && a.container_path == spec.container)
        {
            return Err(StorageError::Exists);
        }
        // The entry's name is a hash of its host path and its contents follow from
        // that path, so parallel mounts of one path write the same file.
        if entry(layout, &name).is_none() {
            write_entry(
                layout,
                &Entry {
                    name: name.clone(),
                    scheduler: "docker-local".into(),
                    host_path: spec.host.clone(),
                    chown: String::new(),
                    schema_version: 1,
                },
            )?;
        }
        list.push(Attachment {
            entry_name: name.clone(),
            container_path: spec.container.clone(),
            phases: vec!["deploy".into(), "run".into()],
            process_type: String::new(),
            subpath: String::new(),
            readonly: options.contains(&"ro"),
            volume_options: options
                .iter()
                .filter(|o| **o != "ro")
                .copied()
                .collect::<Vec<_>>()
                .join(","),
            volume_chown: String::new(),
        });
        Ok(())
    })
}

/// `storage:unmount APP HOST:CONTAINER[:OPTIONS]`.
pub fn unmount_legacy(props: &PropertyStore, app: &str, spec: &str) -> Result<(), StorageError> {
    let spec = LegacySpec::parse(spec)?;
    let name = legacy_name(&spec.host);
    edit_attachments(props, app, |list| {
        let before = list.len();
        list.retain(|a| !(a.entry_name == name && a.container_path == spec.container));
        if list.len() == before {
            return Err(StorageError::Missing);
        }
        Ok(())
    })
}

/// The `-v` value of an attachment, or `None` when its entry is gone.
fn volume(layout: &Layout, a: &Attachment) -> Option<String> {
    let entry = entry(layout, &a.entry_name)?;
    let mut host = entry.host_path;
    if !a.subpath.is_empty() {
        host = format!("{}/{}", host.trim_end_matches('/'), a.subpath);
    }
    let mut opts: Vec<String> = Vec::new();
    if a.readonly {
        opts.push("ro".into());
    }
    opts.extend(
        a.volume_options
            .split(',')
            .filter(|o| !o.is_empty())
            .map(str::to_string),
    );
    let mut v = format!("{host}:{}", a.container_path);
    if !opts.is_empty() {
        v.push(':');
        v.push_str(&opts.join(","));
    }
    Some(v)
}

/// `host:container[:opts]` of every attachment of the app (`storage:list`).
pub fn list(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
) -> Result<Vec<String>, PropertyError> {
    Ok(attachments(props, app)?
        .iter()
        .filter_map(|a| volume(layout, a))
        .collect())
}

/// The `-v` arguments for a container of `phase` (`deploy`, `run`) and `proc_type`.
pub fn docker_args(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
    phase: &str,
    proc_type: Option<&str>,
) -> Vec<String> {
    attachments(props, app)
        .unwrap_or_default()
        .iter()
        .filter(|a| a.phases.iter().any(|p| p == phase))
        .filter(|a| a.process_type.is_empty() || proc_type.is_some_and(|t| t == a.process_type))
        .filter_map(|a| volume(layout, a))
        .flat_map(|v| ["-v".to_string(), v])
        .collect()
}

/// Whether `id` is a uid `--chown` may hand a storage directory to: 0–65535, or the
/// same range shifted into a user namespace (165536–231071), as Dokku allows.
pub fn chown_id_allowed(id: u32) -> bool {
    id <= 65_535 || (165_536..=231_071).contains(&id)
}

/// The uid:gid `--chown` names (`storage:ensure-directory`): herokuish 32767, heroku
/// 1000, paketo 2000, root 0; `false` skips; a number is taken as given.
pub fn chown_ids(chown: &str) -> Option<u32> {
    match chown {
        "herokuish" => Some(32767),
        "heroku" => Some(1000),
        "paketo" => Some(2000),
        "root" => Some(0),
        "false" => None,
        other => other.parse().ok(),
    }
}

/// `$DOKKU_LIB_ROOT/data/storage/NAME`, created (`storage:ensure-directory`).
///
/// The name is one path component of `[A-Za-z0-9_-]` (Dokku's rule), so it can never
/// point outside the storage folder.
pub fn ensure_directory(layout: &Layout, name: &str) -> Result<PathBuf, StorageError> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(StorageError::BadSpec);
    }
    let dir = layout.plugin_data_dir("storage").join(name);
    std::fs::create_dir_all(&dir).map_err(|source| StorageError::Io {
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
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

/// The app's mounts for containers of `phase` (`deploy`, `run`), whatever their
/// process type; attachments whose entry is gone are left out.
pub fn mounts(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
    phase: &str,
) -> Result<Vec<Mount>, PropertyError> {
    Ok(attachments(props, app)?
        .into_iter()
        .filter(|a| a.phases.iter().any(|p| p == phase))
        .filter_map(|a| {
            let entry = entry(layout, &a.entry_name)?;
            let mut host_path = entry.host_path;
            if !a.subpath.is_empty() {
                host_path = format!("{}/{}", host_path.trim_end_matches('/'), a.subpath);
            }
            Some(Mount {
                entry_name: a.entry_name,
                host_path,
                container_path: a.container_path,
                readonly: a.readonly,
                volume_options: a.volume_options,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_mounts_become_volume_arguments() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut vars = crate::settings::EnvMap::new();
        vars.insert("DOKKU_LIB_PATH".into(), dir.path().display().to_string());
        let layout = Layout::from_env(&vars);
        let props = PropertyStore::new(&layout.lib_root);
        mount_legacy(&layout, &props, "web", "/srv/data:/data").expect("mount");
        mount_legacy(&layout, &props, "web", "cache:/cache:ro,z").expect("mount volume");
        assert!(matches!(
            mount_legacy(&layout, &props, "web", "/srv/data:/data"),
            Err(StorageError::Exists)
        ));
        assert!(matches!(
            mount_legacy(&layout, &props, "web", "relative/x:/data"),
            Err(StorageError::BadSpec)
        ));
        assert!(matches!(
            mount_legacy(&layout, &props, "web", "/srv"),
            Err(StorageError::BadSpec)
        ));
        assert_eq!(
            list(&layout, &props, "web").expect("list"),
            vec!["/srv/data:/data", "cache:/cache:ro,z"]
        );
        assert_eq!(
            docker_args(&layout, &props, "web", "deploy", Some("web")),
            vec!["-v", "/srv/data:/data", "-v", "cache:/cache:ro,z"]
        );
        assert!(docker_args(&layout, &props, "web", "build", None).is_empty());
        unmount_legacy(&props, "web", "/srv/data:/data").expect("unmount");
        assert!(matches!(
            unmount_legacy(&props, "web", "/srv/data:/data"),
            Err(StorageError::Missing)
        ));
        assert_eq!(list(&layout, &props, "web").expect("list").len(), 1);
    }
}
