//! Property tests: whatever bytes the engine sends, the trace decoder and the chunked
//! reader answer or fail, never panic; whatever Dockerfile a push brings, the reader
//! of its base images answers or sends the build to the CLI, never panics, and never
//! names an image a request line could not carry.

use std::io::Read;

use proptest::prelude::*;

use super::base_images;
use super::chunked::ChunkedReader;
use super::trace;

/// `data` sent chunked, cut at `cuts` (sizes in hex of either case, some with an
/// extension), ending with the last chunk.
fn encode_chunked(data: &[u8], cuts: &[usize], upper: bool) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut rest = data;
    for (i, cut) in cuts.iter().enumerate() {
        let (piece, tail) = rest.split_at((*cut).min(rest.len()));
        rest = tail;
        if piece.is_empty() {
            continue;
        }
        let size = if upper {
            format!("{:X}", piece.len())
        } else {
            format!("{:x}", piece.len())
        };
        let ext = if i % 2 == 1 { ";x=y" } else { "" };
        raw.extend_from_slice(format!("{size}{ext}\r\n").as_bytes());
        raw.extend_from_slice(piece);
        raw.extend_from_slice(b"\r\n");
    }
    if !rest.is_empty() {
        raw.extend_from_slice(format!("{:x}\r\n", rest.len()).as_bytes());
        raw.extend_from_slice(rest);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    raw
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
    fn any_dockerfile_is_read_or_left_to_the_cli(
        text in "((FROM|from|ARG|COPY|RUN|ADD|# syntax=|# escape=)?[ a-z0-9$:{}=\\-_/.`#\"'\n]{0,40}){0,8}",
        arg in "[a-z$:{}-]{0,12}",
    ) {
        let args = [("A".to_string(), arg)].into();
        if let Ok(images) = base_images::needed(&text, &args) {
            for image in images {
                prop_assert!(!image.is_empty());
                prop_assert!(!image.contains(char::is_whitespace), "{image:?}");
            }
        }
    }

    #[test]
    fn well_formed_bodies_give_back_their_data(
        data in proptest::collection::vec(any::<u8>(), 0..300),
        cuts in proptest::collection::vec(0usize..70, 0..8),
        upper in any::<bool>(),
    ) {
        let raw = encode_chunked(&data, &cuts, upper);
        let mut out = Vec::new();
        ChunkedReader::new(&raw[..]).read_to_end(&mut out).expect("a well-formed body");
        prop_assert_eq!(out, data);
    }
}
