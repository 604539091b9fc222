//! Property tests: any ENV file text parses or fails with godotenv's error, never
//! panics; and what `render` writes reads back to the same values.

use proptest::prelude::*;

use super::{parse, render};
use crate::config::{ConfigKey, Env};

/// Text built from the characters the reader treats specially.
fn envfile_like() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "KEY", "A_1", "=", ":", " ", "\t", "\n", "\r\n", "\r", "#", " #c", "\"", "'", "`", "\\",
        "\\n", "\\\"", "$", "${", "}", "$KEY", "${A_1}", "export ", "x", "é", "\0",
    ]);
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// Values as users set them, minus the one documented corner `render` cannot spell
/// (a value ending in `"` that also holds `'` or CR and cannot be written bare).
fn value() -> impl Strategy<Value = String> {
    "[ -~\\n\\r\\té]{0,16}".prop_filter("the documented lossy corner", |v| {
        !(v.ends_with('"') && (v.contains('\'') || v.contains('\r') || v.contains('\n')))
    })
}

proptest! {
    #![proptest_config(crate::fuzzing::config(1024))]

    #[test]
    fn any_text_never_panics(text in ".{0,64}") {
        let _ = parse(&text);
    }

    #[test]
    fn envfile_like_text_never_panics(text in envfile_like()) {
        let _ = parse(&text);
    }

    #[test]
    fn any_bytes_read_like_the_store_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..128),
    ) {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = parse(text);
        }
    }

    #[test]
    fn rendered_values_read_back(
        pairs in prop::collection::btree_map("[A-Z_][A-Z0-9_]{0,6}", value(), 0..4),
    ) {
        let mut env = Env::new();
        for (k, v) in &pairs {
            env.insert(ConfigKey::new(k.as_str()).expect("generated keys are valid"), v.clone());
        }
        let text = render(&env);
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(&back, &pairs, "{:?}", text);
    }
}
