//! `config:export --format`: the nine output formats, byte-compatible with Dokku.

use std::fmt;
use std::str::FromStr;

use super::{envfile, gojson, ConfigError, Env};

/// An export format of `config:export --format` (default [`ExportFormat::Exports`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ExportFormat {
    /// `export K='v'` lines joined by `\n` (what `eval` in docker-local consumes).
    #[default]
    Exports,
    /// The ENV file syntax, without the final newline (godotenv `Marshal`).
    Envfile,
    /// `--env=K='v' --env=K2='v2'`.
    DockerArgs,
    /// `--env=K --env=K2`: names only; docker copies the values from its environment.
    DockerArgsKeys,
    /// `--env K --env K2`, for `pack build`.
    PackKeys,
    /// `K='v' K2='v2'`, space-joined.
    Shell,
    /// The columnized table of `config:show` (see [`pretty`]).
    Pretty,
    /// One-line JSON object, keys sorted, HTML characters escaped as Go does.
    Json,
    /// `[{"name":"K","value":"v"},...]`; an empty env is `null` (a Dokku quirk, kept).
    JsonList,
}

impl ExportFormat {
    /// Every format, in Dokku's documentation order.
    pub const ALL: [Self; 9] = [
        Self::Exports,
        Self::Envfile,
        Self::DockerArgs,
        Self::DockerArgsKeys,
        Self::PackKeys,
        Self::Shell,
        Self::Pretty,
        Self::Json,
        Self::JsonList,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Exports => "exports",
            Self::Envfile => "envfile",
            Self::DockerArgs => "docker-args",
            Self::DockerArgsKeys => "docker-args-keys",
            Self::PackKeys => "pack-keys",
            Self::Shell => "shell",
            Self::Pretty => "pretty",
            Self::Json => "json",
            Self::JsonList => "json-list",
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExportFormat {
    type Err = ConfigError;
    /// Parses a format name; anything else is `Unknown export format: <F>`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|format| format.as_str() == s)
            .ok_or_else(|| ConfigError::UnknownFormat {
                format: s.to_owned(),
            })
    }
}

/// Renders `env` in `format`, without a trailing newline (the CLI adds Dokku's).
pub fn export(env: &Env, format: ExportFormat) -> String {
    match format {
        ExportFormat::Exports => quoted_entries(env, "export ", "\n"),
        ExportFormat::Envfile => envfile::marshal(env),
        ExportFormat::DockerArgs => quoted_entries(env, "--env=", " "),
        ExportFormat::DockerArgsKeys => keys_with_prefix(env, "--env="),
        ExportFormat::PackKeys => keys_with_prefix(env, "--env "),
        ExportFormat::Shell => quoted_entries(env, "", " "),
        ExportFormat::Pretty => pretty(env, ""),
        ExportFormat::Json => gojson::object(env.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        ExportFormat::JsonList => json_list(env),
    }
}

/// `value` in single quotes for a POSIX shell, each `'` written as `'\''`
/// (also what `config:get --quoted` prints).
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// The `config` / `config:show` table: one row per key, sorted, `KEY:` padded to the
/// longest `KEY:`, two spaces, then the value; every line starts with `prefix`, and
/// there is no trailing newline. `config:set` echoes its pairs with a 7-space prefix.
///
/// This is ryanuber/columnize as Dokku configures it: cells are whitespace-trimmed,
/// widths count characters, and the last column is not padded (so an empty value
/// leaves `KEY:` plus padding and two spaces).
pub fn pretty(env: &Env, prefix: &str) -> String {
    // Dokku builds `KEY:\0value` rows and lets columnize split on NUL; a NUL inside a
    // value therefore makes an extra column there too.
    let rows: Vec<Vec<&str>> = env
        .iter()
        .map(|(key, value)| {
            let mut cells = vec![key.as_str()];
            cells.extend(value.split('\0'));
            cells
        })
        .collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(i, text)| {
                    let text = if i == 0 {
                        format!("{text}:")
                    } else {
                        (*text).to_owned()
                    };
                    text.trim().to_owned()
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = Vec::new();
    for row in &rows {
        for (i, text) in row.iter().enumerate() {
            let width = text.chars().count();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|row| {
            let mut line = prefix.to_owned();
            for (i, text) in row.iter().enumerate() {
                line.push_str(text);
                if i + 1 < row.len() {
                    let pad = widths[i].saturating_sub(text.chars().count());
                    line.push_str(&" ".repeat(pad + 2));
                }
            }
            line
        })
        .collect();
    lines.join("\n")
}

fn quoted_entries(env: &Env, prefix: &str, separator: &str) -> String {
    env.iter()
        .map(|(key, value)| format!("{prefix}{key}={}", shell_quote(value)))
        .collect::<Vec<_>>()
        .join(separator)
}

fn keys_with_prefix(env: &Env, prefix: &str) -> String {
    env.keys()
        .map(|key| format!("{prefix}{key}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn json_list(env: &Env) -> String {
    // Go marshals a nil slice as `null`; Dokku never allocates the slice when empty.
    if env.is_empty() {
        return "null".to_owned();
    }
    let items: Vec<String> = env
        .iter()
        .map(|(key, value)| gojson::object([("name", key.as_str()), ("value", value.as_str())]))
        .collect();
    format!("[{}]", items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigKey;

    fn env(pairs: &[(&str, &str)]) -> Env {
        pairs
            .iter()
            .map(|(k, v)| (ConfigKey::new(*k).expect("valid key"), (*v).to_owned()))
            .collect()
    }

    fn sample() -> Env {
        env(&[("B_KEY", "it's <b>"), ("A", "1")])
    }

    #[test]
    fn names_round_trip_and_unknown_is_an_error() {
        for format in ExportFormat::ALL {
            assert_eq!(
                format.as_str().parse::<ExportFormat>().expect("known"),
                format
            );
        }
        assert_eq!(ExportFormat::default(), ExportFormat::Exports);
        let err = "yaml".parse::<ExportFormat>().expect_err("unknown");
        assert_eq!(err.to_string(), "Unknown export format: yaml");
    }

    #[test]
    fn shell_family() {
        let e = sample();
        assert_eq!(
            export(&e, ExportFormat::Exports),
            "export A='1'\nexport B_KEY='it'\\''s <b>'"
        );
        assert_eq!(
            export(&e, ExportFormat::Shell),
            "A='1' B_KEY='it'\\''s <b>'"
        );
        assert_eq!(
            export(&e, ExportFormat::DockerArgs),
            "--env=A='1' --env=B_KEY='it'\\''s <b>'"
        );
        assert_eq!(
            export(&e, ExportFormat::DockerArgsKeys),
            "--env=A --env=B_KEY"
        );
        assert_eq!(export(&e, ExportFormat::PackKeys), "--env A --env B_KEY");
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }

    #[test]
    fn envfile_and_json() {
        let e = sample();
        assert_eq!(export(&e, ExportFormat::Envfile), "A=1\nB_KEY=\"it's <b>\"");
        assert_eq!(
            export(&e, ExportFormat::Json),
            r#"{"A":"1","B_KEY":"it's \u003cb\u003e"}"#
        );
        assert_eq!(
            export(&e, ExportFormat::JsonList),
            r#"[{"name":"A","value":"1"},{"name":"B_KEY","value":"it's \u003cb\u003e"}]"#
        );
    }

    #[test]
    fn empty_env() {
        let e = Env::new();
        assert_eq!(export(&e, ExportFormat::Json), "{}");
        assert_eq!(export(&e, ExportFormat::JsonList), "null");
        for format in [
            ExportFormat::Exports,
            ExportFormat::Envfile,
            ExportFormat::Shell,
            ExportFormat::DockerArgs,
            ExportFormat::DockerArgsKeys,
            ExportFormat::PackKeys,
            ExportFormat::Pretty,
        ] {
            assert_eq!(export(&e, format), "", "{format}");
        }
    }

    #[test]
    fn pretty_columnizes_like_dokku() {
        let e = env(&[
            ("DATABASE_URL", "postgres://x"),
            ("A", "  padded  "),
            ("EMPTY", ""),
        ]);
        assert_eq!(
            pretty(&e, ""),
            "A:             padded\nDATABASE_URL:  postgres://x\nEMPTY:         "
        );
        assert_eq!(
            pretty(&env(&[("K", "v"), ("LONGER", "w")]), "       "),
            "       K:       v\n       LONGER:  w"
        );
        assert_eq!(export(&e, ExportFormat::Pretty), pretty(&e, ""));
    }

    #[test]
    fn pretty_keeps_multiline_values_and_counts_chars() {
        assert_eq!(pretty(&env(&[("K", "a\nb")]), ""), "K:  a\nb");
        assert_eq!(
            pretty(&env(&[("K", "ü"), ("KK", "x")]), ""),
            "K:   ü\nKK:  x"
        );
    }
}
