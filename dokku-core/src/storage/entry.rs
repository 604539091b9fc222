//! Storage entries: the registry of named volumes under
//! `$DOKKU_LIB_ROOT/data/storage-registry/entries/<name>.json`, Dokku 0.38's format
//! (pretty JSON, empty fields left out, `schema_version` 1).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::StorageError;
use crate::paths::Layout;

/// The on-disk schema version written.
pub const SCHEMA_VERSION: u32 = 1;
/// The default scheduler of an entry.
pub const DOCKER_LOCAL: &str = "docker-local";
/// The k3s scheduler (its entries are provisioned by a scheduler plugin).
pub const K3S: &str = "k3s";
/// Names starting with this are made by `storage:mount HOST:CONTAINER` and
/// `storage:migrate`, never by `storage:create`.
pub const LEGACY_PREFIX: &str = "legacy-";
/// Longest entry name (Dokku keeps `storage-<name>` within Helm's release names).
pub const MAX_NAME_LEN: usize = 45;
/// Reclaim policy: keep the data when the entry is destroyed.
pub const RETAIN: &str = "Retain";
/// Reclaim policy: remove the data when the entry is destroyed.
pub const DELETE: &str = "Delete";

const ACCESS_MODES: [&str; 4] = [
    "ReadWriteOnce",
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOncePod",
];

/// A registered storage entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Entry {
    /// Entry name (a DNS-1123 label).
    pub name: String,
    /// `docker-local` or `k3s`.
    #[serde(default)]
    pub scheduler: String,
    /// Host directory or docker volume name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host_path: String,
    /// Volume size (k3s).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub size: String,
    /// Access mode (k3s).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub access_mode: String,
    /// Storage class (k3s).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub storage_class: String,
    /// Namespace (k3s).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Ownership applied to the directory (`herokuish`, a uid, ...).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub chown: String,
    /// Directory mode, 4 octal digits.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mode: String,
    /// `Retain` or `Delete`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reclaim_policy: String,
    /// Annotations (k3s renders them on the volume).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Labels (k3s renders them on the volume).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Schema version of this file.
    #[serde(default)]
    pub schema_version: u32,
}

/// `$DOKKU_LIB_ROOT/data/storage-registry`.
pub fn registry_dir(layout: &Layout) -> PathBuf {
    layout.plugin_data_dir("storage-registry")
}

/// `$DOKKU_LIB_ROOT/data/storage-registry/entries`.
pub fn entries_dir(layout: &Layout) -> PathBuf {
    registry_dir(layout).join("entries")
}

/// `$DOKKU_LIB_ROOT/data/storage`: where default host directories live.
pub fn storage_dir(layout: &Layout) -> PathBuf {
    layout.plugin_data_dir("storage")
}

/// The default host directory of entry `name`.
pub fn default_host_path(layout: &Layout, name: &str) -> PathBuf {
    storage_dir(layout).join(name)
}

fn entry_path(layout: &Layout, name: &str) -> Result<PathBuf, StorageError> {
    validate_name(name, true)?;
    Ok(entries_dir(layout).join(format!("{name}.json")))
}

/// Checks an entry name: a DNS-1123 label of at most 45 characters, not starting
/// with `legacy-` unless `allow_legacy`.
pub fn validate_name(name: &str, allow_legacy: bool) -> Result<(), StorageError> {
    let invalid = |why: String| Err(StorageError::Invalid(why));
    if name.is_empty() {
        return invalid("storage entry name is required".into());
    }
    if name.len() > MAX_NAME_LEN {
        return invalid(format!(
            "storage entry name \"{name}\" is too long (max {MAX_NAME_LEN} characters); helm release names cap our budget"
        ));
    }
    let label_ok = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !label_ok {
        return invalid(format!(
            "storage entry name \"{name}\" must be a DNS-1123 label (lowercase letters, digits, and dashes; cannot start or end with a dash)"
        ));
    }
    if !allow_legacy && name.starts_with(LEGACY_PREFIX) {
        return invalid(format!(
            "storage entry name \"{name}\" must not start with reserved prefix \"{LEGACY_PREFIX}\""
        ));
    }
    Ok(())
}

/// A docker named volume token (`mydata`, `app_cache.v2`).
pub fn is_volume_name(token: &str) -> bool {
    let mut bytes = token.bytes();
    token.len() >= 2
        && bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// `755` → `0755`; `0755` stays; empty stays empty (leave the mode alone); anything
/// but 3 or 4 octal digits is refused.
pub fn normalize_mode(mode: &str) -> Result<String, StorageError> {
    if mode.is_empty() {
        return Ok(String::new());
    }
    if !(3..=4).contains(&mode.len()) || !mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return Err(StorageError::Invalid(format!(
            "Unsupported directory mode \"{mode}\". Value must be a 3 or 4 digit octal mode, such as 0755"
        )));
    }
    Ok(format!("{mode:0>4}"))
}

