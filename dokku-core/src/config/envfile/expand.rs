//! godotenv v1.5.1's two value rewrites: backslash escapes (double-quoted values only)
//! and `$VAR` expansion (unquoted and double-quoted values).
//!
//! godotenv does both with regular expressions; these hand-written scanners reproduce
//! the regexes' leftmost, non-overlapping matching exactly, quirks included.

use std::collections::BTreeMap;

/// `expandEscapes`: first `\\.` with `\n`→newline and `\r`→CR (other pairs kept, and
/// `.` never matches a newline), then `\\([^$])`→`$1` (drop the backslash before
/// anything but `$`).
pub(super) fn expand_escapes(s: &str) -> String {
    unescape_chars(&expand_newlines(s))
}

fn expand_newlines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('\\', Some(next)) if next != '\n' => {
                chars.next();
                match next {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    _ => {
                        out.push('\\');
                        out.push(next);
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

fn unescape_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('\\', Some(next)) if next != '$' => {
                chars.next();
                out.push(next);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `expandVariables`: replaces each match of `(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?`.
///
/// - with the leading backslash: the match minus that backslash (a literal `$...`);
/// - else with a name: the value of that key parsed earlier in the same file, or `""`
///   (v1.5.1 does not consult the process environment);
/// - else (`$`, `${`, `$(`, `$}`...): the match unchanged.
///
/// godotenv meant `$(` to be literal too, but tests the wrong capture group, so `$(FOO)`
/// expands `FOO` and keeps the `)`; reproduced here.
pub(super) fn expand_variables(v: &str, vars: &BTreeMap<String, String>) -> String {
    let b = v.as_bytes();
    let mut out = String::with_capacity(v.len());
    let mut copied = 0; // start of the not-yet-copied tail of `v`
    let mut i = 0;
    while i < b.len() {
        let escaped = b[i] == b'\\' && b.get(i + 1) == Some(&b'$');
        if !escaped && b[i] != b'$' {
            i += 1;
            continue;
        }
        // All bytes the pattern can match are ASCII, so every index below is a char
        // boundary.
        let start = i;
        let mut j = if escaped { i + 2 } else { i + 1 };
        if b.get(j) == Some(&b'(') {
            j += 1;
        }
        if b.get(j) == Some(&b'{') {
            j += 1;
        }
        let name_start = j;
        while b
            .get(j)
            .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
        {
            j += 1;
        }
        let name = &v[name_start..j];
        if b.get(j) == Some(&b'}') {
            j += 1;
        }
        out.push_str(&v[copied..start]);
        if escaped {
            out.push_str(&v[start + 1..j]);
        } else if !name.is_empty() {
            out.push_str(vars.get(name).map_or("", String::as_str));
        } else {
            out.push_str(&v[start..j]);
        }
        copied = j;
        i = j;
    }
    out.push_str(&v[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn escapes_follow_godotenv() {
        assert_eq!(expand_escapes(r"bar\n\ b\az"), "bar\n baz");
        assert_eq!(expand_escapes(r"bar\\\n\ b\az"), "bar\\\n baz");
        assert_eq!(expand_escapes(r"bar\\r\ b\az"), "bar\\r baz");
        assert_eq!(
            expand_escapes(r"a\$b"),
            r"a\$b",
            "\\$ survives for expand_variables"
        );
        assert_eq!(expand_escapes(r#"\"\!\`"#), "\"!`");
        assert_eq!(
            expand_escapes("a\\\nb"),
            "a\nb",
            "backslash-newline: only pass 2 applies"
        );
        assert_eq!(expand_escapes("end\\"), "end\\");
    }

    #[test]
    fn variables_follow_godotenv() {
        let v = vars(&[("FOO", "test"), ("lower", "x")]);
        assert_eq!(expand_variables("$FOO", &v), "test");
        assert_eq!(expand_variables("${FOO}bar", &v), "testbar");
        assert_eq!(expand_variables("$MISSING|", &v), "|");
        assert_eq!(expand_variables(r"\$FOO", &v), "$FOO");
        assert_eq!(expand_variables(r"foo\${FOO} ${FOO}", &v), "foo${FOO} test");
        assert_eq!(
            expand_variables("$lower", &v),
            "$lower",
            "lowercase names never match"
        );
        assert_eq!(expand_variables("$ ${ $} ${}", &v), "$ ${ $} ${}");
        assert_eq!(expand_variables("$(FOO)", &v), "test)", "godotenv's $( bug");
        assert_eq!(
            expand_variables("$FOO}x", &v),
            "testx",
            "a stray `}}` is eaten"
        );
        assert_eq!(expand_variables(r"\\$FOO", &v), r"\$FOO");
        assert_eq!(expand_variables("ünï$FOO€", &v), "ünïtest€");
    }
}
