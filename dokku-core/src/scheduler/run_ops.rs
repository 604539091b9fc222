//! `run:logs`, `run:stop` and `run:retire` for docker-local: the app's one-off
//! (`run`) and cron containers, found by their labels, followed, stopped, or retired
//! once older than their `com.dokku.active-deadline-seconds`.

use crate::deploy::{self, DeployError, Host};
use crate::docker::{Call, Docker};
use crate::log::Level;

use super::logs::{containers_logs, LogsRequest};

/// The label every run and cron container carries with its lifetime in seconds.
pub const DEADLINE_LABEL: &str = "com.dokku.active-deadline-seconds";

/// Checks a run container name (`APP.run.N`) and returns its app. Only these names
/// are accepted, so a name given on the command line can never reach another app's
/// or a deploy container.
pub fn run_container_app(name: &str) -> Result<&str, DeployError> {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(DeployError::refused(
            format!("Invalid container name specified: {name}"),
            "run containers are named APP.run.NUMBER, see `dokku run:list APP`",
        ));
    }
    if parts[1] != "run" {
        return Err(DeployError::refused(
            "Specified container must be a run container",
            "run containers are named APP.run.NUMBER, see `dokku run:list APP`",
        ));
    }
    Ok(parts[0])
}

/// The names of `app`'s run containers, running or not.
pub fn run_container_names(docker: &Docker, app: &str) -> Result<Vec<String>, DeployError> {
    container_names(docker, app, "run")
}

/// The names of `app`'s containers of `kind` (`com.dokku.container-type`: `run` or
/// `cron`), running or not.
pub fn container_names(docker: &Docker, app: &str, kind: &str) -> Result<Vec<String>, DeployError> {
    let out = docker.check(&Call::new([
        "container".to_string(),
        "ls".to_string(),
        "--all".to_string(),
        "--filter".to_string(),
        deploy::app_label_filter(app),
        "--filter".to_string(),
        format!("label=com.dokku.container-type={kind}"),
        "--format".to_string(),
        "{{.Names}}".to_string(),
    ]))?;
    Ok(out
        .stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// `scheduler-run-logs docker-local APP CONTAINER TAIL QUIET NUM`: the output of one
/// run container, or of all of the app's, each line labelled `app[N]:`.
pub fn run_logs(
    host: &dyn Host,
    app: &str,
    container: Option<&str>,
    req: &LogsRequest,
    out: &(dyn Fn(&str) + Sync),
) -> Result<(), DeployError> {
    let names = match container {
        Some(name) => vec![name.to_string()],
        None => run_container_names(host.docker(), app)?,
    };
    let targets: Vec<(String, String)> = names
        .into_iter()
        .map(|n| {
            // Dokku labels a run container's lines with its number alone: `app[N]:`.
            let dyno = n.rsplit('.').next().unwrap_or(&n).to_string();
            (dyno, n)
        })
        .collect();
    containers_logs(host.docker(), &targets, req, out);
    Ok(())
}

/// `scheduler-run-stop docker-local APP [CONTAINER]`: stops one of the app's run
/// containers (a name that is not one of them gets a warning, as in Dokku), or all of
/// them; `docker container kill` when the stop fails.
pub fn run_stop(host: &dyn Host, app: &str, container: Option<&str>) -> Result<(), DeployError> {
    let docker = host.docker();
    let timeout = crate::ps::stop_timeout(&host.properties(), app);
    let running = running_run_containers(docker, app)?;
    let stop = |name: &str| -> Result<(), DeployError> {
        if !running.iter().any(|n| n == name) {
            host.log(Level::Warn, "Specified container does not exist");
            return Ok(());
        }
        if docker.container_stop(name, Some(timeout)).is_ok()
            || docker.container_kill(name, None).is_ok()
        {
            return Ok(());
        }
        host.log(Level::Warn, &format!("Unable to stop container {name}"));
        Err(DeployError::fail(format!(
            "Unable to stop container {name}"
        )))
    };
    if let Some(name) = container {
        return stop(name);
    }
    let all = run_container_names(docker, app)?;
    if all.is_empty() {
        host.log(Level::Quiet, "No run containers exist");
        return Ok(());
    }
    let mut result = Ok(());
    for name in &all {
        if let Err(e) = stop(name) {
            result = Err(e);
        }
    }
    result
}

fn running_run_containers(docker: &Docker, app: &str) -> Result<Vec<String>, DeployError> {
    let out = docker.check(&Call::new([
        "container".to_string(),
        "ls".to_string(),
        "--filter".to_string(),
        deploy::app_label_filter(app),
        "--filter".to_string(),
        "label=com.dokku.container-type=run".to_string(),
        "--format".to_string(),
        "{{.Names}}".to_string(),
    ]))?;
    Ok(out
        .stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

/// One running run or cron container as `run:retire` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiring {
    /// Container id.
    pub id: String,
    /// Its app (`com.dokku.app-name`).
    pub app: String,
    /// Seconds since the epoch it was created.
    pub created: u64,
    /// Its deadline label, when it has one.
    pub deadline: Option<u64>,
}

impl Expiring {
    /// Whether it has outlived its deadline at `now` (no label: never).
    pub fn expired(&self, now: u64) -> bool {
        self.deadline
            .is_some_and(|d| self.created.saturating_add(d) < now)
    }
}

/// Reads `ID|CREATED|DEADLINE|APP` lines (`docker container inspect` with the
/// format [`inspect_format`]); lines it cannot read are left out.
pub fn parse_expiring(text: &str) -> Vec<Expiring> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.trim().splitn(4, '|');
            let id = f.next()?.trim_start_matches('/').to_string();
            let created = crate::builds::parse_time(f.next()?)?;
            let deadline = f.next()?.trim().parse().ok();
            let app = f.next().unwrap_or_default().to_string();
            (!id.is_empty()).then_some(Expiring {
                id,
                app,
                created,
                deadline,
            })
        })
        .collect()
}

