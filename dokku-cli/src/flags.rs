//! Dokku's global flags: `parse_args` semantics and leading-flag stripping.
//!
//! `--quiet`, `--trace`, `--force` and `--app NAME` are recognised anywhere on the
//! command line (so `apps:destroy app --force` works), but only *leading* flags are
//! removed from the arguments; later ones stay for the command to see.

/// What the global flags said.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct GlobalFlags {
    pub(crate) quiet: bool,
    pub(crate) trace: bool,
    pub(crate) force: bool,
    pub(crate) app: Option<String>,
    /// Every `--*` argument, space-joined (`--app`'s value omitted): `DOKKU_GLOBAL_FLAGS`.
    pub(crate) all: String,
}

/// Scans every argument as Dokku's `parse_args` does.
pub(crate) fn parse(args: &[String]) -> GlobalFlags {
    let mut flags = GlobalFlags::default();
    let mut seen = Vec::new();
    let mut iter = args.iter().peekable();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--quiet" => flags.quiet = true,
            "--trace" => flags.trace = true,
            "--force" => flags.force = true,
            "--app" => flags.app = iter.next().cloned(),
            _ => {}
        }
        if arg.starts_with("--") {
            seen.push(arg.as_str());
        }
    }
    flags.all = seen.join(" ").trim().to_string();
    flags
}

/// Removes leading flags: `--app X` takes two words, other `--*` one; `--version`
/// stays, because it is itself a command.
pub(crate) fn strip_leading(args: &[String]) -> Vec<String> {
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if !arg.starts_with("--") || arg == "--version" {
            break;
        }
        i += if arg == "--app" { 2 } else { 1 };
    }
    args.get(i..).unwrap_or_default().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_anywhere_are_seen_but_only_leading_ones_stripped() {
        let args = v(&["--quiet", "--app", "web", "apps:destroy", "web", "--force"]);
        let flags = parse(&args);
        assert!(flags.quiet && flags.force && !flags.trace);
        assert_eq!(flags.app.as_deref(), Some("web"));
        assert_eq!(flags.all, "--quiet --app --force");
        assert_eq!(strip_leading(&args), v(&["apps:destroy", "web", "--force"]));
    }

    #[test]
    fn version_flag_is_kept() {
        assert_eq!(
            strip_leading(&v(&["--trace", "--version"])),
            v(&["--version"])
        );
    }
}
