//! The argument lists of the docker calls the Engine API answers in place of the CLI
//! (`calls`), read into a [`Shape`]; anything else is `None` and stays with the CLI.
//!
//! Only the exact forms [`crate::docker::Docker`]'s typed methods emit are accepted:
//! an unknown flag, a missing or extra argument, a value with no safe place in a URL
//! or a filter the CLI would refuse all give `None`, so the CLI keeps every case whose
//! behaviour we have not reproduced.

use std::collections::BTreeMap;

/// `--filter K=V` values, as the API's `filters` query: key, then the set of values.
pub(crate) type Filters = BTreeMap<String, BTreeMap<String, bool>>;

/// One call the API can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `container ls --quiet [--no-trunc] [--all] [--filter K=V]...`
    ContainerList {
        all: bool,
        full_ids: bool,
        filters: Filters,
    },
    /// `image ls --quiet --all [--filter K=V]...`
    ImageList { filters: Filters },
    /// `image inspect --format F IMAGE`
    ImageInspect { field: ImageField, image: String },
    /// `container inspect ID...`
    ContainerInspect { ids: Vec<String> },
    /// `container start ID`
    ContainerStart { id: String },
    /// `container rename ID NAME`
    ContainerRename { id: String, name: String },
    /// `container stop [-t=N] ID`
    ContainerStop { id: String, timeout: Option<u32> },
    /// `container update --restart=POLICY ID`
    ContainerRestartPolicy {
        id: String,
        name: &'static str,
        retries: u32,
    },
    /// `container rm [--force] ID...`
    ContainerRemove { ids: Vec<String>, force: bool },
    /// `image rm ID...`
    ImageRemove { ids: Vec<String> },
    /// `image prune --all --force [--filter K=V]...` (`--all`: `dangling=false`)
    ImagePrune { filters: Filters },
    /// `image tag SRC DST`, DST split into the API's `repo` and `tag`.
    ImageTag {
        source: String,
        repo: String,
        tag: String,
    },
    /// `system info --format {{ .LoggingDriver }}`
    LoggingDriver,
}

/// The `image inspect --format` templates we render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageField {
    /// `{{.Id}}`
    Id,
    /// `{{json .Config.Labels}}`
    Labels,
    /// `{{json .Config.ExposedPorts}}`
    ExposedPorts,
}

/// Reads `args` (everything after `docker`) as one of the shapes, or `None`.
pub(crate) fn parse(args: &[String]) -> Option<Shape> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["container", "ls", rest @ ..] => container_list(rest),
        ["image", "ls", rest @ ..] => image_list(rest),
        ["image", "inspect", "--format", format, image] => Some(Shape::ImageInspect {
            field: image_field(format)?,
            image: path_value(image)?,
        }),
        ["container", "inspect", ids @ ..] => Some(Shape::ContainerInspect { ids: ids_of(ids)? }),
        ["container", "start", id] => Some(Shape::ContainerStart {
            id: path_value(id)?,
        }),
        ["container", "rename", id, name] => Some(Shape::ContainerRename {
            id: path_value(id)?,
            name: container_name(name)?,
        }),
        ["container", "stop", id] => Some(Shape::ContainerStop {
            id: path_value(id)?,
            timeout: None,
        }),
        ["container", "stop", timeout, id] => Some(Shape::ContainerStop {
            id: path_value(id)?,
            timeout: Some(number(timeout.strip_prefix("-t=")?)?),
        }),
        ["container", "update", policy, id] => {
            let (name, retries) = restart_policy(policy.strip_prefix("--restart=")?)?;
            Some(Shape::ContainerRestartPolicy {
                id: path_value(id)?,
                name,
                retries,
            })
        }
        ["container", "rm", "--force", ids @ ..] => Some(Shape::ContainerRemove {
            ids: ids_of(ids)?,
            force: true,
        }),
        ["container", "rm", ids @ ..] => Some(Shape::ContainerRemove {
            ids: ids_of(ids)?,
            force: false,
        }),
        ["image", "rm", ids @ ..] => Some(Shape::ImageRemove { ids: ids_of(ids)? }),
        ["image", "prune", rest @ ..] => image_prune(rest),
        ["image", "tag", source, target] => {
            let (repo, tag) = tag_target(target)?;
            Some(Shape::ImageTag {
                source: path_value(source)?,
                repo,
                tag,
            })
        }
        ["system", "info", "--format", format] => {
            let inner = format.strip_prefix("{{")?.strip_suffix("}}")?;
            (inner.trim() == ".LoggingDriver").then_some(Shape::LoggingDriver)
        }
        _ => None,
    }
}

