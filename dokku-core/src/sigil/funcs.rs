//! The functions a template may call: Go's predefined ones and sigil's.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::{EnvLookup, Value};

/// What functions may look at besides their arguments.
pub(super) struct Ctx<'a> {
    /// The template's data (`var` looks here first).
    pub(super) root: &'a Value,
    /// The app's config (`var` looks here next).
    pub(super) env: &'a EnvLookup<'a>,
}

/// sigil functions that read files, stdin, commands or the network: refused.
const UNSUPPORTED: &[&str] = &[
    "include",
    "render",
    "stdin",
    "file",
    "text",
    "exists",
    "dir",
    "dirs",
    "files",
    "sh",
    "httpget",
    "pointer",
    "json",
    "jmespath",
    "yaml",
    "toyaml",
    "base64enc",
    "base64dec",
    "call",
    "js",
];

type Result<T> = std::result::Result<T, String>;

fn calling(name: &str, message: impl std::fmt::Display) -> String {
    format!("error calling {name}: {message}")
}

fn arity(name: &str, args: &[Value], n: usize) -> Result<()> {
    if args.len() == n {
        Ok(())
    } else {
        Err(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        ))
    }
}

fn text(name: &str, value: &Value) -> Result<String> {
    value
        .as_text()
        .ok_or_else(|| calling(name, format!("{name} must be given a string")))
}

fn list(name: &str, value: Value) -> Result<Vec<Value>> {
    match value {
        Value::List(items) => Ok(items),
        Value::Nil => Ok(Vec::new()),
        other => Err(calling(
            name,
            format!("{name} must be given a list, not {}", other.type_name()),
        )),
    }
}

