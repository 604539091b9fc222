//! Property tests: any bytes give a manifest or a one-line error, never a panic.

use proptest::prelude::*;

use super::Manifest;

/// Text built from TOML's pieces and the manifest's own keys.
fn toml_like() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "[plugin]",
        "[plugin.config]",
        "[plugin.native]",
        "[[command]]",
        "[[trigger]]",
        "[plugin",
        "]",
        "[",
        "\n",
        " = ",
        "=",
        "description",
        "version",
        "help",
        "name",
        "usage",
        "library",
        "builtin",
        "\"x\"",
        "'y'",
        "\"\"\"",
        "5",
        "1.5",
        "true",
        "[]",
        "{}",
        "{ a = 1 }",
        "#",
        ".",
        "\\",
        "\"\\u00e9\"",
        "é",
        "\0",
        "\r",
    ]);
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(crate::fuzzing::config(1024))]

    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Err(err) = Manifest::parse_bytes(&bytes) {
            prop_assert!(!err.to_string().chars().any(char::is_control), "{}", err);
        }
    }

    #[test]
    fn toml_like_text_never_panics(text in toml_like()) {
        if let Err(err) = Manifest::parse(&text) {
            prop_assert!(!err.to_string().chars().any(char::is_control), "{}", err);
        }
    }
}
