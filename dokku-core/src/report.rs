//! `<plugin>:report`: Dokku's report layout, shared by every plugin
//! (`dokku-core-behaviour.md` §4.4, Dokku's `ParseReportArgs` and `ReportSingleApp`).
//!
//! A report is a set of info flags (`--docker-options-build`, ...) and their values for
//! one app (or `--global`). It renders three ways:
//!
//! - no info flag, `stdout`: a `=====> <app> <plugin> information` header and one line
//!   per flag, sorted, the flag turned into a label (`--docker-options-deploy.web` →
//!   `Docker options deploy web:`) and padded to `max(31, longest flag)` columns;
//! - an info flag (`--docker-options-build`): the raw value alone;
//! - `--format json`: one line, keys sorted, Go's escaping; keys lose their
//!   `--<plugin>-` prefix, and with `legacy_keys` the `<plugin>-<key>` spelling is
//!   emitted as well (Dokku 0.38's `EmitLegacyPrefix`). A report made with
//!   [`Report::trim_prefix`]`(false)` keeps every key whole (`app-dir`), as Dokku's
//!   `apps:report` does.
//!
//! ```
//! use dokku_core::report::{Report, ReportArgs, Rendered};
//!
//! let args = ReportArgs::parse("ps", &["web".to_string()])?;
//! let mut report = Report::new("ps", "web");
//! report.flag("--ps-restore", "true");
//! match report.render(&args)? {
//!     Rendered::Stdout { header, lines } => {
//!         assert_eq!(header, "web ps information");
//!         assert_eq!(lines, ["Ps restore:                    true"]);
//!     }
//!     other => unreachable!("{other:?}"),
//! }
//! # Ok::<(), dokku_core::report::ReportError>(())
//! ```

use std::collections::BTreeMap;

use thiserror::Error;

use crate::config::gojson;

/// The minimum width of a report's label column.
const MIN_KEY_WIDTH: usize = 31;

/// A report's output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportFormat {
    /// The padded text layout.
    #[default]
    Stdout,
    /// One JSON object.
    Json,
}

/// Why a report cannot be produced; the texts are Dokku's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReportError {
    /// More than one info flag was given.
    #[error("{plugin}:report command allows only a single flag")]
    SingleFlag {
        /// The plugin.
        plugin: String,
    },
    /// `--format` is neither `stdout` nor `json`.
    #[error("Format must be \"stdout\" or \"json\": {}", go_quote(.format))]
    Format {
        /// The format given.
        format: String,
    },
    /// `--format json` together with an info flag.
    #[error("--format flag cannot be specified when specifying an info flag")]
    FormatWithFlag,
    /// The info flag is not one of the report's.
    #[error("Invalid flag passed, valid flags: {}", .valid.join(", "))]
    InvalidFlag {
        /// The flags the report has, sorted.
        valid: Vec<String>,
    },
}

fn go_quote(text: &str) -> String {
    let mut out = String::new();
    gojson::push_string(&mut out, text);
    out
}

/// The parsed arguments of `<plugin>:report [<app>|--global] [--format F] [--<flag>]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportArgs {
    /// The app, when one was named.
    pub app: Option<String>,
    /// `--global`: report the global scope (app name `--global`).
    pub global: bool,
    /// `--format`.
    pub format: ReportFormat,
    /// The single info flag, with its dashes (`--docker-options-build`).
    pub info_flag: Option<String>,
}

impl ReportArgs {
    /// Parses report arguments as Dokku's `ParseReportArgs` does: `--format X` (or
    /// `--format=X`) takes the next argument, `--global` selects the global scope, any
    /// other `--*` is the info flag (only one allowed), the first other argument is
    /// the app.
    pub fn parse(plugin: &str, args: &[String]) -> Result<ReportArgs, ReportError> {
        let mut parsed = ReportArgs::default();
        let mut format = None;
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            if arg == "--format" {
                format = Some(iter.next().cloned().unwrap_or_default());
            } else if let Some(value) = arg.strip_prefix("--format=") {
                format = Some(value.to_string());
            } else if arg == "--global" {
                parsed.global = true;
            } else if arg.starts_with("--") {
                if matches!(arg.as_str(), "--quiet" | "--trace" | "--force") {
                    continue;
                }
                if parsed.info_flag.is_some() {
                    return Err(ReportError::SingleFlag {
                        plugin: plugin.to_string(),
                    });
                }
                parsed.info_flag = Some(arg.clone());
            } else if parsed.app.is_none() {
                parsed.app = Some(arg.clone());
            }
        }
        parsed.format = match format.as_deref() {
            None | Some("") | Some("stdout") => ReportFormat::Stdout,
            Some("json") => ReportFormat::Json,
            Some(other) => {
                return Err(ReportError::Format {
                    format: other.to_string(),
                })
            }
        };
        if parsed.format == ReportFormat::Json && parsed.info_flag.is_some() {
            return Err(ReportError::FormatWithFlag);
        }
        Ok(parsed)
    }
}

