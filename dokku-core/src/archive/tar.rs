//! A streaming reader of tar headers: ustar, GNU (`L`/`K` long names) and pax (`x`
//! records) archives, read from any `Read` without extracting anything. Regular
//! files' bytes are kept only when asked for (`certs:add`); otherwise they are skipped.

use std::io::{self, Read};

/// What a tar entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file (`0`, NUL, or contiguous `7`).
    File,
    /// A directory (`5`).
    Dir,
    /// A symbolic link (`2`).
    Symlink,
    /// A hard link to another member (`1`).
    Hardlink,
    /// A character or block device, or a FIFO (`3`, `4`, `6`).
    Device,
    /// Any other type flag (vendor extensions), which `tar` may extract as a file.
    Other(u8),
}

/// One member of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its path inside the archive, as stored.
    pub name: String,
    /// Its type.
    pub kind: EntryKind,
    /// The link target of a symbolic or hard link (empty otherwise).
    pub link: String,
    /// Its bytes, for a regular file read with `keep_data`.
    pub data: Vec<u8>,
}

/// Why a byte stream is not a readable tar archive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TarError {
    /// A header's checksum or number fields are wrong, or the stream ends inside an
    /// entry.
    #[error("not a tar archive")]
    NotTar,
    /// Reading the stream failed.
    #[error("cannot read the archive: {0}")]
    Io(#[from] io::Error),
}

fn octal(field: &[u8]) -> Option<u64> {
    // GNU base-256 numbers (high bit set) are only used for sizes above 8 GiB.
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        return field[1..]
            .iter()
            .try_fold(u64::from(field[0] & 0x7f), |acc, b| {
                acc.checked_mul(256)?.checked_add(u64::from(*b))
            });
    }
    let text: String = field
        .iter()
        .take_while(|b| **b != 0)
        .map(|b| *b as char)
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(text, 8).ok()
}

fn cstr(field: &[u8]) -> String {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

fn checksum_ok(header: &[u8]) -> bool {
    let Some(stored) = octal(&header[148..156]) else {
        return false;
    };
    let sum: u64 = header
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(*b)
            }
        })
        .sum();
    stored == sum
}

