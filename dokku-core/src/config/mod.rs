//! Config vars, in Dokku 0.38's ENV file format.
//!
//! | Piece | What it does |
//! |---|---|
//! | [`ConfigKey`] | a validated var name (`^[a-zA-Z_][a-zA-Z0-9_]*$`) |
//! | [`ConfigScope`] | one app's vars, or the global ones |
//! | [`ConfigStore`] | `config/<app>/ENV` and `config/--global/ENV`: get, set, unset, clear, merge, under a lock |
//! | [`envfile`] | the godotenv v1.5.1 file format: a faithful reader, a compatible writer |
//! | [`format`](mod@format) | `config:export --format ...` output |
//! | [`bundle_tar`] | `config:bundle`'s tar archive |
//! | [`parse_pairs`], [`decode_value`] | `config:set KEY=VALUE` / `--encoded` arguments |
//! | [`ops`] | the commands' behaviour around the file: log lines, `post-config-update`, restarts |
//! | [`migrate`] | draining the pre-0.38 `$DOKKU_ROOT/ENV` files (the `install` trigger) |
//!
//! ```
//! # let root = tempfile::tempdir().expect("temp dir");
//! use dokku_core::config::{format, ConfigScope, ConfigStore, ExportFormat};
//!
//! let store = ConfigStore::new(root.path());
//! let app = ConfigScope::app("web");
//! store.set(&ConfigScope::Global, &[("TZ", "UTC")])?;
//! store.set(&app, &[("PORT", "5000"), ("TZ", "Europe/Paris")])?;
//! let env = store.merged(&app)?;
//! assert_eq!(format::export(&env, ExportFormat::Shell), "PORT='5000' TZ='Europe/Paris'");
//! # Ok::<(), dokku_core::config::ConfigError>(())
//! ```

pub(crate) mod base64;
mod bundle;
pub mod envfile;
mod error;
pub mod format;
pub(crate) mod gojson;
mod key;
pub mod migrate;
pub mod ops;
mod pairs;
mod scope;
mod store;
#[cfg(test)]
mod store_tests;

use std::collections::BTreeMap;

pub use bundle::bundle_tar;
pub use error::ConfigError;
pub use format::ExportFormat;
pub use key::ConfigKey;
pub use pairs::{decode_value, parse_pairs};
pub use scope::ConfigScope;
pub use store::{ConfigStore, LoadedEnv, UnsetOutcome};

/// A set of config vars, sorted by key (the order Dokku prints and writes them in).
pub type Env = BTreeMap<ConfigKey, String>;
