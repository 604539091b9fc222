//! Native library plugins: opened on first use through `dokku-plugin-sdk`'s loader,
//! kept for the life of the process (never unloaded), and served host services from the
//! same core the bash helpers reach.
//!
//! A library that fails any check (not a plugin, built for another ABI, a manifest that
//! disagrees with its `plugin.toml`) is refused with one line; `--trace` adds the
//! loader's full detail.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use dokku_core::config::{ConfigScope, ConfigStore};
use dokku_core::env;
use dokku_core::plugin::Plugin;
use dokku_core::property::PropertyStore;
use dokku_core::trigger::StdoutMode;
use dokku_plugin_sdk::host::{load_plugin, HostServices, LoadedPlugin};
use dokku_plugin_sdk::{HostError, LogLevel, Manifest, PluginError, Stream};

use crate::context::Context;
use crate::exit::CliError;
use crate::services;

type Registry = Mutex<HashMap<PathBuf, Arc<LoadedPlugin>>>;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Opens (once) and checks `plugin`'s library.
pub(crate) fn load(ctx: &Context, plugin: &Plugin) -> Result<Arc<LoadedPlugin>, CliError> {
    let library = plugin
        .manifest
        .as_ref()
        .and_then(|m| m.plugin.native.as_ref())
        .and_then(|n| n.library.clone())
        .ok_or_else(|| CliError::fail(format!("plugin {} names no native library", plugin.name)))?;
    let path = plugin.dir.join(&library);
    if let Some(loaded) = registry().lock().map_err(|_| poisoned())?.get(&path) {
        return Ok(Arc::clone(loaded));
    }
    ctx.trace(&format!(
        "load native plugin {} from {}",
        plugin.name,
        path.display()
    ));
    let loaded = load_plugin(&path).map_err(|err| {
        if ctx.trace {
            crate::output::write(
                dokku_core::log::Stream::Stderr,
                &format!("{}\n", err.detail()),
            );
        }
        CliError::fail(err.to_string()).hint(format!(
            "reinstall or rebuild the plugin: dokku plugin:install --name {} <source>",
            plugin.name
        ))
    })?;
    check_manifest(plugin, &loaded)?;
    let loaded = Arc::new(loaded);
    registry()
        .lock()
        .map_err(|_| poisoned())?
        .insert(path, Arc::clone(&loaded));
    Ok(loaded)
}

fn poisoned() -> CliError {
    CliError::fail("the native plugin registry is unusable after a panic")
}

/// Routing comes from `plugin.toml`; the library must agree with it.
fn check_manifest(plugin: &Plugin, loaded: &LoadedPlugin) -> Result<(), CliError> {
    let on_disk_path = plugin.dir.join("plugin.toml");
    let on_disk = std::fs::read_to_string(&on_disk_path)
        .ok()
        .and_then(|t| Manifest::parse(&t).ok())
        .ok_or_else(|| {
            CliError::fail(format!(
                "{}: cannot be read as a manifest",
                on_disk_path.display()
            ))
        })?;
    let embedded = Manifest::parse(&loaded.manifest_toml()).map_err(|e| {
        CliError::fail(format!(
            "{}: the library's embedded manifest is invalid: {e}",
            loaded.path().display()
        ))
    })?;
    let differences = embedded.routing_differences(&on_disk);
    if differences.is_empty() {
        return Ok(());
    }
    Err(CliError::fail(format!(
        "plugin {}: {} disagrees with its library {}: {}",
        plugin.name,
        on_disk_path.display(),
        loaded.path().display(),
        differences.join("; ")
    ))
    .hint("rebuild the plugin so plugin.toml and the library come from the same source"))
}

/// The words after the command, and the per-call environment a native command gets.
fn call_env(ctx: &Context) -> Vec<(String, String)> {
    [env::DOKKU_APP_NAME, env::DOKKU_HELP_ALL]
        .iter()
        .filter_map(|k| ctx.var(k).map(|v| (k.to_string(), v.to_string())))
        .collect()
}

fn plugin_error(err: PluginError) -> CliError {
    CliError::with_code(err.message().to_string(), err.exit_code())
}

/// Runs a native library command; returns its exit status (10 = not mine).
pub(crate) fn command(ctx: &Context, plugin: &Plugin, args: &[String]) -> Result<i32, CliError> {
    let loaded = load(ctx, plugin)?;
    let host = CliHost::new(ctx, Sink::Stdout);
    loaded
        .command(&host, &args[0], &args[1..], &call_env(ctx))
        .map_err(plugin_error)
}

/// Runs a native library trigger handler, its stdout into `stdout`.
pub(crate) fn trigger(
    ctx: &Context,
    plugin: &Plugin,
    trigger: &str,
    args: &[String],
    env: &[(String, String)],
    stdout: &mut dyn Write,
) -> Result<i32, CliError> {
    let loaded = load(ctx, plugin)?;
    let host = CliHost::new(ctx, Sink::Buffer(Mutex::new(Vec::new())));
    let result = loaded.trigger(&host, trigger, args, env, &[]);
    if let Sink::Buffer(buffer) = &host.sink {
        let bytes = buffer.lock().map(|b| b.clone()).unwrap_or_default();
        let _ = stdout.write_all(&bytes);
    }
    result.map_err(plugin_error)
}

enum Sink {
    Stdout,
    Buffer(Mutex<Vec<u8>>),
}

/// The host side of one call: output routing plus the services.
struct CliHost<'a> {
    ctx: &'a Context,
    sink: Sink,
}

