//! Just enough of the tar format to take a certificate and a key out of the archive
//! `certs:add` reads on stdin: regular files of ustar, GNU and pax archives
//! (long names included), never written to disk.

/// One regular file of an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its path inside the archive.
    pub name: String,
    /// Its bytes.
    pub data: Vec<u8>,
}

fn octal(field: &[u8]) -> Option<usize> {
    let text: String = field
        .iter()
        .take_while(|b| **b != 0)
        .map(|b| *b as char)
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return Some(0);
    }
    usize::from_str_radix(text, 8).ok()
}

fn cstr(field: &[u8]) -> String {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// The regular files of a tar archive; `None` when it is not one.
pub fn entries(bytes: &[u8]) -> Option<Vec<Entry>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut long_name: Option<String> = None;
    let mut saw_header = false;
    while pos + 512 <= bytes.len() {
        let header = &bytes[pos..pos + 512];
        if header.iter().all(|b| *b == 0) {
            break;
        }
        // The checksum covers the header with its own field read as spaces.
        let stored = octal(&header[148..156])?;
        let sum: usize = header
            .iter()
            .enumerate()
            .map(|(i, b)| {
                if (148..156).contains(&i) {
                    32
                } else {
                    *b as usize
                }
            })
            .sum();
        if stored != sum {
            return None;
        }
        saw_header = true;
        let size = octal(&header[124..136])?;
        let kind = header[156];
        let data_start = pos + 512;
        let data_end = data_start.checked_add(size)?;
        if data_end > bytes.len() {
            return None;
        }
        let data = &bytes[data_start..data_end];
        match kind {
            b'L' => long_name = Some(cstr(data)),
            b'x' => {
                // pax: "LEN path=NAME\n" records.
                let text = String::from_utf8_lossy(data);
                for record in text.lines() {
                    if let Some((_, kv)) = record.split_once(' ') {
                        if let Some(path) = kv.strip_prefix("path=") {
                            long_name = Some(path.to_string());
                        }
                    }
                }
            }
            b'0' | 0 | b'7' => {
                let name = long_name.take().unwrap_or_else(|| {
                    let prefix = cstr(&header[345..500]);
                    let name = cstr(&header[0..100]);
                    if header[257..262] == *b"ustar" && !prefix.is_empty() {
                        format!("{prefix}/{name}")
                    } else {
                        name
                    }
                });
                out.push(Entry {
                    name,
                    data: data.to_vec(),
                });
            }
            _ => long_name = None,
        }
        pos = data_start + size.div_ceil(512) * 512;
    }
    saw_header.then_some(out)
}

#[cfg(test)]
pub(crate) fn build(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in files {
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[100..107].copy_from_slice(b"0000644");
        header[108..115].copy_from_slice(b"0000000");
        header[116..123].copy_from_slice(b"0000000");
        let size = format!("{:011o}", data.len());
        header[124..135].copy_from_slice(size.as_bytes());
        header[136..147].copy_from_slice(b"00000000000");
        header[156] = b'0';
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
    out.resize(out.len() + 1024, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files() {
        let tar = build(&[("certs/server.crt", b"CRT"), ("server.key", b"KEY")]);
        let files = entries(&tar).expect("a tar");
        assert_eq!(
            files,
            [
                Entry {
                    name: "certs/server.crt".into(),
                    data: b"CRT".to_vec()
                },
                Entry {
                    name: "server.key".into(),
                    data: b"KEY".to_vec()
                },
            ]
        );
    }

    #[test]
    fn rejects_what_is_not_a_tar() {
        assert_eq!(entries(b"-----BEGIN CERTIFICATE-----\n"), None);
        let mut tar = build(&[("a.crt", b"x")]);
        tar[0] = b'b';
        assert_eq!(entries(&tar), None, "bad checksum");
    }

    #[test]
    fn matches_the_system_tar() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("server.crt"), "C").expect("write");
        std::fs::write(dir.path().join("server.key"), "K").expect("write");
        let Ok(out) = crate::process::Cmd::new("tar")
            .args(["-C"])
            .arg(dir.path())
            .args(["-cf", "-", "server.crt", "server.key"])
            .output()
        else {
            return; // no tar on this machine
        };
        let files = entries(&out.stdout).expect("a tar");
        let names: Vec<&str> = files.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["server.crt", "server.key"]);
    }
}
