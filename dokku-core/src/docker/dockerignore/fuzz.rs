//! Property tests of the `.dockerignore` matcher: the pusher writes the file, so any
//! text and any path are taken without panicking, and matching stays cheap.

use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;

use super::{matches, tokenize, DockerIgnore, Token};

/// How long one case may take: a matcher that blows up again fails the test here
/// instead of hanging the suite.
const CASE_LIMIT: Duration = Duration::from_secs(10);

/// Runs `check` on its own thread and fails when it takes longer than `CASE_LIMIT`
/// (the thread is left behind; the test binary ends with it). A panic inside fails
/// the same way, with its message.
fn within_limit<T: Send + 'static>(check: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, answer) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = done.send(check());
    });
    match answer.recv_timeout(CASE_LIMIT) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("matching took over {CASE_LIMIT:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it ends"),
        },
    }
}

/// The plain backtracking reading of the tokens, as the rules say it; exponential, so
/// only for the short patterns and paths here, to check the position-set matcher.
fn reference(tokens: &[Token], text: &[char]) -> bool {
    let Some(token) = tokens.first() else {
        return text.is_empty();
    };
    let rest = &tokens[1..];
    match token {
        Token::Rest => true,
        Token::Star => {
            let run = text.iter().take_while(|&&c| c != '/').count();
            (0..=run).any(|n| reference(rest, &text[n..]))
        }
        Token::Dirs => {
            reference(rest, text)
                || (0..text.len()).any(|j| text[j] == '/' && reference(rest, &text[j + 1..]))
        }
        one => text
            .first()
            .is_some_and(|&c| one.takes(c) && reference(rest, &text[1..])),
    }
}

/// Pattern-like lines built from the characters that mean something.
fn pattern_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("*".to_string()),
            Just("**".to_string()),
            Just("?".to_string()),
            Just("/".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just("^".to_string()),
            Just("-".to_string()),
            Just("\\".to_string()),
            Just("!".to_string()),
            Just("..".to_string()),
            "[ab.]{1,3}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn path_like() -> impl Strategy<Value = String> {
    prop::collection::vec("[ab.]{0,3}", 1..6).prop_map(|parts| parts.join("/"))
}

proptest! {
    #![proptest_config(crate::fuzzing::config(512))]

    #[test]
    fn any_text_and_path_are_taken(text in ".{0,200}", path in ".{0,100}") {
        within_limit(move || {
            let di = DockerIgnore::parse(&text);
            let _ = di.excludes(&path);
            let _ = di.skips_dir(&path);
        });
    }

    #[test]
    fn the_matcher_agrees_with_plain_backtracking(line in pattern_like(), path in path_like()) {
        let tokens = tokenize(&super::clean(&line));
        let chars: Vec<char> = path.chars().collect();
        let matched = within_limit({
            let tokens = tokens.clone();
            move || matches(&tokens, &path)
        });
        prop_assert_eq!(matched, reference(&tokens, &chars), "{:?}", tokens);
    }

    #[test]
    fn pattern_like_lines_match_without_panicking(
        lines in prop::collection::vec(pattern_like(), 0..6),
        path in path_like(),
    ) {
        let (excluded, skipped) = within_limit(move || {
            let di = DockerIgnore::parse(&lines.join("\n"));
            (di.excludes(&path), di.skips_dir(&path))
        });
        // A directory the walk may skip is itself excluded.
        if skipped {
            prop_assert!(excluded);
        }
    }

    #[test]
    fn a_literal_name_excludes_itself_and_what_is_below(name in "[a-z]{1,8}", below in "[a-z]{1,8}") {
        let di = DockerIgnore::parse(&name);
        prop_assert!(di.excludes(&name));
        let child = format!("{name}/{below}");
        prop_assert!(di.excludes(&child));
        let kept = DockerIgnore::parse(&format!("{name}\n!{name}"));
        prop_assert!(!kept.excludes(&name));
    }
}

/// Many stars against a long name that never matches: the position-set matcher keeps this
/// to a few thousand steps where plain backtracking would never finish.
#[test]
fn many_stars_against_a_long_name_finish() {
    within_limit(|| {
        let di = DockerIgnore::parse(&format!("{}b", "*a".repeat(30)));
        let name = "a".repeat(400);
        assert!(!di.excludes(&name));
        let deep = DockerIgnore::parse(&"**/".repeat(100_000));
        let path = vec!["a"; 200].join("/");
        assert!(deep.excludes(&path));
    });
}
