//! `checks:run APP [TYPE[.N][,...]]`: the deploy checks (`check-deploy`) against the
//! app's running containers, as Dokku runs them, without deploying anything.

use dokku_core::deploy::Host;
use dokku_core::log::Level;
use dokku_core::property::PropertyStore;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{cli_error, existing_app};

/// One selection of `checks:run`'s second argument: a type, with an index or not.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Target {
    proc_type: String,
    index: Option<String>,
}

/// `web,worker.1` → `[web, worker.1]`; no argument (or Dokku's `_all_`) is every type.
pub(crate) fn targets(arg: Option<&str>) -> Vec<Target> {
    let Some(arg) = arg.filter(|a| !a.is_empty() && *a != "_all_") else {
        return Vec::new();
    };
    arg.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| match t.split_once('.') {
            Some((proc_type, index)) => Target {
                proc_type: proc_type.to_string(),
                index: Some(index.to_string()),
            },
            None => Target {
                proc_type: t.to_string(),
                index: None,
            },
        })
        .collect()
}

/// The container port the checks go to: the last non-udp mapping's, else 5000.
pub(crate) fn check_port(mappings: &str) -> String {
    let mut port = "5000".to_string();
    for m in mappings.lines() {
        let mut parts = m.trim().split(':');
        let (scheme, _host, container) = (parts.next(), parts.next(), parts.next());
        if let (Some(scheme), Some(container)) = (scheme, container) {
            if scheme != "udp" && !container.is_empty() {
                port = container.to_string();
            }
        }
    }
    port
}

/// `checks:run`.
pub(crate) fn run(ctx: &mut Context, args: &[String]) -> CmdResult {
    let app = existing_app(ctx, args)?;
    let wanted = targets(args.get(1).map(String::as_str));
    ctx.log(Level::Info1, "Running pre-flight checks");
    let host = &*ctx;
    let props = PropertyStore::new(&ctx.layout.lib_root);
    let scale =
        dokku_core::ps::scale(&props, &app).map_err(|e| CommandError::fail(e.to_string()))?;
    if wanted.is_empty() {
        return all_types(host, &props, &app, &scale, None);
    }
    for t in &wanted {
        match &t.index {
            Some(index) => check_one(host, &app, &t.proc_type, index)?,
            None => {
                all_types(host, &props, &app, &scale, Some(&t.proc_type))?;
            }
        }
    }
    Ok(0)
}

fn all_types(
    host: &Context,
    props: &PropertyStore,
    app: &str,
    scale: &[(String, u32)],
    only: Option<&str>,
) -> Result<i32, CommandError> {
    let mut valid = false;
    for (proc_type, count) in scale {
        if only.is_some_and(|o| o != proc_type) {
            continue;
        }
        valid = true;
        if dokku_core::checks::is_disabled(props, app, proc_type) {
            host.log(
                Level::Info1,
                &format!("Zero downtime is disabled for app ({app}.{proc_type}). Skipping checks"),
            );
            continue;
        }
        for index in 1..=*count {
            check_one(host, app, proc_type, &index.to_string())?;
        }
    }
    if !valid {
        return Err(CommandError::fail(format!(
            "Invalid process type specified ({app}.{})",
            only.unwrap_or_default()
        ))
        .hint(format!(
            "the app's process types are in `dokku ps:scale {app}`"
        )));
    }
    Ok(0)
}

/// Runs `check-deploy APP CID TYPE PORT IP` for the container in `CONTAINER.TYPE.N`.
fn check_one(host: &Context, app: &str, proc_type: &str, index: &str) -> Result<(), CommandError> {
    let invalid = || {
        CommandError::fail(format!(
            "Invalid container index specified ({app}.{proc_type}.{index})"
        ))
        .hint(format!(
            "the app's containers are in `dokku ps:report {app}`"
        ))
    };
    // Only plain names reach the path: `CONTAINER.TYPE.N` inside the app's folder.
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !plain(proc_type) || !index.chars().all(|c| c.is_ascii_digit()) || index.is_empty() {
        return Err(invalid());
    }
    let file = host
        .layout
        .app_root(app)
        .join(format!("CONTAINER.{proc_type}.{index}"));
    let cid = std::fs::read_to_string(&file).map_err(|_| invalid())?;
    let cid = cid.trim();
    host.log(
        Level::Info1,
        &format!("Running checks for app ({app}.{proc_type}.{index})"),
    );
    let ip = host
        .fire_capture("network-get-ipaddr", &[app, proc_type, cid])
        .map_err(cli_error)?;
    let port = check_port(&host.fire_capture("ports-get", &[app]).map_err(cli_error)?);
    host.fire_checked(
        "check-deploy",
        &[app, cid, proc_type, &port, ip.trim(), index],
    )
    .map_err(cli_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selections_and_ports() {
        assert!(targets(None).is_empty());
        assert!(targets(Some("_all_")).is_empty());
        assert_eq!(
            targets(Some("web,worker.1")),
            vec![
                Target {
                    proc_type: "web".into(),
                    index: None
                },
                Target {
                    proc_type: "worker".into(),
                    index: Some("1".into())
                }
            ]
        );
        assert_eq!(check_port(""), "5000");
        assert_eq!(check_port("http:80:5000\nudp:53:53\n"), "5000");
        assert_eq!(check_port("http:80:3000\nhttps:443:3000\n"), "3000");
    }
}
