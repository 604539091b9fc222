//! `app.json`: extracted from the source at `core-post-extract` to
//! `data/app-json/APP/app.json.<DOKKU_PID>` (or a `.missing` marker), read during the
//! deploy, and promoted to `app.json` when the deploy succeeds.
//!
//! Extraction refuses, before anything is built, a file that is not UTF-8 JSON, whose
//! top level is not an object, or whose known keys have the wrong types (see
//! `schema`). A blank file counts as `{}`, as in Dokku.

pub mod formation;
mod jsonc;
mod schema;
pub mod scripts;

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::paths::Layout;
use crate::property::PropertyStore;

/// The plugin name (properties and data directory).
pub const PLUGIN: &str = "app-json";

/// An `app.json` that cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AppJsonError {
    /// Not valid JSON (or not an object).
    #[error("Invalid app.json file ({path}): {message}")]
    Invalid {
        /// The file, relative to the source.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// The file exists but cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The properties `app-json:set` takes; all may be set globally.
pub const PROPERTIES: &[&str] = &["appjson-path"];

/// Why an `appjson-path` value is refused: it must name a file inside the source
/// tree.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("Invalid appjson-path `{0}`: it must be a relative path inside the app's source (no `..`, not absolute)")]
pub struct BadAppJsonPath(pub String);

/// Checks an `appjson-path` value before it is stored or joined to a source tree:
/// relative, without `..` components or NUL bytes.
pub fn check_path(value: &str) -> Result<(), BadAppJsonPath> {
    let path = std::path::Path::new(value);
    let bad = value.contains('\0')
        || path.is_absolute()
        || path.components().any(|c| {
            !matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
    if bad {
        return Err(BadAppJsonPath(value.to_string()));
    }
    Ok(())
}

/// `app-json:report` of `app` (or `--global`): `appjson-path` raw, global and
/// computed (default `app.json`).
pub fn report(props: &PropertyStore, app: &str) -> crate::report::Report {
    crate::property::command::scoped_report(props, PLUGIN, app, &[("appjson-path", "app.json")])
}

impl AppJsonError {
    /// How to fix it, for a `hint:` line.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            AppJsonError::Invalid { .. } => Some(
                "fix app.json (see https://dokku.com/docs/appendices/file-formats/app-json/), commit it and deploy again",
            ),
            AppJsonError::Unreadable { .. } | AppJsonError::Io { .. } => None,
        }
    }
}

pub(crate) fn data_dir(layout: &Layout, app: &str) -> PathBuf {
    layout.app_data_dir(PLUGIN, app)
}

/// Parses `app.json` text: a JSON object (comments and trailing commas allowed, as
/// in Dokku) whose known keys have the types Dokku reads them as; blank text is `{}`.
pub fn parse(text: &str, path: &str) -> Result<serde_json::Value, AppJsonError> {
    let invalid = |message: String| AppJsonError::Invalid {
        path: path.to_string(),
        message,
    };
    if text.trim().is_empty() {
        return Ok(serde_json::Value::Object(serde_json::Map::new()));
    }
    let value: serde_json::Value =
        serde_json::from_str(&jsonc::standardize(text)).map_err(|e| invalid(e.to_string()))?;
    let Some(doc) = value.as_object() else {
        return Err(invalid("the top level must be an object".into()));
    };
    schema::check(doc).map_err(invalid)?;
    Ok(value)
}

/// [`parse`] for the bytes of a file: bytes that are not UTF-8 are refused with the
/// line of the first bad byte.
pub fn parse_bytes(bytes: &[u8], path: &str) -> Result<serde_json::Value, AppJsonError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        AppJsonError::Invalid {
            path: path.to_string(),
            message: format!("not UTF-8 text (line {line})"),
        }
    })?;
    parse(text, path)
}

/// This deploy's copy of the app.json (written by [`extract`]; absent when the
/// source has none).
pub fn deploy_copy(layout: &Layout, app: &str, pid: &str) -> PathBuf {
    data_dir(layout, app).join(format!("app.json.{pid}"))
}

