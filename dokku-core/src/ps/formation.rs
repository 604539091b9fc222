//! What other plugins ask the `ps` plugin through its triggers: a process type's
//! command (`procfile-get-command`) and a whole formation set at once
//! (`ps-set-scale`, which app.json's `formation` uses).

use thiserror::Error;

use super::{
    check_scale_types, current_procfile, parse_scale_args, scale, write_scale, ProcessType,
    ProcfileError, ScaleError, PLUGIN,
};
use crate::paths::Layout;
use crate::property::{PropertyError, PropertyStore};
use crate::settings::EnvMap;

/// Why `procfile-get-command` has no answer.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CommandError {
    /// The Procfile in force is malformed.
    #[error(transparent)]
    Procfile(#[from] ProcfileError),
    /// The Procfile does not define the type.
    #[error("No process type {0} found in the Procfile")]
    UnknownType(String),
}

/// `procfile-get-command APP TYPE PORT`: the command of `proc_type` in the Procfile in
/// force for the deploy run by `pid` (see [`current_procfile`]), with `$PORT` expanded
/// to `port` and other `$VAR`s from `env` (procfile-util's `show`). `None` when the app
/// has no Procfile.
pub fn procfile_command(
    layout: &Layout,
    app: &str,
    pid: Option<&str>,
    proc_type: &str,
    port: &str,
    env: &EnvMap,
) -> Result<Option<String>, CommandError> {
    let Some(procfile) = current_procfile(layout, app, pid)? else {
        return Ok(None);
    };
    let entry = procfile
        .iter()
        .find(|p| p.name == proc_type)
        .ok_or_else(|| CommandError::UnknownType(proc_type.to_string()))?;
    Ok(Some(super::expand_command(&entry.command, port, env)))
}

/// The port argument of `procfile-get-command`: a number, else Dokku's default 5000.
pub fn command_port(arg: &str) -> String {
    match arg.trim().parse::<u32>() {
        Ok(port) => port.to_string(),
        Err(_) => "5000".to_string(),
    }
}

/// Why `ps-set-scale` refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SetScaleError {
    /// A `type=N` argument is malformed, or scales up a type the Procfile lacks.
    #[error(transparent)]
    Scale(#[from] ScaleError),
    /// The Procfile in force is malformed.
    #[error(transparent)]
    Procfile(#[from] ProcfileError),
    /// The scale could not be read or written.
    #[error(transparent)]
    Property(#[from] PropertyError),
}

/// `ps-set-scale APP SKIP_DEPLOY CLEAR_EXISTING TYPE=N...`: writes the requested
/// counts over the current scale (over nothing with `clear_existing`), adds each
/// Procfile type still missing with `0`, and moves zero counts of types the Procfile
/// lacks to `scale.old`, as Dokku's `ps` does. The first request for a type wins.
/// Returns the requested types, in order (the ones to redeploy).
pub fn set_scale(
    props: &PropertyStore,
    layout: &Layout,
    app: &str,
    pid: Option<&str>,
    tuples: &[String],
    clear_existing: bool,
) -> Result<Vec<String>, SetScaleError> {
    let mut request: Vec<(String, u32)> = Vec::new();
    for (t, n) in parse_scale_args(tuples)? {
        let t = t.trim().to_string();
        if !request.iter().any(|(seen, _)| *seen == t) {
            request.push((t, n));
        }
    }
    let procfile = current_procfile(layout, app, pid)?;
    check_scale_types(&request, procfile.as_deref())?;
    let base = if clear_existing {
        Vec::new()
    } else {
        scale(props, app)?
    };
    let mut next = request.clone();
    for (t, n) in base {
        if !next.iter().any(|(seen, _)| *seen == t) {
            next.push((t, n));
        }
    }
    let in_procfile = |t: &str| {
        procfile
            .as_deref()
            .is_some_and(|p: &[ProcessType]| p.iter().any(|p| p.name == t))
    };
    for p in procfile.as_deref().unwrap_or_default() {
        if p.name != "release" && !next.iter().any(|(seen, _)| *seen == p.name) {
            next.push((p.name.clone(), 0));
        }
    }
    let (kept, old): (Vec<_>, Vec<_>) = next
        .into_iter()
        .partition(|(t, n)| *n != 0 || in_procfile(t) || procfile.is_none() && t == "web");
    let old: Vec<String> = old.iter().map(|(t, n)| format!("{t}={n}")).collect();
    props.list_write(PLUGIN, app, "scale.old", &old)?;
    write_scale(props, app, &kept)?;
    Ok(request.into_iter().map(|(t, _)| t).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn procfile(layout: &Layout, app: &str, text: &str) {
        let dir = super::super::data_dir(layout, app);
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("Procfile"), text).expect("write Procfile");
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn procfile_command_expands_port_and_config_and_names_a_missing_type() {
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = Layout::under(dir.path());
        let env: EnvMap = [("GREETING".to_string(), "hi".to_string())].into();
        assert_eq!(
            procfile_command(&layout, "web", None, "web", "5000", &env).expect("no Procfile"),
            None
        );
        procfile(
            &layout,
            "web",
            "web: serve --port $PORT --say ${GREETING}\n",
        );
        assert_eq!(
            procfile_command(&layout, "web", None, "web", "8080", &env).expect("command"),
            Some("serve --port 8080 --say hi".to_string())
        );
        let err =
            procfile_command(&layout, "web", None, "worker", "5000", &env).expect_err("no worker");
        assert_eq!(
            err.to_string(),
            "No process type worker found in the Procfile"
        );
        assert_eq!(command_port("8080"), "8080");
        assert_eq!(command_port("eighty"), "5000");
        assert_eq!(command_port(""), "5000");
    }

    #[test]
    fn set_scale_clears_or_merges_and_files_unknown_zero_types_as_old() {
        let dir = tempfile::tempdir().expect("tempdir");
        let layout = Layout::under(dir.path());
        let props = PropertyStore::new(&layout.lib_root);
        procfile(&layout, "web", "web: a\nworker: b\nrelease: c\n");
        write_scale(&props, "web", &[("web".into(), 1), ("gone".into(), 0)]).expect("scale");

        let redeploy = set_scale(
            &props,
            &layout,
            "web",
            None,
            &words(&["worker=2", "worker=5"]),
            false,
        )
        .expect("merge");
        assert_eq!(redeploy, vec!["worker".to_string()]);
        assert_eq!(
            scale(&props, "web").expect("scale"),
            vec![("web".to_string(), 1), ("worker".to_string(), 2)]
        );
        assert_eq!(
            props.list_get(PLUGIN, "web", "scale.old").expect("old"),
            vec!["gone=0".to_string()]
        );

        set_scale(&props, &layout, "web", None, &words(&["worker=3"]), true).expect("clear");
        assert_eq!(
            scale(&props, "web").expect("scale"),
            vec![("web".to_string(), 0), ("worker".to_string(), 3)]
        );

        let err = set_scale(&props, &layout, "web", None, &words(&["cron=1"]), true)
            .expect_err("unknown type");
        assert_eq!(
            err.to_string(),
            "cron is not a valid process name to scale up"
        );
        let err =
            set_scale(&props, &layout, "web", None, &words(&["web"]), true).expect_err("no count");
        assert_eq!(err.to_string(), "Missing count for process type web");
    }
}
