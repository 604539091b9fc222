//! Property tests: any bytes give process types or a one-line error, never a panic;
//! what parses has unique, well-formed names and non-empty commands.

use proptest::prelude::*;

use super::{parse_procfile, parse_procfile_bytes};

/// Lines that look like a Procfile's, with the odd broken one.
fn procfile_like() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "[a-z]{1,4}: [ -~]{0,12}",
        "#[ -~]{0,10}",
        "[ \t]{0,2}",
        "[a-z ]{0,4}",
        ".{0,12}",
    ];
    prop::collection::vec(line, 0..8).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(crate::fuzzing::config(1024))]

    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Err(err) = parse_procfile_bytes(&bytes) {
            prop_assert!(!err.to_string().chars().any(char::is_control), "{}", err);
        }
    }

    #[test]
    fn what_parses_is_well_formed(text in procfile_like()) {
        match parse_procfile(&text) {
            Ok(types) => {
                let mut names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
                names.sort_unstable();
                names.dedup();
                prop_assert_eq!(names.len(), types.len(), "a type twice in {:?}", text);
                for t in &types {
                    prop_assert!(!t.command.is_empty());
                    prop_assert!(!t.command.contains('\0'));
                    prop_assert!(t
                        .name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
                }
            }
            Err(err) => prop_assert!(!err.to_string().chars().any(char::is_control), "{}", err),
        }
    }
}
