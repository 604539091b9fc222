//! Errors that cross the plugin boundary: [`PluginError`] (plugin → host) and
//! [`HostError`] (host → plugin), both `{ kind, message }` with the kinds of [`ErrorKind`].

use std::fmt;

use abi_stable::std_types::RString;

use crate::abi::kind;
pub use crate::abi::{HostError, PluginError};

/// What went wrong, as far as the host needs to know to react.
///
/// Travels as a number ([`ErrorKind::code`]); a number this SDK does not know (sent by a
/// newer peer) reads back as [`ErrorKind::Unknown`], so adding kinds is not an ABI break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A kind this SDK does not know, or no better kind applies.
    Unknown,
    /// An ordinary failure. The host prints ` !     <message>` and exits 1.
    Failed,
    /// The plugin panicked. The host prints the message (which names the panic location),
    /// exits 1 and keeps running any other work it has; a trigger chain stops here.
    Panicked,
    /// Not implemented: the host treats it like exit code 10 ("not mine").
    NotImplemented,
    /// The host does not know the requested service: the plugin needs a newer dokku.
    UnsupportedService,
    /// The host knows the service but its implementation has not landed yet.
    NotAvailableYet,
    /// A service or command was called with the wrong arguments.
    InvalidArguments,
    /// The app does not exist. The host prints the message and exits 20, like Dokku.
    AppNotFound,
}

impl ErrorKind {
    /// The number that travels across the ABI.
    pub const fn code(self) -> u32 {
        match self {
            ErrorKind::Unknown => kind::UNKNOWN,
            ErrorKind::Failed => kind::FAILED,
            ErrorKind::Panicked => kind::PANICKED,
            ErrorKind::NotImplemented => kind::NOT_IMPLEMENTED,
            ErrorKind::UnsupportedService => kind::UNSUPPORTED_SERVICE,
            ErrorKind::NotAvailableYet => kind::NOT_AVAILABLE_YET,
            ErrorKind::InvalidArguments => kind::INVALID_ARGUMENTS,
            ErrorKind::AppNotFound => kind::APP_NOT_FOUND,
        }
    }

    /// Reads a number from the ABI; unknown numbers become [`ErrorKind::Unknown`].
    pub const fn from_code(code: u32) -> Self {
        match code {
            kind::FAILED => ErrorKind::Failed,
            kind::PANICKED => ErrorKind::Panicked,
            kind::NOT_IMPLEMENTED => ErrorKind::NotImplemented,
            kind::UNSUPPORTED_SERVICE => ErrorKind::UnsupportedService,
            kind::NOT_AVAILABLE_YET => ErrorKind::NotAvailableYet,
            kind::INVALID_ARGUMENTS => ErrorKind::InvalidArguments,
            kind::APP_NOT_FOUND => ErrorKind::AppNotFound,
            _ => ErrorKind::Unknown,
        }
    }

    /// The exit code Dokku uses for this kind of failure: `20` for a missing app, `10` for
    /// not implemented, `1` otherwise.
    pub const fn exit_code(self) -> i32 {
        use dokku_protocol::exit;
        match self {
            ErrorKind::AppNotFound => exit::APP_NOT_FOUND_EXIT,
            ErrorKind::NotImplemented => exit::NOT_IMPLEMENTED_EXIT,
            _ => exit::FAIL_EXIT,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Unknown => "unknown error",
            ErrorKind::Failed => "failed",
            ErrorKind::Panicked => "panicked",
            ErrorKind::NotImplemented => "not implemented",
            ErrorKind::UnsupportedService => "unsupported service",
            ErrorKind::NotAvailableYet => "not available yet",
            ErrorKind::InvalidArguments => "invalid arguments",
            ErrorKind::AppNotFound => "app not found",
        })
    }
}

