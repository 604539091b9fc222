//! Which code a command word may reach.
//!
//! The command word is user input: over ssh it is whatever the client sent. It must
//! never become part of a filesystem path, because Dokku's resolution looks for an
//! executable at `enabled/<plugin>/subcommands/<word>` and a word holding `/` or `..`
//! would climb out of the plugin tree (see docs/security.md). So here a word is first
//! checked ([`check_command_word`]), then every file it can reach is found by *listing*
//! a directory of an already discovered plugin and comparing names
//! ([`find_subcommand`]): nothing the user typed is ever joined onto a path.

use std::path::PathBuf;

use super::{Discovery, Plugin};

/// Why a command word was refused before any plugin saw it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommandWordError {
    /// The word holds a character no command name has (`/`, whitespace, a control
    /// character) or a part that starts with `.`.
    #[error("invalid command '{shown}': {why}")]
    Malformed {
        /// The word, with control characters escaped so it prints on one line.
        shown: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The word names an internal entry point, which ssh users may not call.
    #[error("'{shown}' is an internal command and cannot be run over ssh")]
    Internal {
        /// The word, escaped.
        shown: String,
    },
}

/// Commands that exist for plugins and hooks on the host, never for ssh users.
///
/// `__core` is the bash helper library's back door into the core (it can copy files
/// out of images, write config and properties without `user-auth`): hooks call it
/// with the dispatcher's environment, from which `SSH_ORIGINAL_COMMAND` is removed.
pub fn is_internal(word: &str) -> bool {
    word.starts_with("__")
}

/// Checks the shape of a command word: no `/`, whitespace or control characters,
/// no empty-then-dotted parts (`.x`, `..`), at most 200 bytes.
///
/// Every real command fits: `apps:create`, `git-receive-pack`, `nginx:show-config`,
/// `--version`, `-v`, a community plugin's `postgres:create`.
pub fn check_command_word(word: &str) -> Result<(), CommandWordError> {
    let malformed = |why| CommandWordError::Malformed {
        shown: escape(word),
        why,
    };
    if word.len() > 200 {
        return Err(malformed("command names are at most 200 bytes"));
    }
    if word.contains('/') {
        return Err(malformed("command names may not contain '/'"));
    }
    if word.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(malformed(
            "command names may not contain spaces or control characters",
        ));
    }
    if word.split(':').any(|part| part.starts_with('.')) {
        return Err(malformed("command names may not start with '.'"));
    }
    Ok(())
}

/// [`check_command_word`], plus the ssh rule: internal commands are refused.
pub fn check_ssh_command_word(word: &str) -> Result<(), CommandWordError> {
    check_command_word(word)?;
    if is_internal(word) {
        return Err(CommandWordError::Internal {
            shown: escape(word),
        });
    }
    Ok(())
}

/// The enabled plugin named exactly `name`, from the discovered list (never a path).
pub fn find_plugin<'a>(plugins: &'a Discovery, name: &str) -> Option<&'a Plugin> {
    plugins.get(name)
}

/// The executable `subcommands/<name>` of `plugin`, found by listing the directory.
///
/// `read_dir` never yields `.` or `..`, and names are compared whole, so the result
/// is always a direct child of the plugin's `subcommands` folder whatever `name` is.
pub fn find_subcommand(plugin: &Plugin, name: &str) -> Option<PathBuf> {
    if name.is_empty() {
        return None;
    }
    let entries = std::fs::read_dir(plugin.dir.join("subcommands")).ok()?;
    entries
        .filter_map(Result::ok)
        .find(|entry| entry.file_name().to_str() == Some(name))
        .map(|entry| entry.path())
        .filter(|path| is_executable(path))
}

/// Whether `path` is a regular file (symlinks followed) with an execute bit.
pub fn is_executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The word as it can be printed on one line.
fn escape(word: &str) -> String {
    crate::text::printable(word, Some(80), "…")
}

#[cfg(test)]
mod tests;
