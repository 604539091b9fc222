//! sigil's `-p`: POSIX-shell-style variable expansion of a template's text before it
//! is parsed.
//!
//! Supported: `$NAME`, `${NAME}`, `${NAME:-word}` / `${NAME-word}` (default),
//! `${NAME:+word}` / `${NAME+word}` (alternative) and `${NAME:?message}` /
//! `${NAME?message}` (an error when unset). With the colon, an empty value counts as
//! unset. The default and alternative words are taken as they are (no nested
//! expansion). A `$` not followed by a name or `{` is kept. Inside `{{ ... }}` only
//! the braced form expands, so template variables like `{{ $x }}` survive.

/// Expands `text`, looking names up with `lookup`. The error is one line.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut in_action = false;
    while let Some(pos) = rest.find(['$', '{', '}']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("{{") {
            in_action = true;
            out.push_str("{{");
            rest = after;
            continue;
        }
        if let Some(after) = tail.strip_prefix("}}") {
            in_action = false;
            out.push_str("}}");
            rest = after;
            continue;
        }
        if !tail.starts_with('$') {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
            continue;
        }
        let after = &tail[1..];
        if let Some(body) = after.strip_prefix('{') {
            let Some(end) = body.find('}') else {
                return Err(format!("unterminated ${{ in {}", first_line(tail)));
            };
            out.push_str(&braced(&body[..end], lookup)?);
            rest = &body[end + 1..];
            continue;
        }
        let len = name_len(after);
        if len == 0 || in_action {
            out.push('$');
            rest = after;
            continue;
        }
        out.push_str(&lookup(&after[..len]).unwrap_or_default());
        rest = &after[len..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The length of the shell name (`[A-Za-z_][A-Za-z0-9_]*`) at the start of `text`.
fn name_len(text: &str) -> usize {
    let mut len = 0;
    for (i, c) in text.char_indices() {
        let ok = c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit());
        if !ok {
            break;
        }
        len = i + c.len_utf8();
    }
    len
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// One `${...}` body.
fn braced(body: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let len = name_len(body);
    if len == 0 {
        return Err(format!("bad substitution: ${{{body}}}"));
    }
    let name = &body[..len];
    let value = lookup(name);
    let op = &body[len..];
    if op.is_empty() {
        return Ok(value.unwrap_or_default());
    }
    let (colon, op) = match op.strip_prefix(':') {
        Some(op) => (true, op),
        None => (false, op),
    };
    let set = match &value {
        Some(v) => !(colon && v.is_empty()),
        None => false,
    };
    let mut chars = op.chars();
    let kind = chars.next();
    let word = chars.as_str();
    match kind {
        Some('-') => Ok(if set {
            value.unwrap_or_default()
        } else {
            word.to_string()
        }),
        Some('+') => Ok(if set { word.to_string() } else { String::new() }),
        Some('?') if set => Ok(value.unwrap_or_default()),
        Some('?') if word.is_empty() => Err(format!("{name}: parameter null or not set")),
        Some('?') => Err(format!("{name}: {word}")),
        _ => Err(format!("bad substitution: ${{{body}}}")),
    }
}

#[cfg(test)]
mod tests {
    use super::expand;

    fn lookup(name: &str) -> Option<String> {
        match name {
            "name" => Some("Jeff".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn err(text: &str) -> String {
        expand(text, &lookup).expect_err("should fail")
    }

    fn ok(text: &str) -> String {
        expand(text, &lookup).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn plain_and_braced_names() {
        assert_eq!(ok("Hello, $name!"), "Hello, Jeff!");
        assert_eq!(ok("Hello, ${name}s"), "Hello, Jeffs");
        assert_eq!(ok("[$nope]"), "[]");
        assert_eq!(
            ok("cost: $5 and $ alone, {braces}"),
            "cost: $5 and $ alone, {braces}"
        );
    }

    #[test]
    fn defaults_alternatives_and_checks() {
        assert_eq!(ok("${nope:-3} ${name:-x}"), "3 Jeff");
        assert_eq!(ok("${EMPTY:-d}|${EMPTY-d}"), "d|");
        assert_eq!(ok("${name:+set}|${nope:+set}"), "set|");
        assert_eq!(ok("${name:?}"), "Jeff");
        assert_eq!(err("${nope:?}"), "nope: parameter null or not set");
        assert_eq!(err("${nope?gone}"), "nope: gone");
        assert!(err("${").contains("unterminated"));
        assert!(err("${1x}").contains("bad substitution"));
    }

    #[test]
    fn template_variables_survive_inside_actions() {
        assert_eq!(
            ok("{{ $name := \"x\" }}{{ $name }} $name {{ range seq ${n:-2} }}.{{ end }}"),
            "{{ $name := \"x\" }}{{ $name }} Jeff {{ range seq 2 }}.{{ end }}"
        );
    }
}