/// `core-post-extract`: copies the source's app.json (property `appjson-path`, default
/// `app.json`) for this deploy, refusing one that is not valid JSON.
pub fn extract(
    props: &PropertyStore,
    layout: &Layout,
    app: &str,
    source: &Path,
    pid: &str,
) -> Result<(), AppJsonError> {
    let dir = data_dir(layout, app);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| AppJsonError::Io { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let name = crate::deploy::prop_app_or_global(props, PLUGIN, app, "appjson-path")
        .filter(|n| check_path(n).is_ok())
        .unwrap_or_else(|| "app.json".into());
    let dest = dir.join(format!("app.json.{pid}"));
    let missing = dir.join(format!("app.json.{pid}.missing"));
    let _ = std::fs::remove_file(&dest);
    let _ = std::fs::remove_file(&missing);
    let file = source.join(&name);
    match std::fs::read(&file) {
        Ok(bytes) => {
            parse_bytes(&bytes, &name)?;
            crate::fs::write_atomic(&dest, &bytes, 0o644).map_err(io(&dest))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::write(&missing, "").map_err(io(&missing))
        }
        Err(source) => Err(AppJsonError::Unreadable { path: file, source }),
    }
}

/// The app.json in force for the deploy run by `pid` (`{}` when there is none).
pub fn current(
    layout: &Layout,
    app: &str,
    pid: Option<&str>,
) -> Result<serde_json::Value, AppJsonError> {
    let dir = data_dir(layout, app);
    let mut names = Vec::new();
    if let Some(pid) = pid {
        names.push(format!("app.json.{pid}"));
    }
    names.push("app.json".into());
    for name in names {
        if dir.join(format!("{name}.missing")).exists() {
            break;
        }
        if let Ok(bytes) = std::fs::read(dir.join(&name)) {
            return parse_bytes(&bytes, "app.json");
        }
    }
    Ok(serde_json::Value::Object(serde_json::Map::new()))
}

/// `core-post-deploy`: promotes this deploy's copy (or its absence).
pub fn promote(layout: &Layout, app: &str, pid: &str) {
    let dir = data_dir(layout, app);
    let fresh = dir.join(format!("app.json.{pid}"));
    let missing = dir.join(format!("app.json.{pid}.missing"));
    if fresh.exists() {
        let _ = std::fs::rename(&fresh, dir.join("app.json"));
    } else if missing.exists() {
        let _ = std::fs::remove_file(dir.join("app.json"));
        let _ = std::fs::remove_file(&missing);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appjson_path_must_stay_inside_the_source() {
        assert!(check_path("app.json").is_ok());
        assert!(check_path("sub/app2.json").is_ok());
        assert!(check_path("./app.json").is_ok());
        assert!(check_path("../app.json").is_err());
        assert!(check_path("/etc/passwd").is_err());
        assert!(check_path("a/../../b.json").is_err());
    }

    #[test]
    fn extract_refuses_bad_json_and_promotes_good() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut vars = crate::settings::EnvMap::new();
        vars.insert(
            "DOKKU_LIB_PATH".into(),
            dir.path().join("lib").display().to_string(),
        );
        let layout = Layout::from_env(&vars);
        let props = PropertyStore::new(&layout.lib_root);
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).expect("mkdir");
        std::fs::write(src.join("app.json"), "{not json").expect("write");
        let err = extract(&props, &layout, "a", &src, "1").expect_err("bad");
        assert!(
            err.to_string()
                .starts_with("Invalid app.json file (app.json):"),
            "{err}"
        );
        std::fs::write(src.join("app.json"), r#"{"healthchecks":{}}"#).expect("write");
        extract(&props, &layout, "a", &src, "2").expect("good");
        assert!(current(&layout, "a", Some("2"))
            .expect("read")
            .get("healthchecks")
            .is_some());
        promote(&layout, "a", "2");
        assert!(current(&layout, "a", None)
            .expect("read")
            .get("healthchecks")
            .is_some());
    }

    /// Security issue #9: wrong types and bytes that are not UTF-8 used to be taken
    /// (the latter as "no app.json"); they are refused with one line and a hint.
    #[test]
    fn extract_refuses_wrong_types_and_non_utf8() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut vars = crate::settings::EnvMap::new();
        vars.insert(
            "DOKKU_LIB_PATH".into(),
            dir.path().join("lib").display().to_string(),
        );
        let layout = Layout::from_env(&vars);
        let props = PropertyStore::new(&layout.lib_root);
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).expect("mkdir");
        let cases: [(&[u8], &str); 3] = [
            (
                br#"{"healthchecks":"nope"}"#,
                "Invalid app.json file (app.json): `healthchecks` must be an object, not a string",
            ),
            (
                br#"{"scripts":5}"#,
                "Invalid app.json file (app.json): `scripts` must be an object, not the number 5",
            ),
            (
                b"{\n\"name\": \"caf\xe9\"}",
                "Invalid app.json file (app.json): not UTF-8 text (line 2)",
            ),
        ];
        for (i, (bytes, expected)) in cases.into_iter().enumerate() {
            std::fs::write(src.join("app.json"), bytes).expect("write");
            let pid = i.to_string();
            let err = extract(&props, &layout, "a", &src, &pid).expect_err("refused");
            assert_eq!(err.to_string(), expected);
            assert!(err.hint().is_some());
            let data = layout.app_data_dir(PLUGIN, "a");
            assert!(!data.join(format!("app.json.{pid}")).exists());
            assert!(!data.join(format!("app.json.{pid}.missing")).exists());
        }
    }

    #[test]
    fn a_blank_app_json_is_empty() {
        assert_eq!(
            parse(" \n", "app.json").expect("blank"),
            serde_json::json!({})
        );
        assert!(parse("[]", "app.json").is_err());
        assert!(parse("null", "app.json").is_err());
    }
}

#[cfg(test)]
mod fuzz;