/// Calls function `name`; `args` already include the piped value (last).
pub(super) fn call(ctx: &Ctx<'_>, name: &str, args: Vec<Value>) -> Result<Value> {
    if UNSUPPORTED.contains(&name) {
        return Err(format!(
            "function {name:?} is not supported by this dokku's template engine"
        ));
    }
    match name {
        "and" | "or" => {
            if args.is_empty() {
                return Err(format!(
                    "wrong number of args for {name}: want at least 1 got 0"
                ));
            }
            let want = name == "or";
            let mut last = Value::Nil;
            for arg in args {
                if arg.truthy() == want {
                    return Ok(arg);
                }
                last = arg;
            }
            Ok(last)
        }
        "not" => {
            arity(name, &args, 1)?;
            Ok(Value::Bool(!args[0].truthy()))
        }
        "len" => {
            arity(name, &args, 1)?;
            let n = match &args[0] {
                Value::Str(s) => s.len(),
                Value::List(l) => l.len(),
                Value::Map(m) => m.len(),
                other => return Err(calling(name, format!("len of type {}", other.type_name()))),
            };
            Ok(Value::Int(n as i64))
        }
        "index" => index(args),
        "slice" => slice(args),
        "eq" => {
            if args.len() < 2 {
                return Err(calling(name, "missing argument for comparison"));
            }
            let first = &args[0];
            Ok(Value::Bool(args[1..].iter().any(|a| equal(first, a))))
        }
        "ne" => {
            arity(name, &args, 2)?;
            Ok(Value::Bool(!equal(&args[0], &args[1])))
        }
        "lt" | "le" | "gt" | "ge" => {
            arity(name, &args, 2)?;
            let ord = compare(&args[0], &args[1]).map_err(|e| calling(name, e))?;
            Ok(Value::Bool(match name {
                "lt" => ord == Ordering::Less,
                "le" => ord != Ordering::Greater,
                "gt" => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            }))
        }
        "print" => Ok(Value::Str(sprint(&args))),
        "println" => {
            let words: Vec<String> = args.iter().map(ToString::to_string).collect();
            Ok(Value::Str(format!("{}\n", words.join(" "))))
        }
        "printf" => {
            let Some((format, rest)) = args.split_first() else {
                return Err("wrong number of args for printf: want at least 1 got 0".into());
            };
            Ok(Value::Str(sprintf(&text(name, format)?, rest)))
        }
        "html" => Ok(Value::Str(html_escape(&sprint(&args)))),
        "urlquery" => Ok(Value::Str(query_escape(&sprint(&args)))),
        // sigil
        "split" => {
            arity(name, &args, 2)?;
            let sep = text(name, &args[0])?;
            let input = text(name, &args[1])?;
            Ok(Value::List(
                go_split(&input, &sep).into_iter().map(Value::Str).collect(),
            ))
        }
        "join" => {
            arity(name, &args, 2)?;
            let sep = text(name, &args[0])?;
            let items = list(name, args[1].clone())?;
            let words: Vec<String> = items
                .into_iter()
                .filter_map(|v| match v {
                    Value::Str(s) => Some(s),
                    _ => None,
                })
                .collect();
            Ok(Value::Str(words.join(&sep)))
        }
        "splitkv" => {
            arity(name, &args, 2)?;
            let sep = text(name, &args[0])?;
            let mut map = BTreeMap::new();
            for item in list(name, args[1].clone())? {
                let Value::Str(s) = item else {
                    return Err(calling(
                        name,
                        "splitkv must be given a string map of strings",
                    ));
                };
                match s.split_once(sep.as_str()) {
                    Some((k, v)) if !sep.is_empty() => {
                        map.insert(k.to_string(), Value::Str(v.to_string()));
                    }
                    _ => {
                        map.insert(s, Value::Bool(true));
                    }
                }
            }
            Ok(Value::Map(map))
        }
        "joinkv" => {
            arity(name, &args, 2)?;
            let sep = text(name, &args[0])?;
            let Value::Map(map) = &args[1] else {
                return Err(calling(
                    name,
                    "joinkv must be given a string map of strings",
                ));
            };
            map.iter()
                .map(|(k, v)| match v {
                    Value::Str(s) => Ok(Value::Str(format!("{k}{sep}{s}"))),
                    _ => Err(calling(
                        name,
                        "joinkv must be given a string map of strings",
                    )),
                })
                .collect::<Result<Vec<_>>>()
                .map(Value::List)
        }
        "default" => {
            arity(name, &args, 2)?;
            let mut args = args;
            let input = args.pop().unwrap_or(Value::Nil);
            let fallback = args.pop().unwrap_or(Value::Nil);
            Ok(if input.truthy() { input } else { fallback })
        }
        "var" => {
            arity(name, &args, 1)?;
            let key = text(name, &args[0])?;
            if let Value::Map(map) = ctx.root {
                if let Some(Value::Str(v)) = map.get(&key) {
                    return Ok(Value::Str(v.clone()));
                }
            }
            Ok(Value::Str((ctx.env)(&key).unwrap_or_default()))
        }
        "capitalize" => {
            arity(name, &args, 1)?;
            Ok(Value::Str(title(&text(name, &args[0])?)))
        }
        "lower" => {
            arity(name, &args, 1)?;
            Ok(Value::Str(text(name, &args[0])?.to_lowercase()))
        }
        "upper" => {
            arity(name, &args, 1)?;
            Ok(Value::Str(text(name, &args[0])?.to_uppercase()))
        }
        "trim" => {
            arity(name, &args, 1)?;
            Ok(Value::Str(
                text(name, &args[0])?
                    .trim_matches(|c| c == ' ' || c == '\n')
                    .to_string(),
            ))
        }
        "replace" => {
            arity(name, &args, 3)?;
            let old = text(name, &args[0])?;
            let new = text(name, &args[1])?;
            let input = text(name, &args[2])?;
            Ok(Value::Str(if old.is_empty() {
                input
            } else {
                input.replace(&old, &new)
            }))
        }
        "indent" => {
            arity(name, &args, 2)?;
            let pad = text(name, &args[0])?;
            let input = text(name, &args[1])?;
            let lines: Vec<String> = input
                .split('\n')
                .enumerate()
                .map(|(i, l)| {
                    if i == 0 || l.is_empty() {
                        l.to_string()
                    } else {
                        format!("{pad}{l}")
                    }
                })
                .collect();
            Ok(Value::Str(lines.join("\n")))
        }
        "match" => {
            arity(name, &args, 2)?;
            let pattern = text(name, &args[0])?;
            let input = text(name, &args[1])?;
            glob_match(&pattern, &input)
                .map(Value::Bool)
                .ok_or_else(|| calling(name, "syntax error in pattern"))
        }
        "substr" => {
            arity(name, &args, 2)?;
            let spec = text(name, &args[0])?;
            let input = text(name, &args[1])?;
            let (start, end) = spec
                .split_once(':')
                .ok_or_else(|| calling(name, "substr needs slice expression as 'start:end' "))?;
            let start: usize = start.parse().unwrap_or(0);
            let end: usize = end
                .parse()
                .map_err(|_| calling(name, "substr needs slice expression as 'start:end' "))?;
            input
                .get(start..end)
                .map(|s| Value::Str(s.to_string()))
                .ok_or_else(|| calling(name, format!("slice bounds out of range [{start}:{end}]")))
        }
        "seq" => {
            arity(name, &args, 1)?;
            let n = match &args[0] {
                Value::Int(i) => *i,
                Value::Str(s) => s
                    .parse()
                    .map_err(|_| calling(name, "seq must be given an integer or numeric string"))?,
                _ => {
                    return Err(calling(
                        name,
                        "seq must be given an integer or numeric string",
                    ))
                }
            };
            Ok(Value::List(
                (0..n.max(0)).map(|i| Value::Str(i.to_string())).collect(),
            ))
        }
        "uniq" => {
            let mut out: Vec<Value> = Vec::new();
            for arg in args {
                for item in list(name, arg)? {
                    if !out.contains(&item) {
                        out.push(item);
                    }
                }
            }
            Ok(Value::List(out))
        }
        "append" => {
            arity(name, &args, 2)?;
            let mut args = args;
            let mut items = list(name, args.pop().unwrap_or(Value::Nil))?;
            items.push(args.pop().unwrap_or(Value::Nil));
            Ok(Value::List(items))
        }
        "drop" => {
            arity(name, &args, 2)?;
            let mut args = args;
            let items = list(name, args.pop().unwrap_or(Value::Nil))?;
            let item = args.pop().unwrap_or(Value::Nil);
            let mut out = Vec::new();
            for v in items {
                let keep = match (&item, &v) {
                    (Value::Str(pattern), Value::Str(s)) => !glob_match(pattern, s)
                        .ok_or_else(|| calling(name, format!("bad pattern: {pattern}")))?,
                    (Value::Str(_), _) => {
                        return Err(calling(
                            name,
                            "all elements must be a string to drop a string",
                        ))
                    }
                    _ => item != v,
                };
                if keep {
                    out.push(v);
                }
            }
            Ok(Value::List(out))
        }
        "tojson" => {
            arity(name, &args, 1)?;
            Ok(Value::Str(to_json(&args[0]).to_string()))
        }
        other => Err(format!("function {other:?} not defined")),
    }
}

