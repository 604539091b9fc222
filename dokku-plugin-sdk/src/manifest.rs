//! The plugin manifest: `plugin.toml`-compatible data describing what a plugin handles.
//!
//! The same TOML lives next to the library on disk (`plugin.toml`) and inside it
//! ([`crate::Plugin::manifest`]), so the host routes commands, renders help and picks trigger
//! handlers without opening the library, and can check the two agree when it does.
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
use std::fmt::Write as _;

use dokku_protocol::manifest as schema;

/// A `plugin.toml` that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("invalid plugin manifest: {0}")]
pub struct ManifestError(String);

/// One command of a plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSpec {
    name: String,
    usage: Option<String>,
    help: Option<String>,
}

impl CommandSpec {
    /// A command that appears in help as `    <usage>, <help>`.
    pub fn new(name: impl Into<String>, usage: impl Into<String>, help: impl Into<String>) -> Self {
        CommandSpec {
            name: name.into(),
            usage: Some(usage.into()),
            help: Some(help.into()),
        }
    }

    /// A command that is routed to the plugin but not listed in help (e.g. `hello:help`).
    pub fn hidden(name: impl Into<String>) -> Self {
        CommandSpec {
            name: name.into(),
            usage: None,
            help: None,
        }
    }

    /// The full command name (`hello:world`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The usage shown in help (`hello <app>`); defaults to the name.
    pub fn usage(&self) -> &str {
        self.usage.as_deref().unwrap_or(&self.name)
    }

    /// The one-line description, if the command is listed in help.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }
}

/// What a plugin handles, as `plugin.toml` says it. Build one with [`Manifest::new`] and the
/// chained methods; render it with [`Manifest::to_toml`]; read one with [`Manifest::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    version: String,
    description: String,
    help: Option<String>,
    config: BTreeMap<String, String>,
    native: bool,
    library: Option<String>,
    builtin: bool,
    commands: Vec<CommandSpec>,
    triggers: Vec<String>,
}

impl Manifest {
    /// A native plugin manifest with Dokku's two required fields.
    pub fn new(version: impl Into<String>, description: impl Into<String>) -> Self {
        Manifest {
            version: version.into(),
            description: description.into(),
            help: None,
            config: BTreeMap::new(),
            native: true,
            library: None,
            builtin: false,
            commands: Vec::new(),
            triggers: Vec::new(),
        }
    }

    /// The summary shown by `dokku help` (`    <namespace>, <summary>`) and by
    /// `<namespace>:help`.
    pub fn help(mut self, summary: impl Into<String>) -> Self {
        self.help = Some(summary.into());
        self
    }

    /// Where the library lives, relative to the plugin directory
    /// (`[plugin.native] library`).
    pub fn library(mut self, path: impl Into<String>) -> Self {
        self.library = Some(path.into());
        self
    }

    /// Marks a core plugin compiled into the `dokku` binary (`[plugin.native] builtin`).
    #[doc(hidden)]
    pub fn builtin(mut self) -> Self {
        self.builtin = true;
        self
    }

    /// A `[plugin.config]` default (exported to legacy triggers as `CONFIG_<KEY>`).
    pub fn config(mut self, key: impl Into<String>, default: impl Into<String>) -> Self {
        self.config.insert(key.into(), default.into());
        self
    }

    /// A command listed in help as `    <usage>, <help>`.
    pub fn command(
        self,
        name: impl Into<String>,
        usage: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        self.command_spec(CommandSpec::new(name, usage, help))
    }

    /// A command routed to the plugin but not listed in help.
    pub fn hidden_command(self, name: impl Into<String>) -> Self {
        self.command_spec(CommandSpec::hidden(name))
    }

    /// Adds a command description.
    pub fn command_spec(mut self, spec: CommandSpec) -> Self {
        self.commands.push(spec);
        self
    }

    /// A trigger the plugin handles.
    pub fn trigger(mut self, name: impl Into<String>) -> Self {
        self.triggers.push(name.into());
        self
    }

    /// `[plugin] version`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `[plugin] description`.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// `[plugin] help`, the help summary.
    pub fn help_summary(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// `[plugin.config]` defaults.
    pub fn config_defaults(&self) -> &BTreeMap<String, String> {
        &self.config
    }

    /// Whether the manifest has a `[plugin.native]` table (else it is a legacy plugin).
    pub fn is_native(&self) -> bool {
        self.native
    }

    /// `[plugin.native] library`, relative to the plugin directory.
    pub fn library_path(&self) -> Option<&str> {
        self.library.as_deref()
    }

    /// `[plugin.native] builtin`.
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }

    /// The commands, in manifest order.
    pub fn commands(&self) -> &[CommandSpec] {
        &self.commands
    }

