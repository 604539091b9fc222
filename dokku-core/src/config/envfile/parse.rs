//! The reader: joho/godotenv v1.5.1 `Parse`, statement by statement.
//!
//! Two notions of "space" are in play, as in godotenv: Go's `unicode.IsSpace` (equal to
//! Rust's `char::is_whitespace`) to find where a statement starts, and godotenv's own
//! `isSpace` (no newline) everywhere else. The key scanner walks *bytes* and classifies
//! each byte as if it were a Latin-1 character, exactly like godotenv.

use std::collections::BTreeMap;
use std::fmt;

use super::expand::{expand_escapes, expand_variables};
use super::goquote::quote;

/// Why godotenv would reject a file. `Display` reproduces godotenv's message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// A byte that cannot be part of a variable name (e.g. `lol$wut`, or a line with no
    /// `=`, whose newline is the offending character).
    UnexpectedCharacter {
        /// The byte, read as a Latin-1 character (as godotenv's `string(byte)` does).
        character: char,
        /// The rest of the file from the start of the statement.
        near: String,
    },
    /// A quoted value whose closing quote never comes.
    UnterminatedQuote {
        /// The value from its opening quote to the end of that line.
        value: String,
    },
    /// An `export` prefix with nothing after it at the end of the file.
    ZeroLengthString,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnexpectedCharacter { character, near } => write!(
                f,
                "unexpected character {} in variable name near {}",
                quote(&character.to_string()),
                quote(near)
            ),
            Self::UnterminatedQuote { value } => write!(f, "unterminated quoted value {value}"),
            Self::ZeroLengthString => f.write_str("zero length string"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Parses ENV file contents into a map, as godotenv v1.5.1 `Parse` does.
///
/// Rules: `\r\n` becomes `\n`; blank lines and lines starting with `#` are skipped; an
/// optional `export ` prefix; the key runs to the first `=` or `:` (letters, digits, `_`
/// and `.` allowed, inner spaces kept, trailing ones trimmed); then the value:
///
/// - unquoted: to the end of the line, minus a trailing ` #comment` (the *last* `#` that
///   follows a space), trimmed, then `$VAR`/`${VAR}` expanded;
/// - `'single'`: literal, ends at the first `'` not preceded by `\`, may span lines;
/// - `"double"`: ends at the first `"` not preceded by `\`, may span lines; `\n`/`\r`
///   expand, `\X` becomes `X` except `\$`, then variables expand (`\$` is a literal `$`).
///
/// In both quoted forms *every* leading and trailing quote character of the raw value is
/// trimmed, which is why godotenv cannot read back a value ending in `"`. Text after a
/// closing quote on the same line starts the next statement unless it is a comment.
///
/// Keys are returned whatever they are (even `""` or `FOO.BAR`); checking them against
/// Dokku's rule is the loader's job. A key given twice keeps its last value.
pub fn parse(src: &str) -> Result<BTreeMap<String, String>, ParseError> {
    let src = src.replace("\r\n", "\n");
    let mut out = BTreeMap::new();
    let mut rest = src.as_str();
    while let Some(statement) = statement_start(rest) {
        let (key, after_key) = locate_key_name(statement)?;
        let (value, after_value) = extract_value(after_key, &out)?;
        out.insert(key, value);
        rest = after_value;
    }
    Ok(out)
}

/// godotenv's `isSpace`: whitespace that is not a line break (but `\r` counts).
pub(super) fn is_dotenv_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{0b}' | '\u{0c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

/// `getStatementStart`: skip whitespace and whole comment lines.
fn statement_start(mut src: &str) -> Option<&str> {
    loop {
        let pos = src.find(|c: char| !c.is_whitespace())?;
        src = &src[pos..];
        if !src.starts_with('#') {
            return Some(src);
        }
        src = &src[src.find('\n')?..];
    }
}

/// `locateKeyName`: returns the key and the text after the separator (left-trimmed).
fn locate_key_name(src: &str) -> Result<(String, &str), ParseError> {
    let mut src = src.trim_start_matches(is_dotenv_space);
    if let Some(trimmed) = src.strip_prefix("export") {
        if trimmed.starts_with(is_dotenv_space) {
            src = trimmed.trim_start_matches(is_dotenv_space);
        }
    }
    if src.is_empty() {
        return Err(ParseError::ZeroLengthString);
    }

    // Byte loop, as in Go (`for i, char := range []byte`). With no separator at all the
    // key is empty and the whole statement becomes the value.
    let mut key_end = None;
    for (i, &byte) in src.as_bytes().iter().enumerate() {
        let latin1 = char::from(byte);
        if is_dotenv_space(latin1) {
            continue;
        }
        match byte {
            b'=' | b':' => {
                key_end = Some(i);
                break;
            }
            b'_' | b'.' => {}
            _ if latin1.is_alphabetic() || latin1.is_numeric() => {}
            _ => {
                return Err(ParseError::UnexpectedCharacter {
                    character: latin1,
                    near: src.to_owned(),
                })
            }
        }
    }
    let (key, value_start) = match key_end {
        Some(i) => (&src[..i], i + 1),
        None => ("", 0),
    };
    let key = key.trim_end_matches(char::is_whitespace).to_owned();
    Ok((key, src[value_start..].trim_start_matches(is_dotenv_space)))
}

/// `extractVarValue`: returns the value and the text after it.
fn extract_value<'a>(
    src: &'a str,
    vars: &BTreeMap<String, String>,
) -> Result<(String, &'a str), ParseError> {
    let quote = match src.as_bytes().first() {
        Some(&q @ (b'"' | b'\'')) => q,
        _ => return Ok(unquoted_value(src, vars)),
    };
    let bytes = src.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i] != quote || bytes[i - 1] == b'\\' {
            continue;
        }
        let q = char::from(quote);
        let raw = src[..i].trim_end_matches(q).trim_start_matches(q);
        let value = if quote == b'"' {
            expand_variables(&expand_escapes(raw), vars)
        } else {
            raw.to_owned()
        };
        return Ok((value, &src[i + 1..]));
    }
    let end = src.find('\n').unwrap_or(src.len());
    Err(ParseError::UnterminatedQuote {
        value: src[..end].to_owned(),
    })
}

