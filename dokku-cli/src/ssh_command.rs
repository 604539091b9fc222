//! Splitting `SSH_ORIGINAL_COMMAND` into arguments without a shell.
//!
//! Dokku re-runs itself with the words of the ssh command: plain whitespace splitting
//! for git commands (the `'app'` quotes stay and the git plugin strips them), and
//! `xargs`-style splitting with quotes for everything else. Nothing is ever expanded or
//! executed: `;`, `$(...)` and backticks are ordinary characters in a word.

/// Splits on spaces, tabs and newlines only (bash word splitting with `set -f`).
pub(crate) fn split_plain(command: &str) -> Vec<String> {
    command
        .split([' ', '\t', '\n'])
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits like `xargs -n 1`: whitespace separates words; single and double quotes group
/// (no escapes inside them); a backslash outside quotes escapes the next character.
/// An unterminated quote is an error, as it is for xargs.
pub(crate) fn split_xargs(command: &str) -> Result<Vec<String>, String> {
    dokku_core::shell::split_words_strict(command).map_err(|e| format!("{e} in the ssh command"))
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
        assert_eq!(
            split_plain("git-receive-pack 'app'"),
            vec!["git-receive-pack", "'app'"]
        );
    }
}
