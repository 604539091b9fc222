//! The Engine API's JSON answers printed as docker CLI 28 prints them, so a caller
//! cannot tell which of the two answered (`calls`).

use serde_json::Value;

/// The CLI's short id: the part after `sha256:` (or any `algo:`), 12 characters.
pub(crate) fn short_id(id: &str) -> &str {
    let id = id.split_once(':').map_or(id, |(_, hex)| hex);
    id.get(..12).unwrap_or(id)
}

/// `container ls --quiet`: one id per container, in the API's order.
pub(crate) fn container_ids(list: &Value, full: bool) -> String {
    let mut out = String::new();
    for c in list.as_array().into_iter().flatten() {
        let id = c["Id"].as_str().unwrap_or_default();
        out.push_str(if full { id } else { short_id(id) });
        out.push('\n');
    }
    out
}

/// `image ls --quiet`: the CLI prints one row per repository tag (and one per
/// repository known only by digest), so an image tagged twice shows twice, and a
/// dangling one once; `--quiet` shows each row's short id.
pub(crate) fn image_ids(list: &Value) -> String {
    let mut out = String::new();
    for image in list.as_array().into_iter().flatten() {
        let id = short_id(image["Id"].as_str().unwrap_or_default());
        for _ in 0..image_rows(image) {
            out.push_str(id);
            out.push('\n');
        }
    }
    out
}