fn unquoted_value<'a>(src: &'a str, vars: &BTreeMap<String, String>) -> (String, &'a str) {
    let end_of_line = src.find(['\n', '\r']).unwrap_or(src.len());
    let line: Vec<char> = src[..end_of_line].chars().collect();
    // The last `#` preceded by a space starts a comment (godotenv scans backwards).
    let end_of_var = (1..line.len())
        .rev()
        .find(|&i| line[i] == '#' && is_dotenv_space(line[i - 1]))
        .unwrap_or(line.len());
    let value: String = line[..end_of_var].iter().collect();
    let value = value.trim_matches(is_dotenv_space);
    (expand_variables(value, vars), &src[end_of_line..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str, key: &str) -> String {
        let map = parse(src).unwrap_or_else(|e| panic!("{src:?} should parse: {e}"));
        map.get(key)
            .unwrap_or_else(|| panic!("{src:?} should define {key:?}, got {map:?}"))
            .clone()
    }

    fn err(src: &str) -> String {
        parse(src).expect_err(src).to_string()
    }

    // Cases from godotenv's own test suite (TestParsing and friends).
    #[test]
    fn godotenv_parsing_cases() {
        let cases: &[(&str, &str, &str)] = &[
            ("FOO=bar", "FOO", "bar"),
            ("FOO =bar", "FOO", "bar"),
            ("FOO= bar", "FOO", "bar"),
            (r#"FOO="bar""#, "FOO", "bar"),
            ("FOO='bar'", "FOO", "bar"),
            (r#"FOO="escaped\"bar""#, "FOO", "escaped\"bar"),
            (r#"FOO="'d'""#, "FOO", "'d'"),
            ("OPTION_A: 1", "OPTION_A", "1"),
            ("OPTION_A: Foo=bar", "OPTION_A", "Foo=bar"),
            ("OPTION_A=1:B", "OPTION_A", "1:B"),
            ("export OPTION_A=2", "OPTION_A", "2"),
            (r"export OPTION_B='\n'", "OPTION_B", "\\n"),
            ("export exportFoo=2", "exportFoo", "2"),
            ("exportFOO=2", "exportFOO", "2"),
            ("export_FOO =2", "export_FOO", "2"),
            ("export.FOO= 2", "export.FOO", "2"),
            ("export\tOPTION_A=2", "OPTION_A", "2"),
            ("  export OPTION_A=2", "OPTION_A", "2"),
            ("\texport OPTION_A=2", "OPTION_A", "2"),
            (r#"FOO="bar\nbaz""#, "FOO", "bar\nbaz"),
            ("FOO.BAR=foobar", "FOO.BAR", "foobar"),
            ("FOO=foobar=", "FOO", "foobar="),
            ("FOO=bar ", "FOO", "bar"),
            ("KEY=value value", "KEY", "value value"),
            ("FOO=bar # this is foo", "FOO", "bar"),
            (r#"FOO="bar#baz" # comment"#, "FOO", "bar#baz"),
            ("FOO='bar#baz' # comment", "FOO", "bar#baz"),
            (r#"FOO="bar#baz#bang" # comment"#, "FOO", "bar#baz#bang"),
            (r#"FOO="ba#r""#, "FOO", "ba#r"),
            ("FOO='ba#r'", "FOO", "ba#r"),
            (r#"FOO="bar\n\ b\az""#, "FOO", "bar\n baz"),
            (r#"FOO="bar\\\n\ b\az""#, "FOO", "bar\\\n baz"),
            (r#"FOO="bar\\r\ b\az""#, "FOO", "bar\\r baz"),
            (r#"="value""#, "", "value"),
            (" KEY =value", "KEY", "value"),
            ("   KEY=value", "KEY", "value"),
            ("\tKEY=value", "KEY", "value"),
            ("KEY: value value\n", "KEY", "value value"),
        ];
        for (src, key, value) in cases {
            assert_eq!(one(src, key), *value, "{src:?}");
        }
    }

    #[test]
    fn godotenv_expansion_cases() {
        assert_eq!(one("FOO=test\nBAR=$FOO", "BAR"), "test");
        assert_eq!(one("FOO=test\nBAR=${FOO}bar", "BAR"), "testbar");
        assert_eq!(one("BAR=$FOO", "BAR"), "");
        assert_eq!(one("FOO=test\nBAR=\"quote $FOO\"", "BAR"), "quote test");
        assert_eq!(one("BAR='quote $FOO'", "BAR"), "quote $FOO");
        assert_eq!(one(r#"FOO="foo\$BAR""#, "FOO"), "foo$BAR");
        assert_eq!(one(r#"FOO="foo\${BAR}""#, "FOO"), "foo${BAR}");
        assert_eq!(
            one("FOO=test\nBAR=\"foo\\${FOO} ${FOO}\"", "BAR"),
            "foo${FOO} test"
        );
        // Only keys *earlier* in the file expand.
        assert_eq!(one("BAR=$FOO\nFOO=test", "BAR"), "");
    }

    #[test]
    fn multiline_quoted_values() {
        let src = "A=\"line 1\nline 2\"\nB='x\ny'\nC=3";
        let map = parse(src).expect("parse");
        assert_eq!(map["A"], "line 1\nline 2");
        assert_eq!(map["B"], "x\ny");
        assert_eq!(map["C"], "3");
    }

    #[test]
    fn comments_blank_lines_and_crlf() {
        let src = "# top\r\n\r\n  # indented\r\nA=1\r\n\t\r\nB=\"x\" # trailing\r\nC=a#b\r\n";
        let map = parse(src).expect("parse");
        assert_eq!(map.len(), 3);
        assert_eq!(
            (map["A"].as_str(), map["B"].as_str(), map["C"].as_str()),
            ("1", "x", "a#b")
        );
        assert!(parse("").expect("empty").is_empty());
        assert!(parse("\n\n# only\n").expect("comments").is_empty());
    }

    #[test]
    fn unquoted_comment_cut_is_at_the_last_spaced_hash() {
        assert_eq!(one("A=x #y #z", "A"), "x #y");
        assert_eq!(one("A=#x", "A"), "#x");
        assert_eq!(one("A=x\t#y", "A"), "x");
    }

    #[test]
    fn empty_values() {
        let map = parse("A=\nB=\"\"\nC=''\nD=").expect("parse");
        assert!(map.values().all(String::is_empty), "{map:?}");
        assert_eq!(map.len(), 4);
    }

    #[test]
    fn later_duplicate_wins() {
        assert_eq!(one("A=1\nA=2", "A"), "2");
    }

    #[test]
    fn text_after_a_closing_quote_starts_a_new_statement() {
        let map = parse("A=\"x\"B=y").expect("parse");
        assert_eq!((map["A"].as_str(), map["B"].as_str()), ("x", "y"));
    }

    #[test]
    fn trailing_quote_and_backslash_quirks() {
        // Dokku writes `a"` as "a\"" and reads back `a\`.
        assert_eq!(one(r#"A="a\"""#, "A"), "a\\");
        // Dokku writes `a\` as "a\\" whose closing quote looks escaped.
        assert_eq!(err(r#"A="a\\""#), r#"unterminated quoted value "a\\""#);
        // ...or runs on into the next line, swallowing the next key:
        assert_eq!(
            err("A=\"a\\\\\"\nB=\"b\""),
            r#"unexpected character "\"" in variable name near "b\"""#
        );
        let map = parse("A=\"a\\\\\"\nB=\"").expect("runs on");
        assert_eq!(map.len(), 1);
        assert_eq!(map["A"], "a\\\"\nB=");
    }

    #[test]
    fn error_messages_match_godotenv() {
        assert_eq!(
            err("lol$wut"),
            r#"unexpected character "$" in variable name near "lol$wut""#
        );
        assert_eq!(
            err("A=1\nNOVALUE\nB=2"),
            r#"unexpected character "\n" in variable name near "NOVALUE\nB=2""#
        );
        assert_eq!(err("A='abc\nB=2"), "unterminated quoted value 'abc");
        assert_eq!(err("export "), "zero length string");
        // Byte-wise classification: 0xC3 is "Ã" (a letter), 0xA9 is "©" (not one).
        assert_eq!(
            err("é=1"),
            "unexpected character \"©\" in variable name near \"é=1\""
        );
    }

    #[test]
    fn key_quirks() {
        // A statement without separator at end of file has an empty key.
        assert_eq!(one("A=1\nJUSTTEXT", ""), "JUSTTEXT");
        // Inner spaces are kept in the key; 0xA0 bytes count as spaces.
        assert_eq!(one("A B=1", "A B"), "1");
        assert_eq!(one("à=1", "à"), "1");
    }
}
