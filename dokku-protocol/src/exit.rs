//! Dokku's exit-code conventions, shared by commands, triggers and plugins of every kind.

/// Success (`DOKKU_VALID_EXIT`, always `0`).
pub const VALID_EXIT: i32 = 0;

/// An ordinary failure: `dokku_log_fail`'s default (`DOKKU_FAIL_EXIT_CODE` unset), and
/// the status of every error that has no more specific code below.
pub const FAIL_EXIT: i32 = 1;

/// The command was called wrongly: an unknown flag, a missing or malformed argument.
pub const USAGE_EXIT: i32 = 2;

/// "This command or trigger is not mine, ask the next plugin"
/// (`DOKKU_NOT_IMPLEMENTED_EXIT`, always `10`): a bash `commands` file's catch-all, a
/// native plugin hook's default.
pub const NOT_IMPLEMENTED_EXIT: i32 = 10;

/// The app does not exist: Dokku's `verify_app_name` (`App <app> does not exist`).
pub const APP_NOT_FOUND_EXIT: i32 = 20;