/// One app's report: its info flags and values, plus list values that only the JSON
/// form carries (docker-options' `deploy-list`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    plugin: String,
    app: String,
    flags: BTreeMap<String, String>,
    json_lists: BTreeMap<String, Vec<String>>,
    legacy_keys: bool,
    trim_prefix: bool,
}

/// What to print for a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// The header (print with `dokku_log_info2_quiet`) and the lines (print with
    /// `dokku_log_verbose`).
    Stdout {
        /// `<app> <plugin> information`.
        header: String,
        /// `<Label:><padding><value>` per flag, sorted by flag.
        lines: Vec<String>,
    },
    /// The value of the one info flag asked for (print it and a newline).
    Value(String),
    /// The JSON object (print it and a newline).
    Json(String),
}

impl Report {
    /// An empty report of `plugin` for `app` (`--global` for the global scope), with
    /// Dokku 0.38's legacy JSON keys on.
    pub fn new(plugin: &str, app: &str) -> Report {
        Report {
            plugin: plugin.to_string(),
            app: app.to_string(),
            flags: BTreeMap::new(),
            json_lists: BTreeMap::new(),
            legacy_keys: true,
            trim_prefix: true,
        }
    }

    /// Whether JSON keys lose their `--<plugin>-` prefix (Dokku's `trimPrefix`, on by
    /// default). Off, each key is its flag without the leading dashes and no legacy
    /// spelling is added.
    pub fn trim_prefix(mut self, on: bool) -> Report {
        self.trim_prefix = on;
        self
    }

    /// Whether JSON also carries the `<plugin>-<key>` spelling of each key.
    pub fn legacy_keys(mut self, on: bool) -> Report {
        self.legacy_keys = on;
        self
    }

    /// Adds an info flag (with its dashes) and its value.
    pub fn flag(&mut self, flag: &str, value: impl Into<String>) -> &mut Report {
        self.flags.insert(flag.to_string(), value.into());
        self
    }

    /// Adds a list value that only the JSON form shows, under `key` as given.
    pub fn json_list(&mut self, key: &str, values: Vec<String>) -> &mut Report {
        self.json_lists.insert(key.to_string(), values);
        self
    }

