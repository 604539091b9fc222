//! The frozen ABI between the `dokku` binary and a native plugin library.
//!
//! Everything that crosses the library boundary is defined here and nowhere else: the root
//! module a plugin exports, the plugin-side object (`command`, `trigger`), the host-side
//! object (`write`, `log`, `call`) and the two error structs. The numbers for a stream and
//! a log level are the plugin protocol's ([`dokku_protocol::wire`], which `dokku-core`
//! shares) and are re-exported here; they are frozen with the rest. Authors never need
//! these items; they implement [`crate::Plugin`] and call [`crate::export_plugin!`].
//!
//! # Why so little
//!
//! `abi_stable` lets a loader open libraries built against the *same or a newer* layout of
//! every checked type, never an older one. A `dokku` that grew a field or a method here
//! would refuse every plugin built before it. So ABI 1 is frozen: commands, triggers, help
//! text and host services travel as data (a TOML manifest, service names and string
//! arguments) and can grow without touching this module. Changing anything below is an ABI
//! break: bump [`DOKKU_PLUGIN_ABI`], the root module's version string and the major version
//! of `dokku-plugin-sdk` together.
//!
//! This is the only module of the SDK that is allowed `unsafe` code (the attribute and
//! derive macros of `abi_stable` expand to it, and [`lib_header`] wraps the one `unsafe`
//! constructor the export needs).
#![allow(unsafe_code)]
// `#[sabi_trait]` expands to impls that rustc >= 1.80 reports as non-local; harmless.
#![allow(non_local_definitions)]
// abi_stable names the generated types `DokkuPluginRoot_Ref`, `PluginObj_TO`, ...
#![allow(non_camel_case_types)]

use abi_stable::{
    declare_root_module_statics,
    library::{CheckTypeLayout, LibHeader, RootModule, RootModuleResult},
    sabi_trait,
    sabi_types::{RRef, VersionStrings},
    std_types::{RBox, RResult, RSlice, RStr, RString, RVec, Tuple2},
    StableAbi,
};

/// Dokku's own plugin ABI number, checked by the loader after `abi_stable`'s layout check.
///
/// A plugin built for another number is refused with a one-line message naming both
/// numbers. It changes only together with the major version of `dokku-plugin-sdk`.
pub const DOKKU_PLUGIN_ABI: u32 = 1;

/// The `abi_stable` version string of the root module for [`DOKKU_PLUGIN_ABI`] 1.
///
/// A constant, not the package version, so SDK minor and patch releases never touch the
/// handshake. Its major equals [`DOKKU_PLUGIN_ABI`].
pub const ROOT_MODULE_VERSION: &str = "1.0.0";

/// The exported symbol name under which `abi_stable` looks for a library's root module.
///
/// Equal to `abi_stable::library::ROOT_MODULE_LOADER_NAME` (a unit test checks it);
/// spelled out here because `#[export_name]` needs a literal.
#[doc(hidden)]
pub const ROOT_MODULE_SYMBOL: &str = "_1as_0lib_1header_0root_bmodule_bloader";

/// Output stream numbers for [`HostObj::write`] (defined in [`dokku_protocol::wire`], with
/// [`crate::Stream`]).
pub mod stream {
    pub use dokku_protocol::wire::stream::{STDERR, STDOUT};
}

/// Error kind numbers shared by [`PluginError`] and [`HostError`].
///
/// Kinds are plain numbers, so new kinds never change a layout; a receiver that does not
/// know a number treats it as [`kind::UNKNOWN`].
pub mod kind {
    /// A kind this side does not know (sent by a newer peer), or no better kind applies.
    pub const UNKNOWN: u32 = 0;
    /// An ordinary failure: the message says what went wrong.
    pub const FAILED: u32 = 1;
    /// The plugin (or a host service) panicked; the message carries the panic message.
    pub const PANICKED: u32 = 2;
    /// The plugin does not implement this command or trigger (exit code 10 semantics).
    pub const NOT_IMPLEMENTED: u32 = 3;
    /// The host does not know the requested service (the plugin needs a newer dokku).
    pub const UNSUPPORTED_SERVICE: u32 = 4;
    /// The host knows the service, but its implementation has not landed yet.
    pub const NOT_AVAILABLE_YET: u32 = 5;
    /// A service was called with the wrong number or shape of arguments.
    pub const INVALID_ARGUMENTS: u32 = 6;
    /// The app does not exist (Dokku exits 20 for this).
    pub const APP_NOT_FOUND: u32 = 7;
}

