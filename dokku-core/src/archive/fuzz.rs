//! Property tests of the archive checker: any bytes are read without panicking, and
//! whatever member list the checker accepts, extracted in order (each path followed
//! through the links made before it), never writes outside the extraction directory.

use std::collections::HashMap;

use proptest::prelude::*;

use super::tar::{build, read_entries};
use super::{check_tar_entries, Limits};

/// Path-like strings built from the parts that matter: `..`, `.`, `/`, names.
fn path_like() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        Just("..".to_string()),
        Just(".".to_string()),
        Just(String::new()),
        "[ab]{1,2}",
        Just("a..b".to_string()),
    ];
    (any::<bool>(), prop::collection::vec(part, 1..4)).prop_map(|(abs, parts)| {
        let joined = parts.join("/");
        if abs {
            format!("/{joined}")
        } else {
            joined
        }
    })
}

fn flag() -> impl Strategy<Value = u8> {
    prop_oneof![Just(b'0'), Just(b'5'), Just(b'2'), Just(b'1'), Just(b'3')]
}

/// Resolves `path` (relative to the root) through `links` as the kernel would while
/// extracting; `None` when it leaves the root (or loops).
fn resolve(links: &HashMap<Vec<String>, String>, path: &str, depth: u32) -> Option<Vec<String>> {
    if depth > 16 || path.starts_with('/') {
        return None;
    }
    let mut at: Vec<String> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                at.pop()?;
            }
            name => {
                at.push(name.to_string());
                if let Some(target) = links.get(&at) {
                    at.pop();
                    let base = at.join("/");
                    let joined = if base.is_empty() {
                        target.clone()
                    } else {
                        format!("{base}/{target}")
                    };
                    at = resolve(links, &joined, depth + 1)?;
                }
            }
        }
    }
    Some(at)
}

proptest! {
    #![proptest_config(crate::fuzzing::config(1024))]

    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_entries(&mut bytes.as_slice(), true);
    }

    #[test]
    fn accepted_archives_stay_inside(
        members in prop::collection::vec((path_like(), flag(), path_like()), 1..6)
    ) {
        let mut tar = Vec::new();
        for (name, flag, link) in &members {
            build::member(&mut tar, name, *flag, link, b"");
        }
        build::finish(&mut tar);
        let entries = read_entries(&mut tar.as_slice(), false).expect("a tar we built");
        if check_tar_entries(&entries, &Limits::default()).is_ok() {
            let mut links: HashMap<Vec<String>, String> = HashMap::new();
            for (name, flag, link) in &members {
                // The member's parent directory is reached through earlier links.
                let (parent, base) = match name.trim_end_matches('/').rsplit_once('/') {
                    Some((p, b)) => (p, b),
                    None => ("", name.trim_end_matches('/')),
                };
                let dir = resolve(&links, parent, 0);
                prop_assert!(dir.is_some(), "{:?} escapes in {:?}", name, members);
                let mut at = dir.unwrap_or_default();
                if base.is_empty() || base == "." {
                    continue;
                }
                at.push(base.to_string());
                if *flag == b'2' {
                    // Where the link points must be inside too.
                    let parent_path = at[..at.len() - 1].join("/");
                    let target = if parent_path.is_empty() {
                        link.clone()
                    } else {
                        format!("{parent_path}/{link}")
                    };
                    prop_assert!(resolve(&links, &target, 0).is_some(),
                        "{:?} -> {:?} escapes in {:?}", name, link, members);
                    links.insert(at, link.clone());
                } else {
                    links.remove(&at);
                }
            }
        }
    }
}
