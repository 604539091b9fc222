//! The `netrc` entry point (Dokku's `netrc` helper binary, which its plugins and tests
//! call): `netrc [--netrc-file FILE] get|set|unset HOST [LOGIN PASSWORD]`.
//!
//! The file defaults to `$HOME/.netrc`. `get` prints `LOGIN:PASSWORD` and fails when
//! the host has no entry; `set` and `unset` rewrite the file with mode 0600. Errors
//! are one line on stderr and exit status 1.

use std::path::PathBuf;

use dokku_core::netrc;

const USAGE: &str =
    "Usage: netrc [--netrc-file FILE] get HOST | set HOST LOGIN PASSWORD | unset HOST";

/// Runs the `netrc` command line; returns the exit status.
pub(crate) fn main(args: &[String]) -> i32 {
    let mut file: Option<PathBuf> = None;
    let mut words: Vec<&str> = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--netrc-file" {
            file = iter.next().map(PathBuf::from);
        } else if let Some(path) = arg.strip_prefix("--netrc-file=") {
            file = Some(PathBuf::from(path));
        } else if arg == "-h" || arg == "--help" {
            println!("{USAGE}");
            return 0;
        } else {
            words.push(arg);
        }
    }
    let Some(path) =
        file.or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".netrc")))
    else {
        eprintln!("netrc: no --netrc-file and no HOME");
        return 1;
    };
    let result = match words.as_slice() {
        ["get", host] => match netrc::get(&path, host) {
            Ok(Some((login, password))) => {
                println!("{login}:{password}");
                Ok(())
            }
            Ok(None) => {
                eprintln!("netrc: no entry for {host}");
                return 1;
            }
            Err(e) => Err(e),
        },
        ["set", host, login, password] => netrc::set(&path, host, login, password),
        ["unset", host] => netrc::unset(&path, host),
        _ => {
            eprintln!("{USAGE}");
            return 1;
        }
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("netrc: {e}");
            1
        }
    }
}