/// Flags and filters of `container ls`; `--quiet` is required (we print only ids).
fn container_list(rest: &[&str]) -> Option<Shape> {
    let (mut quiet, mut all, mut full_ids) = (false, false, false);
    let filters = flags_and_filters(rest, |flag| {
        let seen = match flag {
            "--quiet" => &mut quiet,
            "--all" => &mut all,
            "--no-trunc" => &mut full_ids,
            _ => return false,
        };
        !std::mem::replace(seen, true)
    })?;
    quiet.then_some(Shape::ContainerList {
        all,
        full_ids,
        filters,
    })
}

/// `image ls --quiet --all`, in any order, with filters.
fn image_list(rest: &[&str]) -> Option<Shape> {
    let (mut quiet, mut all) = (false, false);
    let filters = flags_and_filters(rest, |flag| {
        let seen = match flag {
            "--quiet" => &mut quiet,
            "--all" => &mut all,
            _ => return false,
        };
        !std::mem::replace(seen, true)
    })?;
    (quiet && all).then_some(Shape::ImageList { filters })
}

/// `image prune --all --force`, in any order, with filters. `--all` is what makes
/// the CLI send `dangling=false`; a `dangling` filter of our own would clash with it.
fn image_prune(rest: &[&str]) -> Option<Shape> {
    let (mut all, mut force) = (false, false);
    let mut filters = flags_and_filters(rest, |flag| {
        let seen = match flag {
            "--all" => &mut all,
            "--force" => &mut force,
            _ => return false,
        };
        !std::mem::replace(seen, true)
    })?;
    if !(all && force) || filters.contains_key("dangling") {
        return None;
    }
    filters.insert("dangling".into(), BTreeMap::from([("false".into(), true)]));
    Some(Shape::ImagePrune { filters })
}

/// Walks `words`: `--filter K=V` (or `--filter=K=V`) pairs into filters, every other
/// word through `flag` (which answers whether it is a known flag not seen before).
fn flags_and_filters(words: &[&str], mut flag: impl FnMut(&str) -> bool) -> Option<Filters> {
    let mut filters = Filters::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        i += 1;
        let value = match word.strip_prefix("--filter") {
            Some("") => {
                i += 1;
                *words.get(i - 1)?
            }
            Some(inline) => inline.strip_prefix('=')?,
            None if flag(word) => continue,
            None => return None,
        };
        let (key, value) = filter(value)?;
        filters.entry(key).or_default().insert(value, true);
    }
    Some(filters)
}

/// `K=V` as the CLI's filter option reads it: the key trimmed and lower-cased, the
/// value trimmed. The CLI refuses a word without `=` and skips an empty one; both
/// stay with it, as does anything with a control character.
fn filter(word: &str) -> Option<(String, String)> {
    if word.chars().any(char::is_control) {
        return None;
    }
    let (key, value) = word.split_once('=')?;
    let key = key.trim().to_ascii_lowercase();
    (!key.is_empty()).then(|| (key, value.trim().to_string()))
}

fn image_field(format: &str) -> Option<ImageField> {
    match format {
        "{{.Id}}" => Some(ImageField::Id),
        "{{json .Config.Labels}}" => Some(ImageField::Labels),
        "{{json .Config.ExposedPorts}}" => Some(ImageField::ExposedPorts),
        _ => None,
    }
}

/// One or more ids/names, each safe in a URL path.
fn ids_of(words: &[&str]) -> Option<Vec<String>> {
    if words.is_empty() {
        return None;
    }
    words.iter().map(|w| path_value(w)).collect()
}

