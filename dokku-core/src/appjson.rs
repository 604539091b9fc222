//! `app.json`: extracted from the source at `core-post-extract` to
//! `data/app-json/APP/app.json.<DOKKU_PID>` (or a `.missing` marker), read during the
//! deploy, and promoted to `app.json` when the deploy succeeds.

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
    /// A file could not be read or written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

fn data_dir(layout: &Layout, app: &str) -> PathBuf {
    layout.app_data_dir(PLUGIN, app)
}

/// Parses `app.json` text: a JSON object.
pub fn parse(text: &str, path: &str) -> Result<serde_json::Value, AppJsonError> {
    let invalid = |message: String| AppJsonError::Invalid {
        path: path.to_string(),
        message,
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    if !value.is_object() {
        return Err(invalid("the top level must be an object".into()));
    }
    Ok(value)
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
        .unwrap_or_else(|| "app.json".into());
    let dest = dir.join(format!("app.json.{pid}"));
    let missing = dir.join(format!("app.json.{pid}.missing"));
    let _ = std::fs::remove_file(&dest);
    let _ = std::fs::remove_file(&missing);
    match std::fs::read_to_string(source.join(&name)) {
        Ok(text) => {
            parse(&text, &name)?;
            crate::fs::write_atomic(&dest, text.as_bytes(), 0o644).map_err(io(&dest))
        }
        Err(_) => std::fs::write(&missing, "").map_err(io(&missing)),
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
        if let Ok(text) = std::fs::read_to_string(dir.join(&name)) {
            return parse(&text, "app.json");
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
}
