//! `git:report`: the git plugin's properties and the state of the app's repository.

use super::{deploy_branch, PLUGIN};
use crate::paths::Layout;
use crate::process::Cmd;
use crate::property::command::{computed, report_scoped, value};
use crate::property::{PropertyStore, GLOBAL};
use crate::report::Report;

/// Default of the global `archive-max-files` property.
pub const DEFAULT_ARCHIVE_MAX_FILES: &str = "10000";
/// Default of the global `archive-max-size` property (bytes).
pub const DEFAULT_ARCHIVE_MAX_SIZE: &str = "1073741824";

/// The report of `app` (or `--global`, which shows only the global and computed keys).
pub fn report(layout: &Layout, props: &PropertyStore, app: &str) -> Report {
    let mut r = Report::new(PLUGIN, app);
    // The archive limits are global-only settings: no per-app key.
    for (key, default) in [
        ("archive-max-files", DEFAULT_ARCHIVE_MAX_FILES),
        ("archive-max-size", DEFAULT_ARCHIVE_MAX_SIZE),
    ] {
        r.flag(
            &format!("--git-global-{key}"),
            value(props, PLUGIN, GLOBAL, key),
        );
        r.flag(
            &format!("--git-computed-{key}"),
            computed(props, PLUGIN, GLOBAL, key, default),
        );
    }
    report_scoped(
        &mut r,
        props,
        PLUGIN,
        PLUGIN,
        app,
        "deploy-branch",
        super::DEFAULT_BRANCH,
    );
    report_scoped(&mut r, props, PLUGIN, PLUGIN, app, "keep-git-dir", "false");
    if app == GLOBAL {
        return r;
    }
    // An existing but empty rev-env-var disables GIT_REV; only a missing one defaults.
    let rev_env_var = props
        .get(PLUGIN, app, "rev-env-var")
        .ok()
        .flatten()
        .unwrap_or_else(|| "GIT_REV".into());
    r.flag("--git-rev-env-var", rev_env_var);
    r.flag(
        "--git-source-image",
        value(props, PLUGIN, app, "source-image"),
    );
    let (branch, _) = deploy_branch(props, app);
    let head_file = layout.app_root(app).join("refs/heads").join(&branch);
    let updated = std::fs::metadata(&head_file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs().to_string())
        .unwrap_or_default();
    r.flag("--git-last-updated-at", updated);
    r.flag("--git-sha", sha(layout, app, &branch));
    r
}

/// The commit the deploy branch points at, else `HEAD`'s, else empty.
///
/// Dokku asks for `HEAD`, which in a bare repository stays `refs/heads/master` even
/// when the app deploys another branch; the deploy branch is what was deployed.
fn sha(layout: &Layout, app: &str, branch: &str) -> String {
    let repo = layout.app_root(app);
    if !repo.join("refs").is_dir() {
        return String::new();
    }
    for rev in [format!("refs/heads/{branch}"), "HEAD".to_string()] {
        if let Ok(out) = Cmd::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["rev-parse", "--verify", "-q", &rev])
            .read()
        {
            let sha = out.trim().to_string();
            if !sha.is_empty() {
                return sha;
            }
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_defaults_are_dokkus() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut vars = crate::settings::EnvMap::new();
        vars.insert(
            "DOKKU_ROOT".into(),
            dir.path().join("home").display().to_string(),
        );
        vars.insert(
            "DOKKU_LIB_PATH".into(),
            dir.path().join("lib").display().to_string(),
        );
        let layout = Layout::from_env(&vars);
        let props = PropertyStore::new(&layout.lib_root);
        props.write(PLUGIN, "web", "rev-env-var", "").expect("set");
        props
            .write(PLUGIN, GLOBAL, "archive-max-files", "5")
            .expect("set");
        let r = report(&layout, &props, "web");
        let flags: Vec<String> = r.flags().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            flags,
            [
                "--git-computed-archive-max-files=5",
                "--git-computed-archive-max-size=1073741824",
                "--git-computed-deploy-branch=master",
                "--git-computed-keep-git-dir=false",
                "--git-deploy-branch=",
                "--git-global-archive-max-files=5",
                "--git-global-archive-max-size=",
                "--git-global-deploy-branch=",
                "--git-global-keep-git-dir=",
                "--git-keep-git-dir=",
                "--git-last-updated-at=",
                "--git-rev-env-var=",
                "--git-sha=",
                "--git-source-image=",
            ]
        );
        let g = report(&layout, &props, GLOBAL);
        assert!(g
            .flags()
            .all(|(k, _)| k.contains("-global-") || k.contains("-computed-")));
    }
}
