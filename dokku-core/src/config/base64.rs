//! Go's `base64.StdEncoding.DecodeString`, for `config:set --encoded`.
//!
//! Hand-written (no dependency) to match Go on the edges users hit: padding is
//! required, `\r` and `\n` anywhere are ignored, and an error reports the same byte
//! offset as Go's `CorruptInputError`, because Dokku prints that offset.

const PAD: u8 = b'=';

/// Decodes standard, padded base64. `Err(offset)` is the offset Go would report.
pub(crate) fn decode(input: &str) -> Result<Vec<u8>, usize> {
    let src = input.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        si = decode_quantum(src, si, &mut out)?;
    }
    Ok(out)
}

fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn is_newline(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// Go's `decodeQuantum`: decodes up to four symbols starting at `si`, appending to
/// `out`, and returns where the next quantum starts.
fn decode_quantum(src: &[u8], mut si: usize, out: &mut Vec<u8>) -> Result<usize, usize> {
    let mut buf = [0u8; 4];
    let mut len = 4;
    let mut j = 0;
    while j < 4 {
        let Some(&byte) = src.get(si) else {
            // Input ended mid-quantum: with padding required that is always an error.
            if j == 0 {
                return Ok(si);
            }
            return Err(si - j);
        };
        si += 1;
        if let Some(value) = sextet(byte) {
            buf[j] = value;
            j += 1;
            continue;
        }
        if is_newline(byte) {
            continue;
        }
        if byte != PAD {
            return Err(si - 1);
        }
        // Padding: only valid as the 3rd or 4th symbol.
        match j {
            0 | 1 => return Err(si - 1),
            2 => {
                // "==" is required here; the first '=' is consumed.
                while src.get(si).copied().is_some_and(is_newline) {
                    si += 1;
                }
                match src.get(si) {
                    None => return Err(src.len()),
                    Some(&b) if b != PAD => return Err(si - 1),
                    Some(_) => si += 1,
                }
            }
            _ => {}
        }
        while src.get(si).copied().is_some_and(is_newline) {
            si += 1;
        }
        if si < src.len() {
            // Trailing garbage after padding.
            return Err(si);
        }
        len = j;
        break;
    }
    let value = u32::from(buf[0]) << 18
        | u32::from(buf[1]) << 12
        | u32::from(buf[2]) << 6
        | u32::from(buf[3]);
    let bytes = value.to_be_bytes();
    out.extend_from_slice(&bytes[1..len]);
    Ok(si)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_standard_padded_base64() {
        assert_eq!(decode("").expect("empty"), b"");
        assert_eq!(decode("Zg==").expect("f"), b"f");
        assert_eq!(decode("Zm8=").expect("fo"), b"fo");
        assert_eq!(decode("Zm9v").expect("foo"), b"foo");
        assert_eq!(decode("Zm9vYmFy").expect("foobar"), b"foobar");
        assert_eq!(decode("aGVsbG8gd29ybGQ=").expect("hello"), b"hello world");
        assert_eq!(decode("+/+/").expect("symbols"), [0xfb, 0xff, 0xbf]);
    }

    #[test]
    fn ignores_newlines_anywhere() {
        assert_eq!(decode("Zm9v\nYmFy\r\n").expect("newlines"), b"foobar");
        assert_eq!(decode("Zg=\n=").expect("newline inside padding"), b"f");
    }

    // Offsets checked against Go's encoding/base64 (CorruptInputError).
    #[test]
    fn error_offsets_match_go() {
        assert_eq!(decode("Zg"), Err(0), "missing padding");
        assert_eq!(decode("Zm9vY"), Err(4));
        assert_eq!(decode("Zm9vYm"), Err(4));
        assert_eq!(decode("Zm9v!"), Err(4), "illegal symbol");
        assert_eq!(decode("Z-9v"), Err(1), "URL alphabet is not standard");
        assert_eq!(decode("="), Err(0), "padding first");
        assert_eq!(decode("Z==="), Err(1), "padding second");
        assert_eq!(decode("Zg="), Err(3), "one '=' where two are needed");
        assert_eq!(decode("Zg=x"), Err(2), "second '=' missing");
        assert_eq!(decode("Zm8=Zm8="), Err(4), "data after padding");
        assert_eq!(decode("Zm9v YmFy"), Err(4), "spaces are not ignored");
    }
}
