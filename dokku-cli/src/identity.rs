//! Who we run as, read without `unsafe` or a subprocess: `/proc/self/status` for the
//! uid and `/etc/passwd` for its name (what `id -un` prints).

/// The effective user's name, or the uid as text when it has no passwd entry.
pub(crate) fn current_user() -> String {
    let uid = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                let rest = line.strip_prefix("Uid:")?;
                // Fields: real, effective, saved, filesystem.
                rest.split_whitespace().nth(1).map(str::to_string)
            })
        })
        .unwrap_or_default();
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                (fields.len() > 2 && fields[2] == uid).then(|| fields[0].to_string())
            })
        })
        .unwrap_or(uid)
}

/// Whether a user called `name` exists in `/etc/passwd`.
pub(crate) fn user_exists(name: &str) -> bool {
    std::fs::read_to_string("/etc/passwd")
        .map(|passwd| passwd.lines().any(|l| l.split(':').next() == Some(name)))
        .unwrap_or(false)
}