/// A name or id that goes into a URL path: only `[A-Za-z0-9._:/@-]`, not starting
/// with `-` (a flag) or `/`, and no empty, `.` or `..` segment (the engine's router
/// would resolve those to another endpoint).
pub(crate) fn path_value(word: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._:/@-".contains(c);
    let fine = !word.is_empty()
        && !word.starts_with('-')
        && word.chars().all(allowed)
        && word.split('/').all(|s| !matches!(s, "" | "." | ".."));
    fine.then(|| word.to_string())
}

/// A new container name as the engine accepts one (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`);
/// the engine would refuse any other, so the CLI may say so.
fn container_name(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let fine = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && word.len() > 1
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    fine.then(|| word.to_string())
}

/// A decimal count (no sign, no spaces).
fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N` as the API's
/// policy name and retry count.
fn restart_policy(policy: &str) -> Option<(&'static str, u32)> {
    match policy {
        "no" => Some(("no", 0)),
        "always" => Some(("always", 0)),
        "unless-stopped" => Some(("unless-stopped", 0)),
        "on-failure" => Some(("on-failure", 0)),
        other => Some(("on-failure", number(other.strip_prefix("on-failure:")?)?)),
    }
}

/// `image tag`'s target as the CLI sends it: `repo` and `tag` (`latest` when none).
/// Only plain lower-case names: a digest, a `docker.io/` prefix the CLI would shorten
/// or anything its reference grammar might refuse stays with the CLI.
fn tag_target(target: &str) -> Option<(String, String)> {
    let last_slash = target.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match target[last_slash..].rfind(':') {
        Some(i) => target.split_at(last_slash + i),
        None => (target, ":latest"),
    };
    let tag = &tag[1..];
    let repo_ok = path_value(repo).is_some()
        && !repo.contains('@')
        && !repo.starts_with("docker.io/")
        && !repo.starts_with("index.docker.io/")
        && repo.len() <= 255
        && repo.split('/').enumerate().all(|(i, part)| {
            // A registry host (the first of several parts) may carry a port.
            let host = i == 0 && repo.contains('/') && part.contains(['.', ':']);
            part.chars().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || "._-".contains(c)
                    || (host && c == ':')
            }) && part.starts_with(|c: char| c.is_ascii_alphanumeric())
                && part.ends_with(|c: char| c.is_ascii_alphanumeric())
        });
    let tag_ok = !tag.is_empty()
        && tag.len() <= 128
        && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    (repo_ok && tag_ok).then(|| (repo.to_string(), tag.to_string()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `line` split at spaces, except inside a `{{ ... }}` template.
    pub(crate) fn words(line: &str) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        let mut open = false;
        for piece in line.split(' ') {
            match words.last_mut() {
                Some(last) if open => {
                    last.push(' ');
                    last.push_str(piece);
                }
                _ => words.push(piece.to_string()),
            }
            let last = words.last().map(String::as_str).unwrap_or_default();
            open = last.starts_with("{{") && !last.ends_with("}}");
        }
        words
    }

    fn shape(line: &str) -> Option<Shape> {
        parse(&words(line))
    }

    fn filters(pairs: &[(&str, &str)]) -> Filters {
        let mut f = Filters::new();
        for (k, v) in pairs {
            f.entry(k.to_string())
                .or_default()
                .insert(v.to_string(), true);
        }
        f
    }

    #[test]
    fn the_typed_methods_calls_are_read() {
        assert_eq!(
            shape("container ls --quiet --no-trunc --all --filter label=com.dokku.app-name=web --filter label=dokku"),
            Some(Shape::ContainerList {
                all: true,
                full_ids: true,
                filters: filters(&[("label", "com.dokku.app-name=web"), ("label", "dokku")]),
            })
        );
        assert_eq!(
            shape("container ls --quiet --filter=Status=running"),
            Some(Shape::ContainerList {
                all: false,
                full_ids: false,
                filters: filters(&[("status", "running")]),
            })
        );
        assert_eq!(
            shape("image ls --quiet --all --filter dangling=true"),
            Some(Shape::ImageList {
                filters: filters(&[("dangling", "true")])
            })
        );
        assert_eq!(
            shape("image inspect --format {{json .Config.ExposedPorts}} dokku/web:latest"),
            Some(Shape::ImageInspect {
                field: ImageField::ExposedPorts,
                image: "dokku/web:latest".into()
            })
        );
        assert_eq!(
            shape("container inspect a b"),
            Some(Shape::ContainerInspect {
                ids: vec!["a".into(), "b".into()]
            })
        );
        assert_eq!(
            shape("container stop -t=30 web.web.1"),
            Some(Shape::ContainerStop {
                id: "web.web.1".into(),
                timeout: Some(30)
            })
        );
        assert_eq!(
            shape("container update --restart=on-failure:10 abc"),
            Some(Shape::ContainerRestartPolicy {
                id: "abc".into(),
                name: "on-failure",
                retries: 10
            })
        );
        assert_eq!(
            shape("container rename abc web.web.1.1700000000"),
            Some(Shape::ContainerRename {
                id: "abc".into(),
                name: "web.web.1.1700000000".into()
            })
        );
        assert_eq!(
            shape("container rm --force a b"),
            Some(Shape::ContainerRemove {
                ids: vec!["a".into(), "b".into()],
                force: true
            })
        );
        assert_eq!(
            shape("image prune --all --force --filter label=dokku"),
            Some(Shape::ImagePrune {
                filters: filters(&[("dangling", "false"), ("label", "dokku")])
            })
        );
        assert_eq!(
            shape("image tag sha256:abc dokku/web:2"),
            Some(Shape::ImageTag {
                source: "sha256:abc".into(),
                repo: "dokku/web".into(),
                tag: "2".into()
            })
        );
        assert_eq!(
            shape("image tag a localhost:5000/web"),
            Some(Shape::ImageTag {
                source: "a".into(),
                repo: "localhost:5000/web".into(),
                tag: "latest".into()
            })
        );
        assert_eq!(
            shape("system info --format {{ .LoggingDriver }}"),
            Some(Shape::LoggingDriver)
        );
        assert_eq!(
            shape("system info --format {{.LoggingDriver}}"),
            Some(Shape::LoggingDriver)
        );
        assert_eq!(
            shape("image rm a"),
            Some(Shape::ImageRemove {
                ids: vec!["a".into()]
            })
        );
    }

    #[test]
    fn anything_else_stays_with_the_cli() {
        for line in [
            "container ls",
            "container ls --all",
            "container ls --quiet --quiet",
            "container ls --quiet --format {{.ID}}",
            "container ls --quiet --filter",
            "container ls --quiet --filter noequals",
            "container ls --quiet --filter =x",
            "container ls --quiet extra",
            "container ls -q",
            "image ls --quiet",
            "image ls --quiet --all --digests",
            "image inspect --format {{.Size}} x",
            "image inspect x",
            "image inspect --format {{.Id}} a b",
            "container inspect",
            "container inspect --size a",
            "container start a b",
            "container start --attach a",
            "container stop -t=x a",
            "container stop -t=-1 a",
            "container stop --time=1 a",
            "container update --restart=sometimes a",
            "container update --restart=on-failure:x a",
            "container update --memory=1g a",
            "container rm",
            "container rm --force",
            "container rm --volumes a",
            "image rm --force a",
            "image prune --force",
            "image prune --all",
            "image prune --all --force --filter dangling=true",
            "image tag a B/c",
            "image tag a web@sha256:abc",
            "image tag a docker.io/library/web",
            "image tag a web:",
            "image tag a web:-x",
            "system info",
            "system info --format {{.Name}}",
            "container run a",
            "container start ../../images/x",
            "container start a/./b",
            "container start /a",
            "container start a?b",
            "container start a%2F",
            "container start a#b",
            "container rename a -b",
            "",
        ] {
            assert_eq!(shape(line), None, "{line}");
        }
        let crlf = ["container".to_string(), "start".into(), "a\r\nX: y".into()];
        assert_eq!(parse(&crlf), None);
        let newline_name = [
            "container".to_string(),
            "rename".into(),
            "a".into(),
            "b\nc".into(),
        ];
        assert_eq!(parse(&newline_name), None);
    }
}
