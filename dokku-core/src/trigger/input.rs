//! What a trigger's handlers read on stdin, with plugn's semantics.
//!
//! plugn runs every hook of a trigger with the stdin `plugn trigger` was given (`echo
//! data | plugn trigger NAME`, or Go's `PlugnTriggerInput.Stdin`): one stream shared by
//! the chain, in plugn order, so what one hook reads the hooks after it do not see. In
//! Dokku only one handler reads the input of a trigger in practice (the `storage-*`
//! handler of the entry's scheduler; `docker-args-*` get an empty input).
//!
//! The bus keeps that rule and lets native handlers take part:
//!
//! - A legacy hook reads the stream as in plugn, and consumes what it reads.
//! - A native handler gets what is left of the stream at its turn, whole, as a byte
//!   slice (`TriggerContext::stdin`), and consumes nothing: a native handler that
//!   ignores its input (every linked core plugin does) changes nothing for anyone.
//! - With an input given by the caller ([`super::TriggerBus::with_input`]) that is the
//!   stream: legacy hooks read it from a pipe holding what is left.
//! - Without one the stream is our own stdin, which legacy hooks inherit exactly as
//!   plugn's do. A native handler gets a *peek* at it: what has been piped to us and
//!   not read yet, taken without reading it (`pread` at the current offset for a file,
//!   `tee(2)` for a pipe, `MSG_PEEK` for a socket) and without waiting for more. So
//!   `echo cmd | dokku run APP bash` still hands `cmd` to the container whatever
//!   native handlers ran first; a terminal, `/dev/null` or an open but silent ssh
//!   stdin peek as empty. At most [`PEEK_LIMIT`] bytes are seen (for a pipe, at most
//!   what its buffer holds).

use std::fs::File;
use std::io::{self, IsTerminal, Read, Seek, Write};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::{FileExt, FileTypeExt};
use std::process::Stdio;
use std::thread::JoinHandle;

/// The most a native handler sees of the bus's own stdin (1 MiB): it is peeked once
/// per firing that reaches a native handler (linked core plugins are native too), so a
/// large file on stdin (`git:from-archive APP -- < big.tar`) must not be read whole
/// every time. An input given by the caller has no limit.
pub const PEEK_LIMIT: usize = 1 << 20;

/// The input stream of one trigger firing.
#[derive(Debug)]
pub(super) enum Input {
    /// Our own stdin, inherited by legacy hooks as plugn's hooks inherit it; the peek
    /// native handlers get, until a legacy hook runs (it may read some).
    Inherit(Option<Vec<u8>>),
    /// What is left of an input the caller gave.
    Buffered(Vec<u8>),
}

impl Input {
    /// The stream for a firing: the caller's bytes, else our own stdin.
    pub(super) fn new(given: Option<&[u8]>) -> Input {
        match given {
            Some(bytes) => Input::Buffered(bytes.to_vec()),
            None => Input::Inherit(None),
        }
    }

    /// What a native handler gets: what is left, unconsumed.
    pub(super) fn for_native(&mut self) -> &[u8] {
        match self {
            Input::Inherit(peeked) => peeked.get_or_insert_with(peek_stdin),
            Input::Buffered(rest) => rest,
        }
    }

    /// The stdin for a legacy hook, and (for a buffered input that is not empty) the
    /// feed to settle with [`Input::settle`] once the hook is done.
    pub(super) fn for_legacy(&mut self) -> io::Result<(Stdio, Option<Feed>)> {
        match self {
            Input::Inherit(peeked) => {
                // The hook may read some: peek again for the next native handler.
                *peeked = None;
                Ok((Stdio::inherit(), None))
            }
            Input::Buffered(rest) if rest.is_empty() => Ok((Stdio::null(), None)),
            Input::Buffered(rest) => {
                let (feed, child_end) = Feed::start(rest.clone())?;
                Ok((Stdio::from(child_end), Some(feed)))
            }
        }
    }

    /// After a legacy hook ended: what it left unread is the rest of the input.
    pub(super) fn settle(&mut self, feed: Option<Feed>) -> io::Result<()> {
        if let Some(feed) = feed {
            *self = Input::Buffered(feed.rest()?);
        }
        Ok(())
    }
}

/// A pipe holding what is left of the input while one legacy hook runs: a thread
/// writes the bytes in, the hook reads what it wants through its end, and we keep a
/// reading end of our own to collect what it left.
#[derive(Debug)]
pub(super) struct Feed {
    ours: File,
    writer: JoinHandle<()>,
}

impl Feed {
    fn start(bytes: Vec<u8>) -> io::Result<(Feed, OwnedFd)> {
        let (read, write) = pipe()?;
        let child_end = read.try_clone()?;
        let mut write = File::from(write);
        let writer = std::thread::spawn(move || {
            // A hook that exits unread leaves the bytes to us; we drain the pipe, so
            // this never blocks for good.
            let _ = write.write_all(&bytes);
        });
        Ok((
            Feed {
                ours: File::from(read),
                writer,
            },
            child_end,
        ))
    }

    /// What the hook left: everything still in the pipe once the writer is done.
    fn rest(mut self) -> io::Result<Vec<u8>> {
        let mut rest = Vec::new();
        // EOF comes when the writer thread has written everything and closed its end
        // (the hook never gets the writing end: it is close-on-exec).
        self.ours.read_to_end(&mut rest)?;
        let _ = self.writer.join();
        Ok(rest)
    }
}

/// A close-on-exec pipe: (reading end, writing end).
#[allow(unsafe_code)]
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds: [libc::c_int; 2] = [-1, -1];
    // SAFETY: pipe2 writes two descriptors into the two-element array it is given and
    // reads nothing else of ours.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both are fresh descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// What has been piped to our stdin and not read yet, seen without reading it and
