//! Arguments parsed the way Dokku's Go plugins parse them (pflag): flags anywhere
//! unless told otherwise, `--name=value` or `--name value`, `--` ends flags.

use std::collections::BTreeMap;

use dokku_host::CommandError;

/// The flags a command accepts.
pub struct FlagSpec<'a> {
    /// Boolean flags (`--global`, `--global=false`).
    pub bools: &'a [&'a str],
    /// Flags taking a value (`--format json`, `--format=json`); repeating one keeps
    /// every value.
    pub values: &'a [&'a str],
    /// Whether flags may follow positional arguments (pflag's default). With `false`
    /// the first positional argument ends flag parsing (`SetInterspersed(false)`).
    pub interspersed: bool,
}

/// Parsed arguments: flags by name (without dashes) and positional arguments in order.
#[derive(Debug, Default)]
pub struct Flags {
    set: BTreeMap<String, Vec<String>>,
    /// The positional arguments.
    pub positional: Vec<String>,
}

impl Flags {
    /// Whether boolean flag `name` is set (and not `=false`).
    pub fn has(&self, name: &str) -> bool {
        self.set
            .get(name)
            .and_then(|v| v.last())
            .is_some_and(|v| parse_bool(v) == Some(true))
    }

    /// The last value given for `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.set
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value given for `name`, comma-separated values split (pflag's
    /// `StringSlice`).
    pub fn values(&self, name: &str) -> Vec<String> {
        self.set
            .get(name)
            .map(|vs| {
                vs.iter()
                    .flat_map(|v| v.split(',').map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub use dokku_core::text::parse_bool;

/// Flags the dispatcher reads anywhere on the line; a plugin ignores them (`--app`
/// takes the next argument).
const DISPATCHER_BOOLS: [&str; 3] = ["quiet", "trace", "force"];

/// Parses `args` as pflag does: `--name`, `--name=value`, `--name value`, `--` ends
/// flags, a lone `-` is positional. An unknown flag is pflag's usage error (exit 2).
pub fn parse_flags(args: &[String], spec: &FlagSpec<'_>) -> Result<Flags, CommandError> {
    let mut flags = Flags::default();
    let mut iter = args.iter();
    let mut only_positional = false;
    while let Some(arg) = iter.next() {
        if only_positional || arg == "-" || !arg.starts_with('-') {
            flags.positional.push(arg.clone());
            if !spec.interspersed {
                only_positional = true;
            }
            continue;
        }
        if arg == "--" {
            only_positional = true;
            continue;
        }
        let Some(body) = arg.strip_prefix("--") else {
            let short = arg.chars().nth(1).unwrap_or('-');
            return Err(usage_error(format!(
                "unknown shorthand flag: '{short}' in {arg}"
            )));
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        if spec.bools.contains(&name) {
            let value = inline.unwrap_or_else(|| "true".into());
            if parse_bool(&value).is_none() {
                return Err(usage_error(format!(
                    "invalid argument \"{value}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{value}\": invalid syntax"
                )));
            }
            flags.set.entry(name.to_string()).or_default().push(value);
        } else if spec.values.contains(&name) || name == "app" {
            let value = match inline {
                Some(v) => v,
                None => iter
                    .next()
                    .cloned()
                    .ok_or_else(|| usage_error(format!("flag needs an argument: --{name}")))?,
            };
            if name != "app" || spec.values.contains(&name) {
                flags.set.entry(name.to_string()).or_default().push(value);
            }
        } else if DISPATCHER_BOOLS.contains(&name) {
            continue;
        } else {
            return Err(usage_error(format!("unknown flag: --{name}")));
        }
    }
    Ok(flags)
}

fn usage_error(message: String) -> CommandError {
    CommandError::with_code(message, dokku_protocol::exit::USAGE_EXIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], spec: &FlagSpec<'_>) -> Result<Flags, String> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        parse_flags(&args, spec).map_err(|e| format!("{} ({})", e, e.code))
    }

    const SPEC: FlagSpec<'static> = FlagSpec {
        bools: &["global", "merged"],
        values: &["format"],
        interspersed: true,
    };

    #[test]
    fn flags_anywhere_like_pflag() {
        let f = parse(
            &["app", "--merged", "--format", "json", "K", "--global=false"],
            &SPEC,
        )
        .expect("ok");
        assert_eq!(f.positional, ["app", "K"]);
        assert!(f.has("merged") && !f.has("global"));
        assert_eq!(f.value("format"), Some("json"));
        let f = parse(&["--format=shell", "--", "--global", "-"], &SPEC).expect("ok");
        assert_eq!(f.positional, ["--global", "-"]);
        assert_eq!(f.value("format"), Some("shell"));
    }

    #[test]
    fn dispatcher_flags_are_ignored() {
        let f = parse(&["--quiet", "app", "--app", "other", "--trace"], &SPEC).expect("ok");
        assert_eq!(f.positional, ["app"]);
    }

    #[test]
    fn unknown_flags_are_usage_errors() {
        assert_eq!(
            parse(&["--nope"], &SPEC).err().as_deref(),
            Some("unknown flag: --nope (2)")
        );
        assert_eq!(
            parse(&["-x"], &SPEC).err().as_deref(),
            Some("unknown shorthand flag: 'x' in -x (2)")
        );
        assert_eq!(
            parse(&["--format"], &SPEC).err().as_deref(),
            Some("flag needs an argument: --format (2)")
        );
    }

    #[test]
    fn not_interspersed_stops_at_the_first_positional() {
        let spec = FlagSpec {
            bools: &[],
            values: &["process"],
            interspersed: false,
        };
        let f = parse(
            &["--process", "web,worker", "app", "deploy", "-v", "/a:/b"],
            &spec,
        )
        .expect("ok");
        assert_eq!(f.positional, ["app", "deploy", "-v", "/a:/b"]);
        assert_eq!(f.values("process"), ["web", "worker"]);
    }
}
