//! The `com.dokku.*` labels Dokku puts on images, containers and volumes
//! (`dokku-core-behaviour.md` §5.2), and the label filters built from them.

/// `com.dokku.app-name=<app>`: on every build/release image and every container of an
/// app, and on temporary copy containers; the primary filter of cleanup.
pub const APP_NAME: &str = "com.dokku.app-name";
/// `com.dokku.image-stage`: `build` (builder output) or `release`.
pub const IMAGE_STAGE: &str = "com.dokku.image-stage";
/// `com.dokku.builder-type`: `dockerfile`, `herokuish`, `pack`, ...
pub const BUILDER_TYPE: &str = "com.dokku.builder-type";
/// `com.dokku.container-type`: `deploy`, `run` or `cron`.
pub const CONTAINER_TYPE: &str = "com.dokku.container-type";
/// `com.dokku.process-type=<proc>` on deploy containers.
pub const PROCESS_TYPE: &str = "com.dokku.process-type";
/// `com.dokku.dyno=<proc>.<index>` on deploy containers.
pub const DYNO: &str = "com.dokku.dyno";
/// The label Cloud Native Buildpacks images carry (`is_image_cnb_based`).
pub const CNB_STACK_ID: &str = "io.buildpacks.stack.id";

/// `com.dokku.app-name=<app>`, as given to `--label`.
pub fn app_name(app: &str) -> String {
    format!("{APP_NAME}={app}")
}

/// `label=com.dokku.app-name=<app>`, as given to `--filter`.
pub fn app_filter(app: &str) -> String {
    format!("label={}", app_name(app))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_and_filter() {
        assert_eq!(app_name("web"), "com.dokku.app-name=web");
        assert_eq!(app_filter("web"), "label=com.dokku.app-name=web");
    }
}
