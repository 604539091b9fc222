//! The plugin protocol: what `dokku` and its plugins agree on, defined once.
//!
//! Two crates speak this protocol and must never depend on each other: `dokku-core`
//! (every rule of Dokku, with no ABI types) and `dokku-plugin-sdk` (the frozen
//! `abi_stable` ABI 1 for native plugins, with no core types). What both need lives here,
//! and each re-exports it under its old paths:
//!
//! * [`log`]: Dokku's `dokku_log_*` family: the prefixes, the stream of each level and
//!   which lines `--quiet` and `--trace` drop; [`log::Stream`] is the one stream type of
//!   both (`dokku_core::log::Stream`, `dokku_plugin_sdk::Stream`).
//! * [`wire`]: the numbers that name a stream and a log level between `dokku` and a
//!   native plugin library (frozen with ABI 1).
//! * [`exit`]: Dokku's exit-code conventions (`0`, `1`, `2`, `10`, `20`).
//! * [`service`]: the names of the host services a plugin may call.
//! * [`manifest`]: `plugin.toml`, the one serde schema of its keys and the two ways it is
//!   read (leniently by the dispatcher, strictly for a plugin author).
//!
//! The crate has no `abi_stable` and no I/O beyond reading a `plugin.toml`; its only
//! dependencies are `serde` and `toml`, for the manifest.
//!
//! # Why two log level types
//!
//! [`log::Level`] (re-exported as `dokku_core::log::Level`) is the whole `dokku_log_*`
//! family. The SDK's `LogLevel` stays a type of its own because it is part of the frozen
//! ABI: it has no `fail` levels (a plugin fails by returning an error, so ABI 1 has no
//! number for them), and it has `Other(u8)` so a host keeps a level number sent by a newer
//! plugin instead of losing it. Neither type can become the other without changing ABI 1,
//! so the *rules* are shared instead: `LogLevel` maps each of its known levels to a
//! [`log::Level`] and asks it for the prefix, the stream and the quiet and trace rules.
//! Only `Other(_)` has rules of its own (a raw line on stderr, never dropped).
#![deny(missing_docs)]

pub mod exit;
pub mod log;
pub mod manifest;
pub mod service;
pub mod wire;
