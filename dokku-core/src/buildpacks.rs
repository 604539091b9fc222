//! The `buildpacks` plugin's rules: an app's ordered list of buildpack URLs (list
//! property `buildpacks`), the `stack` property (the herokuish image to build with),
//! and the `.buildpacks` file a build is given.

use std::path::Path;

use thiserror::Error;

use crate::property::command::{computed, report_scoped, value};
use crate::property::{PropertyError, PropertyStore, GLOBAL};
use crate::report::Report;

/// The plugin (and property namespace).
pub const PLUGIN: &str = "buildpacks";

/// The list property holding the app's buildpack URLs.
pub const LIST: &str = "buildpacks";

/// The properties `buildpacks:set-property` takes; all may be set globally.
pub const PROPERTIES: &[&str] = &["stack"];

/// Why a buildpacks command refused; the texts are Dokku's.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BuildpacksError {
    /// No buildpack given.
    #[error("Must specify a buildpack url or reference")]
    Missing,
    /// Neither `owner/name` nor a git URL.
    #[error("Invalid buildpack specified: {0}")]
    Invalid(String),
    /// `buildpacks:set` with several buildpacks and no `--replace`.
    #[error("Setting multiple buildpacks requires the --replace flag")]
    MultipleNeedReplace,
    /// `buildpacks:set` with none.
    #[error("Must specify a buildpack")]
    NoneToSet,
    /// `--replace` with `--index`.
    #[error("The --index flag cannot be used with --replace")]
    IndexWithReplace,
    /// `--replace` with nothing to set.
    #[error("Must specify at least one buildpack, use buildpacks:clear to remove all buildpacks")]
    NoneToReplace,
    /// `buildpacks:remove` with both an index and a buildpack.
    #[error("Please choose either index or Buildpack, but not both")]
    IndexAndBuildpack,
    /// `buildpacks:remove` with neither.
    #[error("Must specify a buildpack to remove, either by index or URL")]
    NothingToRemove,
    /// `buildpacks:remove` on an app without buildpacks.
    #[error("No buildpacks were found, next release on {0} will detect buildpack normally")]
    NoneSet(String),
    /// `buildpacks:remove --index N` past the end.
    #[error("Index not found")]
    IndexNotFound,
    /// `buildpacks:remove URL` of a buildpack not in the list.
    #[error("Value not found")]
    ValueNotFound,
    /// A `.buildpacks` line that is not a buildpack.
    #[error("Unable to parse .buildpacks file, line {line}: {source}")]
    File {
        /// The 0-based line number (as Dokku reports it).
        line: usize,
        /// Why the line was refused.
        source: Box<BuildpacksError>,
    },
    /// The source's `.buildpacks` is a symlink or a directory.
    #[error("Unable to parse .buildpacks file: not a regular file")]
    NotAFile,
    /// The property store failed.
    #[error(transparent)]
    Store(#[from] PropertyError),
    /// The `.buildpacks` file could not be read or written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Turns a buildpack reference into its URL, as Dokku does: `owner/name` is the
/// GitHub repository `owner/heroku-buildpack-name` (`heroku-community` is `heroku`);
/// an `http`, `https` or `git` URL of the form `SCHEME://HOST/OWNER/REPO` (or
/// `SCHEME@HOST:OWNER/REPO`) is kept as is; anything else is refused.
pub fn valid_url(buildpack: &str) -> Result<String, BuildpacksError> {
    if buildpack.is_empty() {
        return Err(BuildpacksError::Missing);
    }
    let invalid = || BuildpacksError::Invalid(buildpack.to_string());
    if buildpack.contains(['\n', '\r']) {
        return Err(invalid());
    }
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if let Some((owner, name)) = buildpack.split_once('/') {
        if word(owner) && word(name) {
            let owner = if owner == "heroku-community" {
                "heroku"
            } else {
                owner
            };
            return Ok(format!(
                "https://github.com/{owner}/heroku-buildpack-{name}.git"
            ));
        }
    }
    if is_git_url(buildpack) {
        Ok(buildpack.to_string())
    } else {
        Err(invalid())
    }
}

/// `(http|https|git)(://|@)HOST[/:]OWNER/REST`, HOST and OWNER free of `/` and `:`,
/// REST not empty.
fn is_git_url(url: &str) -> bool {
    ["https", "http", "git"].iter().any(|scheme| {
        let Some(rest) = url.strip_prefix(scheme) else {
            return false;
        };
        let Some(rest) = rest.strip_prefix("://").or_else(|| rest.strip_prefix('@')) else {
            return false;
        };
        let Some(host_end) = rest.find(['/', ':']) else {
            return false;
        };
        let after_host = &rest[host_end + 1..];
        let Some(owner_end) = after_host.find(['/', ':']) else {
            return false;
        };
        host_end > 0
            && owner_end > 0
            && after_host.as_bytes()[owner_end] == b'/'
            && owner_end + 1 < after_host.len()
    })
}

/// The app's buildpack URLs, in order.
pub fn list(props: &PropertyStore, app: &str) -> Result<Vec<String>, BuildpacksError> {
    Ok(props.list_get(PLUGIN, app, LIST)?)
}

/// `buildpacks:add [--index N] APP BUILDPACK`: inserted at 1-based `index` (0 or past
/// the end appends).
pub fn add(
    props: &PropertyStore,
    app: &str,
    buildpack: &str,
    index: usize,
) -> Result<(), BuildpacksError> {
    let url = valid_url(buildpack)?;
    Ok(props.list_add(PLUGIN, app, LIST, &url, index)?)
}

/// `buildpacks:set [--index N] APP BUILDPACK`: replaces entry `index` (1-based, 0 is
/// the first), appending past the end. Several buildpacks need `replace`.
pub fn set(
    props: &PropertyStore,
    app: &str,
    buildpacks: &[String],
    index: usize,
    replace: bool,
) -> Result<(), BuildpacksError> {
    if replace {
        return set_all(props, app, buildpacks, index);
    }
    match buildpacks {
        [] => Err(BuildpacksError::NoneToSet),
        [one] => {
            let url = valid_url(one)?;
            Ok(props.list_set(PLUGIN, app, LIST, &url, index.saturating_sub(1))?)
        }
        _ => Err(BuildpacksError::MultipleNeedReplace),
    }
}

/// `buildpacks:set --replace`: every buildpack is checked before the list is
/// rewritten at once, so a bad one changes nothing.
fn set_all(
    props: &PropertyStore,
    app: &str,
    buildpacks: &[String],
    index: usize,
) -> Result<(), BuildpacksError> {
    if index != 0 {
        return Err(BuildpacksError::IndexWithReplace);
    }
    if buildpacks.is_empty() {
        return Err(BuildpacksError::NoneToReplace);
    }
    let urls = buildpacks
        .iter()
        .map(|b| valid_url(b))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(props.list_write(PLUGIN, app, LIST, &urls)?)
}

/// `buildpacks:remove APP BUILDPACK` or `buildpacks:remove --index N APP`: returns
/// the URL removed.
pub fn remove(
    props: &PropertyStore,
    app: &str,
    buildpack: &str,
    index: usize,
) -> Result<String, BuildpacksError> {
    if index != 0 && !buildpack.is_empty() {
        return Err(BuildpacksError::IndexAndBuildpack);
    }
    if index == 0 && buildpack.is_empty() {
        return Err(BuildpacksError::NothingToRemove);
    }
    let url = if index == 0 {
        valid_url(buildpack)?
    } else {
        String::new()
    };
    let mut removed = None;
    props.list_try_update(PLUGIN, app, LIST, |lines| {
        if lines.is_empty() {
            return Err(BuildpacksError::NoneSet(app.to_string()));
        }
        let at = if index != 0 {
            (index <= lines.len())
                .then(|| index - 1)
                .ok_or(BuildpacksError::IndexNotFound)?
        } else {
            lines
                .iter()
                .position(|l| *l == url)
                .ok_or(BuildpacksError::ValueNotFound)?
        };
        let value = lines[at].clone();
        lines.retain(|l| *l != value);
        removed = Some(value);
        Ok(true)
    })?;
    Ok(removed.unwrap_or_default())
}

/// `buildpacks:clear APP`.
pub fn clear(props: &PropertyStore, app: &str) -> Result<(), BuildpacksError> {
    Ok(props.delete(PLUGIN, app, LIST)?)
}

/// The `stack` in force: the app's, else the global one, else `dokku_image` (the
/// app's `DOKKU_IMAGE` config, deprecated, then the environment's).
pub fn computed_stack(props: &PropertyStore, app: &str, dokku_image: &str) -> String {
    computed(props, PLUGIN, app, "stack", dokku_image)
}

/// The `stack` set on the app or globally, if any (`buildpack-stack-name`).
pub fn stack(props: &PropertyStore, app: &str) -> Option<String> {
    Some(computed(props, PLUGIN, app, "stack", "")).filter(|s| !s.is_empty())
}

/// `buildpacks:report`: `stack` raw, global and computed (`dokku_image` as for
/// [`computed_stack`]) and the app's `list` (comma-separated).
pub fn report(props: &PropertyStore, app: &str, dokku_image: &str) -> Report {
    let mut report = Report::new(PLUGIN, app);
    if app == GLOBAL {
        // Dokku's global report has the global stack only.
        report.flag(
            "--buildpacks-global-stack",
            value(props, PLUGIN, GLOBAL, "stack"),
        );
        return report;
    }
    report_scoped(
        &mut report,
        props,
        PLUGIN,
        PLUGIN,
        app,
        "stack",
        dokku_image,
    );
    let list = list(props, app).unwrap_or_default().join(",");
    report.flag("--buildpacks-list", list);
    report
}

/// `post-extract`: the app's buildpacks (its list, else those of the source's
/// `app.json` unless the app deploys an image) written to `.buildpacks`; without
/// any, an existing `.buildpacks` has its `owner/name` lines turned into URLs.
pub fn write_buildpacks_file(workdir: &Path, buildpacks: &[String]) -> Result<(), BuildpacksError> {
    let path = workdir.join(".buildpacks");
    let io = |action: &'static str| {
        let path = path.display().to_string();
        move |source| BuildpacksError::Io {
            action,
            path,
            source,
        }
    };
    // The source is the pusher's: a `.buildpacks` symlink must not make us read (and
    // copy into the build) a file elsewhere on the host.
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(BuildpacksError::NotAFile);
    }
    let lines = if buildpacks.is_empty() {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io("read")(e)),
        };
        text.lines()
            .enumerate()
            .map(|(i, line)| {
                if line.is_empty() || line.starts_with('#') {
                    Ok(line.to_string())
                } else {
                    valid_url(line).map_err(|e| BuildpacksError::File {
                        line: i,
                        source: Box::new(e),
                    })
                }
            })
            .collect::<Result<Vec<_>, _>>()?
    } else {
        buildpacks
            .iter()
            .map(|b| valid_url(b))
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut text = lines.join("\n");
    text.push('\n');
    crate::fs::write_atomic(&path, text.as_bytes(), 0o600).map_err(io("write"))
}

