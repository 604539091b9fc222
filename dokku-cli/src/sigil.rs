//! The sigil-compatible entry point (gliderlabs/sigil's command line), for plugins
//! that render their own templates: `sigil [-f FILE | -i TEXT] [-p] [KEY=value...]`.
//!
//! The template comes from `-f FILE`, else `-i TEXT`, else stdin. `-p` first expands
//! POSIX-shell variables (`$NAME`, `${NAME:-default}`...). Each `KEY=value` argument
//! is `{{ .KEY }}`, `{{ $KEY }}` and `var "KEY"`; `var` falls back to the
//! environment. The result goes to stdout unchanged (no blank-line squeeze); an
//! error is one line on stderr and exit status 1.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use dokku_core::sigil;

/// What the command line asked for.
#[derive(Debug, Default, PartialEq, Eq)]
struct Options {
    filename: Option<String>,
    inline: Option<String>,
    posix: bool,
    version: bool,
    help: bool,
    vars: BTreeMap<String, String>,
}

const USAGE: &str = "Usage: sigil [-f FILE | -i TEXT] [-p] [KEY=value ...]
  -f, --filename FILE   use template file instead of STDIN
  -i, --inline TEXT     use inline template string instead of STDIN
  -p, --posix           preprocess with POSIX variable expansion
  -v, --version         prints version
";

/// Parses pflag-style arguments: flags may come between `KEY=value` words, `--`
/// ends them, `-fFILE`, `--filename=FILE` and `-pf FILE` work.
fn parse(args: &[String]) -> Result<Options, String> {
    let mut opts = Options::default();
    let mut words = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            words.extend(iter.by_ref().cloned());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline_value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let mut value = |flag: &str| {
                inline_value
                    .clone()
                    .or_else(|| iter.next().cloned())
                    .ok_or_else(|| format!("flag needs an argument: --{flag}"))
            };
            match name {
                "filename" => opts.filename = Some(value(name)?),
                "inline" => opts.inline = Some(value(name)?),
                "posix" => opts.posix = true,
                "version" => opts.version = true,
                "help" => opts.help = true,
                _ => return Err(format!("unknown flag: --{name}")),
            }
            continue;
        }
        match arg.strip_prefix('-') {
            Some(shorts) if !shorts.is_empty() => {
                for (i, c) in shorts.char_indices() {
                    match c {
                        'p' => opts.posix = true,
                        'v' => opts.version = true,
                        'h' => opts.help = true,
                        'f' | 'i' => {
                            let rest = &shorts[i + 1..];
                            let value = if rest.is_empty() {
                                iter.next()
                                    .cloned()
                                    .ok_or_else(|| format!("flag needs an argument: -{c}"))?
                            } else {
                                rest.to_string()
                            };
                            if c == 'f' {
                                opts.filename = Some(value);
                            } else {
                                opts.inline = Some(value);
                            }
                            break;
                        }
                        _ => return Err(format!("unknown shorthand flag: '{c}' in {arg}")),
                    }
                }
            }
            _ => words.push(arg.clone()),
        }
    }
    for word in words {
        // A word without `=` is not a variable: ignored.
        if let Some((key, value)) = word.split_once('=') {
            opts.vars.insert(key.to_string(), value.to_string());
        }
    }
    Ok(opts)
}

/// The template's name and text.
fn template(opts: &Options) -> Result<(String, String), String> {
    if let Some(file) = &opts.filename {
        let text = std::fs::read_to_string(file).map_err(|e| format!("open {file}: {e}"))?;
        let name = Path::new(file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.clone());
        return Ok((name, text));
    }
    if let Some(text) = &opts.inline {
        return Ok(("<inline>".to_string(), text.clone()));
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("read stdin: {e}"))?;
    Ok(("<stdin>".to_string(), text))
}

fn run(args: &[String]) -> Result<String, String> {
    let opts = parse(args)?;
    if opts.help {
        return Ok(USAGE.to_string());
    }
    if opts.version {
        return Ok(format!("{} (dokku-rs)\n", env!("CARGO_PKG_VERSION")));
    }
    let (name, mut text) = template(&opts)?;
    let lookup = |key: &str| {
        opts.vars
            .get(key)
            .cloned()
            .or_else(|| std::env::var(key).ok())
    };
    if opts.posix {
        text = sigil::posix::expand(&text, &lookup)?;
    }
    sigil::render_unsqueezed(&name, &text, &opts.vars, &|key| std::env::var(key).ok())
        .map_err(|e| e.to_string())
}

/// Runs `sigil ARGS...`; returns the exit status.
pub(crate) fn main(args: &[String]) -> i32 {
    match run(args) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => 0,
                Err(_) => 1,
            }
        }
        Err(message) => {
            let line = message.replace('\n', " ");
            let _ = writeln!(std::io::stderr(), "sigil: {line}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn flags_and_variables_in_any_order() {
        let opts = parse(&args(&["A=1", "-f", "t.sigil", "-p", "B=x=y", "plain"])).expect("parses");
        assert_eq!(opts.filename.as_deref(), Some("t.sigil"));
        assert!(opts.posix);
        assert_eq!(opts.vars.get("A").map(String::as_str), Some("1"));
        assert_eq!(opts.vars.get("B").map(String::as_str), Some("x=y"));
        assert_eq!(opts.vars.len(), 2);
    }

    #[test]
    fn attached_long_and_combined_forms() {
        let opts = parse(&args(&["-pfT", "--inline={{ 1 }}", "--", "-x=1"])).expect("parses");
        assert_eq!(opts.filename.as_deref(), Some("T"));
        assert_eq!(opts.inline.as_deref(), Some("{{ 1 }}"));
        assert!(opts.posix);
        assert_eq!(opts.vars.get("-x").map(String::as_str), Some("1"));
        assert!(parse(&args(&["-f"])).is_err());
        assert!(parse(&args(&["-z"])).is_err());
        assert!(parse(&args(&["--nope"])).is_err());
    }
}
