//! `plugin.toml`: Dokku's `[plugin]` table, plus the native-plugin extensions
//! (`[plugin.native]`, `[[command]]`, `[[trigger]]`).

use std::collections::BTreeMap;

use serde::Deserialize;
use thiserror::Error;

/// A parsed `plugin.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Manifest {
    /// The `[plugin]` table.
    pub plugin: PluginSection,
    /// Commands a native plugin provides, for routing and help.
    #[serde(default)]
    pub command: Vec<CommandEntry>,
    /// Triggers a native plugin handles.
    #[serde(default)]
    pub trigger: Vec<TriggerEntry>,
}

/// The `[plugin]` table.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PluginSection {
    /// One-line description (`plugin:list`).
    #[serde(default)]
    pub description: String,
    /// Version string (`plugin:list`).
    #[serde(default)]
    pub version: String,
    /// The summary shown by `dokku help` for manifest plugins.
    #[serde(default)]
    pub help: Option<String>,
    /// `[plugin.config]`: defaults exported to triggers as `CONFIG_<KEY>`.
    #[serde(default)]
    pub config: BTreeMap<String, toml::Value>,
    /// `[plugin.native]`: present for native plugins.
    #[serde(default)]
    pub native: Option<NativeSection>,
}

/// `[plugin.native]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct NativeSection {
    /// The cdylib to open, relative to the plugin directory.
    #[serde(default)]
    pub library: Option<String>,
    /// Compiled into the `dokku` binary.
    #[serde(default)]
    pub builtin: bool,
}

/// One `[[command]]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct CommandEntry {
    /// Full command name, e.g. `hello:world`.
    pub name: String,
    /// Usage text shown in help, e.g. `hello <app>`; defaults to the name.
    #[serde(default)]
    pub usage: Option<String>,
    /// One-line description.
    #[serde(default)]
    pub help: String,
}

/// One `[[trigger]]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct TriggerEntry {
    /// Trigger name, e.g. `post-deploy`.
    pub name: String,
}

/// A `plugin.toml` that cannot be used, as one line.
#[derive(Debug, Clone, Error, PartialEq)]
#[error("{message}{}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
pub struct ManifestError {
    /// What is wrong.
    pub message: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
}

impl Manifest {
    /// Parses `plugin.toml` text.
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        toml::from_str::<Manifest>(text).map_err(|err| {
            let line = err
                .span()
                .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
            ManifestError {
                message: err.message().trim().replace('\n', " "),
                line,
            }
        })
    }

    /// The `[plugin.config]` defaults as strings (non-string values rendered as TOML).
    pub fn config_defaults(&self) -> BTreeMap<String, String> {
        self.plugin
            .config
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string()),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dokku_and_native_fields() {
        let m = Manifest::parse(
            "[plugin]\ndescription = \"d\"\nversion = \"1\"\nhelp = \"Says hello\"\n[plugin.config]\nkey = \"v\"\n[plugin.native]\nlibrary = \"lib.so\"\n[[command]]\nname = \"hello\"\nusage = \"hello <app>\"\nhelp = \"Says hello\"\n[[trigger]]\nname = \"post-deploy\"\n",
        )
        .expect("parse");
        assert_eq!(
            m.plugin.native.as_ref().and_then(|n| n.library.as_deref()),
            Some("lib.so")
        );
        assert_eq!(m.command[0].usage.as_deref(), Some("hello <app>"));
        assert_eq!(m.trigger[0].name, "post-deploy");
        assert_eq!(
            m.config_defaults().get("key").map(String::as_str),
            Some("v")
        );
    }

    #[test]
    fn errors_are_one_line_with_a_line_number() {
        let err = Manifest::parse("[plugin]\ndescription = \n").expect_err("bad");
        let text = err.to_string();
        assert!(!text.contains('\n'), "{text}");
        assert!(text.contains("line 2"), "{text}");
    }
}
