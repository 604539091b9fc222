//! `releases:rollback APP [vN]`: deploys a recorded release again.
//!
//! The release's state is put back first: its image becomes `dokku/APP:latest`, its
//! config replaces the app's, its formation the scale, and its Procfile and app.json
//! become this deploy's copies. Then the app is deployed through the usual path
//! ([`crate::deploy::deploy`]: the same checks, the same zero-downtime switch, the
//! same watch window), and the deploy records a new release saying `rollback to vN`.
//! If the deploy fails, the state from before is put back and the old containers
//! keep serving (the scheduler never switched to the new ones).
//!
//! A `kill -9` part-way leaves the old containers serving and every release file
//! whole (each is written atomically); the app's config and `latest` tag may then
//! already be the target's, and running the same rollback again finishes the job.

use std::collections::BTreeMap;

use super::{capture, AppReleases, Release};
use crate::config::{ConfigKey, ConfigScope, ConfigStore, Env};
use crate::deploy::{DeployError, Host};
use crate::docker::Call;
use crate::lock::{DeployLock, LockError};
use crate::log::Level;

/// What the app looked like before a rollback changed it.
struct Saved {
    config: Env,
    scale: Vec<(String, u32)>,
    latest: Option<String>,
}

/// The release to roll back to: `target`, else the one before the latest.
pub fn pick(all: &[Release], app: &str, target: Option<u64>) -> Result<Release, DeployError> {
    let hint = format!("'dokku releases {app}' lists the releases");
    let Some(latest) = all.last() else {
        return Err(DeployError::refused(
            format!("{app} has no releases yet"),
            "a release is recorded by every deploy: push the app first",
        ));
    };
    let chosen = match target {
        Some(n) => all
            .iter()
            .find(|r| r.version == n)
            .cloned()
            .ok_or_else(|| {
                DeployError::refused(format!("{app} has no release v{n}"), hint.clone())
            })?,
        None => all.iter().rev().nth(1).cloned().ok_or_else(|| {
            DeployError::refused(format!("{app} has no previous release"), hint.clone())
        })?,
    };
    if chosen.version == latest.version {
        return Err(DeployError::refused(
            format!("{} is already the current release of {app}", chosen.name()),
            hint,
        ));
    }
    Ok(chosen)
}

/// Makes the release's image available locally: there already, else pulled from
/// the registry it was pushed to.
fn ensure_image(host: &dyn Host, app: &str, release: &Release) -> Result<(), DeployError> {
    let docker = host.docker();
    if docker.image_labels(&release.image_id).is_some() {
        return Ok(());
    }
    if let Some(remote) = &release.registry_image {
        host.log(
            Level::Info1,
            &format!(
                "Image of {} not found locally, pulling {remote} from registry",
                release.name()
            ),
        );
        let call = Call::new(["image", "pull", remote.as_str()])
            .with_env(crate::registry::docker_env(host, app))
            .streamed();
        let pulled = docker.run(&call).is_ok_and(|r| r.code == 0);
        if pulled && docker.image_id(remote).as_deref() == Some(release.image_id.as_str()) {
            return Ok(());
        }
        host.log(
            Level::Warn,
            &format!("Unable to pull {remote} as image {}", release.short_image()),
        );
    }
    Err(DeployError::refused(
        format!(
            "The image of {} ({}) is no longer on this host and no registry holds it",
            release.name(),
            release.short_image()
        ),
        format!(
            "'dokku releases:set {app} keep N' keeps the images of the last N releases; \
             'dokku registry:set {app} push-on-release true' lets a rollback pull them back"
        ),
    ))
}

fn config_error(e: crate::config::ConfigError) -> DeployError {
    DeployError::fail(e.to_string())
}

/// The release's config as an env (keys that are no longer valid are dropped).
fn env_of(config: &BTreeMap<String, String>) -> Env {
    config
        .iter()
        .filter_map(|(k, v)| ConfigKey::new(k.as_str()).ok().map(|k| (k, v.clone())))
        .collect()
}

/// Writes `text` (or its absence) as a deploy copy `NAME.<pid>` that the deploy
/// promotes, or, without a deploy to come (`pid` `None`), as the promoted file.
fn put_file(dir: &std::path::Path, name: &str, text: Option<&str>, pid: Option<&str>) {
    let _ = std::fs::create_dir_all(dir);
    let file = match pid {
        Some(pid) => dir.join(format!("{name}.{pid}")),
        None => dir.join(name),
    };
    let missing = dir.join(format!(
        "{}.missing",
        file.file_name().unwrap_or_default().to_string_lossy()
    ));
    match text {
        Some(text) => {
            let _ = std::fs::remove_file(&missing);
            let _ = crate::fs::write_atomic(&file, text.as_bytes(), 0o644);
        }
        None => {
            let _ = std::fs::remove_file(&file);
            if pid.is_some() {
                let _ = std::fs::write(&missing, "");
            }
        }
    }
}