/// The `docker container inspect --format` that [`parse_expiring`] reads.
pub fn inspect_format() -> String {
    format!(
        "{{{{.Id}}}}|{{{{.Created}}}}|{{{{index .Config.Labels \"{DEADLINE_LABEL}\"}}}}|{{{{index .Config.Labels \"com.dokku.app-name\"}}}}"
    )
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `scheduler-run-retire [docker-local APP]`: stops and removes the running run and
/// cron containers (of `app`, or of every app) that outlived their deadline.
pub fn run_retire(host: &dyn Host, app: Option<&str>) -> Result<(), DeployError> {
    match app {
        Some(app) => host.log(
            Level::Info1Quiet,
            &format!("Retiring run and cron containers for app {app}"),
        ),
        None => host.log(Level::Info1Quiet, "Retiring all run and cron containers"),
    }
    let docker = host.docker();
    let mut failed = Vec::new();
    // docker ands repeated label filters, so each container type takes its own pass.
    for kind in ["run", "cron"] {
        let mut filters = vec![format!("label=com.dokku.container-type={kind}")];
        if let Some(app) = app {
            filters.push(deploy::app_label_filter(app));
        }
        let ids = docker.container_ls(&filters, false);
        if ids.is_empty() {
            continue;
        }
        let mut args = vec![
            "container".to_string(),
            "inspect".to_string(),
            "--format".to_string(),
            inspect_format(),
        ];
        args.extend(ids);
        let out = docker.run(&Call::new(args))?;
        let now = now();
        for c in parse_expiring(&out.stdout)
            .into_iter()
            .filter(|c| c.expired(now))
        {
            host.log(Level::VerboseQuiet, &format!("Retiring container {}", c.id));
            if !retire_container(host, &c) {
                host.log(Level::Warn, &format!("Unable to retire container {}", c.id));
                failed.push(c.id);
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(DeployError::Exit { code: 1 })
    }
}

/// Stops, kills and removes `c`; true when it is gone (or being removed, as a
/// `--rm` container is once it exits).
fn retire_container(host: &dyn Host, c: &Expiring) -> bool {
    let docker = host.docker();
    let timeout = crate::ps::stop_timeout(&host.properties(), &c.app);
    docker.container_no_restart(&c.id);
    let _ = docker.container_stop(&c.id, Some(timeout));
    let _ = docker.container_kill(&c.id, None);
    docker.container_rm(std::slice::from_ref(&c.id));
    match docker.run(&Call::new([
        "container",
        "inspect",
        "--format",
        "{{.State.Status}}",
        c.id.as_str(),
    ])) {
        Ok(r) if r.code == 0 => r.stdout.trim() == "removing",
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    #[test]
    fn only_run_container_names_are_accepted() {
        assert_eq!(run_container_app("web.run.123").expect("valid"), "web");
        for bad in [
            "web",
            "web.run",
            "web.web.1",
            "web.run.1.2",
            "../x.run.1",
            ".run.1",
        ] {
            let refused = run_container_app(bad);
            assert!(refused.is_err(), "{bad} accepted");
        }
        let err = run_container_app("web.web.1").expect_err("deploy container");
        assert_eq!(
            err.to_string(),
            "Specified container must be a run container"
        );
    }

    #[test]
    fn a_container_is_expired_only_past_its_deadline() {
        let rows = parse_expiring(
            "abc|2024-01-01T00:00:00.5Z|60|web\n\
             def|2024-01-01T00:00:00Z||web\n\
             garbage\n",
        );
        assert_eq!(rows.len(), 2, "{rows:?}");
        let start = crate::builds::parse_time("2024-01-01T00:00:00Z").expect("time");
        assert_eq!(rows[0].created, start);
        assert_eq!(rows[0].deadline, Some(60));
        assert!(!rows[0].expired(start + 60));
        assert!(rows[0].expired(start + 61));
        assert!(!rows[1].expired(start + 1_000_000), "no label: kept");
    }

    #[test]
    fn retire_removes_only_expired_containers() {
        let host = FakeHost::new();
        host.fake.respond_ok(&["container", "ls"], "old\nnew\n");
        host.fake.respond_ok(
            &["container", "inspect", "--format", &inspect_format()],
            "old|2000-01-01T00:00:00Z|60|web\nnew|2999-01-01T00:00:00Z|60|web\n",
        );
        host.fake.respond(
            &["container", "inspect", "--format", "{{.State.Status}}"],
            crate::docker::CallResult {
                code: 1,
                stdout: String::new(),
                stderr: "No such container".into(),
            },
        );
        run_retire(&host, Some("web")).expect("retire");
        let calls = host.fake.calls().join("\n");
        assert!(calls.contains("container stop -t=30 old"), "{calls}");
        assert!(calls.contains("container rm old"), "{calls}");
        assert!(!calls.contains("stop -t=30 new"), "{calls}");
        assert!(
            calls.contains("--filter label=com.dokku.container-type=cron --filter label=com.dokku.app-name=web"),
            "{calls}"
        );
    }

    #[test]
    fn stop_refuses_to_touch_a_container_that_is_not_the_apps() {
        let host = FakeHost::new();
        host.fake.respond_ok(&["container", "ls"], "web.run.1\n");
        run_stop(&host, "web", Some("web.run.2")).expect("warns only");
        let calls = host.fake.calls().join("\n");
        assert!(!calls.contains("container stop"), "{calls}");
        assert!(host
            .log_text()
            .contains("Specified container does not exist"));
        run_stop(&host, "web", Some("web.run.1")).expect("stops");
        let calls = host.fake.calls().join("\n");
        assert!(calls.contains("container stop -t=30 web.run.1"), "{calls}");
    }
}
