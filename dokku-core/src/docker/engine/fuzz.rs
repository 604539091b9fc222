//! Property tests: whatever bytes the engine sends, the trace decoder and the chunked
//! reader answer or fail, never panic.

use std::io::Read;

use proptest::prelude::*;

use super::chunked::ChunkedReader;
use super::trace;

/// Bodies shaped like chunked encoding, so the chunk paths are reached often.
fn chunked_body() -> impl Strategy<Value = Vec<u8>> {
    let chunk = (0usize..40, proptest::collection::vec(any::<u8>(), 0..40));
    proptest::collection::vec(chunk, 0..6).prop_map(|chunks| {
        let mut raw = Vec::new();
        for (size, data) in chunks {
            raw.extend_from_slice(format!("{size:x}\r\n").as_bytes());
            raw.extend_from_slice(&data);
            raw.extend_from_slice(b"\r\n");
        }
        raw
    })
}

proptest! {
    #![proptest_config(crate::fuzzing::config(1024))]

    #[test]
    fn any_bytes_decode_or_fail(raw in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(status) = trace::decode(&raw) {
            let _ = trace::Renderer::new().render(&status);
        }
    }

    #[test]
    fn any_body_dechunks_or_fails(raw in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut out = Vec::new();
        let _ = ChunkedReader::new(&raw[..]).read_to_end(&mut out);
    }

    #[test]
    fn chunk_shaped_bodies_dechunk_or_fail(raw in chunked_body()) {
        let mut out = Vec::new();
        if ChunkedReader::new(&raw[..]).read_to_end(&mut out).is_ok() {
            prop_assert!(out.len() <= raw.len());
        }
    }
}
