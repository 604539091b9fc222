//! Host-side helpers for the `dokku` binary: load a plugin library, check it, call it.
//!
//! Not for plugin authors (hidden from the docs). The CLI implements [`HostServices`] and
//! calls [`load_plugin`] once per library it needs; libraries are never unloaded.
//!
//! ```ignore
//! let plugin = dokku_plugin_sdk::host::load_plugin(&dir.join(library))?; // LoadError: one line
//! let status = plugin.command(&my_host, "hello", &["myapp".into()], &env)?;
//! ```

mod load_error;

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use abi_stable::library::{lib_header_from_path, RootModule};
use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{RResult, RSlice, RStr, RString, RVec, Tuple2};

use crate::abi::{
    Call, DokkuPluginRoot_Ref, HostObj, HostObj_TO, HostRef, PluginBox, DOKKU_PLUGIN_ABI,
};
use crate::error::{HostError, PluginError};
use crate::export::{install_panic_hook, payload_message, run_command, run_trigger};
use crate::plugin::Plugin;
use crate::services::{LogLevel, Stream};

pub use load_error::LoadError;

/// What the `dokku` binary offers a native plugin during a call. The SDK turns it into the
/// ABI's host object; a panic in any method is caught and never reaches the plugin.
pub trait HostServices: Sync {
    /// Writes the plugin's output (pass through, or capture for value-returning triggers).
    fn write(&self, stream: Stream, bytes: &[u8]);

    /// Prints a log line at one of Dokku's levels. The default writes
    /// [`LogLevel::format`] to [`LogLevel::stream`] and drops [`LogLevel::Debug`]; a real
    /// host also applies quiet mode and `--trace`.
    fn log(&self, level: LogLevel, msg: &str) {
        if !level.trace_only() {
            self.write(level.stream(), level.format(msg).as_bytes());
        }
    }

    /// Answers a named service (see `docs/contracts/host-services.md`). Unknown names must
    /// answer [`HostError::unsupported`].
    fn call(&self, service: &str, args: &[&str]) -> Result<Vec<String>, HostError>;

    /// The `dokku` version.
    fn host_version(&self) -> String;

    /// The service names [`HostServices::call`] answers.
    fn services(&self) -> Vec<String>;
}

/// Adapts a [`HostServices`] to the ABI's `HostObj`.
pub(crate) struct HostAdapter<'a> {
    inner: &'a dyn HostServices,
}

impl<'a> HostAdapter<'a> {
    pub(crate) fn new(inner: &'a dyn HostServices) -> Self {
        HostAdapter { inner }
    }

    /// The ABI host object, borrowed from the adapter.
    pub(crate) fn host_ref(&self) -> HostRef<'_> {
        HostObj_TO::from_ptr(self, TD_Opaque)
    }
}

impl HostObj for HostAdapter<'_> {
    fn write(&self, stream: u8, bytes: RSlice<'_, u8>) {
        let _ = panic::catch_unwind(AssertUnwindSafe(|| {
            self.inner
                .write(Stream::from_code(stream), bytes.as_slice());
        }));
    }

    fn log(&self, level: u8, msg: RStr<'_>) {
        let _ = panic::catch_unwind(AssertUnwindSafe(|| {
            self.inner.log(LogLevel::from_code(level), msg.as_str());
        }));
    }

    fn call(
        &self,
        service: RStr<'_>,
        args: RSlice<'_, RStr<'_>>,
    ) -> RResult<RVec<RString>, HostError> {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            let args: Vec<&str> = args.iter().map(|a| a.as_str()).collect();
            self.inner.call(service.as_str(), &args)
        }));
        match outcome {
            Ok(Ok(values)) => RResult::ROk(values.into_iter().map(RString::from).collect()),
            Ok(Err(err)) => RResult::RErr(err),
            Err(payload) => RResult::RErr(HostError::panicked(
                service.as_str(),
                &payload_message(payload.as_ref()),
            )),
        }
    }

    fn host_version(&self) -> RString {
        panic::catch_unwind(AssertUnwindSafe(|| self.inner.host_version()))
            .unwrap_or_else(|_| "unknown".to_owned())
            .into()
    }

    fn services(&self) -> RVec<RString> {
        panic::catch_unwind(AssertUnwindSafe(|| self.inner.services()))
            .unwrap_or_default()
            .into_iter()
            .map(RString::from)
            .collect()
    }
}

/// Borrowed ABI views of one call's strings.
pub(crate) struct CallBuffers<'a> {
    name: &'a str,
    args: Vec<RStr<'a>>,
    env: Vec<Tuple2<RStr<'a>, RStr<'a>>>,
}

impl<'a> CallBuffers<'a> {
    pub(crate) fn new<A: AsRef<str>, K: AsRef<str>, V: AsRef<str>>(
        name: &'a str,
        args: &'a [A],
        env: &'a [(K, V)],
    ) -> Self {
        CallBuffers {
            name,
            args: args.iter().map(|a| RStr::from_str(a.as_ref())).collect(),
            env: env
                .iter()
                .map(|(k, v)| Tuple2(RStr::from_str(k.as_ref()), RStr::from_str(v.as_ref())))
                .collect(),
        }
    }

    pub(crate) fn call(&self) -> Call<'_> {
        Call {
            name: RStr::from_str(self.name),
            args: RSlice::from_slice(&self.args),
            env: RSlice::from_slice(&self.env),
        }
    }
}

/// A plugin library that passed every check. Keep it for the life of the process (the
/// library is never unloaded anyway); it is `Send + Sync`.
pub struct LoadedPlugin {
    path: PathBuf,
    root: DokkuPluginRoot_Ref,
    instance: OnceLock<Result<PluginBox, PluginError>>,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("path", &self.path)
            .field("abi", &self.abi())
            .field("sdk_version", &self.sdk_version())
            .field("rustc_version", &self.rustc_version())
            .finish_non_exhaustive()
    }
}

