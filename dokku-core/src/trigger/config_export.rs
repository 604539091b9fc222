//! plugn's `config-export`: `CONFIG_*` variables for a plugin's trigger.

use std::collections::BTreeMap;
use std::path::Path;

use crate::plugin::Plugin;
use crate::settings::EnvMap;

/// `$PLUGIN_PATH/config.toml`: per-plugin string settings, one table per plugin.
#[derive(Debug, Default, Clone)]
pub struct PlugnConfig {
    tables: BTreeMap<String, BTreeMap<String, String>>,
}

impl PlugnConfig {
    /// Reads `config.toml`; a missing or unreadable file is an empty config, as in plugn.
    pub fn load(path: &Path) -> PlugnConfig {
        let Ok(text) = std::fs::read_to_string(path) else {
            return PlugnConfig::default();
        };
        let Ok(table) = text.parse::<toml::Table>() else {
            return PlugnConfig::default();
        };
        let tables = table
            .into_iter()
            .filter_map(|(plugin, value)| {
                let entries = value.as_table()?.iter().map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    )
                });
                Some((plugin, entries.collect()))
            })
            .collect();
        PlugnConfig { tables }
    }

    /// The value of `key` for `plugin`.
    pub fn get(&self, plugin: &str, key: &str) -> Option<&str> {
        self.tables.get(plugin)?.get(key).map(String::as_str)
    }

    /// Sets `key` for `plugin` (in memory; see [`PlugnConfig::render`]).
    pub fn set(&mut self, plugin: &str, key: &str, value: &str) {
        self.tables
            .entry(plugin.to_string())
            .or_default()
            .insert(key.to_string(), value.to_string());
    }

    /// The TOML text of this config.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (plugin, entries) in &self.tables {
            out.push_str(&format!("[{}]\n", toml_key(plugin)));
            for (k, v) in entries {
                out.push_str(&format!(
                    "{} = {}\n",
                    toml_key(k),
                    toml::Value::String(v.clone())
                ));
            }
            out.push('\n');
        }
        out
    }
}

fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        toml::Value::String(key.to_string()).to_string()
    }
}

/// The `CONFIG_<KEY>` variables plugn exports before running `plugin`'s trigger: for
/// each key of `[plugin.config]` or of the plugin's `config.toml` table, the
/// environment's `<PLUGIN>_<KEY>` wins, else `config.toml`, else the manifest default.
pub fn config_exports(
    plugin: &Plugin,
    config: &PlugnConfig,
    env: &EnvMap,
) -> Vec<(String, String)> {
    let mut values: BTreeMap<String, String> = plugin
        .manifest
        .as_ref()
        .map(|m| m.config_defaults())
        .unwrap_or_default();
    if let Some(table) = config.tables.get(&plugin.name) {
        values.extend(table.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let upper = |s: &str| s.to_ascii_uppercase().replace('-', "_");
    values
        .into_iter()
        .map(|(key, value)| {
            let override_name = format!("{}_{}", upper(&plugin.name), upper(&key));
            let value = env
                .get(&override_name)
                .filter(|v| !v.is_empty())
                .cloned()
                .unwrap_or(value);
            (format!("CONFIG_{}", upper(&key)), value)
        })
        .collect()
}
