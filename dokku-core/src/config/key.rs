//! `ConfigKey`: a config var name Dokku accepts.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use super::ConfigError;

/// A config var name matching `^[a-zA-Z_][a-zA-Z0-9_]*$` (Dokku's `validateKey`).
///
/// Ordering is the byte order of the name, which is how Dokku sorts keys everywhere.
/// `ConfigKey` borrows as `str`, so maps keyed by it can be looked up with `&str`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConfigKey(String);

impl ConfigKey {
    /// Validates `key`; the error reads `Invalid key name: '<key>'`.
    pub fn new(key: impl Into<String>) -> Result<Self, ConfigError> {
        let key = key.into();
        if Self::is_valid(&key) {
            Ok(Self(key))
        } else {
            Err(ConfigError::InvalidKey { key })
        }
    }

    /// Like [`ConfigKey::new`], but hands the string back on failure (for the loader,
    /// which reports invalid keys by name).
    pub(crate) fn try_from_owned(key: String) -> Result<Self, String> {
        if Self::is_valid(&key) {
            Ok(Self(key))
        } else {
            Err(key)
        }
    }

    /// Whether `key` is a valid config var name.
    pub fn is_valid(key: &str) -> bool {
        let mut bytes = key.bytes();
        matches!(bytes.next(), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_'))
            && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, by value.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for ConfigKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ConfigKey {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for ConfigKey {
    type Error = ConfigError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl AsRef<str> for ConfigKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// Sound because Eq/Ord/Hash are derived from the single String field, so they agree
// with str's.
impl Borrow<str> for ConfigKey {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<ConfigKey> for String {
    fn from(key: ConfigKey) -> Self {
        key.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_dokku_key_names() {
        for key in ["A", "_", "a", "FOO_BAR", "_9", "abc123", "DATABASE_URL"] {
            assert!(ConfigKey::new(key).is_ok(), "{key}");
        }
    }

    #[test]
    fn rejects_everything_else_with_dokkus_message() {
        for key in [
            "", "1A", "FOO-BAR", "FOO.BAR", "FOO BAR", "É", "A=B", "A\n", "-",
        ] {
            let err = ConfigKey::new(key).expect_err(key);
            assert_eq!(err.to_string(), format!("Invalid key name: '{key}'"));
        }
    }

    #[test]
    fn orders_by_bytes_and_borrows_as_str() {
        let mut keys: Vec<ConfigKey> = ["b", "B", "_a", "a_b", "a"]
            .into_iter()
            .map(|k| k.parse().expect("valid"))
            .collect();
        keys.sort();
        let names: Vec<&str> = keys.iter().map(ConfigKey::as_str).collect();
        assert_eq!(names, ["B", "_a", "a", "a_b", "b"]);
        let map: std::collections::BTreeMap<ConfigKey, u8> =
            [(ConfigKey::new("X").expect("valid"), 1)]
                .into_iter()
                .collect();
        assert_eq!(map.get("X"), Some(&1));
    }
}
