//! Why a plugin library was refused, as one actionable line plus a detail dump.

use std::path::{Path, PathBuf};

use abi_stable::library::{LibraryError, RootModuleError};

use crate::abi::DOKKU_PLUGIN_ABI;
use crate::export::{RUSTC_VERSION, SDK_VERSION};

/// A plugin library the host refused.
///
/// `Display` is exactly one line naming the file, what is wrong and the fix; print it as the
/// error. [`LoadError::detail`] has the full story (`abi_stable`'s own report, versions) for
/// `--trace`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be opened as a shared library: missing, unreadable, not ELF
    /// (garbage), wrong architecture, or a missing dependency.
    #[error(
        "cannot load plugin library {}: {reason}: reinstall the plugin (its install trigger builds the library)",
        path.display()
    )]
    Open {
        /// The library file.
        path: PathBuf,
        /// The loader's reason, on one line.
        reason: String,
        /// Full detail for `--trace`.
        detail: String,
    },
    /// The library opened but exports no Dokku plugin root module.
    #[error(
        "plugin library {} is not a dokku native plugin ({reason}): build it with dokku_plugin_sdk::export_plugin!, or drop [plugin.native] from its plugin.toml",
        path.display()
    )]
    NotAPlugin {
        /// The library file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
        /// Full detail for `--trace`.
        detail: String,
    },
    /// The library uses an `abi_stable` release whose ABI differs from this host's.
    #[error(
        "plugin library {} was built with an incompatible abi_stable runtime, this dokku provides ABI {expected}: rebuild the plugin against dokku-plugin-sdk {expected}.x",
        path.display()
    )]
    AbiStableMismatch {
        /// The library file.
        path: PathBuf,
        /// This host's plugin ABI.
        expected: u32,
        /// Full detail for `--trace`.
        detail: String,
    },
    /// The library was built for another Dokku plugin ABI (our handshake number, or the
    /// root module's major version).
    #[error(
        "plugin library {} was built for dokku plugin ABI {found}{}, this dokku provides ABI {expected}: rebuild the plugin against dokku-plugin-sdk {expected}.x",
        path.display(),
        sdk_version.as_deref().map(|v| format!(" (sdk {v})")).unwrap_or_default()
    )]
    AbiMismatch {
        /// The library file.
        path: PathBuf,
        /// The ABI the library was built for.
        found: u32,
        /// The SDK version it was built with, when known.
        sdk_version: Option<String>,
        /// This host's plugin ABI.
        expected: u32,
        /// Full detail for `--trace`.
        detail: String,
    },
    /// Same ABI number, but the types differ (built against an incompatible
    /// `dokku-plugin-sdk`, e.g. a different major or a modified copy).
    #[error(
        "plugin library {} does not match the dokku plugin ABI {expected} layout of this dokku ({summary}): rebuild the plugin against dokku-plugin-sdk {expected}.x",
        path.display()
    )]
    Layout {
        /// The library file.
        path: PathBuf,
        /// This host's plugin ABI.
        expected: u32,
        /// The first line of `abi_stable`'s report that names the difference.
        summary: String,
        /// Full detail for `--trace`.
        detail: String,
    },
    /// The library's root module constructor panicked or failed.
    #[error(
        "plugin library {} panicked while loading: fix or remove the plugin",
        path.display()
    )]
    Panicked {
        /// The library file.
        path: PathBuf,
        /// Full detail for `--trace`.
        detail: String,
    },
    /// Anything else `abi_stable` reported (bad version string, C ABI self-test failure).
    #[error(
        "plugin library {} was refused by the plugin loader ({summary}): rebuild the plugin against dokku-plugin-sdk {expected}.x",
        path.display()
    )]
    Other {
        /// The library file.
        path: PathBuf,
        /// This host's plugin ABI.
        expected: u32,
        /// A one-line summary.
        summary: String,
        /// Full detail for `--trace`.
        detail: String,
    },
}

/// Squashes a multi-line message into one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn host_versions() -> String {
    format!("this dokku: plugin ABI {DOKKU_PLUGIN_ABI}, dokku-plugin-sdk {SDK_VERSION}, {RUSTC_VERSION}")
}

