//! The author-facing [`Plugin`] trait.

use crate::command::CommandContext;
use crate::error::PluginError;
use crate::manifest::Manifest;
use crate::trigger::TriggerContext;

/// Dokku's `DOKKU_NOT_IMPLEMENTED_EXIT` (`10`): "this command is not mine, ask the next
/// plugin"; defined with Dokku's other exit codes in [`dokku_protocol::exit`].
pub use dokku_protocol::exit::NOT_IMPLEMENTED_EXIT;

/// A native Dokku plugin.
///
/// Implement [`Plugin::manifest`] (what the plugin handles) and the hooks it needs, then
/// export the type with [`crate::export_plugin!`]. Hooks default to "not implemented"
/// (exit code [`NOT_IMPLEMENTED_EXIT`]), exactly like a bash `commands` file's catch-all.
///
/// The host creates one value per process (through `Default`, or the `init = ...` form of
/// the export macro) and may call it from several threads, hence `Send + Sync` and `&self`:
/// keep per-call state in locals and shared state behind a `Mutex`/`OnceLock`.
///
/// A return value of `Ok(code)` is the command's exit status. Return `Err` for a failure the
/// host should report: it prints ` !     <message>` and exits with
/// [`PluginError::exit_code`]. A panic is caught by the export glue and reported as an
/// [`crate::ErrorKind::Panicked`] error; it never unwinds into the host.
pub trait Plugin: Send + Sync + 'static {
    /// The plugin's manifest: version, description, commands with usage and help, triggers.
    ///
    /// The host reads it without calling any hook, to route commands and render help; it
    /// must agree with the `plugin.toml` next to the library.
    fn manifest() -> Manifest
    where
        Self: Sized;

    /// Runs one of the commands listed in the manifest.
    fn command(&self, ctx: &CommandContext<'_>) -> Result<i32, PluginError> {
        let _ = ctx;
        Ok(NOT_IMPLEMENTED_EXIT)
    }

    /// Runs one of the triggers listed in the manifest.
    fn trigger(&self, ctx: &TriggerContext<'_>) -> Result<i32, PluginError> {
        let _ = ctx;
        Ok(NOT_IMPLEMENTED_EXIT)
    }
}
