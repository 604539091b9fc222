//! Templates in sigil's language (Go's `text/template` plus sigil's functions), as
//! Dokku renders `nginx.conf.sigil`.
//!
//! Dokku runs `sigil -f TEMPLATE KEY=VALUE...` with the app's config exported, then
//! squeezes repeated blank lines (`| cat -s`). [`render`] does the same in process.
//! The data is a map of strings (`{{ .APP }}`, `{{ $.PROXY_PORT_MAP }}`); `var "KEY"`
//! reads a template variable, else the app's config.
//!
//! Supported, as Go defines them:
//!
//! - actions `{{ pipeline }}`, comments `{{/* ... */}}`, trim markers `{{-` and `-}}`;
//! - `if` / `else if` / `else`, `range` (lists, maps in key order, integers; with
//!   `$i, $v :=` or `$v :=`; `else`), `with` / `else`, `break`, `continue`;
//! - variables `$x := ...`, `$x = ...`, `$` (the data), fields `.KEY`, `$.KEY`,
//!   `$x.KEY`, pipelines `a | f b`, parenthesised pipelines;
//! - Go's functions `and or not len index slice eq ne lt le gt ge print printf println
//!   html urlquery`;
//! - sigil's string and list functions `split join splitkv joinkv default var
//!   capitalize lower upper replace trim indent match substr seq uniq append drop
//!   tojson`.
//!
//! Not supported (an error names the construct): `define`, `template`, `block`, `call`,
//! `js`, floats and complex numbers, and sigil's functions that read files, stdin,
//! commands or the network (`include render file text exists dir dirs files stdin sh
//! httpget json yaml toyaml pointer jmespath base64enc base64dec`).
//!
//! ```
//! use std::collections::BTreeMap;
//! use dokku_core::sigil;
//!
//! let mut vars = BTreeMap::new();
//! vars.insert("PROXY_PORT_MAP".to_string(), "http:80:5000 https:443:5000".to_string());
//! let text = "{{ range $m := .PROXY_PORT_MAP | split \" \" }}{{ index ($m | split \":\") 1 }};{{ end }}";
//! let out = sigil::render("t", text, &vars, &|_| None)?;
//! assert_eq!(out, "80;443;");
//! # Ok::<(), dokku_core::sigil::SigilError>(())
//! ```

mod exec;
pub(crate) mod funcs;
mod parse;
pub mod posix;

use std::collections::BTreeMap;
use std::fmt;

use thiserror::Error;

pub use parse::Template;

/// A template error, worded like Go's: `template: NAME:LINE: message`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("template: {name}:{line}: {message}")]
pub struct SigilError {
    /// The template's name (its file name).
    pub name: String,
    /// The 1-based line of the action at fault.
    pub line: usize,
    /// What went wrong.
    pub message: String,
}

/// A value inside a template.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// No value (a missing key): prints as `<no value>`.
    Nil,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// A list (what `split` returns).
    List(Vec<Value>),
    /// A map with string keys (the data, `splitkv`).
    Map(BTreeMap<String, Value>),
}

impl Value {
    /// Go's truth: false, 0, "", nil, and empty lists and maps are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Str(_) => "string",
            Value::List(_) => "[]interface {}",
            Value::Map(_) => "map[string]interface {}",
        }
    }

    /// The string a string function works on: strings as they are, numbers and
    /// booleans printed, nil as empty (sigil's `String` helper).
    fn as_text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Nil => Some(String::new()),
            Value::List(_) | Value::Map(_) => None,
        }
    }
}

/// Go's `%v`: lists as `[a b]`, maps as `map[k:v]`, nil as `<no value>`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("<no value>"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Str(s) => f.write_str(s),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    match item {
                        Value::Nil => f.write_str("<nil>")?,
                        other => write!(f, "{other}")?,
                    }
                }
                f.write_str("]")
            }
            Value::Map(map) => {
                f.write_str("map[")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{k}:{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// Looks up a name for `var` that is not a template variable (the app's config).
pub type EnvLookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Parses and renders `text` with `vars` as its data, then squeezes runs of blank
/// lines into one, as Dokku's `sigil ... | cat -s` does.
///
/// Each key of `vars` is also the variable `$KEY`, as sigil declares its
/// `KEY=value` arguments.
pub fn render(
    name: &str,
    text: &str,
    vars: &BTreeMap<String, String>,
    env: &EnvLookup<'_>,
) -> Result<String, SigilError> {
    Ok(squeeze_blank_lines(&render_unsqueezed(
        name, text, vars, env,
    )?))
}

/// [`render`] without the blank-line squeeze: what the `sigil` command prints.
pub fn render_unsqueezed(
    name: &str,
    text: &str,
    vars: &BTreeMap<String, String>,
    env: &EnvLookup<'_>,
) -> Result<String, SigilError> {
    let template = Template::parse(name, text)?;
    let data = Value::Map(
        vars.iter()
            .map(|(k, v)| (k.clone(), Value::Str(v.clone())))
            .collect(),
    );
    let declared = vars
        .iter()
        .map(|(k, v)| (format!("${k}"), Value::Str(v.clone())))
        .collect();
    template.execute_with_vars(&data, env, declared)
}

/// `cat -s`: at most one empty line in a row. A line holding only spaces counts as
/// text, as it does for `cat`.
pub fn squeeze_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous_blank = false;
    for line in text.split_inclusive('\n') {
        let blank = line == "\n";
        if blank && previous_blank {
            continue;
        }
        previous_blank = blank;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests;
