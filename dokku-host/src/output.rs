//! Writing to stdout and stderr. A closed pipe (`dokku apps:list | head -1`) is a
//! normal end, not an error, so write errors are ignored here.

use std::io::Write;

use dokku_core::log::{Level, Stream};

use crate::context::{self, Context};

/// Writes `text` to `stream` as is.
pub fn write(stream: Stream, text: &str) {
    let _ = match stream {
        Stream::Stdout => std::io::stdout().lock().write_all(text.as_bytes()),
        Stream::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
    };
}

/// Writes a Dokku log line if the quiet and trace rules let it through.
pub fn log(ctx: &Context, level: Level, msg: &str) {
    if let Some((stream, line)) = context::render(ctx, level, msg) {
        write(stream, &line);
    }
}

/// Writes a line of command data to stdout.
pub fn println(text: &str) {
    write(Stream::Stdout, &format!("{text}\n"));
}
