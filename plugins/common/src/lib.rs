//! Dokku's `common` core plugin: what the other core plugins share.
//!
//! * [`linked`]: how a core plugin declares its commands and triggers next to their
//!   handlers and implements the SDK's [`dokku_plugin_sdk::Plugin`], the interface every
//!   native plugin implements, so the binary links it in statically ([`core_plugin!`]).
//! * [`flags`]: arguments parsed the way Dokku's Go plugins parse them (pflag).
//! * [`report`]: `<plugin>:report` for one app, `--global` or every app.
//! * [`properties`]: the `<plugin>:set` command several plugins share.
//! * [`build_capture`]: keeping a build's output for `logs:failed`.
//! * [`columns`]: tables laid out as Go's columnize does.
//! * [`help`]: `<plugin>:help` rendered from a plugin's manifest.
//! * [`buildpack`]: the commands and triggers the builders other than `dockerfile`
//!   share.
//! * [`confirm`]: the typed-name confirmation before destroying something.
//! * [`one_off`]: the `scheduler-run` and `scheduler-run-list` answers the schedulers share.
//! * [`scheduler`]: firing the app's scheduler's trigger for a command.
//!
//! The bash side of the plugin (`functions`, `property-functions`) sits beside this
//! crate, for community plugins to source.
#![deny(missing_docs)]

pub mod build_capture;
pub mod buildpack;
pub mod columns;
pub mod confirm;
pub mod flags;
pub mod help;
pub mod linked;
pub mod one_off;
pub mod properties;
pub mod report;
pub mod scheduler;

pub use dokku_host::pipeline::{arg, cli_error, existing_app, trigger_status};
pub use dokku_host::{CmdResult, CommandError, Context};

/// Writes one Dokku log line as a plugin prints it (quiet only when `--quiet`
/// exported `DOKKU_QUIET_OUTPUT`; see [`Context::plugin_quiet`]).
pub fn log(ctx: &Context, level: dokku_core::log::Level, msg: &str) {
    ctx.log_as_plugin(level, msg);
}
