//! Config vars (in progress)
pub mod envfile;
mod error;
mod key;
pub use error::ConfigError;
pub use key::ConfigKey;
/// env
pub type Env = std::collections::BTreeMap<ConfigKey, String>;