/// Joins an error and its `source()` chain into one line (`outer: inner: root`).
fn flatten(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

macro_rules! error_common {
    ($ty:ident) => {
        impl $ty {
            /// An error of the given kind.
            pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
                Self {
                    kind: kind.code(),
                    message: RString::from(message.into()),
                }
            }

            /// An error with a raw kind number (kept as is, even if unknown to this SDK).
            pub fn from_raw(kind: u32, message: impl Into<String>) -> Self {
                Self {
                    kind,
                    message: RString::from(message.into()),
                }
            }

            /// An ordinary failure ([`ErrorKind::Failed`]).
            pub fn failed(message: impl Into<String>) -> Self {
                Self::new(ErrorKind::Failed, message)
            }

            /// Wrong arguments ([`ErrorKind::InvalidArguments`]).
            pub fn invalid_arguments(message: impl Into<String>) -> Self {
                Self::new(ErrorKind::InvalidArguments, message)
            }

            /// The app does not exist: `App <app> does not exist` ([`ErrorKind::AppNotFound`]).
            pub fn app_not_found(app: &str) -> Self {
                Self::new(ErrorKind::AppNotFound, format!("App {app} does not exist"))
            }

            /// Flattens any error and its `source()` chain into a [`ErrorKind::Failed`] error.
            pub fn from_error(err: &(dyn std::error::Error + 'static)) -> Self {
                Self::failed(flatten(err))
            }

            /// The kind of error.
            pub fn kind(&self) -> ErrorKind {
                ErrorKind::from_code(self.kind)
            }

            /// The raw kind number, as received.
            pub fn raw_kind(&self) -> u32 {
                self.kind
            }

            /// The human-readable message (what the host prints after ` !     `).
            pub fn message(&self) -> &str {
                self.message.as_str()
            }

            /// The exit code Dokku would use for this error (see [`ErrorKind::exit_code`]).
            pub fn exit_code(&self) -> i32 {
                self.kind().exit_code()
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.message())
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("kind", &self.kind())
                    .field("raw_kind", &self.kind)
                    .field("message", &self.message())
                    .finish()
            }
        }

        impl std::error::Error for $ty {}

        impl From<std::io::Error> for $ty {
            fn from(err: std::io::Error) -> Self {
                Self::from_error(&err)
            }
        }

        impl From<String> for $ty {
            fn from(message: String) -> Self {
                Self::failed(message)
            }
        }

        impl From<&str> for $ty {
            fn from(message: &str) -> Self {
                Self::failed(message)
            }
        }
    };
}

error_common!(PluginError);
error_common!(HostError);

impl PluginError {
    /// "Not implemented" ([`ErrorKind::NotImplemented`]); the host treats it like exit 10.
    pub fn not_implemented(what: &str) -> Self {
        Self::new(
            ErrorKind::NotImplemented,
            format!("{what} is not implemented"),
        )
    }

    /// A panic report ([`ErrorKind::Panicked`]).
    pub fn panicked(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Panicked, message)
    }
}

impl HostError {
    /// The standard answer to a service name the host does not know.
    pub fn unsupported(service: &str, host_version: &str) -> Self {
        Self::new(
            ErrorKind::UnsupportedService,
            format!(
                "host service `{service}` is not provided by this dokku ({host_version}): \
                 the plugin needs a newer dokku"
            ),
        )
    }

    /// The standard answer of a known service whose core lands in a later release
    /// (the same wording as the `dokku __core` helpers).
    pub fn not_available_yet(service: &str) -> Self {
        Self::new(
            ErrorKind::NotAvailableYet,
            format!("{service} is not available yet in this dokku"),
        )
    }

    /// A host service panicked while serving the plugin.
    pub fn panicked(service: &str, message: &str) -> Self {
        Self::new(
            ErrorKind::Panicked,
            format!("host service `{service}` panicked: {message}"),
        )
    }
}

/// A host error returned by a plugin keeps its kind and message, so `?` on a host service
/// call does the right thing (e.g. a missing app still exits 20).
impl From<HostError> for PluginError {
    fn from(err: HostError) -> Self {
        Self {
            kind: err.kind,
            message: err.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_unknown_numbers_degrade() {
        for kind in [
            ErrorKind::Unknown,
            ErrorKind::Failed,
            ErrorKind::Panicked,
            ErrorKind::NotImplemented,
            ErrorKind::UnsupportedService,
            ErrorKind::NotAvailableYet,
            ErrorKind::InvalidArguments,
            ErrorKind::AppNotFound,
        ] {
            assert_eq!(ErrorKind::from_code(kind.code()), kind);
        }
        let future = PluginError::from_raw(4242, "from the future");
        assert_eq!(future.kind(), ErrorKind::Unknown);
        assert_eq!(future.raw_kind(), 4242);
        assert_eq!(future.exit_code(), 1);
    }

    #[test]
    fn host_errors_keep_their_kind_through_question_mark() {
        fn plugin_code() -> Result<(), PluginError> {
            Err(HostError::app_not_found("myapp"))?
        }
        let err = plugin_code().expect_err("the host error propagates");
        assert_eq!(err.kind(), ErrorKind::AppNotFound);
        assert_eq!(err.to_string(), "App myapp does not exist");
        assert_eq!(err.exit_code(), 20);
    }

    #[test]
    fn io_errors_flatten_their_chain() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("reading CHECKS")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let err = PluginError::from_error(&Outer(std::io::Error::other("disk on fire")));
        assert_eq!(err.message(), "reading CHECKS: disk on fire");
        assert_eq!(err.kind(), ErrorKind::Failed);
    }
}