fn index(args: Vec<Value>) -> Result<Value> {
    let mut iter = args.into_iter();
    let mut value = iter
        .next()
        .ok_or_else(|| "wrong number of args for index: want at least 1 got 0".to_string())?;
    for key in iter {
        value = match (value, key) {
            (Value::List(items), Value::Int(i)) => {
                let len = items.len();
                usize::try_from(i)
                    .ok()
                    .and_then(|i| items.into_iter().nth(i))
                    .ok_or_else(|| {
                        calling("index", format!("index out of range: {i} (length {len})"))
                    })?
            }
            (Value::Map(mut map), Value::Str(k)) => map.remove(&k).unwrap_or(Value::Nil),
            (Value::Nil, _) => return Err(calling("index", "index of untyped nil")),
            (Value::List(_), other) => {
                return Err(calling(
                    "index",
                    format!("cannot index slice/array with type {}", other.type_name()),
                ))
            }
            (other, _) => {
                return Err(calling(
                    "index",
                    format!("can't index item of type {}", other.type_name()),
                ))
            }
        };
    }
    Ok(value)
}

fn slice(args: Vec<Value>) -> Result<Value> {
    let mut iter = args.into_iter();
    let value = iter
        .next()
        .ok_or_else(|| "wrong number of args for slice: want at least 1 got 0".to_string())?;
    let bounds: Vec<i64> = iter
        .map(|v| match v {
            Value::Int(i) => Ok(i),
            other => Err(calling(
                "slice",
                format!("cannot index slice/array with type {}", other.type_name()),
            )),
        })
        .collect::<Result<_>>()?;
    let len = match &value {
        Value::Str(s) => s.len(),
        Value::List(l) => l.len(),
        other => {
            return Err(calling(
                "slice",
                format!("can't slice item of type {}", other.type_name()),
            ))
        }
    } as i64;
    let start = bounds.first().copied().unwrap_or(0);
    let end = bounds.get(1).copied().unwrap_or(len);
    if bounds.len() > 2 || start < 0 || end < start || end > len {
        return Err(calling(
            "slice",
            format!("index out of range: [{start}:{end}]"),
        ));
    }
    let (start, end) = (start as usize, end as usize);
    Ok(match value {
        Value::Str(s) => Value::Str(
            s.get(start..end)
                .ok_or_else(|| calling("slice", "slice splits a character"))?
                .to_string(),
        ),
        Value::List(l) => Value::List(l[start..end].to_vec()),
        _ => Value::Nil,
    })
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Nil, Value::Nil) => true,
        (x, y) => x == y,
    }
}

