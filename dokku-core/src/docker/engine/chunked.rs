//! A streaming reader of an HTTP/1.1 chunked body, so build progress can be shown as
//! the engine sends it (the health checks' `dechunk` needs the whole body first).

use std::io::{self, BufRead, Read};

/// The longest chunk-size line we accept: a size, extensions and CRLF never need more.
const MAX_SIZE_LINE: u64 = 1024;

/// Reads the data of a chunked body from `inner`, ending at the last (zero) chunk.
#[derive(Debug)]
pub(crate) struct ChunkedReader<R> {
    inner: R,
    /// Bytes left in the current chunk.
    left: u64,
    /// The last chunk and its trailers were read.
    done: bool,
}

impl<R: BufRead> ChunkedReader<R> {
    /// A reader of the chunked body that starts at `inner`'s position.
    pub(crate) fn new(inner: R) -> ChunkedReader<R> {
        ChunkedReader {
            inner,
            left: 0,
            done: false,
        }
    }

    /// Reads one line ending in LF (CRLF expected), bounded.
    fn line(&mut self) -> io::Result<String> {
        let mut raw = Vec::new();
        (&mut self.inner)
            .take(MAX_SIZE_LINE)
            .read_until(b'\n', &mut raw)?;
        if raw.last() != Some(&b'\n') {
            return Err(bad("a chunk line is cut short or too long"));
        }
        Ok(String::from_utf8_lossy(&raw).trim_end().to_string())
    }

    /// Starts the next chunk: reads its size line; a zero size reads the trailers.
    fn next_chunk(&mut self) -> io::Result<()> {
        let line = self.line()?;
        let hex = line.split(';').next().unwrap_or_default().trim();
        let size =
            u64::from_str_radix(hex, 16).map_err(|_| bad("a chunk size is not hexadecimal"))?;
        if size == 0 {
            // Trailers, if any, end with an empty line.
            while !self.line()?.is_empty() {}
            self.done = true;
        }
        self.left = size;
        Ok(())
    }
}

impl<R: BufRead> Read for ChunkedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 && !self.done {
            self.next_chunk()?;
        }
        if self.done {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the connection closed inside a chunk",
            ));
        }
        self.left -= n as u64;
        if self.left == 0 {
            let mut crlf = [0u8; 2];
            self.inner.read_exact(&mut crlf)?;
            if &crlf != b"\r\n" {
                return Err(bad("a chunk does not end with CRLF"));
            }
        }
        Ok(n)
    }
}

fn bad(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(raw: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        ChunkedReader::new(raw).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn chunks_are_joined_until_the_last_one() {
        let raw = b"4\r\n{\"a\"\r\n3;ext=1\r\n:1}\r\n0\r\nX-Trailer: y\r\n\r\nleftover";
        assert_eq!(read_all(raw).expect("body"), b"{\"a\":1}");
        // One byte at a time gives the same bytes.
        let mut reader = ChunkedReader::new(&raw[..]);
        let mut out = Vec::new();
        let mut byte = [0u8; 1];
        while reader.read(&mut byte).expect("byte") == 1 {
            out.push(byte[0]);
        }
        assert_eq!(out, b"{\"a\":1}");
    }

    #[test]
    fn malformed_bodies_are_errors_not_data() {
        assert!(read_all(b"zz\r\nab\r\n0\r\n\r\n").is_err());
        assert!(read_all(b"10\r\nshort").is_err());
        assert!(read_all(b"2\r\nabXX0\r\n\r\n").is_err());
        assert!(read_all(b"2\r\nab\r\n").is_err(), "no last chunk");
        assert!(
            read_all(b"ffffffffffffffffffff\r\n").is_err(),
            "size overflows"
        );
        assert!(read_all(&[b'1'; 2000]).is_err(), "endless size line");
    }
}
