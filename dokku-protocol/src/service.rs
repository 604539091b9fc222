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
    TRIGGER,
    TRIGGER_CAPTURE,
];