impl Entry {
    /// Whether the entry's host path is its default directory under `data/storage`.
    pub fn uses_default_path(&self, layout: &Layout) -> bool {
        Path::new(&self.host_path) == default_host_path(layout, &self.name)
    }

    /// Refuses `flag` unless the entry uses its default host path (the sudo helpers
    /// only ever touch that one).
    pub fn require_default_path(&self, layout: &Layout, flag: &str) -> Result<(), StorageError> {
        if self.uses_default_path(layout) {
            return Ok(());
        }
        let default = default_host_path(layout, &self.name);
        Err(StorageError::Invalid(format!(
            "{flag} is only supported when the storage entry uses the default host path ({}); omit {flag} and manage {} manually",
            default.display(),
            self.host_path
        )))
    }

    /// Checks the fields against the rules of the entry's scheduler.
    pub fn validate(&self, layout: &Layout) -> Result<(), StorageError> {
        validate_name(&self.name, self.name.starts_with(LEGACY_PREFIX))?;
        let name = &self.name;
        let invalid = |why: String| Err(StorageError::Invalid(why));
        if self.scheduler != DOCKER_LOCAL && self.scheduler != K3S {
            return invalid(format!(
                "storage entry \"{name}\" has unsupported scheduler \"{}\" (supported: docker-local, k3s)",
                self.scheduler
            ));
        }
        if !self.reclaim_policy.is_empty()
            && self.reclaim_policy != RETAIN
            && self.reclaim_policy != DELETE
        {
            return invalid(format!(
                "storage entry \"{name}\" has unsupported reclaim policy \"{}\"",
                self.reclaim_policy
            ));
        }
        if self.scheduler == DOCKER_LOCAL {
            if self.host_path.is_empty() {
                return invalid(format!(
                    "storage entry \"{name}\" (docker-local) is missing host_path"
                ));
            }
            if !self.host_path.starts_with('/') && !is_volume_name(&self.host_path) {
                return invalid(format!(
                    "storage entry \"{name}\" host_path must be an absolute path or a docker named volume token, got \"{}\"",
                    self.host_path
                ));
            }
            for (value, flag) in [
                (&self.size, "--size"),
                (&self.storage_class, "--storage-class-name"),
                (&self.access_mode, "--access-mode"),
            ] {
                if !value.is_empty() {
                    return invalid(format!(
                        "storage entry \"{name}\" (docker-local) does not accept {flag}"
                    ));
                }
            }
            normalize_mode(&self.mode)?;
            if self.reclaim_policy == DELETE && !self.uses_default_path(layout) {
                return invalid(format!(
                    "storage entry \"{name}\" (docker-local) only accepts --reclaim-policy Delete on the default host path ({})",
                    default_host_path(layout, name).display()
                ));
            }
        } else {
            if self.size.is_empty() {
                return invalid(format!("storage entry \"{name}\" (k3s) requires --size"));
            }
            if !self.storage_class.is_empty() && !self.host_path.is_empty() {
                return invalid(format!(
                    "storage entry \"{name}\" (k3s) cannot set both --storage-class-name and a host path; the cluster provisions class-backed volumes"
                ));
            }
            if !self.access_mode.is_empty() && !ACCESS_MODES.contains(&self.access_mode.as_str()) {
                return invalid(format!(
                    "storage entry \"{name}\" has unsupported access mode \"{}\"",
                    self.access_mode
                ));
            }
            if !self.host_path.is_empty() && !self.host_path.starts_with('/') {
                return invalid(format!(
                    "storage entry \"{name}\" host_path must be absolute, got \"{}\"",
                    self.host_path
                ));
            }
            if !self.mode.is_empty() {
                return invalid(format!(
                    "storage entry \"{name}\" (k3s) does not accept --mode"
                ));
            }
        }
        Ok(())
    }

    /// The entry Dokku synthesises for a legacy `HOST:CONTAINER` mount: named
    /// `legacy-` + ten hex digits of SHA-1 of the host path (`vol:` + the name for a
    /// docker volume), so every app mounting one path shares one entry.
    pub fn legacy(host: &str) -> Entry {
        let input = if host.starts_with('/') {
            host.to_string()
        } else {
            format!("vol:{host}")
        };
        let digest = super::sha1::hex(input.as_bytes());
        Entry {
            name: format!("{LEGACY_PREFIX}{}", &digest[..10]),
            scheduler: DOCKER_LOCAL.into(),
            host_path: host.to_string(),
            schema_version: SCHEMA_VERSION,
            ..Entry::default()
        }
    }
}

