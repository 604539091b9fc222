//! Every environment variable Dokku reads or exports, by name.
//!
//! Names live here only, never as string literals elsewhere, so a grep for a constant
//! finds every reader. Defaults are documented on each constant and applied by
//! [`crate::paths::Layout`] and the CLI start-up.

/// Home of the `dokku` user; per-app directories live directly under it. Default `~dokku`.
pub const DOKKU_ROOT: &str = "DOKKU_ROOT";
/// Path of `DOKKU_ROOT` as seen by the Docker host (bind mounts). Default `$DOKKU_ROOT`.
pub const DOKKU_HOST_ROOT: &str = "DOKKU_HOST_ROOT";
/// Dokku's library root. Exported by the dispatcher, computed from [`DOKKU_LIB_PATH`].
pub const DOKKU_LIB_ROOT: &str = "DOKKU_LIB_ROOT";
/// The override for [`DOKKU_LIB_ROOT`] (Dokku's quirk: not `DOKKU_LIB_ROOT` itself).
/// Default `/var/lib/dokku`.
pub const DOKKU_LIB_PATH: &str = "DOKKU_LIB_PATH";
/// The plugin tree walked by dispatch and triggers. Default `$DOKKU_LIB_ROOT/plugins`.
pub const PLUGIN_PATH: &str = "PLUGIN_PATH";
/// `$PLUGIN_PATH/available`.
pub const PLUGIN_AVAILABLE_PATH: &str = "PLUGIN_AVAILABLE_PATH";
/// `$PLUGIN_PATH/enabled`.
pub const PLUGIN_ENABLED_PATH: &str = "PLUGIN_ENABLED_PATH";
/// The core plugin tree. Default `$DOKKU_LIB_ROOT/core-plugins`.
pub const PLUGIN_CORE_PATH: &str = "PLUGIN_CORE_PATH";
/// `$PLUGIN_CORE_PATH/available`; bash plugins source `common/functions` from here.
pub const PLUGIN_CORE_AVAILABLE_PATH: &str = "PLUGIN_CORE_AVAILABLE_PATH";
/// `$PLUGIN_CORE_PATH/enabled`.
pub const PLUGIN_CORE_ENABLED_PATH: &str = "PLUGIN_CORE_ENABLED_PATH";
/// Log directory. Default `/var/log/dokku`.
pub const DOKKU_LOGS_DIR: &str = "DOKKU_LOGS_DIR";
/// `DOKKU_LIB_ROOT` as seen by the Docker host (the vector container's mount).
/// Default `$DOKKU_LIB_ROOT`.
pub const DOKKU_LIB_HOST_ROOT: &str = "DOKKU_LIB_HOST_ROOT";
/// Log directory as seen by the Docker host. Default `$DOKKU_LOGS_DIR`.
pub const DOKKU_LOGS_HOST_DIR: &str = "DOKKU_LOGS_HOST_DIR";
/// Events log file. Default `$DOKKU_LOGS_DIR/events.log`.
pub const DOKKU_EVENTS_LOGFILE: &str = "DOKKU_EVENTS_LOGFILE";
/// Non-empty when the events logger is on (`events:on`).
pub const DOKKU_EVENTS: &str = "DOKKU_EVENTS";
/// The Docker client to run; a wrapper script may be named here. Default `docker`.
pub const DOCKER_BIN: &str = "DOCKER_BIN";
/// Our addition: `0` or `false` sends every docker call through `$DOCKER_BIN`. By
/// default the common queries and container/image operations (and image builds) go
/// straight to the engine's unix socket when the client is the plain `docker` and
/// would reach that same socket (`docker::engine`): a CLI process costs 15-30 ms.
pub const DOKKU_DOCKER_API: &str = "DOKKU_DOCKER_API";
/// `ID` from `/etc/os-release`.
pub const DOKKU_DISTRO: &str = "DOKKU_DISTRO";
/// Herokuish image. Default `gliderlabs/herokuish:latest-24`.
pub const DOKKU_IMAGE: &str = "DOKKU_IMAGE";
/// Cloud Native Buildpacks builder. Default `heroku/builder:24`.
pub const DOKKU_CNB_BUILDER: &str = "DOKKU_CNB_BUILDER";
/// System group owning Dokku's state. Default `dokku`.
pub const DOKKU_SYSTEM_GROUP: &str = "DOKKU_SYSTEM_GROUP";
/// System user owning Dokku's state; commands run as this user. Default `dokku`.
pub const DOKKU_SYSTEM_USER: &str = "DOKKU_SYSTEM_USER";
/// Our addition: the user allowed to run root-only commands. Default `root`.
/// A `--prefix` install sets it to the installing user so tests need no root.
pub const DOKKU_SUPERUSER: &str = "DOKKU_SUPERUSER";
/// Plugin API version, always `1`.
pub const DOKKU_API_VERSION: &str = "DOKKU_API_VERSION";
/// Exit code meaning "this plugin does not implement the command": always `10`.
pub const DOKKU_NOT_IMPLEMENTED_EXIT: &str = "DOKKU_NOT_IMPLEMENTED_EXIT";
/// Exit code meaning success: always `0`.
pub const DOKKU_VALID_EXIT: &str = "DOKKU_VALID_EXIT";
/// Pid of the outermost `dokku`; nested calls inherit it.
pub const DOKKU_PID: &str = "DOKKU_PID";
/// Label key put on every container Dokku makes: always `dokku`.
pub const DOKKU_CONTAINER_LABEL: &str = "DOKKU_CONTAINER_LABEL";
/// Arguments added to every `docker image build`.
pub const DOKKU_GLOBAL_BUILD_ARGS: &str = "DOKKU_GLOBAL_BUILD_ARGS";
/// Arguments added to deploy containers.
pub const DOKKU_GLOBAL_RUN_ARGS: &str = "DOKKU_GLOBAL_RUN_ARGS";
/// Every `--flag` given on the command line, space-joined.
pub const DOKKU_GLOBAL_FLAGS: &str = "DOKKU_GLOBAL_FLAGS";
/// Non-empty: suppress `_quiet` log lines (`--quiet`, or no tty).
pub const DOKKU_QUIET_OUTPUT: &str = "DOKKU_QUIET_OUTPUT";
/// Non-empty: trace every step (`--trace`, or `trace:on`).
pub const DOKKU_TRACE: &str = "DOKKU_TRACE";
/// Our addition: how many apps `ps:restore` starts at once, when `--parallel` is not
/// given (`-1`: the CPU count; `0` or `1`: one at a time). Default twice the CPU count.
pub const DOKKU_RESTORE_PARALLEL: &str = "DOKKU_RESTORE_PARALLEL";
/// Our addition: seconds `ps:restore` waits for the Docker daemon to answer before
/// it gives up (at boot it may still be starting). Default 60.
pub const DOKKU_RESTORE_DOCKER_WAIT: &str = "DOKKU_RESTORE_DOCKER_WAIT";
/// `1` when `--force` was given.
pub const DOKKU_APPS_FORCE_DELETE: &str = "DOKKU_APPS_FORCE_DELETE";
/// `1`: the resource plugin adds no `--cpus`/`--memory*` arguments at deploy.
pub const DOKKU_OMIT_RESOURCE_ARGS: &str = "DOKKU_OMIT_RESOURCE_ARGS";
/// The id of the build whose output is being captured (set for the nested run).
pub const DOKKU_BUILD_ID: &str = "DOKKU_BUILD_ID";
/// The app named by `--app`.
pub const DOKKU_APP_NAME: &str = "DOKKU_APP_NAME";
/// Exit code of `dokku_log_fail`. Default `1`.
pub const DOKKU_FAIL_EXIT_CODE: &str = "DOKKU_FAIL_EXIT_CODE";
/// `true` forces `has_tty` to succeed.
pub const DOKKU_FORCE_TTY: &str = "DOKKU_FORCE_TTY";
/// `true` forces `has_tty` to fail.
pub const DOKKU_DISABLE_TTY: &str = "DOKKU_DISABLE_TTY";
/// Set by `run`: `scheduler-run` removes the container once it exits.
pub const DOKKU_RM_CONTAINER: &str = "DOKKU_RM_CONTAINER";
/// Set by `run:detached`: `scheduler-run` starts the container, prints its name and
/// returns.
pub const DOKKU_DETACH_CONTAINER: &str = "DOKKU_DETACH_CONTAINER";
/// `run --ttl-seconds`: the run container's active deadline, for `scheduler-run`.
pub const DOKKU_RUN_TTL_SECONDS: &str = "DOKKU_RUN_TTL_SECONDS";
/// Set by `cron:run`: the task's concurrency policy (`allow`, `forbid`, `replace`).
pub const DOKKU_CONCURRENCY_POLICY: &str = "DOKKU_CONCURRENCY_POLICY";
/// Set by `cron:run`: the id of the task being run.
pub const DOKKU_CRON_ID: &str = "DOKKU_CRON_ID";
/// The first word of the command being run (set by `dokku_auth`).
pub const DOKKU_COMMAND: &str = "DOKKU_COMMAND";
/// Our addition: `1` while `help --all` renders, so legacy `commands help` can tell
/// without inspecting the parent's command line.
pub const DOKKU_HELP_ALL: &str = "DOKKU_HELP_ALL";
/// Our addition: the nginx binary that validates (`nginx -t`) and reloads the
/// project's nginx. Default `nginx` on `PATH`, else `/usr/sbin/nginx`.
pub const DOKKU_NGINX_BIN: &str = "DOKKU_NGINX_BIN";
/// Our addition: the main config of the project's own nginx master (written by
/// `scripts/nginx.sh`, it includes `$DOKKU_ROOT/*/nginx.conf`). Unset: app configs
/// are written but neither validated nor loaded.
pub const DOKKU_NGINX_CONF: &str = "DOKKU_NGINX_CONF";
/// Our addition: the pid file of that nginx master. Default `nginx.pid` beside
/// [`DOKKU_NGINX_CONF`].
pub const DOKKU_NGINX_PID: &str = "DOKKU_NGINX_PID";
/// Our addition: `true` on a system install, whose nginx master (the `dokku` user's,
/// with `CAP_NET_BIND_SERVICE`) `nginx:start` starts through the root-owned helper
/// [`crate::nginx::service::START_HELPER`] with `sudo -n`. Unset: started directly.
pub const DOKKU_NGINX_SUDO_START: &str = "DOKKU_NGINX_SUDO_START";
/// Our addition: the time limit, in whole seconds, of each legacy (executable) trigger
/// hook. A hook still running when it is reached is ended with its whole process group
/// (it runs in its own) and the trigger fails naming the trigger, the plugin and the
/// limit. Unset, empty or `0`: no limit, the default, like Dokku. Anything but a whole
/// number of seconds is an error when a trigger fires. Native handlers run in-process
/// and are not limited.
pub const DOKKU_TRIGGER_TIMEOUT: &str = "DOKKU_TRIGGER_TIMEOUT";
/// The command given to an ssh forced command.
pub const SSH_ORIGINAL_COMMAND: &str = "SSH_ORIGINAL_COMMAND";
/// The user the command runs for (`sudo` caller or ssh user).
pub const SSH_USER: &str = "SSH_USER";
/// The ssh key name (`NAME` from authorized_keys); default `default`.
pub const SSH_NAME: &str = "SSH_NAME";
/// Set by sshcommand's forced command: the key's name.
pub const NAME: &str = "NAME";
/// Set by sshcommand's forced command: the key's fingerprint.
pub const FINGERPRINT: &str = "FINGERPRINT";
/// The login user.
pub const USER: &str = "USER";
/// Search path for executables.
pub const PATH: &str = "PATH";
/// Home directory.
pub const HOME: &str = "HOME";
/// Turns colour off when set.
pub const NO_COLOR: &str = "NO_COLOR";

