//! `plugin.toml`: Dokku's `[plugin]` table, plus the native-plugin extensions
//! (`[plugin.native]`, `[[command]]`, `[[trigger]]`).
//!
//! [`Manifest`] and its tables are the one serde schema of these keys: the names, the
//! types and the defaults. Two readers share it:
//!
//! * the dispatcher ([`Manifest::parse`], re-exported as `dokku_core::plugin::Manifest`)
//!   reads leniently, as Dokku reads `plugin.toml`: unknown keys are ignored, a missing
//!   `description`, `version` or command `help` is empty, errors are one line with the
//!   line number;
//! * a plugin author's manifest ([`Manifest::parse_authored`], behind the SDK's
//!   `Manifest::parse`) must also name `description` and `version`, may use no other
//!   keys in `[[command]]` and `[[trigger]]` than the schema's, and keeps a command's
//!   missing `help` (routed, not listed in help) apart from an empty one.
//!
//! ```toml
//! [plugin]
//! description = "dokku hello plugin (native)"
//! version = "0.1.0"
//! help = "Says hello"
//! [plugin.config]
//! [plugin.native]
//! library = "target/release/libdokku_example_hello_native.so"
//!
//! [[command]]
//! name = "hello"
//! usage = "hello <app>"
//! help = "Says \"Hello <app>\""
//!
//! [[trigger]]
//! name = "hello-trigger"
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::de::IgnoredAny;
use serde::Deserialize;

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
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestError {
    /// What is wrong.
    pub message: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ManifestError {}

/// A manifest read by the rules for a plugin author ([`Manifest::parse_authored`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Authored {
    /// The manifest, as the dispatcher reads it.
    pub manifest: Manifest,
    /// For each `[[command]]` of [`Authored::manifest`], in order: whether it has a `help`
    /// key. A command without one is routed but not listed in help; `help = ""` is listed
    /// with an empty description. (The dispatcher treats both alike, as not listed.)
    pub help_given: Vec<bool>,
}

/// The keys an author's manifest must have (`description` and `version` in `[plugin]`)
/// and the only keys its `[[command]]` and `[[trigger]]` tables may have. Only presence is
/// read here; the values are [`Manifest`]'s to read. The field names are the schema's
/// (`author_rules_name_the_schemas_keys` keeps them in step), so the errors are serde's
/// own ("missing field", "unknown field, expected one of").
#[derive(Deserialize)]
#[allow(dead_code)] // `plugin` and `trigger`: checked, never read
struct AuthorKeys {
    plugin: AuthorPluginKeys,
    #[serde(default)]
    command: Vec<AuthorCommandKeys>,
    #[serde(default)]
    trigger: Vec<AuthorTriggerKeys>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // only whether the keys are there matters
struct AuthorPluginKeys {
    description: IgnoredAny,
    version: IgnoredAny,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // only whether the keys are there matters
struct AuthorCommandKeys {
    name: IgnoredAny,
    #[serde(default)]
    usage: Option<IgnoredAny>,
    #[serde(default)]
    help: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // only whether the key is there matters
struct AuthorTriggerKeys {
    name: IgnoredAny,
}

impl Manifest {
    /// Parses `plugin.toml` text.
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        toml::from_str::<Manifest>(text).map_err(|err| ManifestError {
            message: one_line(err.message()),
            line: err.span().map(|span| line_of(text.as_bytes(), span.start)),
        })
    }

