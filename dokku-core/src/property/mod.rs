//! The per-plugin property store (Dokku's `common/properties.go` and `prop` helper).
//!
//! Plugins keep their settings as small files:
//! `$DOKKU_LIB_ROOT/config/<plugin>/<app>/<property>`, with `--global` ([`GLOBAL`]) as the
//! app name for plugin-wide values. Three shapes share that layout:
//!
//! - plain values ([`PropertyStore::write`], [`PropertyStore::get`], ...): the file's exact
//!   bytes;
//! - lists ([`PropertyStore::list_push`], [`PropertyStore::list_get`], ...): one entry per
//!   `\n`-terminated line;
//! - maps ([`PropertyStore::map_set`], [`PropertyStore::map_get`], ...): a JSON object.
//!
//! ```
//! # let root = tempfile::tempdir().expect("temp dir");
//! use dokku_core::property::PropertyStore;
//!
//! let store = PropertyStore::new(root.path());
//! store.write("git", "myapp", "deploy-branch", "main")?;
//! store.list_push("ports", "myapp", "map", "http:80:5000")?;
//! assert_eq!(store.get("git", "myapp", "deploy-branch")?.as_deref(), Some("main"));
//! assert_eq!(store.list_get("ports", "myapp", "map")?, ["http:80:5000"]);
//! # Ok::<(), dokku_core::property::PropertyError>(())
//! ```

pub mod command;
mod error;
mod list;
pub(crate) mod lock;
mod map;
mod store;

pub use error::PropertyError;
pub use map::PropertyMap;
pub use store::{PropertyStore, ALL_APPS, GLOBAL};
