//! The writer: godotenv v1.5.1 `Marshal`/`Write`, minus its data-losing cases.
//!
//! # What we write, and why it differs from Dokku in three corners
//!
//! Dokku writes each pair as `KEY="<escaped>"` (escaping `\`, newline, CR, `"`, `!`, `$`
//! and backtick, in that order), except that a value Go's `strconv.Atoi` accepts is
//! written bare and re-formatted with `%d`. Lines are sorted and joined with `\n`, plus
//! a final `\n`. Read back with godotenv, that loses data in three cases:
//!
//! 1. integers that are not in canonical form: `007` reads back as `7`, `+5` as `5`,
//!    `-0` as `0`;
//! 2. a value ending in `\`: the closing quote looks escaped, so the reader runs on into
//!    the next line or fails with `unterminated quoted value`;
//! 3. a value ending in `"`: the reader trims every trailing quote, so `a"` reads back
//!    as `a\`.
//!
//! Our rule: **the bytes are Dokku's whenever Dokku's bytes read back correctly, and
//! otherwise we pick a spelling that Dokku's own reader decodes to the exact value**:
//!
//! 1. non-canonical integers are double-quoted like any string (`KEY="007"`);
//! 2. a value ending in `\` gets one extra closing quote (`KEY="a\\""`): godotenv skips
//!    the escaped-looking quote, stops at the next one, and trims the surplus quote;
//! 3. a value ending in `"` is single-quoted (`KEY='say "hi"'`) when it holds no `'`
//!    and no CR; failing that it is written bare, with `$` escaped as `\$`, when it is
//!    one line with no surrounding space, no leading quote and no ` #`.
//!
//! The one remaining case (ends in `"`, holds a `'` or CR, and cannot be bare, e.g. a
//! multi-line value) has no spelling godotenv reads back exactly; we keep Dokku's bytes
//! and its quirk (the trailing `"` reads back as `\`).

use super::parse::is_dotenv_space;
use crate::config::Env;

/// The ENV file contents for `env`: sorted `KEY=value` lines, each ending in `\n`
/// (an empty env is a single `\n`, as Dokku writes it).
pub fn render(env: &Env) -> String {
    let mut out = marshal(env);
    out.push('\n');
    out
}

/// godotenv's `Marshal`: the sorted lines joined by `\n`, without a final newline
/// (the `envfile` export format).
pub fn marshal(env: &Env) -> String {
    let mut lines: Vec<String> = env
        .iter()
        .map(|(key, value)| format!("{key}={}", encode_value(value)))
        .collect();
    // godotenv sorts whole lines, not keys; keep that so our bytes equal Dokku's.
    lines.sort();
    lines.join("\n")
}

/// The right-hand side of `KEY=` for `value`; see the module docs for the rules.
fn encode_value(value: &str) -> String {
    if is_canonical_int(value) {
        return value.to_owned();
    }
    let quoted = format!("\"{}\"", escape_double_quoted(value));
    if value.ends_with('\\') {
        return quoted + "\"";
    }
    if value.ends_with('"') {
        if !value.contains(['\'', '\r']) {
            return format!("'{value}'");
        }
        if let Some(bare) = bare_form(value) {
            return bare;
        }
    }
    quoted
}

/// Whether Dokku would write `value` bare *and* it reads back unchanged: Go's
/// `strconv.Atoi` accepts it (`[+-]?[0-9]+` within `i64`) and `%d` reproduces it.
fn is_canonical_int(value: &str) -> bool {
    value.parse::<i64>().is_ok_and(|n| n.to_string() == value)
}

/// godotenv's `doubleQuoteEscape`, with its replacement order.
pub(super) fn escape_double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '!' => out.push_str("\\!"),
            '$' => out.push_str("\\$"),
            '`' => out.push_str("\\`"),
            c => out.push(c),
        }
    }
    out
}