/// Puts `release`'s image, config, formation, Procfile and app.json in place as the
/// app's current ones. `pid` is the deploy that follows (its copies are promoted by
/// it); `None` writes the promoted files directly.
pub fn apply_state(
    host: &dyn Host,
    app: &str,
    release: &Release,
    pid: Option<&str>,
) -> Result<(), DeployError> {
    let layout = host.layout();
    let latest = crate::image::app_image_name(app, Some("latest"), None);
    host.docker().image_tag(&release.image_id, &latest)?;
    ConfigStore::new(&layout.lib_root)
        .replace(&ConfigScope::app(app), &env_of(&release.config))
        .map_err(config_error)?;
    let scale: Vec<(String, u32)> = release
        .formation
        .iter()
        .map(|(t, n)| (t.clone(), *n))
        .collect();
    crate::ps::write_scale(&host.properties(), app, &scale)?;
    put_file(
        &crate::ps::data_dir(layout, app),
        "Procfile",
        release.procfile.as_deref(),
        pid,
    );
    put_file(
        &crate::appjson::data_dir(layout, app),
        "app.json",
        release.app_json.as_deref(),
        pid,
    );
    Ok(())
}

fn save(host: &dyn Host, app: &str) -> Result<Saved, DeployError> {
    let latest = crate::image::app_image_name(app, Some("latest"), None);
    Ok(Saved {
        config: ConfigStore::new(&host.layout().lib_root)
            .all(&ConfigScope::app(app))
            .map_err(config_error)?,
        scale: crate::ps::scale(&host.properties(), app)?,
        latest: host.docker().image_id(&latest),
    })
}

fn put_back(host: &dyn Host, app: &str, saved: &Saved, pid: Option<&str>) {
    let layout = host.layout();
    if let Some(id) = &saved.latest {
        let latest = crate::image::app_image_name(app, Some("latest"), None);
        let _ = host.docker().image_tag(id, &latest);
    }
    let _ = ConfigStore::new(&layout.lib_root).replace(&ConfigScope::app(app), &saved.config);
    let _ = crate::ps::write_scale(&host.properties(), app, &saved.scale);
    if let Some(pid) = pid {
        for (dir, name) in [
            (crate::ps::data_dir(layout, app), "Procfile"),
            (crate::appjson::data_dir(layout, app), "app.json"),
        ] {
            let _ = std::fs::remove_file(dir.join(format!("{name}.{pid}")));
            let _ = std::fs::remove_file(dir.join(format!("{name}.{pid}.missing")));
        }
    }
}

/// `releases:rollback APP [vN]` under the app's deploy lock: deploys release
/// `target` (default: the previous one) again and returns the release recorded.
pub fn rollback(host: &dyn Host, app: &str, target: Option<u64>) -> Result<Release, DeployError> {
    let layout = host.layout();
    let _lock = match DeployLock::try_acquire(&layout.deploy_lock(app), app) {
        Ok(lock) => {
            if let Some(warning) = lock.takeover_warning(app) {
                host.log(Level::Warn, &warning);
            }
            lock
        }
        Err(LockError::Held { .. }) => {
            return Err(DeployError::refused(
                format!("{app} currently has a deploy lock in place"),
                "wait for the running deploy to end, or run 'dokku apps:unlock' if none runs",
            ))
        }
        Err(e) => return Err(DeployError::fail(e.to_string())),
    };
    let store = AppReleases::new(layout, app);
    let (all, _) = store.list().map_err(|e| DeployError::fail(e.to_string()))?;
    let release = pick(&all, app, target)?;
    ensure_image(host, app, &release)?;
    host.log(
        Level::Info1,
        &format!(
            "Rolling back {app} to {} ({}, image {})",
            release.name(),
            release.description,
            release.short_image()
        ),
    );
    let pid = host.var(crate::env::DOKKU_PID).map(str::to_string);
    let saved = save(host, app)?;
    let deployed = apply_state(host, app, &release, pid.as_deref()).and_then(|()| {
        capture::describe_next(
            &format!("rollback to {}", release.name()),
            Some(release.version),
        );
        crate::deploy::deploy(host, app, "latest", None)
    });
    if let Err(err) = deployed {
        let _ = capture::take_pending();
        put_back(host, app, &saved, pid.as_deref());
        store.log_event(&format!("rollback to {} failed", release.name()));
        return Err(err);
    }
    store.log_event(&format!("rolled back to {}", release.name()));
    let recorded = store.latest().ok_or_else(|| {
        DeployError::fail(format!(
            "the rollback of {app} deployed but recorded no release"
        ))
    })?;
    host.log(
        Level::Info2,
        &format!(
            "{app} rolled back to {}, now {}",
            release.name(),
            recorded.name()
        ),
    );
    Ok(recorded)
}

/// After a watch window failed and the scheduler put the previous containers back:
/// makes the latest release's state the app's again (image tag, config, formation,
/// Procfile, app.json), logs the event, and returns the one line to fail with.
pub fn restored_after_watch(host: &dyn Host, app: &str, reason: &str) -> String {
    let store = AppReleases::new(host.layout(), app);
    let Some(previous) = store.latest() else {
        let line = format!(
            "{app} failed its watch window ({reason}): its previous containers serve again"
        );
        store.log_event(&line);
        return line;
    };
    if let Err(e) = apply_state(host, app, &previous, None) {
        host.log(Level::Warn, &e.to_string());
    }
    let line = format!(
        "{app} failed its watch window ({reason}): rolled back to {}",
        previous.name()
    );
    store.log_event(&line);
    let events = crate::events::logfile(
        host.var(crate::env::DOKKU_EVENTS_LOGFILE),
        &host.layout().logs_dir,
    );
    if host.var(crate::env::DOKKU_EVENTS).is_some() {
        let _ = crate::events::record(&events, &format!("RELEASES: {line}"));
    }
    line
}
