//! Property tests: whatever bytes the engine sends, the trace decoder and the chunked
//! reader answer or fail, never panic; whatever arguments a call has, the shape
//! parser answers or refuses, never panics, and never lets a space, line break or
//! other control character reach a URL path; whatever Dockerfile a push brings, the
//! reader of its base images answers or sends the build to the CLI, never panics.

use std::io::Read;

use proptest::prelude::*;

use super::base_images;
use super::chunked::ChunkedReader;
use super::shapes::{self, Shape};
use super::trace;

/// Every value of `shape` that goes into a URL path, and the rename's new name
/// (which goes into a query, percent-encoded, yet must still be one line).
fn path_values(shape: &Shape) -> Vec<&str> {
    match shape {
        Shape::ContainerList { .. }
        | Shape::ImageList { .. }
        | Shape::ImagePrune { .. }
        | Shape::LoggingDriver => Vec::new(),
        Shape::ImageInspect { image, .. } => vec![image],
        Shape::ContainerInspect { ids }
        | Shape::ContainerRemove { ids, .. }
        | Shape::ImageRemove { ids } => ids.iter().map(String::as_str).collect(),
        Shape::ContainerStart { id }
        | Shape::ContainerStop { id, .. }
        | Shape::ContainerRestartPolicy { id, .. } => vec![id],
        Shape::ContainerRename { id, name } => vec![id, name],
        Shape::ImageTag { source, repo, tag } => vec![source, repo, tag],
    }
}

/// Words a call may hold: the shapes' own, and anything at all.
fn word() -> impl Strategy<Value = String> {
    let known = prop::sample::select(vec![
        "container",
        "image",
        "system",
        "ls",
        "inspect",
        "start",
        "stop",
        "rename",
        "update",
        "rm",
        "prune",
        "tag",
        "info",
        "--quiet",
        "--all",
        "--no-trunc",
        "--force",
        "--filter",
        "--format",
        "{{.Id}}",
        "{{json .Config.Labels}}",
        "{{ .LoggingDriver }}",
        "-t=3",
        "--restart=no",
        "--restart=on-failure:2",
        "label=dokku",
        "web.web.1",
        "dokku/web:latest",
        "sha256:abc",
    ])
    .prop_map(str::to_string);
    let spoiled = (
        known.clone(),
        prop::sample::select(vec![" ", "\r\n", "\n", "\t", "\0", "/../", "?", "#", "%"]),
        any::<bool>(),
    )
        .prop_map(|(w, bad, front)| {
            if front {
                format!("{bad}{w}")
            } else {
                format!("{w}{bad}")
            }
        });
    prop_oneof![4 => known, 2 => spoiled, 1 => ".{0,16}"]
}

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

    #[test]
    fn any_arguments_parse_or_are_refused_and_paths_stay_clean(
        args in proptest::collection::vec(word(), 0..9),
    ) {
        if let Some(shape) = shapes::parse(&args) {
            for value in path_values(&shape) {
                prop_assert!(
                    !value.chars().any(|c| c.is_whitespace() || c.is_control()),
                    "{value:?} from {args:?}"
                );
            }
        }
    }

    #[test]
    fn a_name_in_a_path_position_never_carries_whitespace(
        template in prop::sample::select(vec![
            "container start ID", "container stop -t=1 ID", "container rm --force ID ID",
            "container inspect ID", "container update --restart=always ID",
            "container rename ID ID", "image rm ID", "image tag ID ID",
        ]),
        id in prop_oneof![word(), "[a-z0-9 ./:@\r\n-]{1,12}"],
    ) {
        let args: Vec<String> = template
            .split(' ')
            .map(|w| if w == "ID" { id.clone() } else { w.to_string() })
            .collect();
        if let Some(shape) = shapes::parse(&args) {
            for value in path_values(&shape) {
                prop_assert!(
                    !value.chars().any(|c| c.is_whitespace() || c.is_control())
                        && !value.split('/').any(|s| s == ".."),
                    "{value:?} from {args:?}"
                );
            }
        }
    }
}
