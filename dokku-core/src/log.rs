//! Dokku's log-line family: exact prefixes, the stream each goes to, and which lines
//! `--quiet` suppresses.
//!
//! Defined once in [`dokku_protocol::log`], which the plugin SDK's `LogLevel` shares its
//! rules with; re-exported here under the paths core and its callers have always used.

pub use dokku_protocol::log::{line, render, Level, Stream};
