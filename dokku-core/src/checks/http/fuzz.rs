//! Property tests: any bytes from a container give an answer or an error, never a
//! panic.

use proptest::prelude::*;

use super::{dechunk, parse_response};

/// Answers shaped like HTTP, so the chunked path is reached often.
fn chunked_answer() -> impl Strategy<Value = Vec<u8>> {
    let chunk = (0usize..40, proptest::collection::vec(any::<u8>(), 0..40));
    proptest::collection::vec(chunk, 0..6).prop_map(|chunks| {
        let mut raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for (size, data) in chunks {
            raw.extend_from_slice(format!("{size:x}\r\n").as_bytes());
            raw.extend_from_slice(&data);
            raw.extend_from_slice(b"\r\n");
        }
        raw
    })
}

proptest! {
    #![proptest_config(crate::fuzzing::config(512))]

    #[test]
    fn any_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_response(&raw);
        let _ = dechunk(&raw);
    }

    #[test]
    fn chunked_answers_never_panic(raw in chunked_answer()) {
        let answer = parse_response(&raw).expect("a well-formed head");
        prop_assert_eq!(answer.status, 200);
    }
}
