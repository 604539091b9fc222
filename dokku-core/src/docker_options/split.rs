//! Turning the OPTION text of `docker-options:add` into stored options, as Dokku 0.38's
//! `SplitOptionString` does: shell words (quotes group, nothing is expanded), grouped
//! at flag boundaries, each group re-serialized with shell quoting where needed so
//! the scheduler's `eval set -- "$line"` gets the words back.

use super::DockerOptionsError;

/// Splits `input` into stored options, lifting any `--process X` / `--process=X` out
/// as process types. Empty input gives nothing.
pub fn split_option_string(input: &str) -> Result<(Vec<String>, Vec<String>), DockerOptionsError> {
    let mut options = Vec::new();
    let mut processes = Vec::new();
    if input.trim().is_empty() {
        return Ok((options, processes));
    }
    let words = words(input)?;
    let mut current: Vec<String> = Vec::new();
    let mut flush = |current: &mut Vec<String>| -> Result<(), DockerOptionsError> {
        if current.is_empty() {
            return Ok(());
        }
        let head = current[0].as_str();
        if head == "--process" {
            match current.len() {
                1 => {
                    return Err(DockerOptionsError::Process(
                        "--process requires a value".into(),
                    ))
                }
                2 => processes.push(current[1].clone()),
                n => {
                    return Err(DockerOptionsError::Process(format!(
                        "--process accepts a single value, got {}",
                        n - 1
                    )))
                }
            }
        } else if let Some(value) = head.strip_prefix("--process=") {
            if current.len() > 1 {
                return Err(DockerOptionsError::Process(
                    "--process=value cannot be followed by additional tokens".into(),
                ));
            }
            processes.push(value.to_string());
        } else {
            options.push(
                current
                    .iter()
                    .map(|w| quote(w))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        current.clear();
        Ok(())
    };
    for word in words {
        if is_flag(&word) && !current.is_empty() {
            flush(&mut current)?;
        }
        current.push(word);
    }
    flush(&mut current)?;
    Ok((options, processes))
}

/// A word that starts a new option: `-x`, `--long`, anything starting with `-` and
/// longer than one character.
fn is_flag(word: &str) -> bool {
    word.len() > 1 && word.starts_with('-')
}

/// Quotes `word` in single quotes when the shell would interpret any of its
/// characters; `''` for the empty word.
pub fn quote(word: &str) -> String {
    if word.is_empty() {
        return "''".to_string();
    }
    const SPECIAL: &[char] = &[
        ' ', '\t', '\n', '"', '\'', '$', '`', '\\', '*', '?', '[', ']', '<', '>', '|', '&', ';',
        '(', ')', '{', '}', '!', '#', '~',
    ];
    if !word.contains(SPECIAL) {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Shell words of `input`, with quote removal but no expansion: `$VAR`, `${...}`,
/// `$(...)` and backquotes are kept as written (spaces inside them do not split).
fn words(input: &str) -> Result<Vec<String>, DockerOptionsError> {
    let chars: Vec<char> = input.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut i = 0;
    let unclosed =
        |what: &str| DockerOptionsError::Parse(format!("reached EOF without closing {what}"));
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                i += 1;
            }
            '\'' => {
                in_word = true;
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '\'')
                    .ok_or_else(|| unclosed("quote '"))?;
                word.extend(&chars[i + 1..i + 1 + end]);
                i += end + 2;
            }
            '"' => {
                in_word = true;
                i += 1;
                loop {
                    let Some(&c) = chars.get(i) else {
                        return Err(unclosed("quote \""));
                    };
                    match c {
                        '"' => {
                            i += 1;
                            break;
                        }
                        '\\' if matches!(chars.get(i + 1), Some('$' | '`' | '"' | '\\')) => {
                            word.push(chars[i + 1]);
                            i += 2;
                        }
                        '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
                        '$' if matches!(chars.get(i + 1), Some('(' | '{')) => {
                            i = copy_expansion(&chars, i, &mut word)
                                .ok_or_else(|| unclosed("expansion"))?;
                        }
                        '`' => {
                            i = copy_backquote(&chars, i, &mut word)
                                .ok_or_else(|| unclosed("quote `"))?
                        }
                        c => {
                            word.push(c);
                            i += 1;
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.get(i + 1) {
                    Some('\n') => {}
                    Some(&next) => word.push(next),
                    None => word.push('\\'),
                }
                i += 2;
            }
            '$' if matches!(chars.get(i + 1), Some('(' | '{')) => {
                in_word = true;
                i = copy_expansion(&chars, i, &mut word).ok_or_else(|| unclosed("expansion"))?;
            }
            '`' => {
                in_word = true;
                i = copy_backquote(&chars, i, &mut word).ok_or_else(|| unclosed("quote `"))?;
            }
            c => {
                in_word = true;
                word.push(c);
                i += 1;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Copies `$(...)` or `${...}` starting at `start` verbatim; returns the index after it.
fn copy_expansion(chars: &[char], start: usize, out: &mut String) -> Option<usize> {
    let (open, close) = if chars[start + 1] == '(' {
        ('(', ')')
    } else {
        ('{', '}')
    };
    let mut depth = 0;
    for (i, &c) in chars.iter().enumerate().skip(start + 1) {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                out.extend(&chars[start..=i]);
                return Some(i + 1);
            }
        }
    }
    None
}

/// Copies a backquoted command substitution verbatim; returns the index after it.
fn copy_backquote(chars: &[char], start: usize, out: &mut String) -> Option<usize> {
    let end = chars[start + 1..].iter().position(|&c| c == '`')? + start + 1;
    out.extend(&chars[start..=end]);
    Some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &str) -> (Vec<String>, Vec<String>) {
        split_option_string(input).expect("splits")
    }

    #[test]
    fn groups_words_at_flag_boundaries() {
        assert_eq!(
            split("-v /a:/b --link db --restart=always").0,
            ["-v /a:/b", "--link db", "--restart=always"]
        );
        assert_eq!(
            split("--build-arg X=Y --build-arg Z=1").0,
            ["--build-arg X=Y", "--build-arg Z=1"]
        );
        assert_eq!(split("   ").0, Vec::<String>::new());
    }

    #[test]
    fn quotes_group_and_are_restored_when_needed() {
        assert_eq!(
            split("--label 'traefik.rule=Host(`a`)'").0,
            ["--label 'traefik.rule=Host(`a`)'"]
        );
        assert_eq!(split("--env \"A=b c\"").0, ["--env 'A=b c'"]);
        assert_eq!(split("--env A=it\\'s").0, ["--env 'A=it'\\''s'"]);
        assert_eq!(split("--label x=").0, ["--label x="]);
        assert_eq!(split("--env ''").0, ["--env ''"]);
    }

    #[test]
    fn nothing_is_expanded() {
        assert_eq!(split("--env A=$HOME").0, ["--env 'A=$HOME'"]);
        assert_eq!(split("--env A=$(echo a b)").0, ["--env 'A=$(echo a b)'"]);
        assert_eq!(split("--env \"A=${X} `id`\"").0, ["--env 'A=${X} `id`'"]);
    }

    #[test]
    fn process_flags_are_lifted() {
        assert_eq!(
            split("--process web -p 80:5000"),
            (vec!["-p 80:5000".to_string()], vec!["web".to_string()])
        );
        assert_eq!(split("--process=worker --init").1, ["worker"]);
        let err = |s: &str| split_option_string(s).expect_err(s).to_string();
        assert_eq!(err("--init --process"), "--process requires a value");
        assert_eq!(
            err("--process a b"),
            "--process accepts a single value, got 2"
        );
        assert_eq!(
            err("--process=a b"),
            "--process=value cannot be followed by additional tokens"
        );
    }

    #[test]
    fn unbalanced_quotes_are_errors() {
        assert_eq!(
            split_option_string("--label 'oops")
                .expect_err("unbalanced")
                .to_string(),
            "Unable to parse docker option: reached EOF without closing quote '"
        );
    }
}
