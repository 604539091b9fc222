//! Splitting `SSH_ORIGINAL_COMMAND` into arguments without a shell.
//!
//! Dokku re-runs itself with the words of the ssh command: plain whitespace splitting
//! for git commands (the `'app'` quotes stay and the git plugin strips them), and
//! `xargs`-style splitting with quotes for everything else. Nothing is ever expanded or
//! executed: `;`, `$(...)` and backticks are ordinary characters in a word.

/// Splits on spaces, tabs and newlines only (bash word splitting with `set -f`).
pub(crate) fn split_plain(command: &str) -> Vec<String> {
    command.split([' ', '\t', '\n']).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// Splits like `xargs -n 1`: whitespace separates words; single and double quotes group
/// (no escapes inside them); a backslash outside quotes escapes the next character.
/// An unterminated quote is an error, as it is for xargs.
pub(crate) fn split_xargs(command: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' | '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some('\n') | None => {
                            return Err(format!(
                                "unmatched {} quote in the ssh command",
                                if c == '\'' { "single" } else { "double" }
                            ))
                        }
                        Some(other) => word.push(other),
                    }
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
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xargs_split_honours_quotes_and_keeps_metacharacters_literal() {
        assert_eq!(
            split_xargs("config:set app 'A=b c' \"D=$(id)\" `x`;y").expect("split"),
            vec!["config:set", "app", "A=b c", "D=$(id)", "`x`;y"]
        );
        assert!(split_xargs("a 'b").is_err());
    }

    #[test]
    fn plain_split_keeps_quotes() {
        assert_eq!(split_plain("git-receive-pack 'app'"), vec!["git-receive-pack", "'app'"]);
    }
}
