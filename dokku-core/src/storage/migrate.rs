//! `storage:migrate` and the install trigger's pass: legacy `-v HOST:CONTAINER`
//! docker-options lines become `legacy-<hash>` entries plus attachments, and leave
//! docker-options. The per-app property `legacy-mounts-migrated` (`true`) records
//! that an app had such lines and they were drained.

use std::collections::BTreeMap;

use super::PLUGIN;
use super::{edit_attachments, entry, Attachment, Entry, LegacySpec, StorageError};
use crate::docker_options::{self, Phase};
use crate::paths::Layout;
use crate::property::PropertyStore;

/// The per-app marker property.
pub const MIGRATED: &str = "legacy-mounts-migrated";

/// `data/storage-registry/migrations/<app>`: the flag file older 0.38 releases wrote
/// instead of the property.
fn flag_file(layout: &Layout, app: &str) -> std::path::PathBuf {
    entry::registry_dir(layout).join("migrations").join(app)
}

/// Turns an old flag file into the property and removes it (nothing when absent).
pub fn convert_flag_file(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
) -> Result<(), StorageError> {
    let path = flag_file(layout, app);
    if !path.exists() {
        return Ok(());
    }
    props.write(PLUGIN, app, MIGRATED, "true")?;
    std::fs::remove_file(&path).map_err(|source| StorageError::Io { path, source })
}

/// Migrates one app (`storage:migrate APP`): the flag file first, then every `-v`
/// line of its deploy and run options. Returns how many mounts were moved; the
/// marker is written only when there were some.
pub fn migrate_app(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
) -> Result<usize, StorageError> {
    convert_flag_file(layout, props, app)?;
    let mut phases_of: BTreeMap<String, Vec<Phase>> = BTreeMap::new();
    for phase in [Phase::Deploy, Phase::Run] {
        for option in docker_options::options(props, app, None, phase)? {
            if let Some(mount) = option.strip_prefix("-v ") {
                let phases = phases_of.entry(mount.trim().to_string()).or_default();
                if !phases.contains(&phase) {
                    phases.push(phase);
                }
            }
        }
    }
    let mut moved = 0;
    for (mount, phases) in &phases_of {
        // A line docker would take but we cannot read as HOST:CONTAINER stays in
        // docker-options, where it keeps working.
        let Ok(spec) = LegacySpec::parse(mount) else {
            continue;
        };
        migrate_mount(layout, props, app, &spec, phases)?;
        docker_options::remove(props, app, &[], phases, &format!("-v {mount}"))?;
        moved += 1;
    }
    if moved > 0 {
        props.write(PLUGIN, app, MIGRATED, "true")?;
    }
    Ok(moved)
}

fn migrate_mount(
    layout: &Layout,
    props: &PropertyStore,
    app: &str,
    spec: &LegacySpec,
    phases: &[Phase],
) -> Result<(), StorageError> {
    let legacy = Entry::legacy(&spec.host);
    if entry::exists(layout, &legacy.name) {
        let existing = entry::load(layout, &legacy.name)?;
        if existing.host_path != legacy.host_path || existing.scheduler != legacy.scheduler {
            return Err(StorageError::Invalid(format!(
                "legacy entry \"{}\" already exists with conflicting fields",
                legacy.name
            )));
        }
    } else {
        entry::save(layout, &legacy)?;
    }
    let phases = phases.iter().map(|p| p.to_string()).collect();
    let attachment = Attachment::legacy(&legacy.name, spec, phases);
    edit_attachments(props, app, |list| {
        if !list.iter().any(|a| a.same_slot(&attachment)) {
            list.push(attachment);
        }
        Ok(())
    })
}

/// The install trigger's pass over every app not migrated yet.
pub fn migrate_all(
    layout: &Layout,
    props: &PropertyStore,
    apps: &[String],
) -> Result<usize, StorageError> {
    let mut moved = 0;
    for app in apps {
        convert_flag_file(layout, props, app)?;
        if props.exists(PLUGIN, app, MIGRATED)? {
            continue;
        }
        moved += migrate_app(layout, props, app)?;
    }
    Ok(moved)
}