impl LoadedPlugin {
    /// The library file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The plugin ABI number the library was built for (equals [`DOKKU_PLUGIN_ABI`]).
    pub fn abi(&self) -> u32 {
        self.root.abi()
    }

    /// The `dokku-plugin-sdk` version the library was built with.
    pub fn sdk_version(&self) -> &'static str {
        self.root.sdk_version().as_str()
    }

    /// `rustc -V` of the compiler that built the library.
    pub fn rustc_version(&self) -> &'static str {
        self.root.rustc_version().as_str()
    }

    /// The manifest embedded in the library (TOML; parse with [`crate::Manifest::parse`]).
    pub fn manifest_toml(&self) -> String {
        (self.root.manifest())().into_string()
    }

    /// The plugin object, created on first use (a failed or panicking constructor is
    /// reported on every call).
    fn instance(&self) -> Result<&PluginBox, PluginError> {
        self.instance
            .get_or_init(|| (self.root.instantiate())().into_result())
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Runs a command: `name` is the command word, `args` the words after it, `env` the
    /// per-call environment (`DOKKU_APP_NAME` for `--app`, ...). `Ok` carries the exit
    /// status (10 = not implemented); `Err` is a failure to print (` !     <message>`) and
    /// exit with [`PluginError::exit_code`]; a panic arrives as kind `Panicked`.
    pub fn command<A, K, V>(
        &self,
        host: &dyn HostServices,
        name: &str,
        args: &[A],
        env: &[(K, V)],
    ) -> Result<i32, PluginError>
    where
        A: AsRef<str>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let plugin = self.instance()?;
        let buffers = CallBuffers::new(name, args, env);
        let adapter = HostAdapter::new(host);
        plugin
            .command(adapter.host_ref(), buffers.call())
            .into_result()
    }

    /// Runs a trigger handler with the trigger's arguments and whatever the host has on
    /// stdin for it. Same result conventions as [`LoadedPlugin::command`].
    pub fn trigger<A, K, V>(
        &self,
        host: &dyn HostServices,
        name: &str,
        args: &[A],
        env: &[(K, V)],
        stdin: &[u8],
    ) -> Result<i32, PluginError>
    where
        A: AsRef<str>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let plugin = self.instance()?;
        let buffers = CallBuffers::new(name, args, env);
        let adapter = HostAdapter::new(host);
        plugin
            .trigger(
                adapter.host_ref(),
                buffers.call(),
                RSlice::from_slice(stdin),
            )
            .into_result()
    }
}

/// A plugin linked into the `dokku` binary (a core plugin): called through the same hooks,
/// contexts and [`HostServices`] adapter as a library plugin, without loading anything.
/// `linked` is the host's own object, which the plugin reaches with
/// [`crate::Host::linked`].
pub struct LinkedPlugin {
    plugin: &'static dyn Plugin,
}

impl LinkedPlugin {
    /// Wraps a plugin value that lives for the whole process.
    pub const fn new(plugin: &'static dyn Plugin) -> LinkedPlugin {
        LinkedPlugin { plugin }
    }

    /// Runs a command, with the conventions of [`LoadedPlugin::command`].
    pub fn command<A, K, V>(
        &self,
        host: &dyn HostServices,
        linked: &(dyn Any + Sync),
        name: &str,
        args: &[A],
        env: &[(K, V)],
    ) -> Result<i32, PluginError>
    where
        A: AsRef<str>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        install_panic_hook();
        let buffers = CallBuffers::new(name, args, env);
        let adapter = HostAdapter::new(host);
        run_command(
            self.plugin,
            adapter.host_ref(),
            Some(linked),
            buffers.call(),
        )
    }

    /// Runs a trigger handler, with the conventions of [`LoadedPlugin::trigger`].
    pub fn trigger<A, K, V>(
        &self,
        host: &dyn HostServices,
        linked: &(dyn Any + Sync),
        name: &str,
        args: &[A],
        env: &[(K, V)],
        stdin: &[u8],
    ) -> Result<i32, PluginError>
    where
        A: AsRef<str>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        install_panic_hook();
        let buffers = CallBuffers::new(name, args, env);
        let adapter = HostAdapter::new(host);
        run_trigger(
            self.plugin,
            adapter.host_ref(),
            Some(linked),
            buffers.call(),
            stdin,
        )
    }
}

// The CLI keeps loaded plugins in a process-wide registry.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<LoadedPlugin>();
};

/// Opens a plugin library and checks it: `abi_stable`'s header, root module name, version
/// and layout, then Dokku's own ABI number. Never unloads (a second load of the same path
/// returns the same module).
pub fn load_plugin(path: &Path) -> Result<LoadedPlugin, LoadError> {
    let header = lib_header_from_path(path).map_err(|e| LoadError::from_library_error(path, e))?;
    let name = header.root_mod_consts().name().as_str();
    if name != DokkuPluginRoot_Ref::NAME {
        return Err(LoadError::not_a_plugin(
            path,
            format!("it is an abi_stable library for `{name}`"),
        ));
    }
    let root = header
        .init_root_module::<DokkuPluginRoot_Ref>()
        .map_err(|e| LoadError::from_library_error(path, e))?;
    if root.abi() != DOKKU_PLUGIN_ABI {
        return Err(LoadError::abi_number_mismatch(
            path,
            root.abi(),
            root.sdk_version().as_str(),
            root.rustc_version().as_str(),
        ));
    }
    Ok(LoadedPlugin {
        path: path.to_owned(),
        root,
        instance: OnceLock::new(),
    })
}
