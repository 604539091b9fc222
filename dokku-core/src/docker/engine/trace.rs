//! BuildKit's progress, as the engine sends it in `moby.buildkit.trace` messages: a
//! base64 `moby.buildkit.v1.StatusResponse` protobuf, decoded here by hand (a few
//! fields of four messages do not warrant a protobuf stack) and rendered in the style
//! of `docker buildx build --progress=plain`:
//!
//! ```text
//! #3 [2/4] COPY www /app/www
//! #3 CACHED
//! #4 [3/4] RUN make
//! #4 0.512 compiling
//! #4 DONE 1.2s
//! ```

use std::collections::HashMap;

/// A protobuf `google.protobuf.Timestamp` as seconds since the epoch.
type Seconds = f64;

/// One build step (`Vertex`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Vertex {
    /// Its digest: the key of its logs and of later updates.
    pub(crate) digest: String,
    /// What it does (`[2/4] COPY www /app/www`).
    pub(crate) name: String,
    /// Answered from the cache.
    pub(crate) cached: bool,
    /// When it started, if it has.
    pub(crate) started: Option<Seconds>,
    /// When it completed, if it has.
    pub(crate) completed: Option<Seconds>,
    /// Why it failed.
    pub(crate) error: String,
}

/// Output a step wrote (`VertexLog`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct VertexLog {
    /// The step's digest.
    pub(crate) vertex: String,
    /// When it was written.
    pub(crate) timestamp: Option<Seconds>,
    /// The bytes.
    pub(crate) msg: Vec<u8>,
}

/// A progress item of a step (a layer being pulled, `VertexStatus`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct VertexStatus {
    /// The step's digest.
    pub(crate) vertex: String,
    /// What progresses (`sha256:…`, `extracting`).
    pub(crate) id: String,
    /// Finished.
    pub(crate) completed: bool,
}

/// One `StatusResponse`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Status {
    /// New or changed steps.
    pub(crate) vertexes: Vec<Vertex>,
    /// Progress items.
    pub(crate) statuses: Vec<VertexStatus>,
    /// Output.
    pub(crate) logs: Vec<VertexLog>,
    /// Warnings' short text.
    pub(crate) warnings: Vec<String>,
}

/// Why bytes are not a `StatusResponse`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed BuildKit progress: {0}")]
pub(crate) struct DecodeError(&'static str);

/// A protobuf field's value, by wire type.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Iterates the `(field number, value)` pairs of one message.
struct Fields<'a> {
    buf: &'a [u8],
}