/// The buildpack URLs of an app.json document (`buildpacks[].url`).
pub fn from_app_json(doc: &serde_json::Value) -> Vec<String> {
    doc.get("buildpacks")
        .and_then(|b| b.as_array())
        .map(|packs| {
            packs
                .iter()
                .filter_map(|p| p.get("url").and_then(|u| u.as_str()))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `branch` can name a revision to check out: not empty, not an option
/// (`-...`), no whitespace or control characters, no `..`.
pub fn is_valid_branch(branch: &str) -> bool {
    !branch.is_empty()
        && !branch.starts_with('-')
        && !branch.contains("..")
        && !branch.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `buildpacks:detect APP [--branch B]`: checks `branch` of the app's repository out
/// and asks herokuish (the app's stack image, which the host must have) which
/// buildpack would build it; returns herokuish's answer.
pub fn detect(
    host: &dyn crate::deploy::Host,
    app: &str,
    branch: &str,
) -> Result<String, crate::deploy::DeployError> {
    use crate::deploy::DeployError;
    if !is_valid_branch(branch) {
        return Err(DeployError::refused(
            format!("Invalid branch specified: {branch}"),
            "give a branch of the app's repository: --branch main",
        ));
    }
    crate::builder::check_needs(host, "herokuish", app)?;
    let image = crate::builder::needs(host, "herokuish", app)
        .and_then(|n| n.image)
        .unwrap_or_else(|| crate::env::fixed::HEROKUISH_IMAGE.to_string());
    let workdir = crate::git::extract(host, app, branch)
        .map_err(|e| DeployError::fail(format!("Unable to checkout bare git repository: {e}")))?;
    let result = host.docker().run(&crate::docker::Call::new([
        "run".to_string(),
        "--rm".into(),
        "-v".into(),
        format!("{}:/tmp/app", workdir.path().display()),
        image,
        "/bin/herokuish".into(),
        "buildpack".into(),
        "detect".into(),
        "/tmp/app".into(),
    ]))?;
    if result.code != 0 {
        return Err(DeployError::fail(format!(
            "Buildpack detection failed: {}",
            result.stderr.trim_end()
        )));
    }
    Ok(result.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn urls_as_dokku_reads_them() {
        assert_eq!(
            valid_url("heroku/nodejs").expect("short"),
            "https://github.com/heroku/heroku-buildpack-nodejs.git"
        );
        assert_eq!(
            valid_url("heroku-community/apt").expect("community"),
            "https://github.com/heroku/heroku-buildpack-apt.git"
        );
        for ok in [
            "https://github.com/yespark/heroku-imagemagick-buildpack",
            "git@github.com:heroku/heroku-buildpack-ruby.git",
            "http://example.com/a/b.git#v1",
        ] {
            assert_eq!(valid_url(ok).expect(ok), ok);
        }
        for bad in [
            "nodejs",
            "/nodejs",
            "http://nodejs",
            "ftp://h/a/b",
            "a/b\nc",
        ] {
            assert!(
                matches!(valid_url(bad), Err(BuildpacksError::Invalid(_))),
                "{bad}"
            );
        }
        assert!(matches!(valid_url(""), Err(BuildpacksError::Missing)));
    }

    #[test]
    fn detect_needs_a_sane_branch_and_the_stack_image() {
        for bad in ["", "-x", "--upload-pack=x", "a..b", "a b"] {
            assert!(!is_valid_branch(bad), "{bad}");
        }
        assert!(is_valid_branch("feature/x-1"));
        let host = crate::deploy::testing::FakeHost::new();
        host.mkapp("web");
        let refused = detect(&host, "web", "-x").expect_err("option");
        assert_eq!(refused.to_string(), "Invalid branch specified: -x");
        host.fake.respond(
            &["image", "inspect"],
            crate::docker::CallResult {
                code: 1,
                stdout: String::new(),
                stderr: "No such image".into(),
            },
        );
        let missing = detect(&host, "web", "main").expect_err("no image");
        assert!(missing.to_string().contains("needs the image"), "{missing}");
    }

    #[test]
    fn add_set_replace_remove_clear() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        let short = |l: Vec<String>| -> Vec<String> {
            l.iter()
                .map(|u| {
                    u.trim_start_matches("https://github.com/heroku/heroku-buildpack-")
                        .trim_end_matches(".git")
                        .to_string()
                })
                .collect()
        };
        add(&props, "a", "heroku/nodejs", 0).expect("add");
        add(&props, "a", "heroku/ruby", 0).expect("add");
        add(&props, "a", "heroku/golang", 1).expect("add");
        add(&props, "a", "heroku/php", 100).expect("add");
        assert_eq!(
            short(list(&props, "a").expect("list")),
            ["golang", "nodejs", "ruby", "php"]
        );
        set(&props, "a", &words(&["heroku/python"]), 2, false).expect("set");
        assert_eq!(
            short(list(&props, "a").expect("list")),
            ["golang", "python", "ruby", "php"]
        );
        assert!(matches!(
            set(&props, "a", &words(&["heroku/a", "heroku/b"]), 0, false),
            Err(BuildpacksError::MultipleNeedReplace)
        ));
        assert!(set(&props, "a", &words(&["heroku/a", "bad"]), 0, true).is_err());
        assert_eq!(list(&props, "a").expect("list").len(), 4, "atomic");
        set(&props, "a", &words(&["heroku/a", "heroku/b"]), 0, true).expect("replace");
        assert_eq!(short(list(&props, "a").expect("list")), ["a", "b"]);
        assert_eq!(
            remove(&props, "a", "", 1).expect("by index"),
            "https://github.com/heroku/heroku-buildpack-a.git"
        );
        assert!(matches!(
            remove(&props, "a", "heroku/zzz", 0),
            Err(BuildpacksError::ValueNotFound)
        ));
        assert!(matches!(
            remove(&props, "a", "", 5),
            Err(BuildpacksError::IndexNotFound)
        ));
        remove(&props, "a", "heroku/b", 0).expect("by value");
        assert!(matches!(
            remove(&props, "a", "heroku/b", 0),
            Err(BuildpacksError::NoneSet(_))
        ));
        clear(&props, "a").expect("clear");
        assert!(list(&props, "a").expect("list").is_empty());
    }

    #[test]
    fn report_and_stack() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        props
            .write(PLUGIN, GLOBAL, "stack", "img:global")
            .expect("write");
        assert_eq!(computed_stack(&props, "a", "img:env"), "img:global");
        assert_eq!(stack(&props, "a").as_deref(), Some("img:global"));
        let flags: Vec<String> = report(&props, "a", "img:env")
            .flags()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(
            flags,
            [
                "--buildpacks-computed-stack=img:global",
                "--buildpacks-global-stack=img:global",
                "--buildpacks-list=",
                "--buildpacks-stack=",
            ]
        );
        let global: Vec<String> = report(&props, GLOBAL, "")
            .flags()
            .map(|(k, _)| k.to_string())
            .collect();
        assert_eq!(global, ["--buildpacks-global-stack"]);
    }

    #[test]
    fn buildpacks_file_is_written_or_rewritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_buildpacks_file(dir.path(), &[]).expect("nothing to do");
        assert!(!dir.path().join(".buildpacks").exists());
        std::fs::write(dir.path().join(".buildpacks"), "# c\nheroku/ruby\n").expect("write");
        write_buildpacks_file(dir.path(), &[]).expect("rewrite");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".buildpacks")).expect("read"),
            "# c\nhttps://github.com/heroku/heroku-buildpack-ruby.git\n"
        );
        write_buildpacks_file(dir.path(), &words(&["heroku/go"])).expect("write");
        assert_eq!(
            std::fs::read_to_string(dir.path().join(".buildpacks")).expect("read"),
            "https://github.com/heroku/heroku-buildpack-go.git\n"
        );
        std::fs::write(dir.path().join(".buildpacks"), "nope\n").expect("write");
        assert!(write_buildpacks_file(dir.path(), &[]).is_err());
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "heroku/ruby\n").expect("write");
        std::fs::remove_file(dir.path().join(".buildpacks")).expect("rm");
        std::os::unix::fs::symlink(&secret, dir.path().join(".buildpacks")).expect("symlink");
        assert!(matches!(
            write_buildpacks_file(dir.path(), &[]),
            Err(BuildpacksError::NotAFile)
        ));
    }
}