    /// Parses `plugin.toml` text by the rules for a plugin author (see the module docs):
    /// [`Manifest::parse`]'s schema, plus `description` and `version` required and no
    /// unknown keys in `[[command]]` and `[[trigger]]`. The error is `toml`'s own, with its
    /// position and a snippet of the text.
    pub fn parse_authored(text: &str) -> Result<Authored, toml::de::Error> {
        let manifest = toml::from_str::<Manifest>(text)?;
        let keys = toml::from_str::<AuthorKeys>(text)?;
        Ok(Authored {
            manifest,
            help_given: keys.command.iter().map(|c| c.help.is_some()).collect(),
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
    fn authors_must_name_description_and_version() {
        let err = Manifest::parse_authored("[plugin]\nversion = \"1\"\n").expect_err("bad");
        assert!(
            err.to_string().contains("missing field `description`"),
            "{err}"
        );
        let err = Manifest::parse_authored("[plugin]\ndescription = \"d\"\n").expect_err("bad");
        assert!(err.to_string().contains("missing field `version`"), "{err}");
        // The dispatcher reads both as empty.
        assert!(Manifest::parse("[plugin]\n").is_ok());
    }

    #[test]
    fn authors_may_use_no_unknown_command_or_trigger_keys() {
        let head = "[plugin]\ndescription = \"d\"\nversion = \"1\"\n";
        let text = format!("{head}[[command]]\nname = \"a\"\nalias = \"b\"\n");
        let err = Manifest::parse_authored(&text).expect_err("bad");
        assert!(
            err.to_string()
                .contains("unknown field `alias`, expected one of `name`, `usage`, `help`"),
            "{err}"
        );
        assert!(Manifest::parse(&text).is_ok(), "the dispatcher ignores it");
        let text = format!("{head}[[trigger]]\nname = \"a\"\nwhen = 1\n");
        let err = Manifest::parse_authored(&text).expect_err("bad");
        assert!(
            err.to_string()
                .contains("unknown field `when`, expected `name`"),
            "{err}"
        );
        // Elsewhere unknown keys stay allowed, as in Dokku's own plugin.toml files.
        let text = format!("{head}extra = 1\n[plugin.native]\nother = 2\n[more]\n");
        assert!(Manifest::parse_authored(&text).is_ok());
    }

    #[test]
    fn author_rules_know_every_schema_key() {
        let text = "[plugin]\ndescription = \"d\"\nversion = \"1\"\nhelp = \"h\"\n\
                    [plugin.config]\nk = \"v\"\n[plugin.native]\nlibrary = \"l.so\"\n\
                    builtin = true\n[[command]]\nname = \"a\"\nusage = \"a <app>\"\n\
                    help = \"A\"\n[[trigger]]\nname = \"t\"\n";
        let authored = Manifest::parse_authored(text).expect("every schema key is allowed");
        assert_eq!(authored.manifest, Manifest::parse(text).expect("parse"));
    }

    /// The field names a derived `Deserialize` asks for, read without any input.
    fn fields_of<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
        struct Fields(Option<&'static [&'static str]>);
        #[derive(Debug)]
        struct Stop;
        impl fmt::Display for Stop {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("stop")
            }
        }
        impl std::error::Error for Stop {}
        impl serde::de::Error for Stop {
            fn custom<M: fmt::Display>(_: M) -> Self {
                Stop
            }
        }
        impl<'de> serde::Deserializer<'de> for &mut Fields {
            type Error = Stop;
            fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
                Err(Stop)
            }
            fn deserialize_struct<V: serde::de::Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Stop> {
                self.0 = Some(fields);
                Err(Stop)
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
                byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
                enum identifier ignored_any
            }
        }
        let mut fields = Fields(None);
        let _ = T::deserialize(&mut fields);
        fields.0.expect("a struct")
    }

    #[test]
    fn author_rules_name_the_schemas_keys() {
        assert_eq!(
            fields_of::<AuthorCommandKeys>(),
            fields_of::<CommandEntry>()
        );
        assert_eq!(
            fields_of::<AuthorTriggerKeys>(),
            fields_of::<TriggerEntry>()
        );
        assert_eq!(fields_of::<AuthorKeys>(), fields_of::<Manifest>());
        let plugin = fields_of::<PluginSection>();
        assert!(fields_of::<AuthorPluginKeys>()
            .iter()
            .all(|k| plugin.contains(k)));
    }

    #[test]
    fn authored_help_tells_missing_from_empty() {
        let authored = Manifest::parse_authored(
            "[plugin]\ndescription = \"d\"\nversion = \"1\"\n\
             [[command]]\nname = \"a\"\n[[command]]\nname = \"b\"\nhelp = \"\"\n\
             [[command]]\nname = \"c\"\nhelp = \"C\"\n",
        )
        .expect("parse");
        assert_eq!(authored.help_given, [false, true, true]);
        assert_eq!(authored.manifest.command[0].help, "");
        assert_eq!(authored.manifest.command[2].help, "C");
    }

    #[test]
    fn authored_errors_are_tomls_own() {
        let text = "[plugin]\ndescription = \"d\"\nversion = 5\n";
        let err = Manifest::parse_authored(text).expect_err("bad");
        let direct = toml::from_str::<Manifest>(text).expect_err("bad");
        assert_eq!(err.to_string(), direct.to_string());
        assert!(err.to_string().contains("line 3"), "{err}");
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