    /// The flags, sorted.
    pub fn flags(&self) -> impl Iterator<Item = (&str, &str)> {
        self.flags.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Renders the report for `args` (format and info flag).
    pub fn render(&self, args: &ReportArgs) -> Result<Rendered, ReportError> {
        if let Some(flag) = &args.info_flag {
            return match self.flags.get(flag) {
                Some(value) => Ok(Rendered::Value(value.clone())),
                None => Err(ReportError::InvalidFlag {
                    valid: self.flags.keys().cloned().collect(),
                }),
            };
        }
        if args.format == ReportFormat::Json {
            return Ok(Rendered::Json(self.json()));
        }
        let width = self
            .flags
            .keys()
            .map(String::len)
            .max()
            .unwrap_or(0)
            .max(MIN_KEY_WIDTH);
        let lines = self
            .flags
            .iter()
            .map(|(flag, value)| format!("{:<width$}{value}", format!("{}:", label(flag))))
            .collect();
        Ok(Rendered::Stdout {
            header: format!("{} {} information", self.app, self.plugin),
            lines,
        })
    }

    fn json(&self) -> String {
        enum Value<'a> {
            Text(&'a str),
            List(&'a [String]),
        }
        let prefix = format!("--{}-", self.plugin);
        let mut entries: BTreeMap<String, Value<'_>> = BTreeMap::new();
        for (flag, value) in &self.flags {
            let bare = flag.trim_start_matches("--");
            if !self.trim_prefix {
                entries.insert(bare.to_string(), Value::Text(value));
            } else if let Some(short) = flag.strip_prefix(&prefix) {
                entries.insert(short.to_string(), Value::Text(value));
                if self.legacy_keys {
                    entries.insert(bare.to_string(), Value::Text(value));
                }
            } else {
                entries.insert(bare.to_string(), Value::Text(value));
            }
        }
        for (key, values) in &self.json_lists {
            entries.insert(key.clone(), Value::List(values));
        }
        let mut out = String::from("{");
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            gojson::push_string(&mut out, key);
            out.push(':');
            match value {
                Value::Text(text) => gojson::push_string(&mut out, text),
                Value::List(items) => {
                    out.push('[');
                    for (j, item) in items.iter().enumerate() {
                        if j > 0 {
                            out.push(',');
                        }
                        gojson::push_string(&mut out, item);
                    }
                    out.push(']');
                }
            }
        }
        out.push('}');
        out
    }
}

/// `--docker-options-deploy.web` → `Docker options deploy web`: dashes dropped, `-`
/// and `.` become spaces, the first letter upper-cased.
pub fn label(flag: &str) -> String {
    let text = flag.trim_start_matches("--").replace(['-', '.'], " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<ReportArgs, ReportError> {
        let list: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        ReportArgs::parse("docker-options", &list)
    }

    fn sample() -> Report {
        let mut r = Report::new("docker-options", "web");
        r.flag("--docker-options-build", "")
            .flag("--docker-options-deploy", "-v /a:/b --restart=always")
            .flag("--docker-options-deploy.worker-long-name", "<x>");
        r
    }

    #[test]
    fn parses_like_dokku() {
        let a = args(&["web", "--format", "json"]).expect("ok");
        assert_eq!(
            (a.app.as_deref(), a.format, a.global),
            (Some("web"), ReportFormat::Json, false)
        );
        let a = args(&["--global", "--docker-options-build"]).expect("ok");
        assert!(a.global && a.app.is_none());
        assert_eq!(a.info_flag.as_deref(), Some("--docker-options-build"));
        assert_eq!(
            args(&["web", "--a", "--b"])
                .expect_err("two flags")
                .to_string(),
            "docker-options:report command allows only a single flag"
        );
        assert_eq!(
            args(&["--format=xml"]).expect_err("format").to_string(),
            "Format must be \"stdout\" or \"json\": \"xml\""
        );
        assert_eq!(
            args(&["--format", "json", "--x"])
                .expect_err("json+flag")
                .to_string(),
            "--format flag cannot be specified when specifying an info flag"
        );
    }

    #[test]
    fn stdout_layout_pads_to_31_or_the_longest_flag() {
        let Rendered::Stdout { header, lines } =
            sample().render(&ReportArgs::default()).expect("render")
        else {
            panic!("stdout expected")
        };
        assert_eq!(header, "web docker-options information");
        // The longest flag is 40 characters, so labels pad to 40.
        assert_eq!(
            lines,
            [
                "Docker options build:                   ",
                "Docker options deploy:                  -v /a:/b --restart=always",
                "Docker options deploy worker long name: <x>",
            ]
        );
        let mut short = Report::new("ps", "web");
        short.flag("--ps-restore", "true");
        let Rendered::Stdout { lines, .. } = short.render(&ReportArgs::default()).expect("render")
        else {
            panic!("stdout expected")
        };
        assert_eq!(lines, [format!("{:<31}true", "Ps restore:")]);
    }

    #[test]
    fn info_flag_gives_the_raw_value_or_lists_valid_flags() {
        let a = args(&["web", "--docker-options-deploy"]).expect("ok");
        assert_eq!(
            sample().render(&a).expect("value"),
            Rendered::Value("-v /a:/b --restart=always".into())
        );
        let a = args(&["web", "--nope"]).expect("ok");
        assert_eq!(
            sample().render(&a).expect_err("invalid").to_string(),
            "Invalid flag passed, valid flags: --docker-options-build, --docker-options-deploy, --docker-options-deploy.worker-long-name"
        );
    }

    #[test]
    fn json_trims_the_prefix_keeps_legacy_keys_and_escapes_like_go() {
        let mut r = sample();
        r.json_list(
            "deploy-list",
            vec!["-v /a:/b".into(), "--restart=always".into()],
        );
        r.json_list("build-list", vec![]);
        let a = args(&["web", "--format", "json"]).expect("ok");
        assert_eq!(
            r.render(&a).expect("json"),
            Rendered::Json(
                "{\"build\":\"\",\"build-list\":[],\"deploy\":\"-v /a:/b --restart=always\",\
                 \"deploy-list\":[\"-v /a:/b\",\"--restart=always\"],\"deploy.worker-long-name\":\"\\u003cx\\u003e\",\
                 \"docker-options-build\":\"\",\"docker-options-deploy\":\"-v /a:/b --restart=always\",\
                 \"docker-options-deploy.worker-long-name\":\"\\u003cx\\u003e\"}"
                    .into()
            )
        );
        let plain = sample().legacy_keys(false);
        let Rendered::Json(json) = plain.render(&a).expect("json") else {
            panic!("json expected")
        };
        assert!(!json.contains("docker-options-build"), "{json}");
    }

    #[test]
    fn json_without_trimming_keeps_whole_keys() {
        let mut r = Report::new("app", "web").trim_prefix(false);
        r.flag("--app-dir", "/home/dokku/web")
            .flag("--app-locked", "false");
        let a = ReportArgs::parse("apps", &["web".into(), "--format".into(), "json".into()])
            .expect("ok");
        assert_eq!(
            r.render(&a).expect("json"),
            Rendered::Json("{\"app-dir\":\"/home/dokku/web\",\"app-locked\":\"false\"}".into())
        );
    }

    #[test]
    fn labels() {
        assert_eq!(
            label("--app-json-computed-appjson-path"),
            "App json computed appjson path"
        );
        assert_eq!(
            label("--docker-options-deploy.web"),
            "Docker options deploy web"
        );
    }
}
