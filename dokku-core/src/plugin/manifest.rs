//! `plugin.toml`: Dokku's `[plugin]` table, plus the native-plugin extensions
//! (`[plugin.native]`, `[[command]]`, `[[trigger]]`).

use std::collections::BTreeMap;
use std::path::Path;

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
        toml::from_str::<Manifest>(text).map_err(|err| ManifestError {
            message: one_line(err.message()),
            line: err.span().map(|span| line_of(text.as_bytes(), span.start)),
        })
    }

    /// Parses the bytes of a `plugin.toml`, refusing bytes that are not UTF-8 text.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Manifest, ManifestError> {
        let text = std::str::from_utf8(bytes).map_err(|err| ManifestError {
            message: "not UTF-8 text".into(),
            line: Some(line_of(bytes, err.valid_up_to())),
        })?;
        Manifest::parse(text)
    }

    /// Reads and parses the manifest at `path`; `Ok(None)` when there is no such
    /// file (a bare legacy plugin).
    pub fn read(path: &Path) -> Result<Option<Manifest>, ManifestError> {
        match std::fs::read(path) {
            Ok(bytes) => Manifest::parse_bytes(&bytes).map(Some),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(ManifestError {
                message: one_line(&format!("cannot read it: {err}")),
                line: None,
            }),
        }
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

/// The 1-based line holding byte `offset` of `bytes`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|b| **b == b'\n').count() + 1
}

/// A message as one printable line: line breaks become spaces and other control
/// characters are escaped, so a hostile file cannot rewrite the operator's terminal.
fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for c in message.trim().chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
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

    #[test]
    fn wrong_types_are_refused_with_their_line() {
        let err = Manifest::parse("[plugin]\ndescription = \"d\"\nversion = 5\n").expect_err("bad");
        assert!(err.to_string().contains("(line 3)"), "{err}");
        assert!(err.to_string().contains("string"), "{err}");
        assert!(Manifest::parse("plugin = 1\n").is_err());
        assert!(Manifest::parse("[[command]]\nhelp = \"no name\"\n[plugin]\n").is_err());
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_with_their_line() {
        let err =
            Manifest::parse_bytes(b"[plugin]\ndescription = \"\xff\xfe\"\n").expect_err("bad");
        assert_eq!(err.to_string(), "not UTF-8 text (line 2)");
        let good = Manifest::parse_bytes(b"[plugin]\nversion = \"1\"\n").expect("good");
        assert_eq!(good.plugin.version, "1");
    }

    #[test]
    fn control_characters_in_messages_are_escaped() {
        let err = Manifest::parse("[plugin]\ndescription = \"a\u{1b}[2J\"\n").expect_err("bad");
        let text = err.to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }

    #[test]
    fn read_tells_a_missing_file_from_a_bad_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("plugin.toml");
        assert_eq!(Manifest::read(&path), Ok(None));
        std::fs::write(&path, [0xc3, 0x28]).expect("write");
        assert!(Manifest::read(&path).is_err());
    }
}