/// Reads one 512-byte block; `Ok(false)` at a clean end of the stream.
fn read_block(reader: &mut dyn Read, block: &mut [u8; 512]) -> Result<bool, TarError> {
    let mut filled = 0;
    while filled < block.len() {
        match reader.read(&mut block[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => return Err(TarError::NotTar),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(true)
}

/// Reads `size` bytes of entry data plus the padding to the next block; keeps them
/// only when `keep` (bounded by the stream itself, never by the header's claim).
fn read_data(reader: &mut dyn Read, size: u64, keep: bool) -> Result<Vec<u8>, TarError> {
    let padded = size.div_ceil(512) * 512;
    let mut data = Vec::new();
    let mut limited = reader.take(padded);
    let copied = if keep {
        limited.read_to_end(&mut data)? as u64
    } else {
        io::copy(&mut limited, &mut io::sink())?
    };
    if copied != padded {
        return Err(TarError::NotTar);
    }
    data.truncate(usize::try_from(size).map_err(|_| TarError::NotTar)?);
    Ok(data)
}

/// Pax extended header records (`LEN key=value\n`): the `path` and `linkpath`.
fn pax_records(data: &[u8]) -> (Option<String>, Option<String>) {
    let (mut path, mut link) = (None, None);
    let mut rest = data;
    while !rest.is_empty() {
        let Some(space) = rest.iter().position(|b| *b == b' ') else {
            break;
        };
        let Some(len) = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|l| l.parse::<usize>().ok())
        else {
            break;
        };
        if len <= space + 1 || len > rest.len() {
            break;
        }
        let record = String::from_utf8_lossy(&rest[space + 1..len]);
        let record = record.strip_suffix('\n').unwrap_or(&record);
        if let Some(v) = record.strip_prefix("path=") {
            path = Some(v.to_string());
        } else if let Some(v) = record.strip_prefix("linkpath=") {
            link = Some(v.to_string());
        }
        rest = &rest[len..];
    }
    (path, link)
}

/// Every member of the tar archive `reader` yields, in order, with the bytes of
/// regular files when `keep_data`. A stream without a single valid header is
/// [`TarError::NotTar`].
pub fn read_entries(reader: &mut dyn Read, keep_data: bool) -> Result<Vec<Entry>, TarError> {
    let mut out = Vec::new();
    let mut block = [0u8; 512];
    let (mut long_name, mut long_link): (Option<String>, Option<String>) = (None, None);
    let mut saw_header = false;
    while read_block(reader, &mut block)? {
        if block.iter().all(|b| *b == 0) {
            break;
        }
        if !checksum_ok(&block) {
            return Err(TarError::NotTar);
        }
        saw_header = true;
        let size = octal(&block[124..136]).ok_or(TarError::NotTar)?;
        let flag = block[156];
        match flag {
            b'L' | b'K' | b'x' => {
                // Metadata for the next entry: small, always read.
                if size > 1 << 20 {
                    return Err(TarError::NotTar);
                }
                let data = read_data(reader, size, true)?;
                match flag {
                    b'L' => long_name = Some(cstr(&data)),
                    b'K' => long_link = Some(cstr(&data)),
                    _ => {
                        let (path, link) = pax_records(&data);
                        long_name = path.or(long_name);
                        long_link = link.or(long_link);
                    }
                }
                continue;
            }
            b'g' => {
                read_data(reader, size, false)?;
                continue;
            }
            _ => {}
        }
        let kind = match flag {
            b'0' | 0 | b'7' => EntryKind::File,
            b'1' => EntryKind::Hardlink,
            b'2' => EntryKind::Symlink,
            b'3' | b'4' | b'6' => EntryKind::Device,
            b'5' => EntryKind::Dir,
            other => EntryKind::Other(other),
        };
        let name = long_name.take().unwrap_or_else(|| {
            let prefix = cstr(&block[345..500]);
            let name = cstr(&block[0..100]);
            if block[257..262] == *b"ustar" && !prefix.is_empty() {
                format!("{prefix}/{name}")
            } else {
                name
            }
        });
        let link = long_link.take().unwrap_or_else(|| cstr(&block[157..257]));
        // Links and devices carry no data whatever their size field says.
        let size = match kind {
            EntryKind::Hardlink | EntryKind::Symlink | EntryKind::Device | EntryKind::Dir => 0,
            _ => size,
        };
        let data = read_data(reader, size, keep_data && kind == EntryKind::File)?;
        out.push(Entry {
            name,
            kind,
            link,
            data,
        });
    }
    if saw_header {
        Ok(out)
    } else {
        Err(TarError::NotTar)
    }
}

#[cfg(test)]
pub(crate) mod build {
    //! Test archives: one header per member, with a type flag and a link name.

    /// Appends one member to `out`.
    pub(crate) fn member(out: &mut Vec<u8>, name: &str, flag: u8, link: &str, data: &[u8]) {
        let mut header = [0u8; 512];
        let n = name.len().min(100);
        header[..n].copy_from_slice(&name.as_bytes()[..n]);
        header[100..107].copy_from_slice(b"0000644");
        header[108..115].copy_from_slice(b"0000000");
        header[116..123].copy_from_slice(b"0000000");
        let size = format!("{:011o}", data.len());
        header[124..135].copy_from_slice(size.as_bytes());
        header[136..147].copy_from_slice(b"00000000000");
        header[156] = flag;
        let l = link.len().min(100);
        header[157..157 + l].copy_from_slice(&link.as_bytes()[..l]);
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: usize = header.iter().map(|b| *b as usize).sum();
        let sum = format!("{sum:06o}\0 ");
        header[148..156].copy_from_slice(sum.as_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }

    /// Two zero blocks: the end of an archive.
    pub(crate) fn finish(out: &mut Vec<u8>) {
        out.resize(out.len() + 1024, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kinds_links_and_long_names() {
        let mut tar = Vec::new();
        build::member(&mut tar, "dir/", b'5', "", b"");
        build::member(&mut tar, "dir/a.txt", b'0', "", b"hello");
        build::member(&mut tar, "ln", b'2', "/tmp", b"");
        build::member(&mut tar, "hard", b'1', "dir/a.txt", b"");
        build::member(&mut tar, "././@LongLink", b'L', "", b"x/very-long\0");
        build::member(&mut tar, "short", b'0', "", b"");
        build::member(&mut tar, "pax", b'x', "", b"18 linkpath=../up\n");
        build::member(&mut tar, "l2", b'2', "ignored", b"");
        build::member(&mut tar, "null", b'3', "", b"");
        build::finish(&mut tar);
        let entries = read_entries(&mut tar.as_slice(), true).expect("a tar");
        let seen: Vec<(&str, EntryKind, &str)> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.kind, e.link.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("dir/", EntryKind::Dir, ""),
                ("dir/a.txt", EntryKind::File, ""),
                ("ln", EntryKind::Symlink, "/tmp"),
                ("hard", EntryKind::Hardlink, "dir/a.txt"),
                ("x/very-long", EntryKind::File, ""),
                ("l2", EntryKind::Symlink, "../up"),
                ("null", EntryKind::Device, ""),
            ]
        );
        assert_eq!(entries[1].data, b"hello");
    }

    #[test]
    fn refuses_what_is_not_a_tar() {
        assert!(read_entries(&mut &b""[..], false).is_err());
        assert!(read_entries(&mut &b"-----BEGIN CERTIFICATE-----\n"[..], false).is_err());
        let mut tar = Vec::new();
        build::member(&mut tar, "a", b'0', "", b"abc");
        let truncated = &tar[..600];
        assert!(read_entries(&mut &truncated[..], false).is_err());
        tar[0] = b'b';
        assert!(
            read_entries(&mut tar.as_slice(), false).is_err(),
            "checksum"
        );
    }

    #[test]
    fn matches_the_system_tar() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("server.crt"), "C").expect("write");
        std::os::unix::fs::symlink("server.crt", dir.path().join("link")).expect("link");
        let Ok(out) = crate::process::Cmd::new("tar")
            .args(["-C"])
            .arg(dir.path())
            .args(["-cf", "-", "server.crt", "link"])
            .output()
        else {
            return; // no tar on this machine
        };
        let entries = read_entries(&mut out.stdout.as_slice(), true).expect("a tar");
        let seen: Vec<(&str, EntryKind, &str, &[u8])> = entries
            .iter()
            .map(|e| (e.name.as_str(), e.kind, e.link.as_str(), e.data.as_slice()))
            .collect();
        assert_eq!(
            seen,
            [
                ("server.crt", EntryKind::File, "", &b"C"[..]),
                ("link", EntryKind::Symlink, "server.crt", &b""[..]),
            ]
        );
    }
}
