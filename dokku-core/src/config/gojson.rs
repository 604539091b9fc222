//! JSON text exactly as Go's `encoding/json` writes it, for the `json` and `json-list`
//! export formats (serde_json differs: it does not escape `<`, `>`, `&`, U+2028/9).

use std::fmt::Write;

/// Appends `s` as a Go-style JSON string: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`;
/// other control characters as `\u00xx`; and the HTML-sensitive `<`, `>`, `&` plus
/// U+2028/U+2029 as `\u003c`-style escapes (Go's default `HTMLEscape`).
pub(crate) fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON object of string pairs, in the order given (callers pass sorted pairs, as Go
/// sorts map keys).
pub(crate) fn object<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_string(&mut out, key);
        out.push(':');
        push_string(&mut out, value);
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_go() {
        let mut out = String::new();
        push_string(
            &mut out,
            "a\"b\\c\n\r\t\u{8}\u{c}\u{1}<>&\u{2028}\u{2029}\u{7f}é",
        );
        assert_eq!(
            out,
            r#""a\"b\\c\n\r\t\b\f\u0001\u003c\u003e\u0026\u2028\u2029"#.to_owned() + "\u{7f}é\""
        );
    }

    #[test]
    fn objects() {
        assert_eq!(object([]), "{}");
        assert_eq!(
            object([("a", "1"), ("b", "<")]),
            r#"{"a":"1","b":"\u003c"}"#
        );
    }
}
