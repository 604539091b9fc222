//! Dokku's `AskForDestructiveConfirmation`, shared by the commands that destroy
//! something named (`apps:destroy`, `network:destroy`, `storage:destroy`).

use std::io::{BufRead, Write};

use dokku_core::log::{Level, Stream};
use dokku_host::{output, CommandError, Context};

/// Three warnings, a `> ` prompt on stdout, then one word read as Go's `fmt.Scanln`
/// reads it: no input fails with `EOF`, an empty line with `unexpected newline`, two
/// words with `expected newline`; another name prints `Confirmation did not match
/// test. Aborted.` on stderr as is and exits 1.
pub fn confirm_destruction(ctx: &Context, name: &str, kind: &str) -> Result<(), CommandError> {
    ctx.log_as_plugin(Level::Warn, "WARNING: Potentially Destructive Action");
    ctx.log_as_plugin(
        Level::Warn,
        &format!("This command will destroy {kind} {name}."),
    );
    ctx.log_as_plugin(Level::Warn, &format!("To proceed, type \"{name}\""));
    output::write(Stream::Stdout, "> ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    let answer = scanln(read.map(|_| line.as_str()).unwrap_or(""))?;
    if answer != name {
        output::write(
            Stream::Stderr,
            "Confirmation did not match test. Aborted.\n",
        );
        return Err(CommandError::silent(1));
    }
    Ok(())
}

/// One word from a line, as Go's `fmt.Scanln(&s)` takes it (spaces around it are
/// skipped).
fn scanln(line: &str) -> Result<&str, CommandError> {
    if line.is_empty() {
        return Err(CommandError::fail("EOF"));
    }
    let text = line.trim_end_matches(['\n', '\r']);
    let mut words = text.split([' ', '\t']).filter(|w| !w.is_empty());
    match (words.next(), words.next()) {
        (None, _) => Err(CommandError::fail("unexpected newline")),
        (Some(_), Some(_)) => Err(CommandError::fail("expected newline")),
        (Some(word), None) => Ok(word),
    }
}

#[cfg(test)]
mod tests {
    use super::scanln;

    #[test]
    fn confirmation_reads_like_go_scanln() {
        let err = |line: &str| scanln(line).err().and_then(|e| e.message);
        assert_eq!(scanln("web\n").ok(), Some("web"));
        assert_eq!(scanln("  web \r\n").ok(), Some("web"));
        assert_eq!(scanln("web").ok(), Some("web"));
        assert_eq!(err("").as_deref(), Some("EOF"));
        assert_eq!(err("\n").as_deref(), Some("unexpected newline"));
        assert_eq!(err("web extra\n").as_deref(), Some("expected newline"));
    }
}
