//! JSON with comments and trailing commas ("JWCC", what Dokku 0.38 accepts in
//! `app.json`): [`standardize`] turns it into plain JSON of the same length, so a
//! parser's line and column still point into the operator's file.

/// Blanks `//` and `/* */` comments and trailing commas (before `}` or `]`) outside
/// strings with spaces, keeping every newline. Text that is not valid JSONC comes out
/// still invalid and the JSON parser reports it; an unclosed `/*` blanks to the end.
pub(crate) fn standardize(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    // The index of the last comma outside strings and comments that no value followed.
    let mut pending_comma: Option<usize> = None;
    // The last byte outside strings, comments and whitespace: a comma is only a
    // trailing one if a value came before it.
    let mut last = b'{';
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                pending_comma = None;
                last = b'"';
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    out[i] = b' ';
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |e| i + 2 + e + 2);
                for b in &mut out[i..end] {
                    if *b != b'\n' {
                        *b = b' ';
                    }
                }
                i = end;
            }
            b',' => {
                pending_comma = (!matches!(last, b'{' | b'[' | b',' | b':')).then_some(i);
                last = b',';
                i += 1;
            }
            b'}' | b']' => {
                if let Some(comma) = pending_comma.take() {
                    out[comma] = b' ';
                }
                last = bytes[i];
                i += 1;
            }
            b if b.is_ascii_whitespace() => i += 1,
            other => {
                pending_comma = None;
                last = other;
                i += 1;
            }
        }
    }
    // Only ASCII bytes were replaced by ASCII spaces, outside multi-byte sequences.
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::standardize;

    #[test]
    fn comments_and_trailing_commas_become_spaces() {
        let text = "{\n  // a comment\n  \"a\": [1, 2,],\n  /* block\n  */ \"b\": \"x // not a comment, \",\n}\n";
        let plain = standardize(text);
        assert_eq!(plain.len(), text.len());
        assert_eq!(plain.lines().count(), text.lines().count());
        let value: serde_json::Value = serde_json::from_str(&plain).expect("plain JSON");
        assert_eq!(value["a"], serde_json::json!([1, 2]));
        assert_eq!(value["b"], "x // not a comment, ");
    }

    #[test]
    fn plain_json_and_escaped_quotes_are_untouched() {
        let text = r#"{"a": "say \"hi\", // there", "b": [{},{}]}"#;
        assert_eq!(standardize(text), text);
    }

    #[test]
    fn a_comma_followed_by_a_value_stays() {
        assert_eq!(standardize("[1,\n 2]"), "[1,\n 2]");
        assert_eq!(
            standardize("[1, /* x */ ]"),
            format!("[1{}]", " ".repeat(10))
        );
    }

    #[test]
    fn broken_text_stays_broken() {
        assert!(
            serde_json::from_str::<serde_json::Value>(&standardize("{\"a\": /* open")).is_err()
        );
        for broken in ["{,}", "[,]", "[1,,]", "{\"a\":,}"] {
            let plain = standardize(broken);
            assert!(
                serde_json::from_str::<serde_json::Value>(&plain).is_err(),
                "{broken} became {plain}"
            );
        }
    }
}