/// without waiting: empty for a terminal, a device, or nothing there yet.
fn peek_stdin() -> Vec<u8> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        return Vec::new();
    }
    // A descriptor of our own on the same open file (same offset, same pipe); the
    // process's buffered `Stdin` handle is left alone.
    let Ok(fd) = stdin.as_fd().try_clone_to_owned() else {
        return Vec::new();
    };
    let file = File::from(fd);
    let Ok(kind) = file.metadata().map(|m| m.file_type()) else {
        return Vec::new();
    };
    let peeked = if kind.is_file() {
        peek_file(&file)
    } else if kind.is_fifo() {
        peek_pipe(&file)
    } else if kind.is_socket() {
        peek_socket(&file)
    } else {
        Ok(Vec::new())
    };
    peeked.unwrap_or_default()
}

/// A file from its current offset, which `pread` does not move.
fn peek_file(file: &File) -> io::Result<Vec<u8>> {
    let mut at = (&*file).stream_position()?;
    let mut seen = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    while seen.len() < PEEK_LIMIT {
        let want = chunk.len().min(PEEK_LIMIT - seen.len());
        match file.read_at(&mut chunk[..want], at) {
            Ok(0) => break,
            Ok(n) => {
                seen.extend_from_slice(&chunk[..n]);
                at += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(seen)
}

/// What a pipe holds, duplicated with `tee(2)` into a pipe of our own (the data stays
/// in the original for whoever reads it next).
#[allow(unsafe_code)]
fn peek_pipe(pipe_in: &File) -> io::Result<Vec<u8>> {
    let (read, write) = pipe()?;
    // SAFETY: tee takes two valid pipe descriptors, owned for the call, and touches
    // no memory of ours. SPLICE_F_NONBLOCK: an empty pipe answers EAGAIN at once.
    let copied = unsafe {
        libc::tee(
            pipe_in.as_raw_fd(),
            write.as_raw_fd(),
            PEEK_LIMIT,
            libc::SPLICE_F_NONBLOCK,
        )
    };
    drop(write);
    if copied < 0 {
        let err = io::Error::last_os_error();
        return match err.kind() {
            io::ErrorKind::WouldBlock => Ok(Vec::new()),
            _ => Err(err),
        };
    }
    let mut seen = Vec::new();
    File::from(read).read_to_end(&mut seen)?;
    Ok(seen)
}

/// What a socket holds, with `MSG_PEEK`.
#[allow(unsafe_code)]
fn peek_socket(socket: &impl AsRawFd) -> io::Result<Vec<u8>> {
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        // SAFETY: recv writes at most `buf.len()` bytes into `buf`, which we own.
        let n = unsafe {
            libc::recv(
                socket.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_PEEK | libc::MSG_DONTWAIT,
            )
        };
        if n >= 0 {
            buf.truncate(n.unsigned_abs());
            return Ok(buf);
        }
        let err = io::Error::last_os_error();
        match err.kind() {
            io::ErrorKind::Interrupted => {}
            io::ErrorKind::WouldBlock => return Ok(Vec::new()),
            _ => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_returns_what_its_reader_left() {
        let (feed, child_end) = Feed::start(b"abcdef".to_vec()).expect("feed");
        let mut child = File::from(child_end);
        let mut first = [0u8; 2];
        child.read_exact(&mut first).expect("read 2");
        assert_eq!(&first, b"ab");
        drop(child);
        assert_eq!(feed.rest().expect("rest"), b"cdef");
    }

    #[test]
    fn a_feed_larger_than_a_pipe_is_not_lost_when_nobody_reads() {
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let (feed, child_end) = Feed::start(big.clone()).expect("feed");
        drop(child_end);
        assert_eq!(feed.rest().expect("rest"), big);
    }

    #[test]
    fn a_pipe_is_peeked_without_being_read() {
        let (read, write) = pipe().expect("pipe");
        let mut write = File::from(write);
        let read = File::from(read);
        assert!(peek_pipe(&read).expect("empty").is_empty());
        write.write_all(b"queued").expect("write");
        assert_eq!(peek_pipe(&read).expect("peek"), b"queued");
        assert_eq!(peek_pipe(&read).expect("peek again"), b"queued");
        drop(write);
        let mut all = String::new();
        (&read).read_to_string(&mut all).expect("read");
        assert_eq!(all, "queued", "the reader still gets everything");
    }

    #[test]
    fn a_socket_is_peeked_without_being_read() {
        let (mut ours, theirs) = std::os::unix::net::UnixStream::pair().expect("pair");
        assert!(peek_socket(&theirs).expect("empty").is_empty());
        ours.write_all(b"over ssh").expect("write");
        assert_eq!(peek_socket(&theirs).expect("peek"), b"over ssh");
        drop(ours);
        let mut all = String::new();
        (&theirs).read_to_string(&mut all).expect("read");
        assert_eq!(all, "over ssh");
    }

    #[test]
    fn a_file_is_peeked_from_its_offset_without_moving_it() {
        let mut file = tempfile::tempfile().expect("temp file");
        file.write_all(b"0123456789").expect("write");
        file.seek(io::SeekFrom::Start(4)).expect("seek");
        assert_eq!(peek_file(&file).expect("peek"), b"456789");
        let mut rest = String::new();
        file.read_to_string(&mut rest).expect("read");
        assert_eq!(rest, "456789");
    }

    #[test]
    fn native_handlers_see_the_rest_without_consuming_it() {
        let mut input = Input::new(Some(b"data"));
        assert_eq!(input.for_native(), b"data");
        assert_eq!(input.for_native(), b"data");
        let mut empty = Input::new(Some(b""));
        assert!(matches!(empty.for_legacy(), Ok((_, None))));
    }
}
