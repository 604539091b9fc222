//! The builders driven by one configuration file in the source tree: `pack`
//! (`project.toml`), `nixpacks` (`nixpacks.toml`), `lambda` (`lambda.yml`) and
//! `railpack` (`railpack.json`). Each has one property, the path of that file in the
//! repository (`builder-pack:set APP projecttoml-path ...`), app then global, and
//! claims a source tree holding the file (`builder-detect`).

use std::path::{Component, Path};

use crate::deploy::DeployError;
use crate::property::command::{computed, report_scoped};
use crate::property::PropertyStore;
use crate::report::Report;

/// One file-driven builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileBuilder {
    /// The plugin (and property namespace): `builder-pack`.
    pub plugin: &'static str,
    /// The builder name `builder-detect` answers and `builder-build` is fired with.
    pub builder: &'static str,
    /// The path property: `projecttoml-path`.
    pub property: &'static str,
    /// The file the builder reads, at the top of the source tree: `project.toml`.
    pub file: &'static str,
}

/// Cloud Native Buildpacks through `pack`.
pub const PACK: FileBuilder = FileBuilder {
    plugin: "builder-pack",
    builder: "pack",
    property: "projecttoml-path",
    file: "project.toml",
};

/// nixpacks.
pub const NIXPACKS: FileBuilder = FileBuilder {
    plugin: "builder-nixpacks",
    builder: "nixpacks",
    property: "nixpackstoml-path",
    file: "nixpacks.toml",
};

/// AWS Lambda functions (lambda-builder).
pub const LAMBDA: FileBuilder = FileBuilder {
    plugin: "builder-lambda",
    builder: "lambda",
    property: "lambdayml-path",
    file: "lambda.yml",
};

/// railpack.
pub const RAILPACK: FileBuilder = FileBuilder {
    plugin: "builder-railpack",
    builder: "railpack",
    property: "railpackjson-path",
    file: "railpack.json",
};

impl FileBuilder {
    /// The properties `<plugin>:set` takes, app or `--global`.
    pub fn properties(&self) -> [&'static str; 1] {
        [self.property]
    }

    /// `<plugin>:report`: the path property, raw, global and computed (Dokku emits no
    /// legacy JSON keys for these plugins).
    pub fn report(&self, props: &PropertyStore, app: &str) -> Report {
        let mut report = Report::new(self.plugin, app).legacy_keys(false);
        report_scoped(
            &mut report,
            props,
            self.plugin,
            self.plugin,
            app,
            self.property,
            self.file,
        );
        report
    }

    /// The path in force: the app's, else the global one, else the builder's file.
    pub fn computed_path(&self, props: &PropertyStore, app: &str) -> String {
        computed(props, self.plugin, app, self.property, self.file)
    }

    /// `builder-detect`: the source tree has the builder's file.
    pub fn detects(&self, workdir: &Path) -> bool {
        workdir.join(self.file).is_file()
    }

    /// `core-post-extract`: the configured file becomes the builder's file; when it is
    /// not in the tree, a file of the default name is removed so that it is not used
    /// by mistake. A path leaving the tree is refused.
    pub fn apply_path(
        &self,
        props: &PropertyStore,
        app: &str,
        workdir: &Path,
    ) -> Result<(), DeployError> {
        let path = self.computed_path(props, app);
        if !is_inside(&path) {
            return Err(DeployError::refused(
                format!("Invalid {} specified: {path}", self.property),
                format!(
                    "use a path relative to the repository root: {}:set {app} {} <path>",
                    self.plugin, self.property
                ),
            ));
        }
        let from = workdir.join(&path);
        let to = workdir.join(self.file);
        if !from.is_file() {
            return match std::fs::remove_file(&to) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(DeployError::io("remove", &to)(e))
                }
                _ => Ok(()),
            };
        }
        if from == to {
            return Ok(());
        }
        std::fs::rename(&from, &to).map_err(DeployError::io("move", &from))
    }
}

/// Whether `path` names something below the source tree (relative, no `..`).
pub fn is_inside(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_keys_and_computed_default() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path());
        let r = PACK.report(&props, "a");
        let flags: Vec<(&str, &str)> = r.flags().collect();
        assert_eq!(
            flags,
            [
                ("--builder-pack-computed-projecttoml-path", "project.toml"),
                ("--builder-pack-global-projecttoml-path", ""),
                ("--builder-pack-projecttoml-path", ""),
            ]
        );
        props
            .write("builder-pack", "--global", "projecttoml-path", "g.toml")
            .expect("write");
        assert_eq!(PACK.computed_path(&props, "a"), "g.toml");
        props
            .write("builder-pack", "a", "projecttoml-path", "a.toml")
            .expect("write");
        assert_eq!(PACK.computed_path(&props, "a"), "a.toml");
        assert!(PACK
            .report(&props, "--global")
            .flags()
            .all(|(k, _)| k.contains("-global-") || k.contains("-computed-")));
    }

    #[test]
    fn post_extract_moves_removes_and_refuses_escapes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let props = PropertyStore::new(dir.path().join("lib"));
        let work = dir.path().join("work");
        std::fs::create_dir_all(&work).expect("mkdir");
        std::fs::write(work.join("alt.toml"), "x").expect("write");
        NIXPACKS
            .apply_path(&props, "a", &work)
            .expect("default, absent");
        props
            .write("builder-nixpacks", "a", "nixpackstoml-path", "alt.toml")
            .expect("write");
        NIXPACKS.apply_path(&props, "a", &work).expect("moved");
        assert!(work.join("nixpacks.toml").is_file());
        assert!(!work.join("alt.toml").exists());
        // The configured file is gone now: the default one is removed.
        NIXPACKS.apply_path(&props, "a", &work).expect("removed");
        assert!(!work.join("nixpacks.toml").exists());
        props
            .write("builder-nixpacks", "a", "nixpackstoml-path", "../x")
            .expect("write");
        assert!(NIXPACKS.apply_path(&props, "a", &work).is_err());
        assert!(!is_inside("/etc/passwd"));
        assert!(is_inside("sub/dir/x.toml"));
    }
}
