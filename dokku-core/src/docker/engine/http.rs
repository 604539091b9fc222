//! A minimal HTTP/1.1 client over the engine's unix socket: one request per
//! connection (`Connection: close`), a body streamed from a reader with its length
//! known, and the answer's status, headers and body (chunked or not) as a reader.
//! The Engine API needs nothing more, and this keeps an async stack out of the CLI.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use super::chunked::ChunkedReader;

/// The most bytes a response head may take.
const MAX_HEAD: u64 = 64 * 1024;

/// A request body: its bytes and how many there are.
pub(crate) struct Body<'a> {
    /// `Content-Type`.
    pub(crate) content_type: &'a str,
    /// The bytes.
    pub(crate) reader: &'a mut dyn Read,
    /// `Content-Length`.
    pub(crate) len: u64,
}

/// An answer whose body is read as it arrives.
pub(crate) struct Response {
    /// The status code.
    pub(crate) status: u16,
    /// Header names (lower-cased) and values, in order.
    pub(crate) headers: Vec<(String, String)>,
    /// The body, de-chunked when it was sent chunked.
    pub(crate) body: Box<dyn Read + Send>,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl Response {
    /// The first value of the header `name` (any case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `METHOD TARGET` to the engine listening on `socket`; `timeout` bounds each
/// read and write (none for builds, which take as long as they take).
pub(crate) fn request(
    socket: &Path,
    method: &str,
    target: &str,
    body: Option<Body<'_>>,
    timeout: Option<Duration>,
) -> io::Result<Response> {
    exchange(UnixStream::connect(socket)?, method, target, body, timeout)
}

/// [`request`] on a connection already made, so a caller can tell an engine that is
/// not there (the connect failed) from one that failed to answer.
pub(crate) fn exchange(
    mut stream: UnixStream,
    method: &str,
    target: &str,
    body: Option<Body<'_>>,
    timeout: Option<Duration>,
) -> io::Result<Response> {
    // The request line is ours to build: a target with a space or line break in it
    // would let text from a call reach the head as a header.
    if target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a request target with whitespace or control characters",
        ));
    }
    stream.set_read_timeout(timeout)?;
    stream.set_write_timeout(timeout)?;
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n");
    match &body {
        Some(b) => head.push_str(&format!(
            "Content-Type: {}\r\nContent-Length: {}\r\n\r\n",
            b.content_type, b.len
        )),
        None => head.push_str("\r\n"),
    }
    if let Err(e) = send(&mut stream, &head, body) {
        // An engine that refuses a request early answers and closes before reading
        // the whole body: its answer says more than the broken pipe. (Only then: after
        // other errors the engine may still wait for the body, and reading would hang.)
        if matches!(
            e.kind(),
            io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
        ) {
            if let Ok(response) = read_response(BufReader::new(stream)) {
                return Ok(response);
            }
        }
        return Err(e);
    }
    read_response(BufReader::new(stream))
}

/// Writes the head and the body.
fn send(stream: &mut UnixStream, head: &str, body: Option<Body<'_>>) -> io::Result<()> {
    stream.write_all(head.as_bytes())?;
    if let Some(b) = body {
        let sent = io::copy(&mut b.reader.take(b.len), stream)?;
        if sent != b.len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the request body was shorter than its length",
            ));
        }
    }
    stream.flush()
}