impl LoadError {
    /// The library file this error is about.
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Open { path, .. }
            | LoadError::NotAPlugin { path, .. }
            | LoadError::AbiStableMismatch { path, .. }
            | LoadError::AbiMismatch { path, .. }
            | LoadError::Layout { path, .. }
            | LoadError::Panicked { path, .. }
            | LoadError::Other { path, .. } => path,
        }
    }

    /// The full story for `--trace`: `abi_stable`'s report (which can run to a couple of
    /// hundred lines for a layout mismatch) and the versions on both sides.
    pub fn detail(&self) -> &str {
        match self {
            LoadError::Open { detail, .. }
            | LoadError::NotAPlugin { detail, .. }
            | LoadError::AbiStableMismatch { detail, .. }
            | LoadError::AbiMismatch { detail, .. }
            | LoadError::Layout { detail, .. }
            | LoadError::Panicked { detail, .. }
            | LoadError::Other { detail, .. } => detail,
        }
    }

    pub(crate) fn not_a_plugin(path: &Path, reason: String) -> Self {
        LoadError::NotAPlugin {
            path: path.to_owned(),
            detail: format!("{reason}\n{}", host_versions()),
            reason,
        }
    }

    pub(crate) fn abi_number_mismatch(path: &Path, found: u32, sdk: &str, rustc: &str) -> Self {
        LoadError::AbiMismatch {
            path: path.to_owned(),
            found,
            sdk_version: Some(sdk.to_owned()),
            expected: DOKKU_PLUGIN_ABI,
            detail: format!(
                "the library's root module reports plugin ABI {found}, dokku-plugin-sdk {sdk}, {rustc}\n{}",
                host_versions()
            ),
        }
    }

    /// Maps an `abi_stable` loading error to one of the cases above.
    pub fn from_library_error(path: &Path, err: LibraryError) -> Self {
        let path = path.to_owned();
        // abi_stable prints the symbol name with its trailing NUL.
        let detail = format!(
            "abi_stable reported:\n{}\n{}",
            err.to_string().trim().replace('\0', ""),
            host_versions()
        );
        match err {
            LibraryError::OpenError { err, .. } => {
                // dlerror() repeats the path: "/x/libfoo.so: invalid ELF header".
                let reason = err.to_string();
                let reason = reason
                    .strip_prefix(&format!("{}: ", path.display()))
                    .unwrap_or(&reason);
                LoadError::Open {
                    reason: one_line(reason),
                    path,
                    detail,
                }
            }
            LibraryError::GetSymbolError { .. } => LoadError::NotAPlugin {
                path,
                reason: "it exports no dokku plugin root module".to_owned(),
                detail,
            },
            LibraryError::InvalidAbiHeader(_) => LoadError::AbiStableMismatch {
                path,
                expected: DOKKU_PLUGIN_ABI,
                detail,
            },
            LibraryError::IncompatibleVersionNumber { actual_version, .. } => {
                LoadError::AbiMismatch {
                    path,
                    found: actual_version.major,
                    sdk_version: None,
                    expected: DOKKU_PLUGIN_ABI,
                    detail,
                }
            }
            LibraryError::AbiInstability(report) => {
                let report = report.to_string();
                let summary = report
                    .lines()
                    .map(str::trim)
                    .find(|l| l.starts_with("Error:") || l.contains("incompatible"))
                    .map(|l| one_line(l.trim_start_matches("Error:")))
                    .unwrap_or_else(|| "type layouts differ".to_owned());
                LoadError::Layout {
                    path,
                    expected: DOKKU_PLUGIN_ABI,
                    summary,
                    detail,
                }
            }
            LibraryError::RootModule {
                err: RootModuleError::Unwound,
                ..
            } => LoadError::Panicked { path, detail },
            LibraryError::RootModule {
                err: RootModuleError::Returned(e),
                ..
            } => LoadError::Other {
                path,
                expected: DOKKU_PLUGIN_ABI,
                summary: format!("its root module failed: {}", one_line(&e.to_string())),
                detail,
            },
            other => LoadError::Other {
                path,
                expected: DOKKU_PLUGIN_ABI,
                summary: one_line(
                    other
                        .to_string()
                        .lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("unknown loader error"),
                ),
                detail,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi_stable::sabi_types::VersionNumber;
    use abi_stable::std_types::RBoxError;

    const PATH: &str = "/var/lib/dokku/plugins/available/foo/libfoo.so";

    fn single_line(err: &LoadError) -> String {
        let text = err.to_string();
        assert!(!text.contains('\n'), "not one line: {text:?}");
        text
    }

    #[test]
    fn newer_root_module_major_names_both_abis() {
        let err = LoadError::from_library_error(
            Path::new(PATH),
            LibraryError::IncompatibleVersionNumber {
                library_name: "dokku_plugin",
                expected_version: VersionNumber {
                    major: 1,
                    minor: 0,
                    patch: 0,
                },
                actual_version: VersionNumber {
                    major: 2,
                    minor: 0,
                    patch: 0,
                },
            },
        );
        assert_eq!(
            single_line(&err),
            format!(
                "plugin library {PATH} was built for dokku plugin ABI 2, this dokku provides ABI 1: \
                 rebuild the plugin against dokku-plugin-sdk 1.x"
            )
        );
        assert!(err.detail().contains("library version mismatch"));
    }

    #[test]
    fn layout_mismatch_is_summarised_on_one_line() {
        let report = "\nsome header\n   Error:too many fields\n   Expected: 5 Found: 4\n";
        let err = LoadError::from_library_error(
            Path::new(PATH),
            LibraryError::AbiInstability(RBoxError::from_fmt(&report)),
        );
        assert_eq!(
            single_line(&err),
            format!(
                "plugin library {PATH} does not match the dokku plugin ABI 1 layout of this dokku \
                 (too many fields): rebuild the plugin against dokku-plugin-sdk 1.x"
            )
        );
        assert!(err.detail().contains("Expected: 5 Found: 4"));
    }

    #[test]
    fn panic_while_loading_has_its_own_message() {
        let err = LoadError::from_library_error(
            Path::new(PATH),
            LibraryError::RootModule {
                err: RootModuleError::Unwound,
                module_name: "dokku_plugin",
                version: abi_stable::sabi_types::VersionStrings::new("1.0.0"),
            },
        );
        assert_eq!(
            single_line(&err),
            format!("plugin library {PATH} panicked while loading: fix or remove the plugin")
        );
    }

    #[test]
    fn own_abi_number_mismatch_message() {
        let err = LoadError::abi_number_mismatch(Path::new(PATH), 999, "1.0.0", "rustc 1.95.0");
        assert_eq!(
            single_line(&err),
            format!(
                "plugin library {PATH} was built for dokku plugin ABI 999 (sdk 1.0.0), this dokku \
                 provides ABI 1: rebuild the plugin against dokku-plugin-sdk 1.x"
            )
        );
        assert!(err.detail().contains("rustc 1.95.0"));
    }
}