/// Log level numbers for [`HostObj::log`]; the host formats and routes each one like Dokku's
/// `dokku_log_*` helpers (see [`crate::LogLevel`]). Defined in [`dokku_protocol::wire`].
pub mod log_level {
    pub use dokku_protocol::wire::log_level::{
        DEBUG, EXCLAIM, EXCLAIM_QUIET, INFO1, INFO1_QUIET, INFO2, INFO2_QUIET, QUIET, STDERR,
        VERBOSE, VERBOSE_QUIET, WARN, WARN_QUIET,
    };
}

/// An error returned by a plugin to the host.
///
/// `#[repr(C)]` `{ kind, message }`: the kind is a number from [`kind`], so adding kinds
/// never changes the layout. Constructors and conversions live in [`crate::error`].
#[repr(C)]
#[derive(StableAbi, Clone, PartialEq, Eq)]
pub struct PluginError {
    pub(crate) kind: u32,
    pub(crate) message: RString,
}

/// An error returned by the host to a plugin (from [`HostObj::call`]).
///
/// Same shape and kinds as [`PluginError`].
#[repr(C)]
#[derive(StableAbi, Clone, PartialEq, Eq)]
pub struct HostError {
    pub(crate) kind: u32,
    pub(crate) message: RString,
}

/// One command or trigger invocation, borrowed from the host for the duration of the call.
#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct Call<'a> {
    /// The command (`hello:world`) or trigger (`post-deploy`) name.
    pub name: RStr<'a>,
    /// The arguments after the name (for a command: argv after the command word).
    pub args: RSlice<'a, RStr<'a>>,
    /// Per-call environment (`DOKKU_APP_NAME`, `CONFIG_*`, ...) on top of the process's.
    pub env: RSlice<'a, Tuple2<RStr<'a>, RStr<'a>>>,
}

/// The host object as a plugin receives it: borrowed for one call.
pub type HostRef<'a> = HostObj_TO<'a, RRef<'a, ()>>;

/// The plugin object as the host owns it.
pub type PluginBox = PluginObj_TO<'static, RBox<()>>;

/// The plugin side of the ABI: one object per loaded library, created by
/// [`DokkuPluginRoot::instantiate`].
///
/// Return values follow Dokku's exit-code conventions (`0` success, `10` not implemented,
/// anything else is the command's exit status); an `Err` is a failure the host reports.
#[sabi_trait]
pub trait PluginObj: Send + Sync {
    /// Runs a command of this plugin. The host object and the call share one lifetime: both
    /// are borrowed from the host for the duration of the call.
    fn command<'a>(&self, host: HostRef<'a>, call: Call<'a>) -> RResult<i32, PluginError>;

    /// Runs a trigger handler of this plugin; `stdin` is what the host has for the trigger
    /// (empty when nothing was piped).
    ///
    /// The `#[sabi(last_prefix_field)]` attribute marks the last method of ABI 1. Methods may
    /// only ever be appended below it, but a host with more methods than a plugin refuses
    /// that plugin, so in practice this trait is frozen until the next ABI major.
    #[sabi(last_prefix_field)]
    fn trigger<'a>(
        &self,
        host: HostRef<'a>,
        call: Call<'a>,
        stdin: RSlice<'a, u8>,
    ) -> RResult<i32, PluginError>;
}