fn compare(a: &Value, b: &Value) -> std::result::Result<Ordering, String> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
        _ => Err("incompatible types for comparison".into()),
    }
}

/// Go's `fmt.Sprint`: a space between operands when neither is a string.
fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            let prev_str = matches!(args[i - 1], Value::Str(_));
            let this_str = matches!(arg, Value::Str(_));
            if !prev_str && !this_str {
                out.push(' ');
            }
        }
        out.push_str(&arg.to_string());
    }
    out
}

/// A small `fmt.Sprintf`: `%s %v %d %t %q %%`; anything else is copied through.
fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(verb @ ('s' | 'v' | 'd' | 't' | 'q')) => match args.next() {
                Some(arg) if verb == 'q' => out.push_str(&format!("{:?}", arg.to_string())),
                Some(arg) => out.push_str(&arg.to_string()),
                None => out.push_str(&format!("%!{verb}(MISSING)")),
            },
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push_str("%!(NOVERB)"),
        }
    }
    let extra: Vec<String> = args.map(ToString::to_string).collect();
    if !extra.is_empty() {
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

/// Go's `strings.Split`: an empty input gives one empty element; an empty separator
/// splits into characters.
fn go_split(input: &str, sep: &str) -> Vec<String> {
    if sep.is_empty() {
        return input.chars().map(String::from).collect();
    }
    input.split(sep).map(str::to_string).collect()
}

fn title(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut at_start = true;
    for c in input.chars() {
        if at_start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        at_start = !(c.is_alphanumeric() || c == '_' || c == '\'');
    }
    out
}

fn html_escape(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&#34;"),
            '\0' => out.push('\u{FFFD}'),
            other => out.push(other),
        }
    }
    out
}

/// Go's `url.QueryEscape` (space as `+`), which `url.ParseQuery` reads back; also
/// how the Engine API's build query is encoded (`docker::engine`).
pub(crate) fn query_escape(input: &str) -> String {
    let mut out = String::new();
    for b in input.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// Go's `path.Match`: `*`, `?`, `[...]` (with `^` or `!` negation and ranges) and `\`
/// escapes; `*` and `?` never match `/`. `None` for a malformed pattern.
pub(super) fn glob_match(pattern: &str, input: &str) -> Option<bool> {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = input.chars().collect();
    glob(&p, &s)
}

fn glob(p: &[char], s: &[char]) -> Option<bool> {
    let Some((&first, rest)) = p.split_first() else {
        return Some(s.is_empty());
    };
    match first {
        '*' => {
            for i in 0..=s.len() {
                if glob(rest, &s[i..])? {
                    return Some(true);
                }
                if i < s.len() && s[i] == '/' {
                    break;
                }
            }
            Some(false)
        }
        '?' => match s.split_first() {
            Some((&c, srest)) if c != '/' => glob(rest, srest),
            _ => Some(false),
        },
        '[' => {
            let close = rest.iter().skip(1).position(|&c| c == ']').map(|i| i + 1)?;
            let class = &rest[..close];
            let after = &rest[close + 1..];
            let Some((&c, srest)) = s.split_first() else {
                return Some(false);
            };
            let (negate, class) = match class.first() {
                Some('^') | Some('!') => (true, &class[1..]),
                _ => (false, class),
            };
            let mut matched = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == '-' {
                    if class[i] <= c && c <= class[i + 2] {
                        matched = true;
                    }
                    i += 3;
                } else {
                    if class[i] == c {
                        matched = true;
                    }
                    i += 1;
                }
            }
            if matched != negate && c != '/' {
                glob(after, srest)
            } else {
                Some(false)
            }
        }
        '\\' => {
            let (&lit, rest) = rest.split_first()?;
            match s.split_first() {
                Some((&c, srest)) if c == lit => glob(rest, srest),
                _ => Some(false),
            }
        }
        lit => match s.split_first() {
            Some((&c, srest)) if c == lit => glob(rest, srest),
            _ => Some(false),
        },
    }
}

fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Nil => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Str(s) => serde_json::Value::String(s.clone()),
        Value::List(l) => serde_json::Value::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => {
            serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}