/// Whether entry `name` is registered.
pub fn exists(layout: &Layout, name: &str) -> bool {
    entry_path(layout, name).is_ok_and(|p| p.is_file())
}

/// Reads entry `name`.
pub fn load(layout: &Layout, name: &str) -> Result<Entry, StorageError> {
    let path = entry_path(layout, name)?;
    let text = std::fs::read_to_string(&path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            StorageError::NoEntry(name.to_string())
        } else {
            StorageError::Io {
                path: path.clone(),
                source,
            }
        }
    })?;
    serde_json::from_str(&text).map_err(|e| {
        StorageError::Invalid(format!("unable to parse storage entry \"{name}\": {e}"))
    })
}

/// Writes an entry (atomically, mode 0600 as Dokku does).
pub fn save(layout: &Layout, entry: &Entry) -> Result<(), StorageError> {
    let path = entry_path(layout, &entry.name)?;
    let dir = entries_dir(layout);
    std::fs::create_dir_all(&dir).map_err(|source| StorageError::Io {
        path: dir.clone(),
        source,
    })?;
    let mut entry = entry.clone();
    if entry.schema_version == 0 {
        entry.schema_version = SCHEMA_VERSION;
    }
    let mut text = serde_json::to_string_pretty(&entry).unwrap_or_default();
    text.push('\n');
    crate::fs::write_atomic(&path, text.as_bytes(), 0o600)
        .map_err(|source| StorageError::Io { path, source })
}

/// Removes entry `name`'s record (a missing one is fine).
pub fn delete(layout: &Layout, name: &str) -> Result<(), StorageError> {
    let path = entry_path(layout, name)?;
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(StorageError::Io { path, source: e })
        }
        _ => Ok(()),
    }
}

/// Every registered entry, by name.
pub fn list(layout: &Layout) -> Result<Vec<Entry>, StorageError> {
    let dir = entries_dir(layout);
    let read = match std::fs::read_dir(&dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(StorageError::Io { path: dir, source }),
    };
    let mut names: Vec<String> = read
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .map(str::to_string)
        })
        .filter(|n| validate_name(n, true).is_ok())
        .collect();
    names.sort();
    names.iter().map(|n| load(layout, n)).collect()
}

/// The properties `storage:set` changes, sorted.
pub const SETTABLE: [&str; 7] = [
    "access-mode",
    "chown",
    "mode",
    "namespace",
    "reclaim-policy",
    "size",
    "storage-class-name",
];

/// Applies `storage:set NAME PROPERTY [VALUE]` to an entry (an empty value unsets).
/// Access mode and storage class cannot change in place.
pub fn apply_property(entry: &mut Entry, property: &str, value: &str) -> Result<(), StorageError> {
    let in_place = |what: &str| {
        Err(StorageError::Invalid(format!(
            "storage:set cannot change {what} in place; recreate the entry"
        )))
    };
    match property {
        "access-mode" if value != entry.access_mode => return in_place("access-mode"),
        "storage-class-name" if value != entry.storage_class => {
            return in_place("storage-class-name")
        }
        "access-mode" | "storage-class-name" => {}
        "size" => entry.size = value.to_string(),
        "namespace" => entry.namespace = value.to_string(),
        "chown" => entry.chown = value.to_string(),
        "mode" => entry.mode = normalize_mode(value)?,
        "reclaim-policy" => entry.reclaim_policy = value.to_string(),
        "" => return Err(StorageError::Invalid("No property specified".into())),
        _ => {
            return Err(StorageError::Invalid(format!(
                "Invalid property specified, valid properties include: {}",
                SETTABLE.join(", ")
            )))
        }
    }
    Ok(())
}

/// Makes a docker-local entry's host directory if missing, then applies its mode and
/// ownership through the sudo helpers (both only on the default host path). A docker
/// volume name is left to docker. `note` hears Dokku's progress lines.
pub fn ensure_host_dir(
    layout: &Layout,
    entry: &Entry,
    note: &mut dyn FnMut(String),
) -> Result<(), StorageError> {
    let chown = super::resolve_chown(if entry.chown.is_empty() {
        "false"
    } else {
        &entry.chown
    })?;
    if chown.is_some() {
        entry.require_default_path(layout, "--chown")?;
    }
    if !entry.mode.is_empty() {
        entry.require_default_path(layout, "--mode")?;
    }
    if !entry.host_path.starts_with('/') {
        return Ok(());
    }
    let path = Path::new(&entry.host_path);
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(StorageError::Invalid(format!(
                "storage entry path {} exists but is not a directory",
                entry.host_path
            )))
        }
        Err(_) => {
            std::fs::create_dir_all(path).map_err(|source| StorageError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            note(format!("Created {}", entry.host_path));
        }
    }
    if !entry.mode.is_empty() {
        note(format!("Setting directory mode to {}", entry.mode));
        super::run_helper(layout, "chmod-storage-dir", &entry.name, &[&entry.mode])?;
    }
    if let Some(id) = chown {
        note(format!("Setting directory ownership to {id}:{id}"));
        super::run_helper(layout, "chown-storage-dir", &entry.name, &[&id.to_string()])?;
    }
    Ok(())
}

