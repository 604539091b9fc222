//! Shell-style word splitting for argument strings Dokku builds by concatenation
//! (`docker-args-*` trigger output, `$DOKKU_GLOBAL_BUILD_ARGS`), and quoting for the
//! rare places a command line is handed to a shell.
//!
//! Splitting follows `xargs`: whitespace separates words, single and double quotes
//! group (no escapes inside them), a backslash outside quotes escapes the next
//! character. Nothing is expanded or executed.

/// Splits `text` into words. An unterminated quote keeps the rest of the text as one
/// word rather than failing: these strings come from trusted plugins, and dropping
/// an argument silently would be worse.
pub fn split_words(text: &str) -> Vec<String> {
    split(text).words
}

/// An unterminated quote in text that must split cleanly (an ssh command line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unmatched {} quote", if *.0 == '\'' { "single" } else { "double" })]
pub struct UnmatchedQuote(pub char);

/// Splits `text` into words like [`split_words`], but an unterminated quote is an
/// error, as it is for `xargs`. Used for user input such as `SSH_ORIGINAL_COMMAND`.
pub fn split_words_strict(text: &str) -> Result<Vec<String>, UnmatchedQuote> {
    let split = split(text);
    match split.unmatched {
        Some(quote) => Err(UnmatchedQuote(quote)),
        None => Ok(split.words),
    }
}

struct Split {
    words: Vec<String>,
    unmatched: Option<char>,
}

fn split(text: &str) -> Split {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut unmatched = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' | '"' => {
                in_word = true;
                let mut closed = false;
                for q in chars.by_ref() {
                    if q == c {
                        closed = true;
                        break;
                    }
                    word.push(q);
                }
                if !closed {
                    unmatched = Some(c);
                }
            }
            '\\' => {
                in_word = true;
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            other => {
                in_word = true;
                word.push(other);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Split { words, unmatched }
}

/// Quotes `word` for a POSIX shell (single quotes, `'` as `'\''`), leaving plain
/// words as they are.
pub fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_xargs() {
        assert_eq!(
            split_words(" --label=dokku  --env='A B' \"--x=y z\" a\\ b\n"),
            vec!["--label=dokku", "--env=A B", "--x=y z", "a b"]
        );
        assert!(split_words("   ").is_empty());
    }

    #[test]
    fn quotes_for_sh() {
        assert_eq!(quote("abc"), "abc");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote(""), "''");
    }
}
