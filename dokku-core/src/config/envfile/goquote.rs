//! Go's `%q` (`strconv.Quote`), needed only to reproduce godotenv's error messages.

use std::fmt::Write;

/// Quotes `s` as Go's `strconv.Quote` does: `"`-delimited, `\"` and `\\` escaped,
/// non-printable characters as `\n`-style, `\xNN`, `\uNNNN` or `\UNNNNNNNN` escapes.
///
/// Go decides "printable" from Unicode tables we do not carry; [`is_go_printable`]
/// approximates them (controls, non-ASCII spaces, format and private-use characters),
/// so messages about exotic characters may differ from Dokku's.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0b}' => out.push_str("\\v"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Approximates Go's `strconv.IsPrint`: graphic characters and the ASCII space only.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32,
        0xAD | 0x61C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
        | 0xD800..=0xDFFF | 0xE000..=0xF8FF | 0xFEFF | 0xFFF9..=0xFFFB | 0xFFFE | 0xFFFF
        | 0xE0000..=0xE007F | 0xF0000..=0x10FFFF)
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn matches_go_strconv_quote() {
        assert_eq!(quote("lol$wut"), r#""lol$wut""#);
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            quote("x\n\t\r\u{0b}\u{0c}\u{07}\u{08}"),
            r#""x\n\t\r\v\f\a\b""#
        );
        assert_eq!(quote("\u{0}\u{1f}\u{7f}"), r#""\x00\x1f\x7f""#);
        assert_eq!(quote("\u{89}\u{a0}\u{ad}"), r#""\u0089\u00a0\u00ad""#);
        assert_eq!(quote("é©ü日本"), "\"é©ü日本\"");
        assert_eq!(quote("\u{feff}\u{10ffff}"), r#""\ufeff\U0010ffff""#);
    }
}