    /// The triggers, in manifest order.
    pub fn triggers(&self) -> &[String] {
        &self.triggers
    }

    /// Whether the plugin declares this command.
    pub fn handles_command(&self, name: &str) -> bool {
        self.commands.iter().any(|c| c.name == name)
    }

    /// Whether the plugin declares this trigger.
    pub fn handles_trigger(&self, name: &str) -> bool {
        self.triggers.iter().any(|t| t == name)
    }

    /// The command namespace (`hello` for `hello`, `hello:world`): the part before `:` of
    /// the first command.
    pub fn namespace(&self) -> Option<&str> {
        self.commands
            .first()
            .map(|c| c.name.split(':').next().unwrap_or(&c.name))
    }

    /// Human-readable differences in what `self` and `other` route (commands and triggers);
    /// empty when they agree. The host uses it to refuse a library whose embedded manifest
    /// disagrees with its `plugin.toml`.
    pub fn routing_differences(&self, other: &Manifest) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.commands {
            if !other.handles_command(&c.name) {
                out.push(format!("command `{}` only in the first manifest", c.name));
            }
        }
        for c in &other.commands {
            if !self.handles_command(&c.name) {
                out.push(format!("command `{}` only in the second manifest", c.name));
            }
        }
        for t in &self.triggers {
            if !other.handles_trigger(t) {
                out.push(format!("trigger `{t}` only in the first manifest"));
            }
        }
        for t in &other.triggers {
            if !self.handles_trigger(t) {
                out.push(format!("trigger `{t}` only in the second manifest"));
            }
        }
        out
    }

    /// Reads `plugin.toml` text. Unknown keys are ignored, so Dokku's own `plugin.toml`
    /// files (legacy plugins) parse too; but `[plugin]` must name `description` and
    /// `version`, and `[[command]]` and `[[trigger]]` tables may hold only the keys above.
    ///
    /// The schema is the one `dokku` reads (`dokku_protocol::manifest`, read here by its
    /// author rules, [`dokku_protocol::manifest::Manifest::parse_authored`]).
    pub fn parse(text: &str) -> Result<Self, ManifestError> {
        let schema::Authored {
            manifest: raw,
            help_given,
        } = schema::Manifest::parse_authored(text).map_err(|e| ManifestError(e.to_string()))?;
        let config = raw.config_defaults();
        let (native, library, builtin) = match raw.plugin.native {
            Some(n) => (true, n.library, n.builtin),
            None => (false, None, false),
        };
        let commands = raw
            .command
            .into_iter()
            .zip(help_given)
            .map(|(c, help_given)| CommandSpec {
                name: c.name,
                usage: c.usage,
                help: help_given.then_some(c.help),
            })
            .collect();
        Ok(Manifest {
            version: raw.plugin.version,
            description: raw.plugin.description,
            help: raw.plugin.help,
            config,
            native,
            library,
            builtin,
            commands,
            triggers: raw.trigger.into_iter().map(|t| t.name).collect(),
        })
    }

    /// Renders `plugin.toml` text (always with `[plugin.config]`, which plugn needs).
    pub fn to_toml(&self) -> String {
        let mut out = String::from("[plugin]\n");
        push_kv(&mut out, "description", &self.description);
        push_kv(&mut out, "version", &self.version);
        if let Some(help) = &self.help {
            push_kv(&mut out, "help", help);
        }
        out.push_str("[plugin.config]\n");
        for (key, value) in &self.config {
            push_kv(&mut out, key, value);
        }
        if self.native {
            out.push_str("[plugin.native]\n");
            if let Some(library) = &self.library {
                push_kv(&mut out, "library", library);
            }
            if self.builtin {
                out.push_str("builtin = true\n");
            }
        }
        for command in &self.commands {
            out.push_str("\n[[command]]\n");
            push_kv(&mut out, "name", &command.name);
            if let Some(usage) = &command.usage {
                push_kv(&mut out, "usage", usage);
            }
            if let Some(help) = &command.help {
                push_kv(&mut out, "help", help);
            }
        }
        for trigger in &self.triggers {
            out.push_str("\n[[trigger]]\n");
            push_kv(&mut out, "name", trigger);
        }
        out
    }

    /// The help content lines of a bash plugin's `help_content_func`:
    /// `    <usage>, <help>` for every listed command, in manifest order.
    pub fn help_content(&self) -> Vec<String> {
        self.commands
            .iter()
            .filter_map(|c| c.help().map(|help| format!("    {}, {help}", c.usage())))
            .collect()
    }

    /// What `commands help` prints: `    <namespace>, <summary>` (the summary is `help`, or
    /// the description).
    pub fn render_help_summary(&self) -> String {
        format!(
            "    {}, {}\n",
            self.namespace().unwrap_or_default(),
            self.help.as_deref().unwrap_or(&self.description)
        )
    }

    /// What `commands help` prints under `dokku help --all`: the content lines, unsorted.
    pub fn render_help_all(&self) -> String {
        let mut out = String::new();
        for line in self.help_content() {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// What `<namespace>:help` prints, byte for byte like a bash plugin:
    ///
    /// ```text
    /// Usage: dokku hello[:COMMAND]
    ///
    /// Says hello
    ///
    /// Additional commands:
    ///     hello <app>    Says "Hello <app>"
    ///     hello:world    Says "Hello world"
    /// ```
    ///
    /// (content `sort | column -c2 -t -s,`).
    pub fn render_plugin_help(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Usage: dokku {}[:COMMAND]",
            self.namespace().unwrap_or_default()
        );
        out.push('\n');
        out.push_str(self.help.as_deref().unwrap_or(&self.description));
        out.push_str("\n\nAdditional commands:\n");
        let mut content = self.help_content();
        content.sort();
        out.push_str(&columnize(&content));
        out
    }
}