/// The host side of the ABI, implemented by the `dokku` binary (and by
/// [`crate::testing::MockHost`]). New capabilities are new *service names* for
/// [`HostObj::call`], never new methods.
#[sabi_trait]
pub trait HostObj: Send + Sync {
    /// Writes raw bytes to the command's stdout ([`stream::STDOUT`]) or stderr
    /// ([`stream::STDERR`]); the host may pass them through or capture them.
    fn write(&self, stream: u8, bytes: RSlice<'_, u8>);

    /// Logs a message at one of Dokku's levels ([`log_level`]); the host adds the prefix,
    /// picks the stream and applies quiet mode.
    fn log(&self, level: u8, msg: RStr<'_>);

    /// Calls a named host service (see `docs/contracts/host-services.md`). An unknown name
    /// answers a [`kind::UNSUPPORTED_SERVICE`] error.
    fn call(
        &self,
        service: RStr<'_>,
        args: RSlice<'_, RStr<'_>>,
    ) -> RResult<RVec<RString>, HostError>;

    /// The version of the `dokku` hosting the plugin.
    fn host_version(&self) -> RString;

    /// The service names this host answers.
    ///
    /// The `#[sabi(last_prefix_field)]` attribute marks the last method of ABI 1; see
    /// [`PluginObj::trigger`] for why nothing is ever appended in practice.
    #[sabi(last_prefix_field)]
    fn services(&self) -> RVec<RString>;
}

/// The root module every Dokku native plugin library exports (through
/// [`crate::export_plugin!`]).
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = DokkuPluginRoot_Ref)))]
#[sabi(missing_field(option))]
pub struct DokkuPluginRoot {
    /// Dokku's plugin ABI number the library was built for ([`DOKKU_PLUGIN_ABI`]).
    pub abi: u32,
    /// The `dokku-plugin-sdk` version the library was built with (diagnostics only).
    pub sdk_version: RStr<'static>,
    /// `rustc -V` of the compiler that built the library (diagnostics only).
    pub rustc_version: RStr<'static>,
    /// Returns the plugin's manifest: `plugin.toml`-compatible TOML text.
    pub manifest: extern "C" fn() -> RString,
    /// Creates the plugin object. Called at most once per process by the host.
    ///
    /// The `#[sabi(last_prefix_field)]` attribute marks this as the last field of the first
    /// version of ABI 1. The rule for prefix types is append-only: a new field may only be
    /// added *below* this one, never before it, never removed or retyped, and readers must
    /// treat it as optional. Beware that a host whose root module has more fields than a
    /// plugin's refuses that plugin (`abi_stable` checks "too many fields"), so appending
    /// still strands every existing plugin; add capability through the manifest or new
    /// service names instead, and move this attribute only with an ABI major bump.
    #[sabi(last_prefix_field)]
    pub instantiate: extern "C" fn() -> RResult<PluginBox, PluginError>,
}

impl RootModule for DokkuPluginRoot_Ref {
    declare_root_module_statics! {DokkuPluginRoot_Ref}
    const BASE_NAME: &'static str = "dokku_plugin";
    const NAME: &'static str = "dokku_plugin";
    const VERSION_STRINGS: VersionStrings = VersionStrings::new(ROOT_MODULE_VERSION);
}

/// Builds the `LibHeader` static that [`crate::export_plugin!`] exports under
/// [`ROOT_MODULE_SYMBOL`]; the same value `#[abi_stable::export_root_module]` would emit.
#[doc(hidden)]
pub const fn lib_header(constructor: extern "C" fn() -> RootModuleResult) -> LibHeader {
    // SAFETY: `constructor` is `export::erased_root_module::<P, ABI>`, which returns the
    // result of `abi_stable::library::__call_root_module_loader` on a function returning
    // `DokkuPluginRoot_Ref`; that helper erases exactly a `PrefixRef<DokkuPluginRoot>`, which
    // is the contract `from_constructor::<DokkuPluginRoot_Ref>` requires. The layout constant
    // is included (`CheckTypeLayout::Yes`) so loaders check it.
    unsafe { LibHeader::from_constructor::<DokkuPluginRoot_Ref>(constructor, CheckTypeLayout::Yes) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_symbol_is_abi_stables_root_module_name() {
        assert_eq!(
            ROOT_MODULE_SYMBOL,
            abi_stable::library::ROOT_MODULE_LOADER_NAME
        );
    }

    /// A tripwire, not a proof: if one of these sizes moves, the ABI changed. Read the
    /// module docs before "fixing" the numbers.
    #[test]
    fn abi_1_struct_sizes_are_frozen() {
        use std::mem::size_of;
        assert_eq!(size_of::<PluginError>(), 40);
        assert_eq!(size_of::<HostError>(), 40);
        assert_eq!(size_of::<Call<'static>>(), 48);
        assert_eq!(size_of::<DokkuPluginRoot>(), 56);
    }

    /// The stream and log level numbers live in `dokku-protocol`; ABI 1 froze them.
    #[test]
    fn abi_1_numbers_are_frozen() {
        assert_eq!((stream::STDOUT, stream::STDERR), (1, 2));
        use log_level::*;
        assert_eq!(
            [
                INFO1,
                INFO1_QUIET,
                INFO2,
                INFO2_QUIET,
                VERBOSE,
                VERBOSE_QUIET,
                EXCLAIM,
                EXCLAIM_QUIET,
                WARN,
                WARN_QUIET,
                STDERR,
                QUIET,
                DEBUG
            ],
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
        );
    }

    #[test]
    fn root_module_version_major_is_the_abi_number() {
        let major: u32 = ROOT_MODULE_VERSION
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .expect("ROOT_MODULE_VERSION starts with a number");
        assert_eq!(major, DOKKU_PLUGIN_ABI);
    }
}
