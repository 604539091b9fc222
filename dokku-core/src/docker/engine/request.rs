//! Our `docker image build` argument list as the Engine API's `POST /build` query, or
//! the flag that has no form there (then the caller runs the CLI instead).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A build the engine can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BuildRequest {
    /// Query parameters other than `dockerfile`, in order.
    pub(crate) params: Vec<(String, String)>,
    /// The context directory (the positional argument, against the call's directory).
    pub(crate) context: PathBuf,
    /// `-f`/`--file` against the call's directory, when given.
    pub(crate) dockerfile: Option<PathBuf>,
    /// The `--build-arg` values (also in `params`), which the Dockerfile's global
    /// `ARG`s take when the base images are looked up.
    pub(crate) build_args: BTreeMap<String, String>,
}

impl BuildRequest {
    /// `POST` target for this build with the Dockerfile at `dockerfile` (relative to
    /// the context, `/`-separated), under the API version `prefix` (`/v1.47`).
    pub(crate) fn target(&self, prefix: &str, dockerfile: &str) -> String {
        let mut query = String::from("version=2");
        let dockerfile = ("dockerfile".to_string(), dockerfile.to_string());
        for (k, v) in self.params.iter().chain([&dockerfile]) {
            query.push('&');
            query.push_str(k);
            query.push('=');
            query.push_str(&crate::sigil::funcs::query_escape(v));
        }
        format!("{prefix}/build?{query}")
    }
}

/// Flags whose value is ignored: `--progress` only shapes the CLI's own output.
const IGNORED_WITH_VALUE: &[&str] = &["--progress"];

/// Translates `args` (what follows `docker image build`). `cwd` is where the CLI
/// would run; `env` answers a `--build-arg KEY` without value, as the CLI's
/// environment does. `Err` names what has no engine form.
pub(crate) fn translate(
    args: &[String],
    cwd: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<BuildRequest, String> {
    let mut params: Vec<(String, String)> = Vec::new();
    let mut labels = BTreeMap::new();
    let mut build_args = BTreeMap::new();
    let mut cache_from = Vec::new();
    let mut ulimits = Vec::new();
    let mut dockerfile = None;
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        i += 1;
        if !word.starts_with('-') || word == "-" {
            positional.push(word.clone());
            continue;
        }
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (word.as_str(), None),
        };
        let bare = |p: &mut Vec<(String, String)>, key: &str| -> Result<(), String> {
            if inline.is_some() {
                return Err(format!("{flag} with a value"));
            }
            p.push((key.into(), "1".into()));
            Ok(())
        };
        match flag {
            "--no-cache" => bare(&mut params, "nocache")?,
            // The engine would pull without the CLI's session and registry logins.
            "--pull" => return Err("--pull".into()),
            _ => {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        let v = args
                            .get(i)
                            .ok_or_else(|| format!("{flag} without a value"))?;
                        i += 1;
                        v.clone()
                    }
                };
                match flag {
                    "-t" | "--tag" => params.push(("t".into(), value)),
                    "-f" | "--file" => dockerfile = Some(cwd.join(value)),
                    "--label" => {
                        let (k, v) = value.split_once('=').unwrap_or((&value, ""));
                        labels.insert(k.to_string(), v.to_string());
                    }
                    "--build-arg" => match value.split_once('=') {
                        Some((k, v)) => {
                            build_args.insert(k.to_string(), v.to_string());
                        }
                        None => {
                            // The CLI sends a bare KEY only when its environment has it.
                            if let Some(v) = env(&value) {
                                build_args.insert(value, v);
                            }
                        }
                    },
                    "--target" => params.push(("target".into(), value)),
                    "--network" => params.push(("networkmode".into(), value)),
                    "--add-host" => params.push(("extrahosts".into(), extra_host(&value))),
                    "--cache-from" => cache_from.push(value),
                    "--platform" => params.push(("platform".into(), value)),
                    "-m" | "--memory" => params.push(("memory".into(), bytes(flag, &value)?)),
                    "--shm-size" => params.push(("shmsize".into(), bytes(flag, &value)?)),
                    "--ulimit" => ulimits.push(ulimit(&value)?),
                    "--cgroup-parent" => params.push(("cgroupparent".into(), value)),
                    f if IGNORED_WITH_VALUE.contains(&f) => {}
                    other => return Err(other.to_string()),
                }
            }
        }
    }
    let [context] = positional.as_slice() else {
        return Err(format!("{} context arguments", positional.len()));
    };
    if context == "-" || context.contains("://") || context.starts_with("git@") {
        return Err(format!("the context {context}"));
    }
    let json = |v: serde_json::Value| v.to_string();
    if !labels.is_empty() {
        params.push(("labels".into(), json(serde_json::json!(labels))));
    }
    if !build_args.is_empty() {
        params.push(("buildargs".into(), json(serde_json::json!(build_args))));
    }
    if !cache_from.is_empty() {
        params.push(("cachefrom".into(), json(serde_json::json!(cache_from))));
    }
    if !ulimits.is_empty() {
        params.push(("ulimits".into(), json(serde_json::Value::Array(ulimits))));
    }
    Ok(BuildRequest {
        params,
        context: cwd.join(context),
        dockerfile,
        build_args,
    })
}

/// `host=ip` (the CLI's newer spelling) as the engine's `host:ip`.
fn extra_host(value: &str) -> String {
    match value.split_once('=') {
        Some((host, ip)) => format!("{host}:{ip}"),
        None => value.to_string(),
    }
}

