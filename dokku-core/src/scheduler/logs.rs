//! `dokku logs` for docker-local: every recorded container's output, each line
//! prefixed with its timestamp and `app[TYPE.N]:` in a colour per container, as
//! Dokku's `scheduler-logs` does.

use std::io::{BufRead, BufReader};

use crate::app::AppName;
use crate::deploy::{DeployError, Host};
use crate::docker::Call;
use crate::log::Level;
use crate::property::lock::FileLock;

/// The colours Dokku cycles through, one per container.
const COLORS: [u8; 5] = [36, 33, 32, 35, 31];

/// One `logs` request.
#[derive(Debug, Clone)]
pub struct LogsRequest {
    /// App name; validated, as it names the app's state directories.
    pub app: AppName,
    /// Only this process type.
    pub proc_type: Option<String>,
    /// Lines per container (`-n`, default 100).
    pub num: u32,
    /// Follow (`-t`).
    pub follow: bool,
    /// Raw lines without the prefix (`-q`).
    pub quiet: bool,
}

impl LogsRequest {
    /// The request of a `scheduler-logs SCHEDULER APP PROCESS_TYPE TAIL QUIET NUM`
    /// trigger (Dokku's argument order; an empty process type is every one, a
    /// missing or bad NUM is 100). `scheduler-run-logs` has a container name where
    /// the process type is. A bad app name is refused, as by [`trigger_app`].
    pub fn from_trigger_args(args: &[String]) -> Result<LogsRequest, DeployError> {
        let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
        Ok(LogsRequest {
            app: trigger_app(arg(1))?,
            proc_type: Some(arg(2).to_string()).filter(|t| !t.is_empty()),
            num: arg(5).parse().unwrap_or(100),
            follow: arg(3) == "true",
            quiet: arg(4) == "true",
        })
    }
}

/// The APP argument of a trigger, checked as the commands check theirs: triggers can
/// be fired by hand (`dokku plugin:trigger`), and the name becomes a directory.
pub fn trigger_app(name: &str) -> Result<AppName, DeployError> {
    AppName::parse_existing(name).map_err(|e| {
        DeployError::refused(
            e.to_string(),
            "pass the name of an existing app (see `dokku apps:list`)",
        )
    })
}

/// `TIMESTAMP MESSAGE` (docker's `-t` output) as Dokku prints it.
pub fn prefix_line(line: &str, dyno: &str, color: u8) -> String {
    match line.split_once(' ') {
        Some((ts, rest)) if ts.ends_with('Z') => {
            format!("\x1b[{color}m{ts} app[{dyno}]:\x1b[0m {rest}")
        }
        _ => line.to_string(),
    }
}

/// Writes a docker-local app's logs through `out`, one line per call: the answer to
/// `scheduler-logs docker-local ...` (a swarm app's come from
/// [`crate::swarm::logs`], in the same shape). Without `follow`, the lines of all
/// containers are merged in timestamp order.
pub fn logs(host: &dyn Host, req: &LogsRequest, out: &(dyn Fn(&str) + Sync)) {
    let mut targets: Vec<(String, String)> = super::slots(host.layout(), req.app.as_str())
        .into_iter()
        .filter(|s| req.proc_type.as_deref().is_none_or(|t| t == s.proc_type))
        .map(|s| (format!("{}.{}", s.proc_type, s.index), s.cid))
        .collect();
    // Ours: the app's cron task containers (kept after they exit, the latest run of
    // each task) join in, so a task's output is in `logs` and not only in MAILTO.
    if req.proc_type.as_deref().is_none_or(|t| t == "cron") {
        let names = super::run_ops::container_names(host.docker(), req.app.as_str(), "cron")
            .unwrap_or_default();
        targets.extend(cron_targets(req.app.as_str(), names));
    }
    containers_logs(host.docker(), &targets, req, out);
}

/// `(dyno, container)` pairs for the cron container `names` of `app`: `APP.cron.N`
/// is labelled `cron.N`, the `DYNO` it ran with; other names are left out.
pub fn cron_targets(app: &str, names: Vec<String>) -> Vec<(String, String)> {
    let prefix = format!("{app}.");
    names
        .into_iter()
        .filter_map(|name| {
            let dyno = name.strip_prefix(&prefix)?.to_string();
            dyno.starts_with("cron.").then_some((dyno, name))
        })
        .collect()
}

