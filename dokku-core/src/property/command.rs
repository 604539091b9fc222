//! The `<plugin>:set` / `<plugin>:report` shape most plugins share (Go's
//! `CommandPropertySet` and the app / global / computed report triple).

use thiserror::Error;

use super::{PropertyError, PropertyStore, GLOBAL};
use crate::report::Report;

/// Why `<plugin>:set` refused; the texts are Dokku's.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SetError {
    /// No property name was given.
    #[error("No property specified")]
    NoProperty,
    /// The property is not one of the plugin's.
    #[error("Invalid property specified, valid properties include: {}", .valid.join(", "))]
    Invalid {
        /// The plugin's properties, sorted.
        valid: Vec<String>,
    },
    /// `--global` with an app-only property.
    #[error("Property cannot be specified globally")]
    NotGlobal,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] PropertyError),
}

/// What `<plugin>:set` did: the `=====>` line to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetOutcome {
    /// `Setting KEY to VALUE`.
    Set(String),
    /// `Unsetting KEY`.
    Unset(String),
}

impl SetOutcome {
    /// The log message (print with `dokku_log_info2_quiet`).
    pub fn message(&self) -> &str {
        match self {
            SetOutcome::Set(m) | SetOutcome::Unset(m) => m,
        }
    }
}

/// `<plugin>:set APP|--global KEY [VALUE]`: an empty value deletes the property.
/// `valid` lists the plugin's properties and `global_ok` those that may be set with
/// `--global`. The caller has checked that APP exists.
pub fn set(
    props: &PropertyStore,
    plugin: &str,
    app: &str,
    key: &str,
    value: &str,
    valid: &[&str],
    global_ok: &[&str],
) -> Result<SetOutcome, SetError> {
    // Dokku's order: the global check, then the key's presence and validity (the
    // valid list includes the global-only properties).
    if app == GLOBAL && !global_ok.contains(&key) {
        return Err(SetError::NotGlobal);
    }
    if key.is_empty() {
        return Err(SetError::NoProperty);
    }
    if !valid.contains(&key) && !global_ok.contains(&key) {
        let mut list: Vec<String> = valid
            .iter()
            .chain(global_ok.iter().filter(|g| !valid.contains(g)))
            .map(|s| s.to_string())
            .collect();
        list.sort();
        return Err(SetError::Invalid { valid: list });
    }
    if value.is_empty() {
        props.delete(plugin, app, key)?;
        Ok(SetOutcome::Unset(format!("Unsetting {key}")))
    } else {
        props.write(plugin, app, key, value)?;
        Ok(SetOutcome::Set(format!("Setting {key} to {value}")))
    }
}

/// A property's value, empty when unset or unreadable.
pub fn value(props: &PropertyStore, plugin: &str, app: &str, key: &str) -> String {
    props
        .get(plugin, app, key)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// The app's value, else the global one, else `default` (empty counts as unset).
pub fn computed(
    props: &PropertyStore,
    plugin: &str,
    app: &str,
    key: &str,
    default: &str,
) -> String {
    let pick = |a: &str| Some(value(props, plugin, a, key)).filter(|v| !v.is_empty());
    (if app == GLOBAL { None } else { pick(app) })
        .or_else(|| pick(GLOBAL))
        .unwrap_or_else(|| default.to_string())
}

/// Adds the triple `--<prefix>-<key>`, `--<prefix>-global-<key>` and
/// `--<prefix>-computed-<key>` to `report`; the global scope (`--global`) shows only
/// the global and computed values.
pub fn report_scoped(
    report: &mut Report,
    props: &PropertyStore,
    plugin: &str,
    prefix: &str,
    app: &str,
    key: &str,
    default: &str,
) {
    if app != GLOBAL {
        report.flag(&format!("--{prefix}-{key}"), value(props, plugin, app, key));
    }
    report.flag(
        &format!("--{prefix}-global-{key}"),
        value(props, plugin, GLOBAL, key),
    );
    report.flag(
        &format!("--{prefix}-computed-{key}"),
        computed(props, plugin, app, key, default),
    );
}

/// The report of a plugin whose keys are all app / global / computed triples:
/// `(key, default)` in order (see [`report_scoped`]).
pub fn scoped_report(
    props: &PropertyStore,
    plugin: &str,
    app: &str,
    keys: &[(&str, &str)],
) -> Report {
    let mut report = Report::new(plugin, app);
    for (key, default) in keys {
        report_scoped(&mut report, props, plugin, plugin, app, key, default);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_validates_like_dokku() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        let valid = ["selected", "build-dir"];
        assert_eq!(
            set(&props, "builder", "a", "nope", "x", &valid, &valid)
                .expect_err("invalid")
                .to_string(),
            "Invalid property specified, valid properties include: build-dir, selected"
        );
        assert_eq!(
            set(
                &props,
                "builder",
                GLOBAL,
                "selected",
                "x",
                &valid,
                &["build-dir"]
            )
            .expect_err("global")
            .to_string(),
            "Property cannot be specified globally"
        );
        let done = set(
            &props,
            "builder",
            "a",
            "selected",
            "dockerfile",
            &valid,
            &valid,
        )
        .expect("set");
        assert_eq!(done.message(), "Setting selected to dockerfile");
        assert_eq!(
            computed(&props, "builder", "a", "selected", "d"),
            "dockerfile"
        );
        let done = set(&props, "builder", "a", "selected", "", &valid, &valid).expect("unset");
        assert_eq!(done, SetOutcome::Unset("Unsetting selected".into()));
        assert_eq!(computed(&props, "builder", "a", "selected", "d"), "d");
    }

    #[test]
    fn report_triple_and_global_scope() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        props
            .write("git", GLOBAL, "deploy-branch", "main")
            .expect("write");
        let mut r = Report::new("git", "a");
        report_scoped(&mut r, &props, "git", "git", "a", "deploy-branch", "master");
        let flags: Vec<(&str, &str)> = r.flags().collect();
        assert_eq!(
            flags,
            [
                ("--git-computed-deploy-branch", "main"),
                ("--git-deploy-branch", ""),
                ("--git-global-deploy-branch", "main"),
            ]
        );
        let mut g = Report::new("git", GLOBAL);
        report_scoped(
            &mut g,
            &props,
            "git",
            "git",
            GLOBAL,
            "keep-git-dir",
            "false",
        );
        let flags: Vec<(&str, &str)> = g.flags().collect();
        assert_eq!(
            flags,
            [
                ("--git-computed-keep-git-dir", "false"),
                ("--git-global-keep-git-dir", ""),
            ]
        );
    }
}
