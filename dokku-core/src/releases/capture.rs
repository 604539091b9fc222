//! What a successful deploy records.
//!
//! [`record_after_deploy`] runs once the scheduler switched traffic (and, with a
//! watch window, once the window passed). It reads what now runs: the image of the
//! app's containers, its config, formation, Procfile and app.json. A release is
//! recorded only when the image, config or formation differ from the latest one, so
//! `ps:restart` or a reboot add nothing, while a push, a `config:set` that restarts
//! the app or a `ps:scale` do (as Heroku counts config changes as releases).

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::{AppReleases, Release, ReleasesError};
use crate::config::{ConfigScope, ConfigStore};
use crate::deploy::Host;

/// What the next recorded release of this process says it is (a rollback sets it
/// before it deploys): description and the release rolled back to.
static NEXT: Mutex<Option<(String, Option<u64>)>> = Mutex::new(None);

/// Makes the next release this process records say `description` (and that it
/// rolled back to `rollback_of`).
pub fn describe_next(description: &str, rollback_of: Option<u64>) {
    if let Ok(mut next) = NEXT.lock() {
        *next = Some((description.to_string(), rollback_of));
    }
}

/// Takes (and clears) what [`describe_next`] set.
pub(crate) fn take_pending() -> Option<(String, Option<u64>)> {
    NEXT.lock().ok().and_then(|mut n| n.take())
}

/// What runs now, as a release without a number yet.
pub fn current_state(host: &dyn Host, app: &str, tag: &str) -> Option<Release> {
    let layout = host.layout();
    let docker = host.docker();
    let image = crate::image::app_image_name(app, Some(tag), None);
    // Right after a successful deploy the tag names what the containers run (one
    // docker call: an unchanged redeploy pays only this to find it has nothing to
    // record); the builder is looked up only for a release that is recorded.
    let image_id = docker.image_id(&image)?;
    let config: BTreeMap<String, String> = ConfigStore::new(&layout.lib_root)
        .all(&ConfigScope::app(app))
        .map(|env| env.into_iter().map(|(k, v)| (k.into_string(), v)).collect())
        .unwrap_or_default();
    let props = host.properties();
    let formation = crate::ps::scale(&props, app)
        .unwrap_or_default()
        .into_iter()
        .collect();
    let rev_var = crate::deploy::prop_app_or_global(&props, "git", app, "rev-env-var")
        .unwrap_or_else(|| "GIT_REV".into());
    let user = host
        .var(crate::env::SSH_NAME)
        .or_else(|| host.var(crate::env::NAME))
        .or_else(|| host.var("USER"))
        .unwrap_or("unknown")
        .to_string();
    let read = |path: std::path::PathBuf| std::fs::read_to_string(path).ok();
    Some(Release {
        version: 0,
        created_at: crate::builds::rfc3339_now(),
        description: "deploy".into(),
        image_id,
        image,
        registry_image: crate::registry::pushed_release(&props, app),
        builder: String::new(),
        git_rev: config.get(&rev_var).cloned(),
        build_id: host.var(crate::env::DOKKU_BUILD_ID).map(str::to_string),
        user,
        config,
        formation,
        procfile: read(crate::ps::data_dir(layout, app).join("Procfile")),
        app_json: read(crate::appjson::data_dir(layout, app).join("app.json")),
        rollback_of: None,
    })
}

/// How `next` differs from `last`: `None` when it is the same release.
pub fn change(last: Option<&Release>, next: &Release) -> Option<String> {
    let Some(last) = last else {
        return Some("deploy".into());
    };
    if last.image_id != next.image_id {
        return Some("deploy".into());
    }
    if last.config != next.config {
        let mut keys: Vec<&String> = next
            .config
            .iter()
            .filter(|(k, v)| last.config.get(*k) != Some(*v))
            .map(|(k, _)| k)
            .chain(last.config.keys().filter(|k| !next.config.contains_key(*k)))
            .collect();
        keys.sort();
        keys.dedup();
        let names: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        return Some(format!("config change: {}", names.join(", ")));
    }
    if last.formation != next.formation || last.procfile != next.procfile {
        return Some("scale".into());
    }
    None
}

/// After a successful deploy of `tag`: records a release when something changed
/// (see the module docs), then keeps the last releases' images from cleanup.
/// Returns the recorded release.
pub fn record_after_deploy(
    host: &dyn Host,
    app: &str,
    tag: &str,
) -> Result<Option<Release>, ReleasesError> {
    let next_description = take_pending();
    let Some(mut state) = current_state(host, app, tag) else {
        return Ok(None);
    };
    let store = AppReleases::new(host.layout(), app);
    let recorded = {
        let _lock = store.lock()?;
        let last = store.latest();
        let change = change(last.as_ref(), &state);
        match (next_description, change) {
            (Some((description, rollback_of)), _) => {
                state.description = description;
                state.rollback_of = rollback_of;
            }
            (None, Some(description)) => state.description = description,
            (None, None) => return Ok(None),
        }
        let labels = host.docker().image_labels(&state.image_id);
        state.builder = labels
            .as_ref()
            .map(crate::deploy::image_source_type)
            .unwrap_or_default();
        // The image was just seen: its holder needs no second look at it.
        let present = labels.map(|_| state.image_id.clone());
        (store.append_locked(state)?, present)
    };
    let (recorded, present) = recorded;
    super::keep::sync_seen(host, app, present.as_deref());
    Ok(Some(recorded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(image: &str, config: &[(&str, &str)], web: u32) -> Release {
        Release {
            version: 1,
            created_at: String::new(),
            description: "deploy".into(),
            image_id: image.into(),
            image: "dokku/app:latest".into(),
            registry_image: None,
            builder: "dockerfile".into(),
            git_rev: None,
            build_id: None,
            user: "alice".into(),
            config: config
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            formation: [("web".to_string(), web)].into_iter().collect(),
            procfile: None,
            app_json: None,
            rollback_of: None,
        }
    }

    #[test]
    fn a_restart_of_the_same_release_records_nothing() {
        let a = release("sha256:a", &[("K", "1")], 1);
        assert_eq!(change(Some(&a), &a.clone()), None);
    }

    #[test]
    fn image_config_and_formation_changes_are_releases() {
        let a = release("sha256:a", &[("K", "1"), ("GONE", "x")], 1);
        assert_eq!(change(None, &a).as_deref(), Some("deploy"));
        let b = release("sha256:b", &[("K", "1")], 1);
        assert_eq!(change(Some(&a), &b).as_deref(), Some("deploy"));
        let c = release("sha256:a", &[("K", "2"), ("NEW", "y")], 1);
        assert_eq!(
            change(Some(&a), &c).as_deref(),
            Some("config change: GONE, K, NEW")
        );
        let d = release("sha256:a", &[("K", "1"), ("GONE", "x")], 3);
        assert_eq!(change(Some(&a), &d).as_deref(), Some("scale"));
    }
}
