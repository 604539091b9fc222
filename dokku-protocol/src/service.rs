//! The names of the host services a plugin calls (`Host::call` in the SDK, the
//! `HostServices` implementation in `dokku-host`).
//!
//! Each is a string on the wire, so a new service never changes the ABI; argument and
//! answer conventions are in `docs/contracts/host-services.md`. The SDK re-exports this
//! module as `dokku_plugin_sdk::service`.

/// `app-exists APP` → `["true"]` or `["false"]`.
pub const APP_EXISTS: &str = "app-exists";
/// `is-valid-app-name APP` → `[]`, or an `InvalidArguments` error with Dokku's message.
pub const IS_VALID_APP_NAME: &str = "is-valid-app-name";
/// `verify-app-name APP` → `[]`, or an `AppNotFound` / `InvalidArguments` error.
pub const VERIFY_APP_NAME: &str = "verify-app-name";
/// `image-repo APP` → `[REPO]` (`dokku/<app>`).
pub const IMAGE_REPO: &str = "image-repo";
/// `image-name APP [TAG [REPO]]` → `[IMAGE]`.
pub const IMAGE_NAME: &str = "image-name";
/// `running-image-tag APP [TAG]` → `[TAG]`.
pub const RUNNING_IMAGE_TAG: &str = "running-image-tag";
/// `deploying-image-name APP [TAG [REPO]]` → `[IMAGE]`.
pub const DEPLOYING_IMAGE_NAME: &str = "deploying-image-name";
/// `copy-from-image APP IMAGE SRC DST` → `[]`.
pub const COPY_FROM_IMAGE: &str = "copy-from-image";
/// `config-get APP|--global KEY` → `[]` when unset, `[VALUE]` when set.
pub const CONFIG_GET: &str = "config-get";
/// `config-set [--no-restart] APP|--global KEY=VALUE...` → `[]`.
pub const CONFIG_SET: &str = "config-set";
/// `config-unset [--no-restart] APP|--global KEY...` → `[]`.
pub const CONFIG_UNSET: &str = "config-unset";
/// `property-get PLUGIN APP|--global KEY` → `[]` when unset, `[VALUE]` when set.
pub const PROPERTY_GET: &str = "property-get";
/// `property-set PLUGIN APP|--global KEY VALUE` → `[]`.
pub const PROPERTY_SET: &str = "property-set";
/// `property-delete PLUGIN APP|--global KEY` → `[]`.
pub const PROPERTY_DELETE: &str = "property-delete";
/// `property-exists PLUGIN APP|--global KEY` → `["true"]` or `["false"]`.
pub const PROPERTY_EXISTS: &str = "property-exists";
/// `property-get-all PLUGIN APP|--global` → `[KEY, VALUE, KEY, VALUE...]`, by key.
pub const PROPERTY_GET_ALL: &str = "property-get-all";
/// `property-destroy PLUGIN APP|--global|_all_` → `[]`: every property of the app
/// (`_all_`: of the whole plugin) removed.
pub const PROPERTY_DESTROY: &str = "property-destroy";
/// `property-list-get PLUGIN APP|--global KEY` → the list's entries.
pub const PROPERTY_LIST_GET: &str = "property-list-get";
/// `property-list-get-by-index PLUGIN APP|--global KEY INDEX` → `[VALUE]` (0-based).
pub const PROPERTY_LIST_GET_BY_INDEX: &str = "property-list-get-by-index";
/// `property-list-get-by-value PLUGIN APP|--global KEY VALUE` → `["true"]` or
/// `["false"]`: whether the list holds the value.
pub const PROPERTY_LIST_GET_BY_VALUE: &str = "property-list-get-by-value";
/// `property-list-length PLUGIN APP|--global KEY` → `[N]`.
pub const PROPERTY_LIST_LENGTH: &str = "property-list-length";
/// `property-list-add PLUGIN APP|--global KEY VALUE [INDEX]` → `[]` (1-based; none
/// or `0` appends).
pub const PROPERTY_LIST_ADD: &str = "property-list-add";
/// `property-list-set PLUGIN APP|--global KEY VALUE INDEX` → `[]` (0-based; past the
/// end appends).
pub const PROPERTY_LIST_SET: &str = "property-list-set";
/// `property-list-remove PLUGIN APP|--global KEY VALUE` → `[]`.
pub const PROPERTY_LIST_REMOVE: &str = "property-list-remove";
/// `property-list-remove-by-prefix PLUGIN APP|--global KEY PREFIX` → `[]`.
pub const PROPERTY_LIST_REMOVE_BY_PREFIX: &str = "property-list-remove-by-prefix";
/// `property-list-write PLUGIN APP|--global KEY VALUE...` → `[]`: the whole list.
pub const PROPERTY_LIST_WRITE: &str = "property-list-write";
/// `apps-list` → every app, by name.
pub const APPS_LIST: &str = "apps-list";
/// `domains APP` → the app's domains (none with vhosts disabled).
pub const DOMAINS: &str = "domains";
/// `urls APP` → the app's URLs, as `dokku urls APP` prints them.
pub const URLS: &str = "urls";
/// `proxy-build-config APP` → `[]`: the app's proxy config rebuilt, as
/// `dokku proxy:build-config APP` does.
pub const PROXY_BUILD_CONFIG: &str = "proxy-build-config";
/// `nginx-reload` → `[]`: nginx's config tested and nginx reloaded.
pub const NGINX_RELOAD: &str = "nginx-reload";
/// `deploy-lock-status APP` → `["free"|"manual"|"held"|"stale"]`.
pub const DEPLOY_LOCK_STATUS: &str = "deploy-lock-status";
/// `deploy-lock-acquire APP` → `[]`: the app's deploy lock taken for the rest of the
/// plugin call at most.
pub const DEPLOY_LOCK_ACQUIRE: &str = "deploy-lock-acquire";
/// `deploy-lock-release APP` → `[]`: a lock this call took, released.
pub const DEPLOY_LOCK_RELEASE: &str = "deploy-lock-release";
/// `docker-labels build|release|commit|run APP [BUILDER_TYPE]` → the label arguments
/// Dokku gives docker for that step.
pub const DOCKER_LABELS: &str = "docker-labels";
/// `docker-global-args build|run` → the words of `$DOKKU_GLOBAL_BUILD_ARGS` or
/// `$DOKKU_GLOBAL_RUN_ARGS`.
pub const DOCKER_GLOBAL_ARGS: &str = "docker-global-args";
/// `docker-command APP|"" ARGS...` → `[STATUS, STDOUT, STDERR]`: `$DOCKER_BIN ARGS...`,
/// with Dokku's labels on what it creates.
pub const DOCKER_COMMAND: &str = "docker-command";
/// `copy-dir-from-image APP IMAGE SRC DIR` → `[]`.
pub const COPY_DIR_FROM_IMAGE: &str = "copy-dir-from-image";
/// `trigger NAME ARGS...` → `[STATUS]`; the handlers' output goes to the caller's
/// stdout/stderr (like `plugn trigger` in a bash plugin).
pub const TRIGGER: &str = "trigger";
/// `trigger-capture NAME ARGS...` → `[STATUS, STDOUT]` (like `$(plugn trigger ...)`).
pub const TRIGGER_CAPTURE: &str = "trigger-capture";

