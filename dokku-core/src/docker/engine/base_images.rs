//! The images a Dockerfile's build reads from the engine's image store: its `FROM`
//! bases, `COPY --from=IMAGE` and `RUN --mount=from=IMAGE` sources.
//!
//! An engine build without a client session cannot pull (BuildKit asks the session
//! for registry credentials, and older engines refuse to resolve anything remote
//! without one), while `docker build` pulls what is missing with the operator's
//! logins. So the engine gets a build only when every image it names is already
//! local; anything this reader cannot settle (a `# syntax=` frontend, an image name
//! built from a variable it cannot expand) goes to the CLI too: `Err` says why.

use std::collections::{BTreeMap, BTreeSet};

/// The images `dockerfile` names outside its own stages, each once, in order.
/// `build_args` are the build's `--build-arg` values, which override the defaults of
/// the `ARG`s declared before the first `FROM`.
pub(crate) fn needed(
    dockerfile: &str,
    build_args: &BTreeMap<String, String>,
) -> Result<Vec<String>, String> {
    let (escape, body) = directives(dockerfile)?;
    let mut global_args: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut stages: BTreeSet<String> = BTreeSet::new();
    let mut seen_from = false;
    let mut images: Vec<String> = Vec::new();
    let mut need = |image: String| {
        if !images.contains(&image) {
            images.push(image);
        }
    };
    for line in logical_lines(body, escape) {
        let mut words = line.split_whitespace();
        let Some(instruction) = words.next() else {
            continue;
        };
        let rest: Vec<&str> = words.collect();
        match instruction.to_ascii_lowercase().as_str() {
            "arg" if !seen_from => {
                for decl in &rest {
                    let (name, default) = match decl.split_once('=') {
                        Some((n, d)) => (n, Some(unquote(d))),
                        None => (*decl, None),
                    };
                    let value = build_args.get(name).cloned().or(default);
                    global_args.insert(name.to_string(), value);
                }
            }
            "from" => {
                seen_from = true;
                let operands: Vec<&&str> = rest.iter().filter(|w| !w.starts_with("--")).collect();
                let Some(image) = operands.first() else {
                    return Err("a FROM without an image".into());
                };
                let image = expand(image, &global_args)?;
                if let [_, r#as, name] = operands.as_slice() {
                    if r#as.eq_ignore_ascii_case("as") {
                        stages.insert(name.to_ascii_lowercase());
                    }
                }
                if !image.eq_ignore_ascii_case("scratch")
                    && !stages_before(&stages, &image, operands.get(2))
                {
                    need(image);
                }
            }
            "copy" | "add" => {
                for source in rest.iter().filter_map(|w| w.strip_prefix("--from=")) {
                    if let Some(image) = foreign(source, &stages)? {
                        need(image);
                    }
                }
            }
            "run" => {
                let mounts = rest.iter().filter_map(|w| w.strip_prefix("--mount="));
                for option in mounts.flat_map(|m| m.split(',')) {
                    if let Some(source) = option.strip_prefix("from=") {
                        if let Some(image) = foreign(source, &stages)? {
                            need(image);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(images)
}

/// Whether `image` names a stage declared before this `FROM` (a `FROM` naming its own
/// `AS` name is an image, which Docker resolves as one).
fn stages_before(stages: &BTreeSet<String>, image: &str, own: Option<&&&str>) -> bool {
    let image = image.to_ascii_lowercase();
    stages.contains(&image) && own.is_none_or(|name| name.to_ascii_lowercase() != image)
}

/// A `--from=` source: a stage name or index is the build's own; anything else is an
/// image. A variable there is expanded by stage-scoped `ARG`s this reader does not
/// track: the CLI.
fn foreign(source: &str, stages: &BTreeSet<String>) -> Result<Option<String>, String> {
    if source.contains('$') {
        return Err(format!("--from={source} (a variable)"));
    }
    let own =
        source.chars().all(|c| c.is_ascii_digit()) || stages.contains(&source.to_ascii_lowercase());
    Ok((!own).then(|| source.to_string()))
}

/// The parser directives at the top (`# escape=`, `# syntax=`, `# check=`) and the
/// text after them. A `syntax` directive asks the engine to pull a frontend image.
fn directives(dockerfile: &str) -> Result<(char, &str), String> {
    let mut escape = '\\';
    let mut rest = dockerfile;
    while let Some((line, after)) = rest.split_once('\n').or(Some((rest, ""))) {
        let Some(directive) = line.trim().strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = directive.split_once('=') else {
            break;
        };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() || key.contains(char::is_whitespace) {
            break;
        }
        match key.as_str() {
            "syntax" => return Err(format!("the frontend {}", value.trim())),
            "escape" => {
                escape = match value.trim() {
                    "`" => '`',
                    "\\" => '\\',
                    other => return Err(format!("the escape character {other}")),
                }
            }
            _ => {}
        }
        if after.is_empty() {
            return Ok((escape, ""));
        }
        rest = after;
    }
    Ok((escape, rest))
}

/// Instructions one per item: comment lines dropped, lines ending in `escape` joined
/// with the next.
fn logical_lines(body: &str, escape: char) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for raw in body.lines() {
        let trimmed = raw.trim();
        if trimmed.starts_with('#') {
            continue;
        }
        match trimmed.strip_suffix(escape) {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                lines.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.trim().is_empty() {
        lines.push(current);
    }
    lines
}

/// A `FROM` operand with `$NAME`, `${NAME}`, `${NAME:-default}` expanded from the
/// global `ARG`s; any other form, or a name without a value, is for the CLI.
fn expand(word: &str, args: &BTreeMap<String, Option<String>>) -> Result<String, String> {
    let word = unquote(word);
    let refuse = || format!("the image {word} (a variable without a value here)");
    let mut out = String::new();
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let (name, default) = if chars.peek() == Some(&'{') {
            chars.next();
            let inner: String = chars.by_ref().take_while(|&c| c != '}').collect();
            match inner.split_once(":-") {
                Some((n, d)) => (n.to_string(), Some(d.to_string())),
                None => (inner, None),
            }
        } else {
            let mut name = String::new();
            while let Some(&c) = chars.peek() {
                if !(c.is_ascii_alphanumeric() || c == '_') {
                    break;
                }
                name.push(c);
                chars.next();
            }
            (name, None)
        };
        let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(refuse());
        }
        let value = args
            .get(&name)
            .cloned()
            .flatten()
            .filter(|v| !v.is_empty())
            .or(default)
            .ok_or_else(refuse)?;
        out.push_str(&value);
    }
    if out.is_empty() {
        return Err(refuse());
    }
    Ok(out)
}

/// `"x"` or `'x'` as `x`.
fn unquote(word: &str) -> String {
    for q in ['"', '\''] {
        if let Some(inner) = word.strip_prefix(q).and_then(|w| w.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(dockerfile: &str) -> Result<Vec<String>, String> {
        needed(dockerfile, &BTreeMap::new())
    }

    #[test]
    fn bases_and_copied_images_are_needed_stages_and_scratch_are_not() {
        let file = "FROM node:20 AS deps\nRUN npm ci\n\
                    FROM Deps AS build\nCOPY --from=deps /a /b\nCOPY --from=0 /c /d\n\
                    COPY --link --from=alpine:3 /bin/sh /sh\n\
                    RUN --mount=type=cache,target=/x --mount=type=bind,from=golang:1.22,target=/go true\n\
                    FROM scratch\nCOPY --from=build /out /\n";
        assert_eq!(
            needs(file),
            Ok(vec![
                "node:20".to_string(),
                "alpine:3".to_string(),
                "golang:1.22".to_string()
            ])
        );
    }

    #[test]
    fn global_args_and_build_args_name_the_base() {
        let release = "ARG APP_IMAGE\nFROM $APP_IMAGE\n";
        let args: BTreeMap<String, String> =
            [("APP_IMAGE".to_string(), "dokku/web:latest".to_string())].into();
        assert_eq!(
            needed(release, &args),
            Ok(vec!["dokku/web:latest".to_string()])
        );
        assert!(needs(release).is_err(), "no value: the CLI");
        let defaulted =
            "ARG V=3.19\nARG BASE=\"alpine\"\nFROM ${BASE}:${V} AS x\nFROM ${OTHER:-busybox}\n";
        assert_eq!(
            needs(defaulted),
            Ok(vec!["alpine:3.19".to_string(), "busybox".to_string()])
        );
        let overridden: BTreeMap<String, String> = [("V".to_string(), "3.20".to_string())].into();
        assert_eq!(
            needed(defaulted, &overridden),
            Ok(vec!["alpine:3.20".to_string(), "busybox".to_string()])
        );
        assert!(needs("FROM ${X:+y}\n").is_err());
        assert!(needs("FROM busybox\nCOPY --from=$STAGE /a /b\n").is_err());
    }

    #[test]
    fn directives_continuations_and_comments_are_read_as_docker_reads_them() {
        assert!(needs("# syntax=docker/dockerfile:1\nFROM busybox\n")
            .expect_err("a frontend needs the CLI")
            .contains("frontend"));
        let backtick =
            "# escape=`\nFROM `\n  busybox `\n  AS b\n# FROM commented:out\nRUN echo \\\n";
        assert_eq!(needs(backtick), Ok(vec!["busybox".to_string()]));
        let joined = "from \\\n  --platform=linux/amd64 \\\n  debian:12\n";
        assert_eq!(needs(joined), Ok(vec!["debian:12".to_string()]));
        // A comment after the first instruction is no directive.
        assert_eq!(
            needs("FROM busybox\n# syntax=x\n"),
            Ok(vec!["busybox".to_string()])
        );
        assert_eq!(needs(""), Ok(vec![]));
        assert!(needs("FROM\n").is_err());
    }
}