/// The unquoted spelling of `value`, if godotenv's unquoted rules read it back exactly.
fn bare_form(value: &str) -> Option<String> {
    let first = value.chars().next()?;
    let last = value.chars().next_back()?;
    let chars: Vec<char> = value.chars().collect();
    let has_comment = chars
        .windows(2)
        .any(|pair| pair[1] == '#' && is_dotenv_space(pair[0]));
    let safe = !value.contains(['\n', '\r'])
        && !matches!(first, '"' | '\'')
        && !is_dotenv_space(first)
        && !is_dotenv_space(last)
        && !has_comment;
    // Unquoted values only go through variable expansion, where `\$` is a literal `$`.
    safe.then(|| value.replace('$', "\\$"))
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;
    use crate::config::ConfigKey;

    fn env(pairs: &[(&str, &str)]) -> Env {
        pairs
            .iter()
            .map(|(k, v)| (ConfigKey::new(*k).expect("valid key"), (*v).to_owned()))
            .collect()
    }

    /// Dokku's writer, byte for byte (godotenv v1.5.1 `Marshal`), to compare against.
    fn dokku_marshal(env: &Env) -> String {
        let mut lines: Vec<String> = env
            .iter()
            .map(|(k, v)| match v.parse::<i64>() {
                Ok(n) => format!("{k}={n}"),
                Err(_) => format!("{k}=\"{}\"", escape_double_quoted(v)),
            })
            .collect();
        lines.sort();
        lines.join("\n")
    }

    /// The values we knowingly leave lossy (see the module docs).
    fn is_residual(v: &str) -> bool {
        v.ends_with('"') && v.contains(['\'', '\r']) && bare_form(v).is_none()
    }

    fn roundtrip(value: &str) -> String {
        let e = env(&[("K", value)]);
        let parsed = parse(&render(&e)).expect("our output must parse");
        parsed
            .get("K")
            .cloned()
            .unwrap_or_else(|| panic!("K missing for {value:?}"))
    }

    #[test]
    fn writes_dokkus_format() {
        let e = env(&[("foo", "bar"), ("baz", "buzz"), ("N", "10"), ("NEG", "-3")]);
        assert_eq!(render(&e), "N=10\nNEG=-3\nbaz=\"buzz\"\nfoo=\"bar\"\n");
        assert_eq!(marshal(&e), "N=10\nNEG=-3\nbaz=\"buzz\"\nfoo=\"bar\"");
        assert_eq!(render(&Env::new()), "\n");
        assert_eq!(marshal(&Env::new()), "");
    }

    #[test]
    fn escapes_in_godotenvs_order() {
        let e = env(&[("k", "\\\n\r\"!$`'x")]);
        assert_eq!(marshal(&e), r#"k="\\\n\r\"\!\$\`'x""#);
    }

    #[test]
    fn sorts_whole_lines_like_godotenv() {
        // '=' (0x3D) sorts before '_' (0x5F): A=... comes before A_B=...
        let e = env(&[("A_B", "1"), ("A", "2"), ("AB", "3")]);
        assert_eq!(marshal(&e), "A=2\nAB=3\nA_B=1");
    }

    #[test]
    fn values_round_trip_exactly() {
        for value in [
            "",
            "plain",
            "with space",
            "  padded  ",
            "say \"hi\" there",
            "it's",
            "a=b=c",
            "$HOME",
            "${HOME}",
            "\\$HOME",
            "$(cmd)",
            "back\\slash",
            "\\n literal",
            "line1\nline2",
            "crlf\r\nend",
            "\r",
            "bang!",
            "`tick`",
            "ünïcödé ✓ 日本",
            "#hash",
            "a #b",
            "\t",
            "'single'",
            "\"",
            "a\\",
            "\\",
            "\\\\",
            "x\"",
            "say \"hi\"",
            "\"quoted\"",
            "it's \"x\"",
            "007",
            "+5",
            "-0",
            "00",
            "99999999999999999999",
            "1_000",
            "0x1F",
            "\u{0}nul",
            "\u{85}\u{a0}",
        ] {
            assert_eq!(roundtrip(value), value, "{value:?}");
        }
    }

    #[test]
    fn improved_spellings_are_pinned() {
        let line = |v: &str| marshal(&env(&[("K", v)]));
        assert_eq!(line("007"), r#"K="007""#);
        assert_eq!(line("+5"), r#"K="+5""#);
        assert_eq!(line("-0"), r#"K="-0""#);
        assert_eq!(line("7"), "K=7");
        assert_eq!(line("a\\"), r#"K="a\\"""#);
        assert_eq!(line("say \"hi\""), r#"K='say "hi"'"#);
        assert_eq!(line("it's \"x\""), r#"K=it's "x""#);
        assert_eq!(line("it's $\"x\""), r#"K=it's \$"x""#);
    }

    #[test]
    fn residual_quirk_is_kept_and_pinned() {
        // Ends in `"`, holds `'`, and is multi-line: no exact spelling exists.
        let value = "it's\n\"x\"";
        assert!(is_residual(value));
        assert_eq!(marshal(&env(&[("K", value)])), r#"K="it's\n\"x\"""#);
        assert_eq!(roundtrip(value), "it's\n\"x\\");
    }

    /// A tiny deterministic generator (no dependency): xorshift64.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn generated_values_round_trip_and_match_dokku_bytes_where_dokku_is_right() {
        const ALPHABET: &[char] = &[
            'a', 'Z', '0', '7', '+', '-', ' ', '\t', '\n', '\r', '"', '\'', '\\', '$', '{', '}',
            '(', ')', '!', '`', '#', '=', ':', 'é', '✓', '\u{a0}', 'N', 'n', 'r',
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut residual = 0;
        for _ in 0..20_000 {
            let len = (rng.next() % 8) as usize;
            let value: String = (0..len)
                .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
                .collect();
            let e = env(&[("K", &value)]);
            let ours = marshal(&e);
            let parsed = parse(&render(&e)).expect("our output must parse");
            if is_residual(&value) {
                residual += 1;
                assert_eq!(ours, dokku_marshal(&e), "residual keeps Dokku's bytes");
                continue;
            }
            assert_eq!(
                parsed.get("K"),
                Some(&value),
                "{value:?} written as {ours:?}"
            );
            let dokku = dokku_marshal(&e);
            let dokku_reads_back = parse(&(dokku.clone() + "\n"))
                .ok()
                .and_then(|m| m.get("K").cloned())
                == Some(value.clone());
            if dokku_reads_back {
                assert_eq!(ours, dokku, "must equal Dokku's bytes for {value:?}");
            }
        }
        assert!(residual > 0, "the generator should reach the residual case");
    }

    #[test]
    fn many_keys_round_trip_together() {
        let e = env(&[
            ("A", "a\\"),
            ("B", "b\""),
            ("C", "line\nnext"),
            ("D", "$A"),
            ("E", "007"),
            ("F", ""),
        ]);
        let parsed = parse(&render(&e)).expect("parse");
        let back: Env = parsed
            .into_iter()
            .map(|(k, v)| (ConfigKey::new(k).expect("valid"), v))
            .collect();
        assert_eq!(back, e);
    }
}