impl<'a> Fields<'a> {
    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self
                .buf
                .split_first()
                .ok_or(DecodeError("a varint is cut short"))?;
            self.buf = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError("a varint is too long"))
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], DecodeError> {
        let n = usize::try_from(n).map_err(|_| DecodeError("a length is too large"))?;
        if n > self.buf.len() {
            return Err(DecodeError("a field is cut short"));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn next_field(&mut self) -> Result<Option<(u64, Value<'a>)>, DecodeError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let n = self.varint()?;
                Value::Bytes(self.take(n)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            _ => return Err(DecodeError("an unknown wire type")),
        };
        Ok(Some((key >> 3, value)))
    }
}

/// Calls `each` with every field of `buf`.
fn walk<'a>(
    buf: &'a [u8],
    mut each: impl FnMut(u64, Value<'a>) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let mut fields = Fields { buf };
    while let Some((number, value)) = fields.next_field()? {
        each(number, value)?;
    }
    Ok(())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn timestamp(buf: &[u8]) -> Result<Seconds, DecodeError> {
    let (mut seconds, mut nanos) = (0i64, 0i64);
    walk(buf, |n, v| {
        match (n, v) {
            (1, Value::Varint(s)) => seconds = s as i64,
            (2, Value::Varint(ns)) => nanos = ns as i64,
            _ => {}
        }
        Ok(())
    })?;
    Ok(seconds as f64 + nanos as f64 / 1e9)
}

fn vertex(buf: &[u8]) -> Result<Vertex, DecodeError> {
    let mut v = Vertex::default();
    walk(buf, |n, value| {
        match (n, value) {
            (1, Value::Bytes(b)) => v.digest = text(b),
            (3, Value::Bytes(b)) => v.name = text(b),
            (4, Value::Varint(c)) => v.cached = c != 0,
            (5, Value::Bytes(b)) => v.started = Some(timestamp(b)?),
            (6, Value::Bytes(b)) => v.completed = Some(timestamp(b)?),
            (7, Value::Bytes(b)) => v.error = text(b),
            _ => {}
        }
        Ok(())
    })?;
    Ok(v)
}

fn vertex_status(buf: &[u8]) -> Result<VertexStatus, DecodeError> {
    let mut s = VertexStatus::default();
    walk(buf, |n, value| {
        match (n, value) {
            (1, Value::Bytes(b)) => s.id = text(b),
            (2, Value::Bytes(b)) => s.vertex = text(b),
            (8, Value::Bytes(_)) => s.completed = true,
            _ => {}
        }
        Ok(())
    })?;
    Ok(s)
}

fn vertex_log(buf: &[u8]) -> Result<VertexLog, DecodeError> {
    let mut l = VertexLog::default();
    walk(buf, |n, value| {
        match (n, value) {
            (1, Value::Bytes(b)) => l.vertex = text(b),
            (2, Value::Bytes(b)) => l.timestamp = Some(timestamp(b)?),
            (4, Value::Bytes(b)) => l.msg = b.to_vec(),
            _ => {}
        }
        Ok(())
    })?;
    Ok(l)
}

/// `VertexWarning`'s `short` (field 3).
fn warning(buf: &[u8]) -> Result<String, DecodeError> {
    let mut short = String::new();
    walk(buf, |n, value| {
        if let (3, Value::Bytes(b)) = (n, value) {
            short = text(b);
        }
        Ok(())
    })?;
    Ok(short)
}

/// Decodes one `StatusResponse`.
pub(crate) fn decode(buf: &[u8]) -> Result<Status, DecodeError> {
    let mut status = Status::default();
    walk(buf, |n, value| {
        if let Value::Bytes(b) = value {
            match n {
                1 => status.vertexes.push(vertex(b)?),
                2 => status.statuses.push(vertex_status(b)?),
                3 => status.logs.push(vertex_log(b)?),
                4 => status.warnings.push(warning(b)?),
                _ => {}
            }
        }
        Ok(())
    })?;
    Ok(status)
}

/// What was shown of one step.
#[derive(Debug, Default)]
struct Shown {
    number: usize,
    started: Option<Seconds>,
    header: bool,
    finished: bool,
    statuses_done: Vec<String>,
}

/// Turns successive `StatusResponse`s into plain progress lines, numbering steps in
/// the order they start, as BuildKit's plain printer does.
#[derive(Debug, Default)]
pub(crate) struct Renderer {
    steps: HashMap<String, Shown>,
    next: usize,
}

impl Renderer {
    /// A renderer with no step shown yet.
    pub(crate) fn new() -> Renderer {
        Renderer::default()
    }

    fn step(&mut self, digest: &str) -> &mut Shown {
        if !self.steps.contains_key(digest) {
            self.next += 1;
            let shown = Shown {
                number: self.next,
                ..Shown::default()
            };
            self.steps.insert(digest.to_string(), shown);
        }
        self.steps.entry(digest.to_string()).or_default()
    }

    /// The lines `status` adds (each without its newline).
    pub(crate) fn render(&mut self, status: &Status) -> Vec<String> {
        let mut out = Vec::new();
        for v in &status.vertexes {
            // Steps that have not started yet are shown when they do.
            if v.started.is_none() && !v.cached {
                continue;
            }
            let step = self.step(&v.digest);
            let n = step.number;
            if !step.header {
                step.header = true;
                out.push(format!("#{n} {}", v.name));
            }
            step.started = step.started.or(v.started);
            if step.finished {
                continue;
            }
            if !v.error.is_empty() {
                step.finished = true;
                out.push(format!("#{n} ERROR: {}", v.error));
            } else if v.cached {
                step.finished = true;
                out.push(format!("#{n} CACHED"));
            } else if let Some(end) = v.completed {
                step.finished = true;
                let took = (end - step.started.unwrap_or(end)).max(0.0);
                out.push(format!("#{n} DONE {took:.1}s"));
            }
        }
        for s in &status.statuses {
            let Some(step) = self.steps.get_mut(&s.vertex) else {
                continue;
            };
            if s.completed && !step.statuses_done.contains(&s.id) {
                step.statuses_done.push(s.id.clone());
                out.push(format!("#{} {} done", step.number, s.id));
            }
        }
        for log in &status.logs {
            let step = self.step(&log.vertex);
            let n = step.number;
            let at = match (log.timestamp, step.started) {
                (Some(t), Some(s)) => (t - s).max(0.0),
                _ => 0.0,
            };
            let text = String::from_utf8_lossy(&log.msg);
            for line in text.lines() {
                out.push(format!("#{n} {at:.3} {line}"));
            }
        }
        for w in &status.warnings {
            out.push(format!("WARNING: {w}"));
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod encode {
    //! Hand-made protobuf bytes for the tests.

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    /// A length-delimited field.
    pub(crate) fn bytes(field: u64, data: &[u8], out: &mut Vec<u8>) {
        varint(field << 3 | 2, out);
        varint(data.len() as u64, out);
        out.extend_from_slice(data);
    }

    /// A varint field.
    pub(crate) fn number(field: u64, v: u64, out: &mut Vec<u8>) {
        varint(field << 3, out);
        varint(v, out);
    }

    /// A `Timestamp` message.
    pub(crate) fn timestamp(seconds: u64, nanos: u64) -> Vec<u8> {
        let mut out = Vec::new();
        number(1, seconds, &mut out);
        number(2, nanos, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::encode::{bytes, number, timestamp};
    use super::{decode, Renderer, Status};

    fn vertex_bytes(
        digest: &str,
        name: &str,
        cached: bool,
        started: Option<(u64, u64)>,
        completed: Option<(u64, u64)>,
        error: &str,
    ) -> Vec<u8> {
        let mut v = Vec::new();
        bytes(1, digest.as_bytes(), &mut v);
        bytes(2, b"sha256:input", &mut v);
        bytes(3, name.as_bytes(), &mut v);
        if cached {
            number(4, 1, &mut v);
        }
        if let Some((s, n)) = started {
            bytes(5, &timestamp(s, n), &mut v);
        }
        if let Some((s, n)) = completed {
            bytes(6, &timestamp(s, n), &mut v);
        }
        if !error.is_empty() {
            bytes(7, error.as_bytes(), &mut v);
        }
        v
    }

    fn log_bytes(vertex: &str, at: (u64, u64), msg: &str) -> Vec<u8> {
        let mut l = Vec::new();
        bytes(1, vertex.as_bytes(), &mut l);
        bytes(2, &timestamp(at.0, at.1), &mut l);
        number(3, 1, &mut l);
        bytes(4, msg.as_bytes(), &mut l);
        l
    }

    #[test]
    fn vertexes_logs_and_warnings_are_decoded() {
        let mut msg = Vec::new();
        bytes(
            1,
            &vertex_bytes("d1", "[1/2] FROM x", false, Some((10, 0)), None, ""),
            &mut msg,
        );
        bytes(3, &log_bytes("d1", (10, 500_000_000), "hi\n"), &mut msg);
        let mut warn = Vec::new();
        bytes(1, b"d1", &mut warn);
        bytes(3, b"legacy syntax", &mut warn);
        bytes(4, &warn, &mut msg);
        // Fields we do not know are skipped, whatever their wire type.
        number(9, 7, &mut msg);
        msg.extend_from_slice(&[(10 << 3) | 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        let status = decode(&msg).expect("decoded");
        assert_eq!(status.vertexes[0].digest, "d1");
        assert_eq!(status.vertexes[0].name, "[1/2] FROM x");
        assert_eq!(status.vertexes[0].started, Some(10.0));
        assert_eq!(status.logs[0].msg, b"hi\n");
        assert_eq!(status.logs[0].timestamp, Some(10.5));
        assert_eq!(status.warnings, ["legacy syntax"]);
    }

    #[test]
    fn malformed_bytes_are_errors() {
        assert!(decode(&[0x0a, 0x05, b'a']).is_err(), "cut short");
        assert!(decode(&[0x0b]).is_err(), "wire type 3");
        assert!(decode(&[0x80; 11]).is_err(), "endless varint");
        assert_eq!(decode(&[]).expect("empty"), Status::default());
    }

    #[test]
    fn steps_render_like_buildkits_plain_progress() {
        let mut r = Renderer::new();
        let decode_one = |field: u64, inner: Vec<u8>| {
            let mut msg = Vec::new();
            bytes(field, &inner, &mut msg);
            decode(&msg).expect("decoded")
        };
        // Not started: nothing yet.
        let pending = vertex_bytes("a", "[2/3] COPY www /app/www", false, None, None, "");
        assert!(r.render(&decode_one(1, pending)).is_empty());
        let started = vertex_bytes("a", "[2/3] COPY www /app/www", true, Some((5, 0)), None, "");
        assert_eq!(
            r.render(&decode_one(1, started.clone())),
            ["#1 [2/3] COPY www /app/www", "#1 CACHED"]
        );
        // A repeated update shows nothing new.
        assert!(r.render(&decode_one(1, started)).is_empty());
        let run = vertex_bytes("b", "[3/3] RUN make", false, Some((6, 0)), None, "");
        assert_eq!(r.render(&decode_one(1, run)), ["#2 [3/3] RUN make"]);
        assert_eq!(
            r.render(&decode_one(
                3,
                log_bytes("b", (6, 123_000_000), "one\ntwo\n")
            )),
            ["#2 0.123 one", "#2 0.123 two"]
        );
        let done = vertex_bytes(
            "b",
            "[3/3] RUN make",
            false,
            Some((6, 0)),
            Some((7, 250_000_000)),
            "",
        );
        assert_eq!(r.render(&decode_one(1, done)), ["#2 DONE 1.2s"]);
        let failed = vertex_bytes(
            "c",
            "[4/4] RUN false",
            false,
            Some((8, 0)),
            Some((8, 1)),
            "process \"/bin/sh -c false\" did not complete successfully: exit code: 1",
        );
        assert_eq!(
            r.render(&decode_one(1, failed)),
            [
                "#3 [4/4] RUN false",
                "#3 ERROR: process \"/bin/sh -c false\" did not complete successfully: exit code: 1"
            ]
        );
    }
}