/// Every service name of this protocol; the SDK has a typed wrapper for each, and
/// `dokku` answers each.
pub const ALL: &[&str] = &[
    APP_EXISTS,
    IS_VALID_APP_NAME,
    VERIFY_APP_NAME,
    IMAGE_REPO,
    IMAGE_NAME,
    RUNNING_IMAGE_TAG,
    DEPLOYING_IMAGE_NAME,
    COPY_FROM_IMAGE,
    CONFIG_GET,
    CONFIG_SET,
    CONFIG_UNSET,
    PROPERTY_GET,
    PROPERTY_SET,
    PROPERTY_DELETE,
    PROPERTY_EXISTS,
    PROPERTY_GET_ALL,
    PROPERTY_DESTROY,
    PROPERTY_LIST_GET,
    PROPERTY_LIST_GET_BY_INDEX,
    PROPERTY_LIST_GET_BY_VALUE,
    PROPERTY_LIST_LENGTH,
    PROPERTY_LIST_ADD,
    PROPERTY_LIST_SET,
    PROPERTY_LIST_REMOVE,
    PROPERTY_LIST_REMOVE_BY_PREFIX,
    PROPERTY_LIST_WRITE,
    APPS_LIST,
    DOMAINS,
    URLS,
    PROXY_BUILD_CONFIG,
    NGINX_RELOAD,
    DEPLOY_LOCK_STATUS,
    DEPLOY_LOCK_ACQUIRE,
    DEPLOY_LOCK_RELEASE,
    DOCKER_LABELS,
    DOCKER_GLOBAL_ARGS,
    DOCKER_COMMAND,
    COPY_DIR_FROM_IMAGE,
    TRIGGER,
    TRIGGER_CAPTURE,
];

#[cfg(test)]
mod tests {
    use super::ALL;

    #[test]
    fn every_name_is_listed_once_and_is_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for name in ALL {
            assert!(seen.insert(*name), "`{name}` is listed twice");
            assert!(
                !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "`{name}` is not kebab-case"
            );
        }
    }
}
