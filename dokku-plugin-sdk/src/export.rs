//! [`export_plugin!`] and the glue it expands to.
//!
//! Every entry point the host can reach (`manifest`, `instantiate`, `command`, `trigger`)
//! runs inside `catch_unwind`: a panic becomes a [`PluginError`] of kind
//! [`ErrorKind::Panicked`](crate::ErrorKind::Panicked) carrying the panic message and
//! location, and the report is also forwarded to the host log (at
//! [`LogLevel::Debug`], so it shows with `--trace`; the host prints the error itself).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use abi_stable::prefix_type::PrefixTypeTrait;
use abi_stable::std_types::{RResult, RSlice, RStr};

use crate::abi::{Call, DokkuPluginRoot, DokkuPluginRoot_Ref, HostRef, PluginBox, PluginObj};
use crate::command::{CallView, CommandContext};
use crate::error::PluginError;
use crate::plugin::Plugin;
use crate::services::{Host, LogLevel};
use crate::trigger::TriggerContext;

/// The SDK version compiled into every plugin's root module (diagnostics only).
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `rustc -V` of the compiler that built this SDK (and so the plugin).
pub const RUSTC_VERSION: &str = env!("DOKKU_PLUGIN_SDK_RUSTC_VERSION");

/// Exports a [`Plugin`](crate::Plugin) type as this library's Dokku plugin root module.
///
/// Invoke it once, at the crate root of a `cdylib` crate:
///
/// ```ignore
/// dokku_plugin_sdk::export_plugin!(HelloNative);            // built with Default::default()
/// dokku_plugin_sdk::export_plugin!(HelloNative, init = HelloNative::new); // fn() -> Result<HelloNative, PluginError>
/// ```
///
/// It expands to the `abi_stable` root module export (the `LibHeader` static that
/// `#[abi_stable::export_root_module]` would emit, written with `$crate` paths so the
/// plugin crate needs no direct `abi_stable` dependency), wraps every entry point in
/// `catch_unwind`, and refuses to compile with `panic = "abort"` (a panic could not be
/// turned into an error and would kill `dokku`).
///
/// The expansion contains one `#[export_name]` static, which the `unsafe_code` lint flags;
/// the macro allows it on that item only.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty $(,)?) => {
        $crate::export_plugin!(@export $plugin,
            || ::core::result::Result::Ok(<$plugin as ::core::default::Default>::default()),
            $crate::abi::DOKKU_PLUGIN_ABI);
    };
    ($plugin:ty, init = $init:expr $(,)?) => {
        $crate::export_plugin!(@export $plugin, $init, $crate::abi::DOKKU_PLUGIN_ABI);
    };
    // For the SDK's own mismatch fixture only: exports a root module claiming another ABI.
    ($plugin:ty, __abi_override = $abi:expr $(,)?) => {
        $crate::export_plugin!(@export $plugin,
            || ::core::result::Result::Ok(<$plugin as ::core::default::Default>::default()),
            $abi);
    };
    (@export $plugin:ty, $init:expr, $abi:expr) => {
        #[cfg(panic = "abort")]
        ::core::compile_error!(
            "dokku_plugin_sdk::export_plugin! needs `panic = \"unwind\"`: with `panic = \"abort\"` \
             a panic in the plugin would kill dokku instead of becoming an error. Remove \
             `panic = \"abort\"` from your Cargo profile."
        );

        const _: () = {
            fn __dokku_plugin_init() -> ::core::result::Result<$plugin, $crate::PluginError> {
                ($init)()
            }

            extern "C" fn __dokku_plugin_manifest() -> $crate::__private::RString {
                $crate::__private::manifest::<$plugin>()
            }

            extern "C" fn __dokku_plugin_instantiate(
            ) -> $crate::__private::RResult<$crate::abi::PluginBox, $crate::PluginError> {
                $crate::__private::instantiate::<$plugin>(__dokku_plugin_init)
            }

            fn __dokku_plugin_root() -> $crate::abi::DokkuPluginRoot_Ref {
                $crate::__private::root_module($abi, __dokku_plugin_manifest, __dokku_plugin_instantiate)
            }

            extern "C" fn __dokku_plugin_erased_root() -> $crate::__private::RootModuleResult {
                $crate::__private::call_root_module_loader(__dokku_plugin_root)
            }

            // The symbol abi_stable's loader looks up (`abi_stable::library::ROOT_MODULE_LOADER_NAME`).
            #[allow(unsafe_code)] // `#[export_name]` is flagged by `unsafe_code`; this is its only use.
            #[export_name = "_1as_0lib_1header_0root_bmodule_bloader"]
            static __DOKKU_PLUGIN_LIB_HEADER: $crate::__private::LibHeader =
                $crate::abi::lib_header(__dokku_plugin_erased_root);
        };
    };
}

