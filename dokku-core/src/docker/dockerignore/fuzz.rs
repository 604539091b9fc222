//! Property tests of the `.dockerignore` matcher: the pusher writes the file, so any
//! text and any path are taken without panicking, and matching stays cheap.

use proptest::prelude::*;

use super::DockerIgnore;

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
        let di = DockerIgnore::parse(&text);
        let _ = di.excludes(&path);
        let _ = di.skips_dir(&path);
    }

    #[test]
    fn pattern_like_lines_match_without_panicking(
        lines in prop::collection::vec(pattern_like(), 0..6),
        path in path_like(),
    ) {
        let di = DockerIgnore::parse(&lines.join("\n"));
        let excluded = di.excludes(&path);
        // A directory the walk may skip is itself excluded.
        if di.skips_dir(&path) {
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

/// Many stars against a long name that never matches: remembered answers keep this
/// to a few thousand steps where plain backtracking would never finish.
#[test]
fn many_stars_against_a_long_name_finish() {
    let di = DockerIgnore::parse(&format!("{}b", "*a".repeat(30)));
    let name = "a".repeat(400);
    assert!(!di.excludes(&name));
    let deep = DockerIgnore::parse(&"**/".repeat(30));
    let path = vec!["a"; 200].join("/");
    assert!(deep.excludes(&path));
}
