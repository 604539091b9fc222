//! `dokku-core`: Dokku's rules as a library.
//!
//! Everything the `dokku` command does that is not argument parsing or printing lives
//! here, so that another Rust tool can create apps, set config or fire triggers without
//! the CLI. The crate never prints: functions return data or typed errors, and log lines
//! are built by [`log`] for the caller to write.
//!
//! | Module | What it owns |
//! |---|---|
//! | [`env`] | the names of every environment variable Dokku reads or exports |
//! | [`paths`] | `DOKKU_ROOT` / `DOKKU_LIB_ROOT` and the layout under them |
//! | [`settings`] | `/etc/default/dokku`, `dokkurc` and `.dokkurc/*` |
//! | [`log`] | Dokku's log-line family (`----->`, `=====>`, ` !     `) |
//! | [`app`] | app names, existence and listing |
//! | [`plugin`] | plugin discovery and `plugin.toml` |
//! | [`trigger`] | the trigger bus (plugn semantics) |
//! | [`process`] | the one place that spawns processes |
//! | [`config`] | config vars in Dokku's ENV file format |
//! | [`property`] | the per-plugin property store |
//! | [`fs`] | atomic file writes |
//! | [`image`] | image names and tags |
//!
//! Stability: this crate follows semver from 1.0; until then minor versions may break.
#![deny(missing_docs)]

pub mod app;
pub mod config;
pub mod env;
pub mod fs;
pub mod image;
pub mod log;
pub mod paths;
pub mod plugin;
pub mod process;
pub mod property;
pub mod settings;
pub mod trigger;
