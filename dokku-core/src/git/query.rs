//! What other plugins ask the `git` plugin (`git-revision`, `git-deploy-branch`,
//! `git-get-property`, `git-has-code`), answered as Dokku's git plugin does.

use super::{deploy_branch, PLUGIN};
use crate::config::{ConfigScope, ConfigStore};
use crate::deploy::Host;
use crate::process::Cmd;
use crate::property::PropertyStore;

/// `git-revision APP`: the app's value of its revision variable: the app's
/// `rev-env-var` property (`GIT_REV` when the property was never set; none when it is
/// set to nothing). `None` when there is no variable or the app has no such value.
pub fn revision(props: &PropertyStore, config: &ConfigStore, app: &str) -> Option<String> {
    let var = props
        .get(PLUGIN, app, "rev-env-var")
        .ok()
        .flatten()
        .unwrap_or_else(|| "GIT_REV".to_string());
    if var.is_empty() {
        return None;
    }
    config.get(&ConfigScope::app(app), &var).ok().flatten()
}

/// `git-get-property APP KEY`: the one property Dokku's git plugin hands out,
/// `source-image` (empty when unset); `None` for any other key.
pub fn property(props: &PropertyStore, app: &str, key: &str) -> Option<String> {
    (key == "source-image").then(|| {
        props
            .get(PLUGIN, app, "source-image")
            .ok()
            .flatten()
            .unwrap_or_default()
    })
}

/// `git-has-code APP [BRANCH]`: the app's bare repository has a commit on `branch`
/// (default: its deploy branch).
pub fn has_code(host: &dyn Host, app: &str, branch: Option<&str>) -> bool {
    let layout = host.layout();
    if !super::has_repo(layout, app) {
        return false;
    }
    let branch = match branch.filter(|b| !b.is_empty()) {
        Some(branch) => branch.to_string(),
        None => deploy_branch(&host.properties(), app).0,
    };
    // Our own environment minus what a git hook would leak (`GIT_DIR`, ...).
    let env = host.env().iter().filter(|(k, _)| !k.starts_with("GIT_"));
    Cmd::new("git")
        .env_clear()
        .envs(env)
        .args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("refs/heads/{branch}"))
        .current_dir(layout.app_root(app))
        .read()
        .is_ok_and(|rev| !rev.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    #[test]
    fn revision_follows_rev_env_var_and_property_only_source_image() {
        let host = FakeHost::new();
        let props = host.properties();
        let config = ConfigStore::new(&host.layout.lib_root);
        assert_eq!(revision(&props, &config, "web"), None);
        let set = |key: &str, value: &str| {
            config
                .set(&ConfigScope::app("web"), &[(key, value)])
                .expect("set");
        };
        set("GIT_REV", "abc123");
        set("MY_REV", "def456");
        assert_eq!(revision(&props, &config, "web").as_deref(), Some("abc123"));
        props
            .write(PLUGIN, "web", "rev-env-var", "MY_REV")
            .expect("write");
        assert_eq!(revision(&props, &config, "web").as_deref(), Some("def456"));
        props
            .write(PLUGIN, "web", "rev-env-var", "")
            .expect("write");
        assert_eq!(revision(&props, &config, "web"), None, "set to nothing");

        assert_eq!(property(&props, "web", "source-image").as_deref(), Some(""));
        props
            .write(PLUGIN, "web", "source-image", "nginx:1")
            .expect("write");
        assert_eq!(
            property(&props, "web", "source-image").as_deref(),
            Some("nginx:1")
        );
        assert_eq!(property(&props, "web", "deploy-branch"), None);
    }
}