/// How many rows the CLI's image table gives `image` (its `imageFormat`).
fn image_rows(image: &Value) -> usize {
    let strings = |key: &str| -> Vec<&str> {
        image[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    };
    let tags = strings("RepoTags");
    let digests = strings("RepoDigests");
    let dangling = (tags.is_empty() && digests.is_empty())
        || (tags == ["<none>:<none>"] && digests == ["<none>@<none>"]);
    if dangling {
        return 1;
    }
    // Tags that parse as `name:tag`, grouped by repository; repositories seen only
    // in digests get one `<none>` row each.
    let tagged_repos: Vec<String> = tags
        .iter()
        .filter_map(|t| {
            let slash = t.rfind('/').map_or(0, |i| i + 1);
            let colon = slash + t[slash..].rfind(':')?;
            let (name, tag) = (&t[..colon], &t[colon + 1..]);
            (!name.contains('<') && !tag.is_empty()).then(|| familiar(name))
        })
        .collect();
    let mut digest_only: Vec<String> = digests
        .iter()
        .filter_map(|d| {
            let (name, _) = d.split_once('@')?;
            (!name.contains('<')).then(|| familiar(name))
        })
        .filter(|repo| !tagged_repos.contains(repo))
        .collect();
    digest_only.sort();
    digest_only.dedup();
    tagged_repos.len() + digest_only.len()
}

/// A repository name as the CLI shows it (`docker.io/library/x` is `x`).
fn familiar(name: &str) -> String {
    let name = name.strip_prefix("docker.io/").unwrap_or(name);
    match name.strip_prefix("library/") {
        Some(rest) if !rest.contains('/') => rest.to_string(),
        _ => name.to_string(),
    }
}

/// A decoded value as the CLI's template function `json` prints it (Go's encoder
/// with HTML escaping off): object keys sorted, U+2028 and U+2029 escaped.
pub(crate) fn go_json(value: &Value) -> String {
    let sorted = sort_keys(value);
    let text = sorted.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// `value` with every object's keys in byte order (serde_json keeps insertion order
/// only with a feature another crate of the workspace might turn on).
fn sort_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sort_keys(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}

/// `container inspect`'s output: the engine's raw answers in a JSON array, laid out
/// as Go's `json.Indent` with four spaces does (tokens kept byte for byte, so the
/// engine's key order and escapes stay), and a newline; `[]` when there are none.
pub(crate) fn inspect_array(raw: &[String]) -> String {
    if raw.is_empty() {
        return "[]\n".to_string();
    }
    let joined = format!("[{}]", raw.join(","));
    let mut out = indent(&joined);
    out.push('\n');
    out
}

/// Go's `json.Indent(dst, src, "", "    ")` for valid JSON `src`: whitespace between
/// tokens dropped, each element on its own line, empty `{}`/`[]` kept together.
fn indent(src: &str) -> String {
    let mut out = String::with_capacity(src.len() * 2);
    let mut depth = 0usize;
    // Set after an opening bracket until the first element: an empty one closes
    // without a newline.
    let mut just_opened = false;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("    ");
        }
    };
    for c in src.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c.is_ascii_whitespace() {
            continue;
        }
        if just_opened && c != ']' && c != '}' {
            just_opened = false;
            newline(&mut out, depth);
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                depth += 1;
                just_opened = true;
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if just_opened {
                    just_opened = false;
                } else {
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

/// `image rm`'s lines for the engine's list of what it untagged and deleted.
pub(crate) fn removed_images(items: &Value) -> String {
    let mut out = String::new();
    for item in items.as_array().into_iter().flatten() {
        match item["Deleted"].as_str().filter(|d| !d.is_empty()) {
            Some(deleted) => out.push_str(&format!("Deleted: {deleted}\n")),
            None => out.push_str(&format!(
                "Untagged: {}\n",
                item["Untagged"].as_str().unwrap_or_default()
            )),
        }
    }
    out
}

/// `image prune`'s report: the deleted images (lower-case, as the CLI's prune
/// prints them), a blank line, and the space reclaimed.
pub(crate) fn prune_report(report: &Value) -> String {
    let mut out = String::new();
    let deleted = report["ImagesDeleted"].as_array().filter(|a| !a.is_empty());
    if let Some(items) = deleted {
        out.push_str("Deleted Images:\n");
        for item in items {
            match item["Untagged"].as_str().filter(|u| !u.is_empty()) {
                Some(untagged) => out.push_str(&format!("untagged: {untagged}\n")),
                None => out.push_str(&format!(
                    "deleted: {}\n",
                    item["Deleted"].as_str().unwrap_or_default()
                )),
            }
        }
        out.push('\n');
    }
    let reclaimed = report["SpaceReclaimed"].as_u64().unwrap_or(0);
    out.push_str(&format!(
        "Total reclaimed space: {}\n",
        human_size(reclaimed)
    ));
    out
}

/// go-units' `HumanSize`: decimal units, four significant digits, trailing zeros
/// dropped (`0B`, `1.99MB`, `12.35kB`).
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit < UNITS.len() - 1 {
        size /= 1000.0;
        unit += 1;
    }
    // `%.4g` for 0 <= size < 1000: four significant digits in fixed notation.
    let decimals = match size {
        s if s >= 100.0 => 1,
        s if s >= 10.0 => 2,
        _ => 3,
    };
    let mut text = format!("{size:.decimals$}");
    // Rounding may have carried into a fifth digit (`999.96` → `1000.0`): Go's `%g`
    // keeps four, which `{:.0}` of the same value gives.
    if text.len() - 1 > 4 + usize::from(text.starts_with("0.")) {
        text = format!("{size:.0}");
    }
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{text}{}", UNITS[unit])
}

/// How the CLI shows an engine error: `Error response from daemon: MESSAGE`, the
/// message from the JSON body (or the body itself when it is not JSON).
pub(crate) fn daemon_error(body: &str) -> String {
    let message = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| body.trim().to_string());
    format!("Error response from daemon: {message}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_cut_as_the_cli_cuts_them() {
        let list = json!([{"Id": "0123456789abcdef0123"}, {"Id": "fedcba9876543210"}]);
        assert_eq!(container_ids(&list, false), "0123456789ab\nfedcba987654\n");
        assert_eq!(
            container_ids(&list, true),
            "0123456789abcdef0123\nfedcba9876543210\n"
        );
        assert_eq!(container_ids(&json!([]), true), "");
        assert_eq!(short_id("sha256:3cfd90da8cc9d944c5637"), "3cfd90da8cc9");
    }

    #[test]
    fn an_image_shows_once_per_tag_and_once_when_dangling() {
        let list = json!([
            {"Id": "sha256:aaaaaaaaaaaa1111", "RepoTags": ["x/a:1", "x/a:2", "b:latest"], "RepoDigests": null},
            {"Id": "sha256:bbbbbbbbbbbb2222", "RepoTags": ["<none>:<none>"], "RepoDigests": ["<none>@<none>"]},
            {"Id": "sha256:cccccccccccc3333", "RepoTags": null, "RepoDigests": null},
            {"Id": "sha256:dddddddddddd4444", "RepoTags": ["docker.io/library/busybox:1"],
             "RepoDigests": ["busybox@sha256:1", "busybox@sha256:2", "other/x@sha256:3"]},
            {"Id": "sha256:eeeeeeeeeeee5555", "RepoTags": [], "RepoDigests": ["web@sha256:4"]},
        ]);
        assert_eq!(
            image_ids(&list),
            "aaaaaaaaaaaa\naaaaaaaaaaaa\naaaaaaaaaaaa\nbbbbbbbbbbbb\ncccccccccccc\n\
             dddddddddddd\ndddddddddddd\neeeeeeeeeeee\n"
        );
    }

    #[test]
    fn template_json_is_gos() {
        assert_eq!(go_json(&Value::Null), "null");
        assert_eq!(
            go_json(&json!({"z": "1", "a": "<b>&\u{2028}", "m": {"y": {}, "b": {}}})),
            r#"{"a":"<b>&\u2028","m":{"b":{},"y":{}},"z":"1"}"#
        );
    }

    #[test]
    fn inspect_output_is_indented_as_go_indents() {
        assert_eq!(inspect_array(&[]), "[]\n");
        let raw = vec![
            "{\"Id\":\"a\",\"Args\":[],\"Cfg\":{\"L\":{},\"E\":[\"A=1\",\"B=\\\"x, y\\\"\"]},\"N\":null}\n".to_string(),
            "{\"Id\":\"b\"}\n".to_string(),
        ];
        assert_eq!(
            inspect_array(&raw),
            "[\n    {\n        \"Id\": \"a\",\n        \"Args\": [],\n        \"Cfg\": {\n            \"L\": {},\n            \"E\": [\n                \"A=1\",\n                \"B=\\\"x, y\\\"\"\n            ]\n        },\n        \"N\": null\n    },\n    {\n        \"Id\": \"b\"\n    }\n]\n"
        );
    }

    #[test]
    fn removals_and_prunes_report_as_the_cli_does() {
        let rm = json!([{"Untagged": "x:1"}, {"Deleted": "sha256:ab"}]);
        assert_eq!(removed_images(&rm), "Untagged: x:1\nDeleted: sha256:ab\n");
        let report = json!({"ImagesDeleted": [{"Untagged": "x:1"}, {"Deleted": "sha256:ab"}],
                            "SpaceReclaimed": 1986348});
        assert_eq!(
            prune_report(&report),
            "Deleted Images:\nuntagged: x:1\ndeleted: sha256:ab\n\nTotal reclaimed space: 1.986MB\n"
        );
        assert_eq!(
            prune_report(&json!({"ImagesDeleted": null, "SpaceReclaimed": 0})),
            "Total reclaimed space: 0B\n"
        );
    }

    #[test]
    fn sizes_are_go_units() {
        for (bytes, text) in [
            (0, "0B"),
            (999, "999B"),
            (1000, "1kB"),
            (1500, "1.5kB"),
            (12_345, "12.35kB"),
            (123_456, "123.5kB"),
            (999_960, "1000kB"),
            (1_990_000, "1.99MB"),
            (5_000_000_000, "5GB"),
        ] {
            assert_eq!(human_size(bytes), text, "{bytes}");
        }
    }

    #[test]
    fn errors_carry_the_engines_message() {
        assert_eq!(
            daemon_error(r#"{"message":"No such container: x"}"#),
            "Error response from daemon: No such container: x"
        );
        assert_eq!(daemon_error("oops\n"), "Error response from daemon: oops");
    }
}
