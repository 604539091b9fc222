//! The HTTP/1.1 answer a healthcheck reads, parsed as bytes.
//!
//! The answer comes from the container under test, so it is untrusted: any bytes
//! give either a [`Response`] or a one-line error, never a panic. The body is
//! de-chunked as bytes and only then decoded (invalid UTF-8 becomes U+FFFD), which is
//! all the `content` check needs.

/// Most bytes read from one answer; the rest is ignored.
pub const MAX_ANSWER_BYTES: u64 = 16 * 1024 * 1024;

/// A parsed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code of the status line.
    pub status: u16,
    /// The body, de-chunked, decoded lossily.
    pub body: String,
}

/// Why an answer could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseError {
    /// No blank line ends the head.
    NoHead,
    /// The status line has no numeric status code.
    BadStatusLine,
}

impl std::fmt::Display for ResponseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ResponseError::NoHead => "malformed answer",
            ResponseError::BadStatusLine => "malformed status line",
        })
    }
}

/// Parses a whole answer: status line, headers, and a plain or chunked body.
pub fn parse_response(raw: &[u8]) -> Result<Response, ResponseError> {
    let split = find(raw, b"\r\n\r\n").ok_or(ResponseError::NoHead)?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let body = &raw[split + 4..];
    let status = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or(ResponseError::BadStatusLine)?;
    let chunked = head.lines().skip(1).any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let body = if chunked {
        String::from_utf8_lossy(&dechunk(body)).into_owned()
    } else {
        String::from_utf8_lossy(body).into_owned()
    };
    Ok(Response { status, body })
}

/// Joins the chunks of a chunked body; stops at the last chunk, at a size line that is
/// not hexadecimal, or at a chunk cut short.
pub fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = find(body, b"\r\n") {
        let size = std::str::from_utf8(&body[..eol])
            .ok()
            .and_then(|line| line.split(';').next())
            .and_then(|hex| usize::from_str_radix(hex.trim(), 16).ok());
        let rest = &body[eol + 2..];
        let Some(n) = size.filter(|n| *n > 0 && *n <= rest.len()) else {
            break;
        };
        out.extend_from_slice(&rest[..n]);
        body = rest[n..].strip_prefix(b"\r\n").unwrap_or(&rest[n..]);
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_chunked_bodies() {
        let plain =
            parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi").expect("plain");
        assert_eq!(plain.status, 200);
        assert_eq!(plain.body, "hi");
        let chunked = parse_response(
            b"HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n",
        )
        .expect("chunked");
        assert_eq!(chunked.status, 503);
        assert_eq!(chunked.body, "hello world");
    }

    /// Security issue #9: chunk sizes count bytes, not characters.
    #[test]
    fn chunks_of_invalid_utf8_are_cut_by_bytes() {
        assert_eq!(
            dechunk(b"4\r\n\xff\xfeok\r\n3\r\n!\xe2\x82\r\n0\r\n\r\n"),
            b"\xff\xfeok!\xe2\x82"
        );
    }

    #[test]
    fn malformed_answers_are_errors() {
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\n"),
            Err(ResponseError::NoHead)
        );
        assert_eq!(
            parse_response(b"HTTP/1.1 OK\r\n\r\n"),
            Err(ResponseError::BadStatusLine)
        );
        assert_eq!(parse_response(b""), Err(ResponseError::NoHead));
    }

    #[test]
    fn huge_or_short_chunks_stop_the_body() {
        assert_eq!(dechunk(b"ffffffffffffffffffff\r\nabc"), b"");
        assert_eq!(dechunk(b"10\r\nshort\r\n"), b"");
        assert_eq!(dechunk(b"2\r\nab\r\nzz\r\n"), b"ab");
    }
}