/// `scheduler-storage-exec docker-local NAME IMAGE --interactive=B --tty=B
/// [--as-user UID] [-- CMD...]`, as `storage:exec` fires it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecRequest {
    /// The entry.
    pub name: String,
    /// The image to run.
    pub image: String,
    /// Pass stdin through (`-i`).
    pub interactive: bool,
    /// Allocate a terminal (`-it`).
    pub tty: bool,
    /// Run as this uid (else the entry's `chown`, else the image's user).
    pub as_user: String,
    /// The command (else a shell).
    pub command: Vec<String>,
}

impl ExecRequest {
    /// Reads the trigger's arguments after the scheduler.
    pub fn from_trigger(args: &[String]) -> ExecRequest {
        let mut req = ExecRequest {
            name: args.first().cloned().unwrap_or_default(),
            image: args.get(1).cloned().unwrap_or_default(),
            ..ExecRequest::default()
        };
        let mut rest = args.iter().skip(2);
        while let Some(a) = rest.next() {
            match a.as_str() {
                "--interactive=true" => req.interactive = true,
                "--tty=true" => req.tty = true,
                "--as-user" => req.as_user = rest.next().cloned().unwrap_or_default(),
                "--" => {
                    req.command = rest.cloned().collect();
                    break;
                }
                _ => {}
            }
        }
        req
    }

    /// The `docker` arguments: a throwaway container with the entry at `/data`,
    /// as the `--as-user` uid or the entry's `chown` uid when one is set.
    pub fn docker_args(&self, entry: &Entry) -> Result<Vec<String>, StorageError> {
        let mut args = vec!["run".to_string(), "--rm".to_string()];
        if self.tty {
            args.push("-it".into());
        } else if self.interactive {
            args.push("-i".into());
        }
        let user = if !self.as_user.is_empty() {
            if !self.as_user.bytes().all(|b| b.is_ascii_digit()) {
                return Err(StorageError::Invalid(format!(
                    "--as-user \"{}\" must be a numeric uid",
                    self.as_user
                )));
            }
            Some(self.as_user.clone())
        } else if entry.chown.is_empty() {
            None
        } else {
            super::resolve_chown(&entry.chown)?.map(|id| id.to_string())
        };
        if let Some(user) = user {
            args.extend(["--user".to_string(), format!("{user}:{user}")]);
        }
        args.extend([
            "-v".to_string(),
            format!("{}:/data", entry.host_path),
            self.image.clone(),
        ]);
        if self.command.is_empty() {
            args.extend(
                [
                    "sh",
                    "-c",
                    "command -v bash >/dev/null 2>&1 && exec bash || exec sh",
                ]
                .map(String::from),
            );
        } else {
            args.extend(self.command.iter().cloned());
        }
        Ok(args)
    }
}

/// Runs `storage:exec` for a docker-local entry: checks the host directory (or
/// docker volume) is there, then `docker run` with streamed output. Returns its exit
/// code.
pub fn exec(
    layout: &Layout,
    docker: &crate::docker::Docker,
    req: &ExecRequest,
) -> Result<i32, StorageError> {
    use crate::docker::Call;
    let entry = load(layout, &req.name)?;
    if entry.scheduler != DOCKER_LOCAL {
        return Err(StorageError::Invalid(format!(
            "storage entry \"{}\" has scheduler \"{}\", not docker-local",
            entry.name, entry.scheduler
        )));
    }
    if entry.host_path.starts_with('/') {
        if !Path::new(&entry.host_path).is_dir() {
            return Err(StorageError::Invalid(format!(
                "host path {} does not exist or is not a directory",
                entry.host_path
            )));
        }
    } else {
        let found = docker
            .run(&Call::new(["volume", "inspect", entry.host_path.as_str()]))
            .map_err(|e| StorageError::Invalid(e.to_string()))?;
        if found.code != 0 {
            return Err(StorageError::Invalid(format!(
                "docker named volume \"{}\" is not present: {}",
                entry.host_path,
                found.stderr.trim()
            )));
        }
    }
    let mut call = Call::new(req.docker_args(&entry)?).streamed();
    if req.interactive || req.tty {
        call = call.with_stdin();
    }
    let result = docker
        .run(&call)
        .map_err(|e| StorageError::Invalid(e.to_string()))?;
    Ok(result.code)
}