fn push_kv(out: &mut String, key: &str, value: &str) {
    let key = if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_owned()
    } else {
        toml::Value::String(key.to_owned()).to_string()
    };
    let _ = writeln!(out, "{key} = {}", toml::Value::String(value.to_owned()));
}

/// Lays out comma-separated lines like util-linux `column -c2 -t -s,`: every cell but the
/// last column is padded to its column's width and followed by two spaces; empty lines are
/// dropped. Each output line ends with `\n`.
pub fn columnize(lines: &[String]) -> String {
    let rows: Vec<Vec<&str>> = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').collect())
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        for (i, width) in widths.iter().enumerate() {
            let cell = row.get(i).copied().unwrap_or("");
            if i + 1 < columns {
                // `{:<width$}` pads by chars, as `column` pads by characters.
                let _ = write!(out, "{cell:<width$}  ");
            } else {
                out.push_str(cell);
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello() -> Manifest {
        Manifest::new("0.1.0", "dokku hello plugin")
            .help("Says hello")
            .library("target/release/libhello.so")
            .command("hello", "hello <app>", "Says \"Hello <app>\"")
            .command("hello:world", "hello:world", "Says \"Hello world\"")
            .hidden_command("hello:help")
            .trigger("post-deploy")
    }

    #[test]
    fn renders_and_parses_back() {
        let manifest = hello().config("greeting", "hi");
        let text = manifest.to_toml();
        assert!(text
            .starts_with("[plugin]\ndescription = \"dokku hello plugin\"\nversion = \"0.1.0\"\n"));
        assert!(text.contains("[plugin.config]\ngreeting = \"hi\"\n[plugin.native]\n"));
        assert_eq!(
            Manifest::parse(&text).expect("rendered TOML parses"),
            manifest
        );
    }

    #[test]
    fn parses_a_legacy_dokku_plugin_toml() {
        let m = Manifest::parse(
            "[plugin]\ndescription = \"dokku core config plugin\"\nversion = \"0.38.27\"\n[plugin.config]\n",
        )
        .expect("legacy manifest parses");
        assert!(!m.is_native());
        assert!(m.commands().is_empty());
        assert!(Manifest::parse("[plugin]\nversion = \"1\"\n").is_err());
    }

    #[test]
    fn help_matches_bash_column_output() {
        let m = hello();
        assert_eq!(m.render_help_summary(), "    hello, Says hello\n");
        assert_eq!(
            m.render_plugin_help(),
            "Usage: dokku hello[:COMMAND]\n\nSays hello\n\nAdditional commands:\n\
             \x20   hello <app>   Says \"Hello <app>\"\n\
             \x20   hello:world   Says \"Hello world\"\n"
        );
        assert_eq!(
            m.render_help_all(),
            "    hello <app>, Says \"Hello <app>\"\n    hello:world, Says \"Hello world\"\n"
        );
    }

    #[test]
    fn columnize_pads_short_rows_like_util_linux() {
        let lines = ["ab, c", "longer thing", "x,y,z"].map(String::from);
        assert_eq!(
            columnize(&lines),
            "ab             c  \nlonger thing      \nx             y   z\n"
        );
    }

    #[test]
    fn routing_differences_name_both_sides() {
        let a = hello();
        let b = hello().trigger("post-create");
        assert!(a.routing_differences(&hello()).is_empty());
        assert_eq!(
            a.routing_differences(&b),
            ["trigger `post-create` only in the second manifest"]
        );
    }
}
