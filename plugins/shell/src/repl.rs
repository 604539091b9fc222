//! The `dokku> ` prompt.

use std::io::{BufRead, Write};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;

/// What one line of input asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line {
    /// Blank: prompt again.
    Empty,
    /// `quit` or `exit`.
    Quit,
    /// `clear`.
    Clear,
    /// A dokku command and its arguments.
    Command(Vec<String>),
    /// Unbalanced quotes or a trailing backslash.
    Invalid(String),
}

/// Reads one line the way Dokku's prompt does: its first word decides; anything but
/// the built-ins is a dokku command, split into words as a shell would (quotes kept
/// together, nothing expanded).
pub(crate) fn parse(line: &str) -> Line {
    let line = line.trim();
    match line.split_whitespace().next() {
        None => Line::Empty,
        Some("quit" | "exit") => Line::Quit,
        Some("clear") => Line::Clear,
        Some(_) => match dokku_core::shell::split_words_strict(line) {
            Ok(words) => Line::Command(words),
            Err(e) => Line::Invalid(e.to_string()),
        },
    }
}

/// `shell`: the prompt on a terminal, a refusal otherwise.
pub(crate) fn run(ctx: &mut Context, _command: &str, args: &[String]) -> CmdResult {
    if let Some(extra) = args.first() {
        return Err(
            CommandError::fail(format!("shell takes no arguments (got {extra})"))
                .hint("run `dokku shell` and type the commands at its prompt"),
        );
    }
    if !ctx.has_tty() {
        return Err(
            CommandError::fail("dokku shell needs an interactive terminal").hint(
                "connect with a terminal (`ssh -t dokku@HOST shell`), or run each command as `dokku COMMAND`",
            ),
        );
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut line = String::new();
    loop {
        print_flush("dokku> ");
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => {
                print_flush("\n");
                return Ok(0);
            }
            Ok(_) => {}
        }
        match parse(&line) {
            Line::Empty => {}
            Line::Quit => return Ok(0),
            Line::Clear => print_flush("\x1b[H\x1b[2J"),
            Line::Invalid(why) => eprintln!(" !     {why}"),
            // Each command runs as its own dokku process, as Dokku's prompt does; its
            // failure is shown by the command itself and the prompt goes on.
            Line::Command(words) => {
                if let Err(e) = std::process::Command::new(&ctx.exe).args(&words).status() {
                    eprintln!(" !     cannot run dokku: {e}");
                }
            }
        }
    }
}

fn print_flush(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_builtins_or_commands() {
        assert_eq!(parse("   \n"), Line::Empty);
        assert_eq!(parse(" exit\n"), Line::Quit);
        assert_eq!(parse("quit now"), Line::Quit);
        assert_eq!(parse("clear"), Line::Clear);
        assert_eq!(
            parse("config:set app 'A=b c'\n"),
            Line::Command(vec!["config:set".into(), "app".into(), "A=b c".into()])
        );
        assert!(matches!(parse("run app 'oops"), Line::Invalid(_)));
    }
}
