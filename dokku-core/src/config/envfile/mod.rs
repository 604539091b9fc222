//! Dokku 0.38's ENV file format: joho/godotenv v1.5.1, read faithfully and written
//! compatibly.
//!
//! [`parse`] accepts exactly what godotenv accepts, with godotenv's error messages, so
//! a file Dokku can read we can read, and the other way round. [`render`] writes what
//! Dokku writes, except where Dokku's own bytes would not read back to the value that
//! was set; there we choose a spelling godotenv still decodes exactly (see the
//! `render` module docs for the three cases and the one we leave as Dokku has it).
//!
//! ```
//! use dokku_core::config::{envfile, ConfigKey, Env};
//!
//! let mut env = Env::new();
//! env.insert(ConfigKey::new("GREETING")?, "say \"hi\"\n$USER".to_owned());
//! env.insert(ConfigKey::new("PORT")?, "5000".to_owned());
//! let text = envfile::render(&env);
//! assert_eq!(text, "GREETING=\"say \\\"hi\\\"\\n\\$USER\"\nPORT=5000\n");
//! assert_eq!(envfile::parse(&text)?["GREETING"], "say \"hi\"\n$USER");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod expand;
mod goquote;
mod parse;
mod render;

pub use parse::{parse, ParseError};

#[cfg(test)]
mod fuzz;
pub use render::{marshal, render};