/// A size as the CLI reads `--memory`/`--shm-size` (`512m`, `1g`, `1024`, `2kb`):
/// binary multiples, in bytes.
fn bytes(flag: &str, value: &str) -> Result<String, String> {
    let v = value.trim().to_ascii_lowercase();
    let v = v.strip_suffix('b').unwrap_or(&v);
    let v = v.strip_suffix('i').unwrap_or(v);
    let (number, unit) = match v.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&v[..at], Some(c)),
        _ => (v, None),
    };
    let power = match unit {
        None => 0,
        Some('k') => 1,
        Some('m') => 2,
        Some('g') => 3,
        Some('t') => 4,
        Some('p') => 5,
        Some(_) => return Err(format!("{flag} {value}")),
    };
    let n: f64 = number
        .trim()
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)
        .ok_or_else(|| format!("{flag} {value}"))?;
    Ok(((n * 1024f64.powi(power)) as i64).to_string())
}

/// `--ulimit name=soft[:hard]` as the engine's `{"Name","Soft","Hard"}`.
fn ulimit(value: &str) -> Result<serde_json::Value, String> {
    let refuse = || format!("--ulimit {value}");
    let (name, limits) = value.split_once('=').ok_or_else(refuse)?;
    let (soft, hard) = limits.split_once(':').unwrap_or((limits, limits));
    let soft: i64 = soft.parse().map_err(|_| refuse())?;
    let hard: i64 = hard.parse().map_err(|_| refuse())?;
    if name.is_empty() {
        return Err(refuse());
    }
    Ok(serde_json::json!({"Name": name, "Soft": soft, "Hard": hard}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    fn translated(s: &str) -> Result<BuildRequest, String> {
        let env = |k: &str| (k == "FROM_ENV").then(|| "env value".to_string());
        translate(&words(s), Path::new("/src"), &env)
    }

    fn param<'a>(r: &'a BuildRequest, key: &str) -> Vec<&'a str> {
        r.params
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    #[test]
    fn each_flag_has_its_query_parameter() {
        let r = translated(
            "--label=dokku --label a=b=c --build-arg X=1 --build-arg FROM_ENV --build-arg UNSET \
             -t dokku/web:latest --tag=x:1 --no-cache --target prod --network=host \
             --add-host db=10.0.0.1 --add-host=old:10.0.0.2 --cache-from a --cache-from=b \
             --platform linux/amd64 -m 512m --shm-size=1g --ulimit nofile=1024:2048 \
             --ulimit nproc=10 --cgroup-parent=/dokku --progress plain -f Dockerfile.web ctx",
        )
        .expect("translates");
        assert_eq!(param(&r, "t"), ["dokku/web:latest", "x:1"]);
        assert_eq!(param(&r, "labels"), [r#"{"a":"b=c","dokku":""}"#]);
        assert_eq!(
            param(&r, "buildargs"),
            [r#"{"FROM_ENV":"env value","X":"1"}"#],
            "a bare KEY comes from the environment and is left out when unset"
        );
        assert_eq!(param(&r, "nocache"), ["1"]);
        assert_eq!(param(&r, "target"), ["prod"]);
        assert_eq!(param(&r, "networkmode"), ["host"]);
        assert_eq!(param(&r, "extrahosts"), ["db:10.0.0.1", "old:10.0.0.2"]);
        assert_eq!(param(&r, "cachefrom"), [r#"["a","b"]"#]);
        assert_eq!(param(&r, "platform"), ["linux/amd64"]);
        assert_eq!(param(&r, "memory"), ["536870912"]);
        assert_eq!(param(&r, "shmsize"), ["1073741824"]);
        assert_eq!(
            param(&r, "ulimits"),
            [r#"[{"Hard":2048,"Name":"nofile","Soft":1024},{"Hard":10,"Name":"nproc","Soft":10}]"#]
        );
        assert_eq!(param(&r, "cgroupparent"), ["/dokku"]);
        assert!(param(&r, "progress").is_empty());
        assert_eq!(r.context, Path::new("/src/ctx"));
        assert_eq!(
            r.dockerfile.as_deref(),
            Some(Path::new("/src/Dockerfile.web"))
        );
        let target = r.target("/v1.41", "sub dir/Dockerfile");
        assert!(
            target.starts_with("/v1.41/build?version=2&t=dokku%2Fweb%3Alatest&t=x%3A1&"),
            "{target}"
        );
        assert!(
            target.ends_with("&dockerfile=sub+dir%2FDockerfile"),
            "{target}"
        );
    }

    #[test]
    fn flags_without_an_engine_form_are_refused_by_name() {
        for (args, refused) in [
            ("--secret id=a,src=/x .", "--secret"),
            ("--ssh default .", "--ssh"),
            ("--cache-to=type=inline .", "--cache-to"),
            ("--attest type=sbom .", "--attest"),
            ("-q .", "-q"),
            ("--pull .", "--pull"),
            ("--no-cache=true .", "--no-cache with a value"),
            ("-m lots .", "-m lots"),
            ("--ulimit nofile .", "--ulimit nofile"),
            ("--tag", "--tag without a value"),
            ("a b", "2 context arguments"),
            ("-", "the context -"),
            (
                "https://example.com/repo.git",
                "the context https://example.com/repo.git",
            ),
        ] {
            assert_eq!(translated(args), Err(refused.to_string()), "{args}");
        }
    }

    #[test]
    fn sizes_read_as_the_cli_reads_them() {
        for (value, expected) in [
            ("1024", "1024"),
            ("2k", "2048"),
            ("2KB", "2048"),
            ("1.5m", "1572864"),
            ("1GiB", "1073741824"),
        ] {
            assert_eq!(bytes("-m", value).as_deref(), Ok(expected), "{value}");
        }
        assert!(bytes("-m", "-1").is_err());
        assert!(bytes("-m", "12x").is_err());
    }
}
