//! `config:bundle`: the env as an uncompressed tar, one file per key.
//!
//! Hand-written ustar (no dependency), laid out as Go's `archive/tar` writes
//! `Header{Name: key, Mode: 0600, Size: len(value)}`: owner 0:0, mtime 0, regular file,
//! no padding to a 10 KiB record (Go does not pad either). A key longer than the
//! 100-byte name field gets a PAX `path` record first, as Go does.

use super::Env;

const BLOCK: usize = 512;

/// The tar archive of `env`: one entry per key in sorted order, named after the key,
/// mode `0600`, holding the value's bytes; then the two zero blocks that end a tar.
pub fn bundle_tar(env: &Env) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, value) in env {
        let name = key.as_str();
        if name.len() > 100 {
            let record = pax_record("path", name);
            // Go names the extended header `PaxHeaders.0/<name>` (cut to 100 bytes).
            let pax_name = format!("PaxHeaders.0/{name}");
            push_entry(
                &mut out,
                &header(&pax_name, 0, record.len(), b'x'),
                record.as_bytes(),
            );
        }
        push_entry(
            &mut out,
            &header(name, 0o600, value.len(), b'0'),
            value.as_bytes(),
        );
    }
    out.resize(out.len() + 2 * BLOCK, 0);
    out
}

fn push_entry(out: &mut Vec<u8>, header: &[u8; BLOCK], data: &[u8]) {
    out.extend_from_slice(header);
    out.extend_from_slice(data);
    let padding = (BLOCK - data.len() % BLOCK) % BLOCK;
    out.resize(out.len() + padding, 0);
}

/// A ustar header block. Names longer than the field are cut, as Go does once the real
/// name is carried by a PAX record.
fn header(name: &str, mode: u64, size: usize, typeflag: u8) -> [u8; BLOCK] {
    let mut h = [0u8; BLOCK];
    let name = &name.as_bytes()[..name.len().min(100)];
    h[..name.len()].copy_from_slice(name);
    octal(&mut h[100..108], mode);
    octal(&mut h[108..116], 0); // uid
    octal(&mut h[116..124], 0); // gid
    octal(&mut h[124..136], size as u64);
    octal(&mut h[136..148], 0); // mtime: Go writes the Unix epoch for a zero ModTime
    h[156] = typeflag;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    if typeflag != b'x' {
        // Go fills device numbers only in the real entry's header.
        octal(&mut h[329..337], 0);
        octal(&mut h[337..345], 0);
    }
    // The checksum is computed with its own field as spaces, then written as six octal
    // digits, NUL, space.
    h[148..156].fill(b' ');
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    octal(&mut h[148..155], sum);
    h[155] = b' ';
    h
}

/// Zero-padded octal filling all but the last byte of `field`, which is NUL.
fn octal(field: &mut [u8], value: u64) {
    let digits = format!("{value:0width$o}", width = field.len() - 1);
    let digits = &digits.as_bytes()[digits.len() - (field.len() - 1)..];
    field[..digits.len()].copy_from_slice(digits);
    field[digits.len()] = 0;
}

/// A PAX record `"<len> <key>=<value>\n"`, where `<len>` counts the whole record.
fn pax_record(key: &str, value: &str) -> String {
    let base = key.len() + value.len() + 3; // ' ', '=', '\n'
    let mut size = base + base.to_string().len();
    if size.to_string().len() + base != size {
        size = base + size.to_string().len();
    }
    format!("{size} {key}={value}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigKey;

    fn env(pairs: &[(&str, &str)]) -> Env {
        pairs
            .iter()
            .map(|(k, v)| (ConfigKey::new(*k).expect("valid key"), (*v).to_owned()))
            .collect()
    }

    fn field(block: &[u8], range: std::ops::Range<usize>) -> &str {
        let bytes = &block[range];
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        std::str::from_utf8(&bytes[..end]).expect("ascii field")
    }

    /// Reads back (name, mode, contents) per entry, checking every checksum.
    fn entries(tar: &[u8]) -> Vec<(String, String, Vec<u8>)> {
        assert_eq!(tar.len() % BLOCK, 0);
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            let block = &tar[at..at + BLOCK];
            if block.iter().all(|&b| b == 0) {
                assert!(
                    tar[at..].iter().all(|&b| b == 0),
                    "only zero blocks at the end"
                );
                assert_eq!(tar.len() - at, 2 * BLOCK);
                break;
            }
            let mut copy = block.to_vec();
            copy[148..156].fill(b' ');
            let sum: u64 = copy.iter().map(|&b| u64::from(b)).sum();
            assert_eq!(field(block, 148..155), format!("{sum:06o}"));
            assert_eq!(block[155], b' ');
            assert_eq!(&block[257..265], b"ustar\x0000");
            let size = usize::from_str_radix(field(block, 124..136), 8).expect("size");
            let data = tar[at + BLOCK..at + BLOCK + size].to_vec();
            out.push((
                format!("{}{}", block[156] as char, field(block, 0..100)),
                field(block, 100..108).to_owned(),
                data,
            ));
            at += BLOCK + size.div_ceil(BLOCK) * BLOCK;
        }
        out
    }

    #[test]
    fn one_regular_0600_entry_per_sorted_key() {
        let tar = bundle_tar(&env(&[("B", "two\nlines"), ("A", "1"), ("EMPTY", "")]));
        let got = entries(&tar);
        assert_eq!(
            got,
            vec![
                ("0A".to_owned(), "0000600".to_owned(), b"1".to_vec()),
                (
                    "0B".to_owned(),
                    "0000600".to_owned(),
                    b"two\nlines".to_vec()
                ),
                ("0EMPTY".to_owned(), "0000600".to_owned(), Vec::new()),
            ]
        );
        // Header fields Go writes for a zero Header: owner 0:0, mtime 0.
        assert_eq!(field(&tar, 108..116), "0000000");
        assert_eq!(field(&tar, 136..148), "00000000000");
        assert_eq!(field(&tar, 124..136), "00000000001");
    }

    #[test]
    fn empty_env_is_just_the_end_marker() {
        assert_eq!(bundle_tar(&Env::new()), vec![0u8; 1024]);
    }

    #[test]
    fn values_spanning_blocks_are_padded() {
        let value = "x".repeat(BLOCK + 1);
        let tar = bundle_tar(&env(&[("BIG", &value)]));
        assert_eq!(tar.len(), BLOCK + 2 * BLOCK + 2 * BLOCK);
        assert_eq!(entries(&tar)[0].2, value.as_bytes());
    }

    #[test]
    fn long_keys_get_a_pax_path_record() {
        let key = format!("K{}", "_".repeat(120));
        let tar = bundle_tar(&env(&[(&key, "v")]));
        let got = entries(&tar);
        assert_eq!(got.len(), 2);
        let (pax_name, pax_mode, record) = &got[0];
        assert!(pax_name.starts_with("xPaxHeaders.0/K__"));
        assert_eq!(pax_mode, "0000000");
        assert_eq!(String::from_utf8_lossy(record), format!("131 path={key}\n"));
        assert_eq!(record.len(), 131);
        assert_eq!(got[1].0, format!("0{}", &key[..100]));
    }

    #[test]
    fn pax_record_length_counts_itself() {
        assert_eq!(pax_record("path", "abc"), "12 path=abc\n");
        // 3 + 4 + 3 = 10 -> "12 ..." is 12 long; the digit-count rollover case:
        let v = "x".repeat(92); // base 99 -> 101 with 3 digits
        let record = pax_record("path", &v);
        assert_eq!(
            record.len().to_string(),
            record.split(' ').next().expect("len")
        );
    }
}
