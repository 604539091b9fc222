//! Test archives for `certs:add` (the archive itself is read and checked by
//! [`crate::archive`]).

/// A tar archive of regular files.
pub(crate) fn build(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in files {
        crate::archive::tar::build::member(&mut out, name, b'0', "", data);
    }
    crate::archive::tar::build::finish(&mut out);
    out
}
