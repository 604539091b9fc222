//! The app-name rule and its messages.

use std::fmt;

use thiserror::Error;

/// Which naming rule to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// `^[a-z0-9][a-z0-9.-]*$`: every new app.
    Current,
    /// `^[a-z0-9][a-z0-9._-]*$`: names older Dokku versions allowed, still accepted
    /// for apps that already exist.
    Legacy,
}

/// A name that breaks the rule, with Dokku's exact messages.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppNameError {
    /// No name at all.
    #[error("Please specify an app to run the command on")]
    Missing,
    /// Breaks the current rule.
    #[error("App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens")]
    Invalid {
        /// The rejected name.
        name: String,
    },
    /// Breaks the legacy rule too.
    #[error("App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, hyphens, and underscores")]
    InvalidLegacy {
        /// The rejected name.
        name: String,
    },
}

/// A validated app name. Because the rule forbids `/` and a leading `.`, an `AppName`
/// is always safe to join onto a directory path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AppName(String);

impl AppName {
    /// Validates a name for a new app (the current rule).
    pub fn parse(name: &str) -> Result<AppName, AppNameError> {
        check(name, NameRule::Current).map(|()| AppName(name.to_string()))
    }

    /// Validates a name of an app that may predate the current rule: it must pass the
    /// current or the legacy rule, and failing both reports the current rule's message
    /// (as Dokku's `verify_app_name` does).
    pub fn parse_existing(name: &str) -> Result<AppName, AppNameError> {
        match check(name, NameRule::Current) {
            Ok(()) => Ok(AppName(name.to_string())),
            Err(current) => check(name, NameRule::Legacy)
                .map(|()| AppName(name.to_string()))
                .map_err(|_| current),
        }
    }

    /// The name as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AppName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for AppName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Checks `name` against `rule`.
pub fn check(name: &str, rule: NameRule) -> Result<(), AppNameError> {
    if name.is_empty() {
        return Err(AppNameError::Missing);
    }
    let allowed = |c: char| match rule {
        NameRule::Current => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-',
        NameRule::Legacy => {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-' || c == '_'
        }
    };
    let first_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if first_ok && name.chars().all(allowed) {
        Ok(())
    } else if rule == NameRule::Current {
        Err(AppNameError::Invalid {
            name: name.to_string(),
        })
    } else {
        Err(AppNameError::InvalidLegacy {
            name: name.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_dokku_names() {
        for ok in ["a", "my-app", "app.example.com", "0day"] {
            assert!(AppName::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_names_with_dokku_message() {
        for bad in [
            "Upper", "-lead", "..", "a/b", ".hidden", "a b", "a;b", "a_b",
        ] {
            let err = AppName::parse(bad).expect_err(bad);
            assert!(err.to_string().starts_with("App name must begin"), "{bad}");
        }
        assert_eq!(
            AppName::parse("").expect_err("empty"),
            AppNameError::Missing
        );
    }

    #[test]
    fn legacy_underscore_names_exist_but_cannot_be_created() {
        assert!(AppName::parse("old_app").is_err());
        assert!(AppName::parse_existing("old_app").is_ok());
        let err = AppName::parse_existing("Bad").expect_err("bad");
        assert!(matches!(err, AppNameError::Invalid { .. }));
    }
}
