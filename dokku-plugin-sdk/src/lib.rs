//! Write Dokku plugins in Rust, compiled to a shared library that `dokku` loads in-process.
//!
//! A native plugin is a `cdylib` crate plus a `plugin.toml`. It handles the same things a
//! bash plugin does (commands such as `hello:world`, triggers such as `post-deploy`) and
//! shares one trigger bus with the bash plugins an operator already runs; Dokku's exit-code
//! and output conventions apply unchanged.
//!
//! > **Stability.** The ABI between `dokku` and a plugin library follows semver through this
//! > crate's major version: `dokku-plugin-sdk` 1.x builds plugins for dokku plugin ABI 1, and
//! > any dokku that provides ABI 1 loads them. The major version (and the ABI number) bumps
//! > only when the root module's prefix or one of the two ABI traits changes, which we avoid:
//! > new host services are new *names*, new plugin metadata is new *manifest keys*. A plugin
//! > built for another ABI is refused with one line naming both numbers and the fix
//! > (rebuild against the matching SDK); it is never loaded half-compatible.
//!
//! # Life cycle
//!
//! 1. **Install.** `dokku plugin:install file:///path/to/repo` clones the repo and runs its
//!    `install` trigger, which builds the library (`cargo build --release`) and puts it
//!    where `[plugin.native] library` in `plugin.toml` says.
//! 2. **Route.** `dokku` reads `plugin.toml` only: commands, their usage and help lines, and
//!    triggers. `dokku help` and `<plugin>:help` need no library at all.
//! 3. **Load.** The first time a command or trigger of the plugin runs, `dokku` opens the
//!    library, checks the ABI and that its embedded manifest ([`Plugin::manifest`]) agrees
//!    with `plugin.toml`, and creates the plugin value once. Libraries are never unloaded.
//! 4. **Dispatch.** Each command calls [`Plugin::command`], each trigger
//!    [`Plugin::trigger`], with a context that carries the arguments, the per-call
//!    environment and the [`Host`]: output, Dokku-style logging and host services such as
//!    [`Host::config_get`] or [`Host::get_app_image_name`].
//!
//! # A complete plugin
//!
//! This is `examples/hello-native/src/lib.rs`, the same plugin as the bash `hello` example,
//! plus a trigger and a command that uses host services. Its tests use
//! [`testing::MockHost`], so they need neither a `dokku` nor a build of the library.
//!
#![doc = concat!(
    "```rust\n",
    include_str!("../../examples/hello-native/src/lib.rs"),
    "\n# fn main() {}\n```"
)]
//!
//! The matching `plugin.toml` (compared with [`Manifest::to_toml`] in the example's tests):
//!
#![doc = concat!("```toml\n", include_str!("../../examples/hello-native/plugin.toml"), "```")]
//!
//! `docs/plugin-author-guide.md` walks through building, testing and installing it.
//!
//! # Errors and what the host does with them
//!
//! A hook returns `Ok(exit_status)` or `Err(PluginError)`. `Ok(10)`
//! ([`NOT_IMPLEMENTED_EXIT`]) means "not mine", exactly like a bash `commands` file. For an
//! error, `dokku` prints ` !     <message>` on stderr and exits with a status that depends on
//! the [`ErrorKind`]:
//!
//! * [`ErrorKind::Failed`]: an ordinary failure (any `?` on an I/O error or a string); exit 1.
//! * [`ErrorKind::AppNotFound`]: `App <app> does not exist`; exit 20, as Dokku's
//!   `verify_app_name`. [`Host::verify_app_name`] produces it, and `?` keeps the kind.
//! * [`ErrorKind::InvalidArguments`]: wrong arguments to a command or service; exit 1.
//! * [`ErrorKind::Panicked`]: the plugin panicked. [`export_plugin!`] catches every panic,
//!   so it never unwinds into `dokku`; the message names the command or trigger and the
//!   panic location, the report (with a backtrace under `RUST_BACKTRACE`) also goes to the
//!   host log at debug level (shown with `--trace`). Exit 1; a trigger chain stops here as
//!   it does for a failing bash hook, and `dokku` itself carries on.
//! * [`ErrorKind::NotImplemented`]: treated like exit 10.
//! * [`ErrorKind::UnsupportedService`]: the plugin asked for a host service this `dokku`
//!   does not have (the plugin was built for a newer dokku); exit 1 unless the plugin
//!   handled it, e.g. by checking [`Host::supports`] first.
//! * [`ErrorKind::NotAvailableYet`]: the service exists but its core has not landed in this
//!   `dokku` yet; exit 1.
//! * [`ErrorKind::Unknown`]: a kind from a newer SDK; exit 1.
//!
//! # Crate layout
//!
//! * [`prelude`]: what a plugin glob-imports.
//! * [`Plugin`], [`CommandContext`], [`TriggerContext`], [`Host`], [`Manifest`],
//!   [`export_plugin!`]: the author API.
//! * [`testing`]: [`testing::MockHost`] for unit tests.
//! * [`abi`]: the frozen `#[repr(C)]` types; authors never need them.
//!
//! What `dokku` and this SDK must agree on beyond the ABI (the [`service`] names, the
//! [`Stream`] type, exit codes such as [`NOT_IMPLEMENTED_EXIT`], the rules behind
//! [`LogLevel`], the `plugin.toml` schema behind [`Manifest::parse`]) is defined once in
//! the small `dokku-protocol` crate, which `dokku-core` shares; this crate re-exports it.
#![deny(missing_docs)]

pub mod abi;
mod command;
pub mod error;
mod export;
#[doc(hidden)]
pub mod host;
pub mod manifest;
mod plugin;
pub mod prelude;
pub mod services;
pub mod testing;
mod trigger;
mod wrappers;

// Re-exports: these names are the supported API; the modules behind them may move within
// 1.x, the re-exported paths will not.
pub use crate::command::{CommandContext, DOKKU_APP_NAME};
pub use crate::error::{ErrorKind, HostError, PluginError};
#[doc(hidden)]
pub use crate::export::__private;
pub use crate::export::{RUSTC_VERSION, SDK_VERSION};
pub use crate::manifest::{CommandSpec, Manifest, ManifestError};
pub use crate::plugin::{Plugin, NOT_IMPLEMENTED_EXIT};
pub use crate::services::{
    service, Host, HostWriter, LogLevel, Restart, Stream, TriggerOutput, GLOBAL,
};
pub use crate::trigger::TriggerContext;
pub use crate::wrappers::docker::{DockerLabels, DockerOutput, DockerPhase};
pub use crate::wrappers::lock::{DeployLockGuard, DeployLockStatus};
