//! Native library plugins: opened on first use through `dokku-plugin-sdk`'s loader,
//! kept for the life of the process (never unloaded), and served host services from the
//! same core the bash helpers reach.
//!
//! A library that fails any check (not a plugin, built for another ABI, a manifest that
//! disagrees with its `plugin.toml`) is refused with one line; `--trace` adds the
//! loader's full detail.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use dokku_core::plugin::Plugin;
use dokku_plugin_sdk::host::{load_plugin, LoadedPlugin};
use dokku_plugin_sdk::Manifest;

use dokku_host::{CommandError, Context};

type Registry = Mutex<HashMap<PathBuf, Arc<LoadedPlugin>>>;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Opens (once) and checks `plugin`'s library.
pub(crate) fn load(ctx: &Context, plugin: &Plugin) -> Result<Arc<LoadedPlugin>, CommandError> {
    let library = plugin
        .manifest
        .as_ref()
        .and_then(|m| m.plugin.native.as_ref())
        .and_then(|n| n.library.clone())
        .ok_or_else(|| {
            CommandError::fail(format!("plugin {} names no native library", plugin.name))
        })?;
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
            dokku_host::output::write(
                dokku_core::log::Stream::Stderr,
                &format!("{}\n", err.detail()),
            );
        }
        CommandError::fail(err.to_string()).hint(format!(
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

fn poisoned() -> CommandError {
    CommandError::fail("the native plugin registry is unusable after a panic")
}

/// Routing comes from `plugin.toml`; the library must agree with it.
fn check_manifest(plugin: &Plugin, loaded: &LoadedPlugin) -> Result<(), CommandError> {
    let on_disk_path = plugin.dir.join("plugin.toml");
    let on_disk = std::fs::read_to_string(&on_disk_path)
        .ok()
        .and_then(|t| Manifest::parse(&t).ok())
        .ok_or_else(|| {
            CommandError::fail(format!(
                "{}: cannot be read as a manifest",
                on_disk_path.display()
            ))
        })?;
    let embedded = Manifest::parse(&loaded.manifest_toml()).map_err(|e| {
        CommandError::fail(format!(
            "{}: the library's embedded manifest is invalid: {e}",
            loaded.path().display()
        ))
    })?;
    let file_only = routes_missing_from(&on_disk, &embedded);
    let library_only = routes_missing_from(&embedded, &on_disk);
    let mut sides = Vec::new();
    if !file_only.is_empty() {
        sides.push(format!(
            "plugin.toml routes {}, the library does not",
            file_only.join(", ")
        ));
    }
    if !library_only.is_empty() {
        sides.push(format!(
            "the library routes {}, plugin.toml does not",
            library_only.join(", ")
        ));
    }
    if sides.is_empty() {
        return Ok(());
    }
    Err(CommandError::fail(format!(
        "plugin {}: {} ({})",
        plugin.name,
        sides.join("; "),
        loaded.path().display()
    ))
    .hint(format!(
        "the library was built from other sources than plugin.toml: rebuild it with `dokku plugin:update {}`",
        plugin.name
    )))
}

/// What `from` routes and `other` does not: command names, then `trigger <name>`.
fn routes_missing_from(from: &Manifest, other: &Manifest) -> Vec<String> {
    let commands = from
        .commands()
        .iter()
        .filter(|c| !other.handles_command(c.name()))
        .map(|c| c.name().to_string());
    let triggers = from
        .triggers()
        .iter()
        .filter(|t| !other.handles_trigger(t))
        .map(|t| format!("trigger {t}"));
    commands.chain(triggers).collect()
}