/// The logs of `targets` (`(dyno, container)` pairs, each line labelled `app[dyno]:`)
/// as [`logs`] prints them; `req.app` and `req.proc_type` are not used here.
pub fn containers_logs(
    docker: &crate::docker::Docker,
    targets: &[(String, String)],
    req: &LogsRequest,
    out: &(dyn Fn(&str) + Sync),
) {
    let args = |cid: &str| {
        let mut a = vec!["container".to_string(), "logs".to_string()];
        if !req.quiet {
            a.push("-t".into());
        }
        a.extend(["--tail".to_string(), req.num.to_string()]);
        if req.follow {
            a.push("--follow".into());
        }
        a.push(cid.to_string());
        a
    };
    if !req.follow {
        let mut lines: Vec<(String, String)> = Vec::new();
        for (i, (dyno, cid)) in targets.iter().enumerate() {
            let Ok(result) = docker.run(&Call::new(args(cid))) else {
                continue;
            };
            for line in result.stdout.lines().chain(result.stderr.lines()) {
                let key = line.split(' ').next().unwrap_or_default().to_string();
                let text = if req.quiet {
                    line.to_string()
                } else {
                    prefix_line(line, dyno, COLORS[i % COLORS.len()])
                };
                lines.push((key, text));
            }
        }
        if !req.quiet {
            lines.sort_by(|a, b| a.0.cmp(&b.0));
        }
        for (_, text) in lines {
            out(&text);
        }
        return;
    }
    let mut children = Vec::new();
    for (i, (dyno, cid)) in targets.iter().enumerate() {
        if let Ok(child) = docker.spawn(&Call::new(args(cid))) {
            children.push((dyno.clone(), COLORS[i % COLORS.len()], child));
        }
    }
    std::thread::scope(|scope| {
        for (dyno, color, child) in children.iter_mut() {
            let Some(stdout) = child.stdout.take() else {
                continue;
            };
            let (dyno, color) = (dyno.clone(), *color);
            let quiet = req.quiet;
            scope.spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if quiet {
                        out(&line);
                    } else {
                        out(&prefix_line(&line, &dyno, color));
                    }
                }
            });
        }
    });
    for (_, _, mut child) in children {
        let _ = child.wait();
    }
}