/// Support items for [`export_plugin!`]; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use abi_stable::library::{LibHeader, RootModuleResult};
    pub use abi_stable::std_types::{RResult, RString};

    use super::*;

    /// `abi_stable`'s own root-module loader shim (what `#[export_root_module]` calls).
    pub fn call_root_module_loader(root: fn() -> DokkuPluginRoot_Ref) -> RootModuleResult {
        abi_stable::library::__call_root_module_loader(root)
    }

    /// Builds (and leaks, once per process) the root module.
    pub fn root_module(
        abi: u32,
        manifest: extern "C" fn() -> RString,
        instantiate: extern "C" fn() -> RResult<PluginBox, PluginError>,
    ) -> DokkuPluginRoot_Ref {
        DokkuPluginRoot {
            abi,
            sdk_version: RStr::from_str(SDK_VERSION),
            rustc_version: RStr::from_str(RUSTC_VERSION),
            manifest,
            instantiate,
        }
        .leak_into_prefix()
    }

    /// The root module's `manifest` entry point.
    ///
    /// A panicking `Plugin::manifest` yields a TOML comment with the report and no
    /// `[plugin]` table, which the host refuses as an invalid manifest.
    pub fn manifest<P: Plugin>() -> RString {
        install_panic_hook();
        match guarded(None, ("plugin", "manifest"), || Ok(P::manifest().to_toml())) {
            Ok(text) => RString::from(text),
            Err(err) => RString::from(format!("# dokku-plugin-sdk: {}\n", err.message())),
        }
    }

    /// The root module's `instantiate` entry point.
    pub fn instantiate<P: Plugin>(
        init: fn() -> Result<P, PluginError>,
    ) -> RResult<PluginBox, PluginError> {
        install_panic_hook();
        guarded(None, ("plugin", "initialisation"), init)
            .map(|plugin| {
                PluginBox::from_value(Adapter { plugin }, abi_stable::sabi_trait::TD_Opaque)
            })
            .into()
    }
}

/// The ABI object wrapping an author's plugin.
struct Adapter<P> {
    plugin: P,
}

impl<P: Plugin> PluginObj for Adapter<P> {
    fn command<'a>(&self, host: HostRef<'a>, call: Call<'a>) -> RResult<i32, PluginError> {
        run_command(&self.plugin, host, None, call).into()
    }

    fn trigger<'a>(
        &self,
        host: HostRef<'a>,
        call: Call<'a>,
        stdin: RSlice<'a, u8>,
    ) -> RResult<i32, PluginError> {
        run_trigger(&self.plugin, host, None, call, stdin.as_slice()).into()
    }
}

/// Runs a command hook the way the exported library does (also used by `MockHost`).
pub(crate) fn run_command<'a, P: Plugin + ?Sized>(
    plugin: &P,
    host: HostRef<'a>,
    linked: Option<&'a (dyn Any + Sync)>,
    call: Call<'a>,
) -> Result<i32, PluginError> {
    let ctx = CommandContext::new(Host::new(host, linked), CallView::new(&call));
    guarded(Some(ctx.host()), ("command", ctx.name()), || {
        plugin.command(&ctx)
    })
}

/// Runs a trigger hook the way the exported library does (also used by `MockHost`).
pub(crate) fn run_trigger<'a, P: Plugin + ?Sized>(
    plugin: &P,
    host: HostRef<'a>,
    linked: Option<&'a (dyn Any + Sync)>,
    call: Call<'a>,
    stdin: &'a [u8],
) -> Result<i32, PluginError> {
    let ctx = TriggerContext::new(Host::new(host, linked), CallView::new(&call), stdin);
    guarded(Some(ctx.host()), ("trigger", ctx.name()), || {
        plugin.trigger(&ctx)
    })
}

thread_local! {
    /// Depth of guarded calls on this thread (the panic hook only records inside one).
    static GUARD_DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The last panic report recorded by our hook on this thread.
    static LAST_PANIC: RefCell<Option<PanicReport>> = const { RefCell::new(None) };
}

struct PanicReport {
    /// `panicked at src/lib.rs:10:5: boom`
    summary: String,
    /// A backtrace when `RUST_BACKTRACE` asks for one.
    backtrace: Option<String>,
}

/// Installs (once per plugin library) a panic hook that records panics inside guarded calls
/// instead of printing them to the process's stderr behind the host's back; panics
/// elsewhere (threads the plugin spawned) still go to the previous hook.
pub(crate) fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARD_DEPTH.with(Cell::get) == 0 {
                previous(info);
                return;
            }
            let message = payload_message(info.payload());
            let summary = match info.location() {
                Some(loc) => format!(
                    "panicked at {}:{}:{}: {message}",
                    loc.file(),
                    loc.line(),
                    loc.column()
                ),
                None => format!("panicked: {message}"),
            };
            let backtrace = std::backtrace::Backtrace::capture();
            let backtrace = (backtrace.status() == std::backtrace::BacktraceStatus::Captured)
                .then(|| backtrace.to_string());
            LAST_PANIC.with(|last| {
                *last.borrow_mut() = Some(PanicReport { summary, backtrace });
            });
        }));
    });
}

/// Runs `f`, turning a panic into a [`PluginError`] of kind `Panicked` and forwarding the
/// report to the host log. `what` = (`"command"`, name) names the entry point in the report.
fn guarded<R>(
    host: Option<&Host<'_>>,
    what: (&str, &str),
    f: impl FnOnce() -> Result<R, PluginError>,
) -> Result<R, PluginError> {
    LAST_PANIC.with(|last| last.borrow_mut().take());
    GUARD_DEPTH.with(|d| d.set(d.get() + 1));
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    GUARD_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    match outcome {
        Ok(result) => result,
        Err(payload) => {
            let report = LAST_PANIC.with(|last| last.borrow_mut().take());
            let (summary, backtrace) = match report {
                Some(r) => (r.summary, r.backtrace),
                None => (
                    format!("panicked: {}", payload_message(payload.as_ref())),
                    None,
                ),
            };
            // Dropping a panic payload can itself panic; never let that escape.
            let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(payload)));
            let message = match what {
                ("plugin", detail) => format!("plugin {detail} {summary}"),
                (kind, name) => format!("{kind} `{name}` {summary}"),
            };
            if let Some(host) = host {
                let mut log = format!("plugin {message}");
                if let Some(bt) = backtrace {
                    log.push_str("\nstack backtrace:\n");
                    log.push_str(&bt);
                }
                host.log(LogLevel::Debug, &log);
            }
            Err(PluginError::panicked(message))
        }
    }
}

/// The text of a panic payload (`&str` or `String`), or a placeholder.
pub(crate) fn payload_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_owned()
    }
}
