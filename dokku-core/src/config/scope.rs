//! `ConfigScope`: whose config vars (one app's, or the global ones).

use std::fmt;

/// The directory name Dokku uses for global config (`config/--global/ENV`).
const GLOBAL_DIR: &str = "--global";

/// Whose config vars: one app's, or the global set every app inherits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConfigScope {
    /// An app's own vars, in `$DOKKU_LIB_ROOT/config/<app>/ENV`.
    App(String),
    /// The global vars, in `$DOKKU_LIB_ROOT/config/--global/ENV`.
    Global,
}

impl ConfigScope {
    /// The scope of app `name`.
    pub fn app(name: impl Into<String>) -> Self {
        Self::App(name.into())
    }

    /// The scope named by a trigger or `config_sub` argument: `--global` (or the empty
    /// string the Go CLI passes for `--global`) is [`ConfigScope::Global`], anything
    /// else an app.
    pub fn from_arg(arg: &str) -> Self {
        if arg.is_empty() || arg == GLOBAL_DIR {
            Self::Global
        } else {
            Self::App(arg.to_owned())
        }
    }

    /// Whether this is the global scope.
    pub fn is_global(&self) -> bool {
        matches!(self, Self::Global)
    }

    /// The directory under `config/` holding this scope's `ENV`: the app name or
    /// `--global`.
    pub fn dir_name(&self) -> &str {
        match self {
            Self::App(name) => name,
            Self::Global => GLOBAL_DIR,
        }
    }

    /// The name Dokku's log lines use: the app name, or `<global>` (as in
    /// `-----> Deleting invalid key K from config for <global>`).
    pub fn display_name(&self) -> &str {
        match self {
            Self::App(name) => name,
            Self::Global => "<global>",
        }
    }
}

impl fmt::Display for ConfigScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let app = ConfigScope::app("web");
        assert_eq!(
            (app.dir_name(), app.display_name(), app.is_global()),
            ("web", "web", false)
        );
        let global = ConfigScope::Global;
        assert_eq!(
            (global.dir_name(), global.display_name(), global.is_global()),
            ("--global", "<global>", true)
        );
        assert_eq!(global.to_string(), "<global>");
    }

    #[test]
    fn from_arg() {
        assert_eq!(ConfigScope::from_arg("--global"), ConfigScope::Global);
        assert_eq!(ConfigScope::from_arg(""), ConfigScope::Global);
        assert_eq!(ConfigScope::from_arg("web"), ConfigScope::app("web"));
    }
}