/// `scheduler-logs-failed docker-local APP`: the output of each container a deploy of
/// `app` left behind as failed (`failed-containers`), through `write`. Containers gone
/// since are dropped from the list with Dokku's warning; with none left, Dokku's "No
/// failed containers found". Returns whether any was shown.
pub fn failed(host: &dyn Host, app: &AppName, write: &dyn Fn(&str)) -> bool {
    let file = super::failed_containers_file(host.layout(), app.as_str());
    if !file.is_file() {
        host.log(Level::Warn, "No failed containers found");
        return false;
    }
    let docker = host.docker();
    let shown = {
        // A deploy failing right now appends to the list: hold its lock while the
        // gone containers are taken out. Without it the list is shown but left as it
        // is, so a concurrent append is never lost.
        let lock = FileLock::beside(&file);
        if let Err(e) = &lock {
            host.log(
                Level::Warn,
                &format!("Could not lock {}: {e}; not updating it", file.display()),
            );
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let mut keep = String::new();
        let mut shown = Vec::new();
        for line in text.lines() {
            let Some(cid) = line.split_whitespace().next() else {
                continue;
            };
            if docker.container_inspect(cid).is_none() {
                host.log(
                    Level::Warn,
                    &format!("App container {cid} no longer running"),
                );
                continue;
            }
            keep.push_str(line);
            keep.push('\n');
            shown.push(cid.to_string());
        }
        if keep != text && lock.is_ok() {
            if let Err(e) = crate::fs::write_atomic(&file, keep.as_bytes(), 0o644) {
                host.log(
                    Level::Warn,
                    &format!("Could not update {}: {e}", file.display()),
                );
            }
        }
        shown
    };
    if shown.is_empty() {
        host.log(Level::Warn, "No failed containers found");
    }
    for cid in &shown {
        write(&docker.container_logs(cid, None));
    }
    !shown.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_get_dokkus_prefix() {
        assert_eq!(
            prefix_line("2024-01-01T00:00:00.000000000Z hello world", "web.1", 36),
            "\x1b[36m2024-01-01T00:00:00.000000000Z app[web.1]:\x1b[0m hello world"
        );
        assert_eq!(prefix_line("no timestamp", "web.1", 36), "no timestamp");
    }

    #[test]
    fn cron_containers_are_labelled_with_their_dyno() {
        let names = ["web.cron.123", "web.run.9", "other.cron.1", "web.cron.7"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            cron_targets("web", names),
            [
                ("cron.123".to_string(), "web.cron.123".to_string()),
                ("cron.7".to_string(), "web.cron.7".to_string())
            ]
        );
    }

    fn host_with_web_and_cron() -> crate::deploy::testing::FakeHost {
        let host = crate::deploy::testing::FakeHost::new();
        let root = host.layout.app_root("web");
        std::fs::create_dir_all(&root).expect("app dir");
        std::fs::write(root.join("CONTAINER.web.1"), "webcid\n").expect("slot");
        host.fake.respond_ok(&["container", "ls"], "web.cron.42\n");
        host.fake.respond_ok(
            &["container", "logs", "-t", "--tail", "100", "webcid"],
            "2024-01-01T00:00:01Z web one\n2024-01-01T00:00:03Z web two\n",
        );
        host.fake.respond_ok(
            &["container", "logs", "-t", "--tail", "100", "web.cron.42"],
            "2024-01-01T00:00:02Z fired cron.42\n",
        );
        host
    }

    fn collect(host: &crate::deploy::testing::FakeHost, proc_type: Option<&str>) -> Vec<String> {
        let req = LogsRequest {
            app: AppName::parse("web").expect("name"),
            proc_type: proc_type.map(String::from),
            num: 100,
            follow: false,
            quiet: false,
        };
        let lines = std::sync::Mutex::new(Vec::new());
        logs(host, &req, &|l| {
            lines.lock().expect("lines").push(
                l.replace("\x1b[0m", "")
                    .replace("\x1b[36m", "")
                    .replace("\x1b[33m", ""),
            )
        });
        lines.into_inner().expect("lines")
    }

    #[test]
    fn cron_task_output_merges_into_the_apps_logs_in_time_order() {
        let host = host_with_web_and_cron();
        assert_eq!(
            collect(&host, None),
            [
                "2024-01-01T00:00:01Z app[web.1]: web one",
                "2024-01-01T00:00:02Z app[cron.42]: fired cron.42",
                "2024-01-01T00:00:03Z app[web.1]: web two",
            ]
        );
        let calls = host.fake.calls().join("\n");
        assert!(
            calls.contains("container ls --all --filter label=com.dokku.app-name=web --filter label=com.dokku.container-type=cron"),
            "{calls}"
        );
        assert_eq!(
            collect(&host, Some("cron")),
            ["2024-01-01T00:00:02Z app[cron.42]: fired cron.42"]
        );
        assert_eq!(
            collect(&host, Some("web")),
            [
                "2024-01-01T00:00:01Z app[web.1]: web one",
                "2024-01-01T00:00:03Z app[web.1]: web two",
            ]
        );
    }

    /// A failed-containers list with one gone container, and its lock file blocked
    /// by a directory so locking fails.
    fn host_with_unlockable_failed_list() -> (crate::deploy::testing::FakeHost, std::path::PathBuf)
    {
        let host = crate::deploy::testing::FakeHost::new();
        let file = super::super::failed_containers_file(&host.layout, "web");
        let dir = file.parent().expect("dir");
        std::fs::create_dir_all(dir.join(".failed-containers.lock")).expect("blocker");
        std::fs::write(&file, "gone web.1\nalive web.2\n").expect("list");
        host.fake.respond(
            &["container", "inspect", "gone"],
            crate::docker::CallResult {
                code: 1,
                stdout: String::new(),
                stderr: "No such container".into(),
            },
        );
        (host, file)
    }

    #[test]
    fn a_failed_list_that_cannot_be_locked_is_shown_but_not_rewritten() {
        let (host, file) = host_with_unlockable_failed_list();
        let shown = std::cell::RefCell::new(Vec::new());
        let web = AppName::parse("web").expect("name");
        assert!(failed(&host, &web, &|text| shown
            .borrow_mut()
            .push(text.to_string())));
        assert_eq!(shown.borrow().len(), 1, "the live container's logs");
        assert_eq!(
            std::fs::read_to_string(&file).expect("list"),
            "gone web.1\nalive web.2\n",
            "left as it was"
        );
        let logs = host.logs.borrow().join("\n");
        assert!(logs.contains("Could not lock"), "{logs}");
        assert!(logs.contains("not updating it"), "{logs}");
    }

    #[test]
    fn a_scheduler_logs_trigger_reads_in_dokkus_argument_order() {
        let args: Vec<String> = ["docker-local", "web", "worker", "true", "false", "25"]
            .map(String::from)
            .to_vec();
        let req = LogsRequest::from_trigger_args(&args).expect("request");
        assert_eq!(req.app.as_str(), "web");
        assert_eq!(req.proc_type.as_deref(), Some("worker"));
        assert!(req.follow && !req.quiet);
        assert_eq!(req.num, 25);
        let every = LogsRequest::from_trigger_args(&["docker-local".into(), "web".into()])
            .expect("request");
        assert_eq!((every.proc_type, every.num), (None, 100));
    }

    #[test]
    fn a_bad_app_argument_is_refused_with_a_hint() {
        for bad in ["../../etc", "", "Web", "a/b"] {
            let args: Vec<String> = ["docker-local", bad, "", "false", "false", "10"]
                .map(String::from)
                .to_vec();
            let err = LogsRequest::from_trigger_args(&args).expect_err(bad);
            assert_eq!(err.exit_code(), 1);
            assert!(err.hint().is_some_and(|h| h.contains("apps:list")), "{bad}");
            assert!(trigger_app(bad).is_err(), "{bad}");
        }
        assert_eq!(
            trigger_app("legacy_app").expect("legacy").as_str(),
            "legacy_app"
        );
    }
}