/// Reads a response head from `reader` and wraps the rest as its body.
pub(crate) fn read_response<R: BufRead + Send + 'static>(mut reader: R) -> io::Result<Response> {
    let mut limited = (&mut reader).take(MAX_HEAD);
    let mut status_line = String::new();
    limited.read_line(&mut status_line)?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .filter(|_| status_line.starts_with("HTTP/"))
        .ok_or_else(|| bad("the engine's answer has no HTTP status line"))?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if limited.read_line(&mut line)? == 0 {
            return Err(bad("the engine's answer ends inside its head"));
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let mut response = Response {
        status,
        headers,
        body: Box::new(io::empty()),
    };
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = response
        .header("content-length")
        .and_then(|v| v.parse::<u64>().ok());
    response.body = if chunked {
        Box::new(ChunkedReader::new(reader))
    } else if let Some(n) = length {
        Box::new(reader.take(n))
    } else {
        Box::new(reader)
    };
    Ok(response)
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn body_of(raw: &'static [u8]) -> (Response, String) {
        let mut response = read_response(Cursor::new(raw)).expect("response");
        let mut text = String::new();
        response.body.read_to_string(&mut text).expect("body");
        (response, text)
    }

    #[test]
    fn heads_and_bodies_are_read() {
        let (r, body) =
            body_of(b"HTTP/1.1 200 OK\r\nBuilder-Version: 2\r\nContent-Length: 2\r\n\r\nOKextra");
        assert_eq!(r.status, 200);
        assert_eq!(r.header("builder-version"), Some("2"));
        assert_eq!(body, "OK");
        let (r, body) = body_of(
            b"HTTP/1.1 500 Internal\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{}\n\r\n0\r\n\r\n",
        );
        assert_eq!(r.status, 500);
        assert_eq!(body, "{}\n");
    }

    #[test]
    fn answers_without_a_head_are_errors() {
        for raw in [&b""[..], b"garbage\r\n\r\n", b"HTTP/1.1 200 OK\r\nA: b\r\n"] {
            assert!(read_response(Cursor::new(raw)).is_err(), "{raw:?}");
        }
    }

    /// An engine that answers before reading the body: its answer, not a broken pipe.
    #[test]
    fn an_early_answer_is_read_though_the_body_was_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("engine.sock");
        let listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().expect("accept");
            let mut head = [0u8; 16];
            conn.read_exact(&mut head).expect("some of the head");
            conn.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 4\r\n\r\nnope")
                .expect("answer");
            // Closing with unread data makes the client's writes fail.
        });
        let big = vec![0u8; 8 << 20];
        let mut data = Cursor::new(big);
        let response = request(
            &socket,
            "POST",
            "/build",
            Some(Body {
                content_type: "application/x-tar",
                reader: &mut data,
                len: 8 << 20,
            }),
            Some(Duration::from_secs(30)),
        );
        server.join().expect("server");
        let mut response = response.expect("the early answer");
        assert_eq!(response.status, 400);
        let mut text = String::new();
        response.body.read_to_string(&mut text).expect("body");
        assert_eq!(text, "nope");
    }

    /// A request over a real unix socket: the head and body the server sees.
    #[test]
    fn a_request_carries_its_length_and_body() {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("engine.sock");
        let listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().expect("accept");
            let mut seen = Vec::new();
            let mut reader = BufReader::new(conn.try_clone().expect("clone"));
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("line");
                if line == "\r\n" {
                    break;
                }
                seen.push(line);
            }
            let mut body = [0u8; 5];
            reader.read_exact(&mut body).expect("body");
            conn.write_all(b"HTTP/1.1 200 OK\r\n\r\ndone")
                .expect("answer");
            (seen, body)
        });
        let mut data = Cursor::new(b"hello".to_vec());
        let mut response = request(
            &socket,
            "POST",
            "/v1.41/build?t=x",
            Some(Body {
                content_type: "application/x-tar",
                reader: &mut data,
                len: 5,
            }),
            Some(Duration::from_secs(30)),
        )
        .expect("request");
        let mut text = String::new();
        response.body.read_to_string(&mut text).expect("body");
        assert_eq!(text, "done");
        let (seen, body) = server.join().expect("server");
        assert_eq!(seen[0], "POST /v1.41/build?t=x HTTP/1.1\r\n");
        assert!(
            seen.contains(&"Content-Length: 5\r\n".to_string()),
            "{seen:?}"
        );
        assert_eq!(&body, b"hello");
    }
}
