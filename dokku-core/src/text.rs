//! Text from files and users as it may appear in a message.
//!
//! Error messages quote what they refuse, and what they refuse is often hostile: a
//! Procfile with NUL bytes, a command word with a newline, an app.json key with
//! escape sequences. Quoted through [`printable`], it stays one printable line and
//! cannot rewrite the operator's terminal.

/// Go's `strconv.ParseBool`: how Dokku reads a boolean flag or property.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `text` with control characters escaped (`\n`, `\u{1b}`, ...), cut after `max`
/// characters (with `ellipsis` appended) when `max` is given.
pub fn printable(text: &str, max: Option<usize>, ellipsis: &str) -> String {
    let mut out = String::with_capacity(text.len().min(max.unwrap_or(usize::MAX)));
    for (n, c) in text.chars().enumerate() {
        if max.is_some_and(|max| n >= max) {
            out.push_str(ellipsis);
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_long_text_is_cut() {
        assert_eq!(printable("a\nb\u{1b}[2J", None, ""), "a\\nb\\u{1b}[2J");
        assert_eq!(printable("abcdef", Some(3), "..."), "abc...");
        assert_eq!(printable("abc", Some(3), "..."), "abc");
    }
}
