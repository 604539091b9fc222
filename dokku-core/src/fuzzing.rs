//! Shared settings of the property tests (the `fuzz` module beside each parser):
//! every parser of untrusted input takes arbitrary input without panicking.

use proptest::test_runner::{Config, FileFailurePersistence};

/// A bounded run of `cases` cases, so each property takes a few seconds. A failure
/// prints the shrunk input; keep it as a named regression test beside the parser
/// (no `proptest-regressions/` files are written).
pub(crate) fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}