/// Values Dokku forces at start-up, whatever the environment says.
pub mod fixed {
    /// [`super::DOKKU_API_VERSION`].
    pub const API_VERSION: &str = "1";
    /// The Dokku release whose contract (commands, triggers, files, output) this
    /// implementation follows; `dokku version` reports it first, so scripts and plugins
    /// that compare Dokku versions keep working, and ours beside it.
    pub const DOKKU_CONTRACT_VERSION: &str = "0.38.27";
    /// [`super::DOKKU_NOT_IMPLEMENTED_EXIT`] and [`super::DOKKU_VALID_EXIT`] as numbers
    /// (defined with the other exit codes in [`dokku_protocol::exit`]).
    pub use dokku_protocol::exit::{NOT_IMPLEMENTED_EXIT, VALID_EXIT};
    /// [`super::DOKKU_CONTAINER_LABEL`].
    pub const CONTAINER_LABEL: &str = "dokku";
    /// [`super::DOKKU_GLOBAL_BUILD_ARGS`] and [`super::DOKKU_GLOBAL_RUN_ARGS`].
    pub const GLOBAL_DOCKER_ARGS: &str =
        "--label=org.label-schema.schema-version=1.0 --label=org.label-schema.vendor=dokku --label=dokku";
    /// [`super::DOKKU_IMAGE`] default.
    pub const HEROKUISH_IMAGE: &str = "gliderlabs/herokuish:latest-24";
    /// [`super::DOKKU_CNB_BUILDER`] default.
    pub const CNB_BUILDER: &str = "heroku/builder:24";
}