impl<'a> CliHost<'a> {
    fn new(ctx: &'a Context, sink: Sink) -> CliHost<'a> {
        CliHost { ctx, sink }
    }
}

const SERVICES: &[&str] = &[
    "app-exists",
    "is-valid-app-name",
    "verify-app-name",
    "image-repo",
    "image-name",
    "running-image-tag",
    "deploying-image-name",
    "copy-from-image",
    "config-get",
    "config-set",
    "config-unset",
    "property-get",
    "property-set",
    "property-delete",
    "trigger",
    "trigger-capture",
];

impl HostServices for CliHost<'_> {
    fn write(&self, stream: Stream, bytes: &[u8]) {
        match (stream, &self.sink) {
            (Stream::Stdout, Sink::Buffer(buffer)) => {
                if let Ok(mut b) = buffer.lock() {
                    b.extend_from_slice(bytes);
                }
            }
            (Stream::Stdout, Sink::Stdout) => {
                let _ = std::io::stdout().lock().write_all(bytes);
            }
            _ => {
                let _ = std::io::stderr().lock().write_all(bytes);
            }
        }
    }

    fn log(&self, level: LogLevel, msg: &str) {
        if (level.trace_only() && !self.ctx.trace)
            || (level.suppressed_when_quiet() && self.ctx.quiet)
        {
            return;
        }
        self.write(level.stream(), level.format(msg).as_bytes());
    }

    fn call(&self, service: &str, args: &[&str]) -> Result<Vec<String>, HostError> {
        let ctx = self.ctx;
        let arg = |i: usize| args.get(i).copied().unwrap_or("");
        let opt = |i: usize| args.get(i).copied().filter(|s| !s.is_empty());
        let failed = |e: CliError| match e.code {
            20 => HostError::app_not_found(arg(0)),
            _ => HostError::failed(e.message.unwrap_or_default()),
        };
        let one = |s: String| vec![s];
        match service {
            "app-exists" => Ok(one(services::app_exists(ctx, arg(0)).to_string())),
            "is-valid-app-name" => {
                dokku_core::app::name::check(arg(0), dokku_core::app::NameRule::Current)
                    .map(|()| Vec::new())
                    .map_err(|e| HostError::invalid_arguments(e.to_string()))
            }
            "verify-app-name" => match dokku_core::app::verify(&ctx.layout.dokku_root, arg(0)) {
                Ok(_) => Ok(Vec::new()),
                Err(dokku_core::app::AppError::NotFound { app }) => {
                    Err(HostError::app_not_found(&app))
                }
                Err(e) => Err(HostError::invalid_arguments(e.to_string())),
            },
            "image-repo" => services::image_repo(arg(0)).map(one).map_err(failed),
            "image-name" => services::image_name(ctx, arg(0), opt(1), opt(2))
                .map(one)
                .map_err(failed),
            "running-image-tag" => services::running_image_tag(ctx, arg(0), opt(1))
                .map(one)
                .map_err(failed),
            "deploying-image-name" => services::deploying_image_name(ctx, arg(0), opt(1), opt(2))
                .map(one)
                .map_err(failed),
            "config-get" => {
                let scope = ConfigScope::from_arg(arg(0));
                ConfigStore::new(&ctx.layout.lib_root)
                    .get(&scope, arg(1))
                    .map(|v| v.into_iter().collect())
                    .map_err(|e| HostError::failed(e.to_string()))
            }
            "config-set" | "config-unset" => {
                self.run_self(&["__core", "config", &service[7..]], args)
            }
            "copy-from-image" => self.run_self(&["__core", "copy-from-image"], args),
            "property-get" => PropertyStore::new(&ctx.layout.lib_root)
                .get(arg(0), arg(1), arg(2))
                .map(|v| v.into_iter().collect())
                .map_err(|e| HostError::failed(e.to_string())),
            "property-set" => PropertyStore::new(&ctx.layout.lib_root)
                .write(arg(0), arg(1), arg(2), arg(3))
                .map(|()| Vec::new())
                .map_err(|e| HostError::failed(e.to_string())),
            "property-delete" => PropertyStore::new(&ctx.layout.lib_root)
                .delete(arg(0), arg(1), arg(2))
                .map(|()| Vec::new())
                .map_err(|e| HostError::failed(e.to_string())),
            "trigger" | "trigger-capture" => {
                let (name, rest) = args
                    .split_first()
                    .ok_or_else(|| HostError::invalid_arguments("trigger needs a name"))?;
                let rest: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
                let capture = service == "trigger-capture";
                let mode = if capture {
                    StdoutMode::Capture
                } else {
                    StdoutMode::Inherit
                };
                let outcome = ctx.fire(name, &rest, mode).map_err(failed)?;
                let mut answer = vec![outcome.status.to_string()];
                if capture {
                    answer.push(outcome.stdout_text());
                }
                Ok(answer)
            }
            other => Err(HostError::unsupported(other, &self.host_version())),
        }
    }

    fn host_version(&self) -> String {
        crate::commands::version::installed_version(self.ctx)
            .unwrap_or_else(|| env!("CARGO_PKG_VERSION").into())
    }

    fn services(&self) -> Vec<String> {
        SERVICES.iter().map(|s| s.to_string()).collect()
    }
}

impl CliHost<'_> {
    /// Serves a service by running this binary's `__core` helper, so its output,
    /// triggers and restarts are exactly those of the bash path.
    fn run_self(&self, prefix: &[&str], args: &[&str]) -> Result<Vec<String>, HostError> {
        let cmd = dokku_core::process::Cmd::new(&self.ctx.exe)
            .args(prefix)
            .args(args)
            .env_clear()
            .envs(self.ctx.env.iter());
        let out = cmd
            .capture_stdout(std::process::Stdio::null())
            .map_err(|e| HostError::failed(e.to_string()))?;
        self.write(Stream::Stdout, &out.stdout);
        if out.status.success() {
            Ok(Vec::new())
        } else {
            Err(HostError::failed(format!("{} failed", prefix.join(" "))))
        }
    }
}
