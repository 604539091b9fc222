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
//! - A legacy hook reads the stream as in plugn: our own stdin while nobody took it (see
//!   below), else a pipe that holds what is left. What it reads is gone for the hooks
//!   after it; what it leaves is still there.
//! - A native handler gets what is left at its turn, whole, as a byte slice
//!   (`TriggerContext::stdin`). Reading a slice consumes nothing, so it never starves a
//!   later hook: a native handler that ignores its input changes nothing for anyone.
//! - With an input given by the caller ([`super::TriggerBus::with_input`]) that is the
//!   stream. Without one it is our own stdin: legacy hooks inherit it exactly as plugn's
//!   do; at the first native handler's turn the bus takes what has been piped to us so
//!   far, without ever waiting for more (a terminal, or an ssh session's open stdin
//!   with nothing written, gives the handler an empty input and stays inherited), and
//!   the rest of the chain reads what it took, from a pipe. At most [`TAKE_LIMIT`]
//!   bytes are taken.

use std::fs::File;
use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::process::Stdio;
use std::thread::JoinHandle;

/// The most the bus takes from its own stdin for native handlers (16 MiB).
pub const TAKE_LIMIT: usize = 16 << 20;

/// The input stream of one trigger firing.
#[derive(Debug)]
pub(super) enum Input {
    /// Our own stdin, inherited by legacy hooks as plugn's hooks inherit it.
    Inherit,
    /// What is left of the input.
    Buffered(Vec<u8>),
}

impl Input {
    /// The stream for a firing: the caller's bytes, else our own stdin.
    pub(super) fn new(given: Option<&[u8]>) -> Input {
        match given {
            Some(bytes) => Input::Buffered(bytes.to_vec()),
            None => Input::Inherit,
        }
    }

    /// What a native handler gets: what is left, unconsumed. Our own stdin is taken
    /// (what has been piped so far) the first time a native handler asks.
    pub(super) fn for_native(&mut self) -> &[u8] {
        if matches!(self, Input::Inherit) {
            if let Some(taken) = take_piped_stdin() {
                *self = Input::Buffered(taken);
            }
        }
        match self {
            Input::Inherit => &[],
            Input::Buffered(rest) => rest,
        }
    }

    /// The stdin for a legacy hook, and (for a buffered input that is not empty) the
    /// feed to settle with [`Input::settle`] once the hook is done.
    pub(super) fn for_legacy(&self) -> io::Result<(Stdio, Option<Feed>)> {
        match self {
            Input::Inherit => Ok((Stdio::inherit(), None)),
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

/// What has been piped to our stdin so far, without waiting for more: `None` when it is
/// a terminal, closed, or has nothing to read yet (then it stays inherited, untouched).
fn take_piped_stdin() -> Option<Vec<u8>> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        return None;
    }
    // A descriptor of our own on the same open file: unbuffered reads, and the
    // process's `Stdin` handle is left alone.
    let mut file = File::from(stdin.as_fd().try_clone_to_owned().ok()?);
    let mut taken = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let some = |taken: Vec<u8>| (!taken.is_empty()).then_some(taken);
    while taken.len() < TAKE_LIMIT {
        if !readable_now(&file) {
            return some(taken);
        }
        let want = chunk.len().min(TAKE_LIMIT - taken.len());
        match file.read(&mut chunk[..want]) {
            // End of input: everything was taken (possibly nothing, e.g. /dev/null).
            Ok(0) => return Some(taken),
            Ok(n) => taken.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return some(taken),
        }
    }
    Some(taken)
}

/// Whether a read of `file` would return at once (data, end of input or an error).
#[allow(unsafe_code)]
fn readable_now(file: &File) -> bool {
    let mut poll = libc::pollfd {
        fd: file.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    loop {
        // SAFETY: one valid pollfd for the length of the call; a zero timeout never
        // blocks.
        let rc = unsafe { libc::poll(&mut poll, 1, 0) };
        if rc >= 0 {
            return rc > 0 && poll.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0;
        }
        if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return false;
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
    fn native_handlers_see_the_rest_without_consuming_it() {
        let mut input = Input::new(Some(b"data"));
        assert_eq!(input.for_native(), b"data");
        assert_eq!(input.for_native(), b"data");
        let empty = Input::new(Some(b""));
        assert!(matches!(empty.for_legacy(), Ok((_, None))));
    }
}
