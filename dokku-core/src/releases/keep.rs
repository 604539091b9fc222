//! The images of the last `keep` releases survive cleanup.
//!
//! Every deploy's cleanup runs `docker image prune --all` over the app's images,
//! which removes every image no container uses: the previous release's image goes
//! as soon as its containers are retired. Rather than teach each cleanup path which
//! images to spare, each kept image gets one container that is created and never
//! started (`APP.release-keep.<short id>`, label `com.dokku.release-keep`): Docker
//! itself then refuses to prune or remove the image, whoever asks. The holder of an
//! image that drops out of the last `keep` releases is removed, and the next cleanup
//! prunes the image. `apps:destroy` removes holders with the app's other containers
//! (they carry the image's `com.dokku.app-name` label).

use std::collections::BTreeSet;

use super::{keep_count, AppReleases};
use crate::deploy::Host;
use crate::log::Level;

/// The label that marks an image holder.
pub const LABEL: &str = "com.dokku.release-keep";

/// The image ids the last `keep` releases of `app` run.
pub fn wanted(host: &dyn Host, app: &str) -> BTreeSet<String> {
    let keep = keep_count(&host.properties(), app);
    let (all, _) = AppReleases::new(host.layout(), app)
        .list()
        .unwrap_or_default();
    all.iter()
        .rev()
        .take(keep)
        .map(|r| r.image_id.clone())
        .collect()
}

/// Holders of `app`'s images: (container id, image id).
fn holders(host: &dyn Host, app: &str) -> Vec<(String, String)> {
    let docker = host.docker();
    let ids = docker.container_ls(
        &[
            crate::deploy::app_label_filter(app),
            format!("label={LABEL}={app}"),
        ],
        true,
    );
    docker
        .containers_inspect(&ids)
        .into_iter()
        .map(|c| (c.id, c.image_id))
        .collect()
}

/// Makes the holders match the last `keep` releases: creates the missing ones
/// (when the image is still there) and removes the others. Best effort: a failure is
/// a warning, never a failed deploy.
pub fn sync(host: &dyn Host, app: &str) {
    sync_seen(host, app, None);
}

/// [`sync`] when the caller has just seen image `present` exist (a deploy that
/// recorded it read its labels a moment ago): it is not asked about again.
pub fn sync_seen(host: &dyn Host, app: &str, present: Option<&str>) {
    let wanted = wanted(host, app);
    let docker = host.docker();
    let existing = holders(host, app);
    let held: BTreeSet<&String> = existing.iter().map(|(_, image)| image).collect();
    let stale: Vec<String> = existing
        .iter()
        .filter(|(_, image)| !wanted.contains(image))
        .map(|(cid, _)| cid.clone())
        .collect();
    docker.container_rm_force(&stale);
    for image in wanted.iter().filter(|i| !held.contains(i)) {
        if present != Some(image.as_str()) && docker.image_labels(image).is_none() {
            continue;
        }
        let short: String = image
            .strip_prefix("sha256:")
            .unwrap_or(image)
            .chars()
            .take(12)
            .collect();
        let args = vec![
            format!("--name={app}.release-keep.{short}"),
            format!("--label={LABEL}={app}"),
            format!("--label=com.dokku.app-name={app}"),
            "--entrypoint=/bin/true".to_string(),
            "--network=none".to_string(),
            image.clone(),
        ];
        if let Err(e) = docker.container_create(args, Vec::new()) {
            host.log(
                Level::Warn,
                &format!("Could not keep image {short} of {app} from cleanup: {e}"),
            );
        }
    }
}

/// Removes every holder of `app` (its releases are gone).
pub fn release_all(host: &dyn Host, app: &str) {
    let ids: Vec<String> = holders(host, app).into_iter().map(|(c, _)| c).collect();
    host.docker().container_rm_force(&ids);
}
