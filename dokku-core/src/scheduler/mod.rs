//! The docker-local scheduler: one container per process type and index, replaced
//! with zero downtime.
//!
//! For each `type=count` of the app's scale (web first), each index starts a new
//! container `APP.TYPE.N.upcoming-R` with Dokku's labels and arguments, runs the
//! `check-deploy` trigger against it, and only then records it in
//! `$DOKKU_ROOT/APP/CONTAINER.TYPE.N` (with `IP.TYPE.N` and `PORT.TYPE.N`). A failed
//! check stops the new container and fails the deploy; the old containers were never
//! touched, so they keep serving. After every type is up, `core-post-deploy` renames
//! the new containers to `APP.TYPE.N` and the old ones are retired: sent SIGTERM at
//! once and stopped and removed after `wait-to-retire` seconds. The `upcoming`
//! containers of a deploy that was killed before any of that are removed by the next
//! deploy or `dokku cleanup` ([`orphans`]).

mod check_deploy;
mod enter;
pub mod logs;
pub mod orphans;
mod restore;
mod retire;
mod rollback;
pub mod run;
pub mod run_ops;
pub mod selection;
/// The record now lives with the docker calls that keep it current.
pub use crate::docker::vouched;

pub use check_deploy::{check_deploy, CheckRequest};
pub use enter::{enter, inspect, EnterRequest};
pub use logs::{logs, LogsRequest};
pub use restore::{start_in_place, InPlace, NotInPlace};
pub use retire::{register_retired, retire};
pub use run::{run, run_list, RunList, RunOutcome, RunRequest};
pub use run_ops::{run_container_app, run_logs, run_retire, run_stop};

use std::path::PathBuf;

use crate::checks;
use crate::deploy::{self, DeployError, Host};
use crate::docker::Docker;
use crate::log::Level;
use crate::paths::Layout;
use crate::ports;
use crate::ps;

/// The plugin name (property namespace and data directory).
pub const PLUGIN: &str = "scheduler-docker-local";

/// Seconds past the watch window before a standby container may be retired by
/// anyone else: a deploy killed during its window leaves them to the next retire.
const STANDBY_GRACE: u64 = 60;

/// One recorded container: `CONTAINER.<proc_type>.<index>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Process type.
    pub proc_type: String,
    /// 1-based index.
    pub index: u32,
    /// Container id (first line of the file).
    pub cid: String,
}

/// Every `CONTAINER.TYPE.N` of the app, sorted by type then index.
pub fn slots(layout: &Layout, app: &str) -> Vec<Slot> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(layout.app_root(app)) else {
        return out;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("CONTAINER.") else {
            continue;
        };
        let Some((proc_type, index)) = rest.rsplit_once('.') else {
            continue;
        };
        let Ok(index) = index.parse::<u32>() else {
            continue;
        };
        let cid = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let cid = cid.lines().next().unwrap_or_default().trim().to_string();
        if !cid.is_empty() {
            out.push(Slot {
                proc_type: proc_type.to_string(),
                index,
                cid,
            });
        }
    }
    out.sort_by(|a, b| (&a.proc_type, a.index).cmp(&(&b.proc_type, b.index)));
    out
}

/// `get_app_container_ids APP [TYPE]`: the container ids recorded for `app`, the
/// legacy `CONTAINER` file first. `selector` narrows them: a process type (`web`)
/// keeps that type's containers, a slot (`web.1`) only that one, and nothing at all
/// when that slot is not recorded; empty keeps all.
pub fn container_ids(layout: &Layout, app: &str, selector: &str) -> Vec<String> {
    let wanted = |slot: &Slot| match selector.split_once('.') {
        _ if selector.is_empty() => true,
        Some((proc_type, index)) => slot.proc_type == proc_type && slot.index.to_string() == index,
        None => slot.proc_type == selector,
    };
    let matching: Vec<String> = slots(layout, app)
        .into_iter()
        .filter(|s| wanted(s))
        .map(|s| s.cid)
        .collect();
    if selector.contains('.') && matching.is_empty() {
        return Vec::new();
    }
    read_trimmed(&layout.app_file(app, "CONTAINER"))
        .into_iter()
        .chain(matching)
        .collect()
}

/// `get_app_running_container_types APP`: the process types with a recorded
/// container, sorted and unique.
pub fn container_types(layout: &Layout, app: &str) -> Vec<String> {
    let mut types: Vec<String> = slots(layout, app)
        .into_iter()
        .map(|s| s.proc_type)
        .collect();
    types.dedup();
    types
}

/// `ip:port` of every web container (`IP.web.N` and `PORT.web.N`, port default 5000).
pub fn web_listeners(layout: &Layout, app: &str) -> Vec<String> {
    slots(layout, app)
        .into_iter()
        .filter(|s| s.proc_type == "web")
        .filter_map(|s| {
            let ip = read_trimmed(&layout.ip_file(app, "web", s.index))?;
            let port = read_trimmed(&layout.port_file(app, "web", s.index))
                .unwrap_or_else(|| "5000".into());
            Some(format!("{ip}:{port}"))
        })
        .collect()
}

fn read_trimmed(path: &std::path::Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn write_state(path: PathBuf, value: &str) -> Result<(), DeployError> {
    crate::fs::write_atomic(&path, format!("{value}\n").as_bytes(), 0o644)
        .map_err(DeployError::io("write", &path))
}

/// `data/scheduler-docker-local/APP/failed-containers`.
pub fn failed_containers_file(layout: &Layout, app: &str) -> PathBuf {
    layout.app_data_dir(PLUGIN, app).join("failed-containers")
}

fn random_suffix() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    (nanos ^ std::process::id().wrapping_mul(2_654_435_761)) % 32768
}

/// Whether the `--init` flag is used: property `init-process` (app, then global),
/// else true unless the image is a linuxserver.io one (those bring their own init).
fn init_process(host: &dyn Host, app: &str, image_vendor: Option<&str>) -> bool {
    match deploy::prop_app_or_global(&host.properties(), PLUGIN, app, "init-process").as_deref() {
        Some("false") => false,
        Some(_) => true,
        None => image_vendor != Some("linuxserver.io"),
    }
}

/// `scheduler-deploy docker-local APP TAG [PROC_TYPE]`.
pub fn deploy(
    host: &dyn Host,
    app: &str,
    tag: &str,
    only: Option<&str>,
) -> Result<(), DeployError> {
    let layout = host.layout();
    let props = host.properties();
    // Held until the deploy ends, whichever way: the orphans of killed deploys are
    // swept only while no deploy of the app runs.
    let _running = orphans::begin_deploy(host, app)?;
    let _ = std::fs::remove_file(failed_containers_file(layout, app));
    let image = deploying_image(host, app, tag);
    let labels = host.docker().image_labels(&image).unwrap_or_default();
    let old: Vec<Slot> = slots(layout, app)
        .into_iter()
        .filter(|s| only.is_none_or(|t| t == s.proc_type))
        .collect();
    let wait = checks::wait_to_retire(&props, app);
    let snapshot = rollback::Snapshot::take(host, app);
    // A watch window keeps the previous containers serving as nginx backups until
    // the new release has lasted it (releases/watch.rs); they are registered for
    // retirement only once it passed.
    let window = crate::releases::watch::window(&props, app);
    let standby = window > 0 && only.is_none() && !old.is_empty();
    let old_ids: Vec<String> = old.iter().map(|s| s.cid.clone()).collect();
    if standby {
        crate::releases::watch::write_standby(host, app, &old);
    }
    let register_wait = if standby {
        wait + window + STANDBY_GRACE
    } else {
        wait
    };
    let replaced = match deploy_steps(host, app, tag, only, &image, &labels, register_wait) {
        Ok(replaced) => replaced,
        Err(err) => {
            crate::releases::watch::clear_standby(host, app);
            snapshot.restore(host);
            return Err(err);
        }
    };
    if standby {
        let new: Vec<Slot> = slots(layout, app)
            .into_iter()
            .filter(|s| !old_ids.contains(&s.cid))
            .collect();
        let watched = crate::releases::watch::watch(host, app, &new, window);
        crate::releases::watch::clear_standby(host, app);
        if let Err(reason) = watched {
            host.log(
                Level::Warn,
                &format!("Release failed its watch window: {reason}"),
            );
            snapshot.restore(host);
            let line = crate::releases::rollback::restored_after_watch(host, app, &reason);
            return Err(DeployError::fail(line));
        }
        // Drop the backup servers, then retire the previous containers as usual.
        match host.fire("proxy-build-config", &[app]) {
            Ok(0) => {}
            Ok(code) => host.log(
                Level::Warn,
                &format!("proxy-build-config exited {code} after the watch window of {app}"),
            ),
            Err(e) => host.log(Level::Warn, &e.to_string()),
        }
        let _ = retire::unregister_retired(layout, &old_ids);
        for cid in &old_ids {
            register_retired(layout, app, cid, wait)?;
        }
    }

    let current: Vec<String> = slots(layout, app).into_iter().map(|s| s.cid).collect();
    let retiring: Vec<String> = old
        .into_iter()
        .map(|s| s.cid)
        .chain(replaced)
        .filter(|c| !current.contains(c))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !retiring.is_empty() {
        for cid in &retiring {
            let _ = host.docker().container_kill(cid, Some("SIGTERM"));
        }
        host.log(
            Level::Info1,
            &format!("Shutting down old containers in {wait} seconds"),
        );
        schedule_retire(host, app, wait);
    }
    Ok(())
}

/// The image the containers run, as Dokku's `get_deploying_app_image_name`: an app
/// that pushes its releases runs the pushed name (`<server><repo>:<N>`, pulled back
/// when it is gone locally), else `dokku/APP:TAG`. (Dokku also prefixes a registry
/// server set without `push-on-release`, and then fails for want of that image;
/// nothing was pushed there, so the local name is used.)
fn deploying_image(host: &dyn Host, app: &str, tag: &str) -> String {
    if let Some(remote) = crate::registry::pushed_release(&host.properties(), app) {
        if host.docker().image_id(&remote).is_some()
            || crate::registry::pull_release(host, app, &remote)
        {
            return remote;
        }
    }
    crate::image::app_image_name(app, Some(tag), None)
}

/// Everything of one deploy that may still be undone: new containers per process
/// type, then `core-post-deploy` and `post-deploy`. Returns the replaced ids.
fn deploy_steps(
    host: &dyn Host,
    app: &str,
    tag: &str,
    only: Option<&str>,
    image: &str,
    labels: &std::collections::BTreeMap<String, String>,
    wait: u64,
) -> Result<Vec<String>, DeployError> {
    let layout = host.layout();
    let props = host.properties();
    let pid = host.var(crate::env::DOKKU_PID).map(str::to_string);
    let procfile = ps::current_procfile(layout, app, pid.as_deref())
        .map_err(|e| DeployError::fail(e.to_string()))?;
    let mut scale = ps::scale(&props, app)?;
    // web first, then the others in name order.
    scale.sort_by_key(|(t, _)| (t != "web", t.clone()));
    let plan = Plan {
        app,
        tag,
        image,
        source_type: deploy::image_source_type(labels),
        init: init_process(
            host,
            app,
            labels
                .get("org.opencontainers.image.vendor")
                .map(String::as_str),
        ),
        procfile: procfile.as_deref(),
        wait,
        stop_timeout: ps::stop_timeout(&props, app),
        env: deploy::app_env(layout, app)?,
    };
    let mut replaced = Vec::new();
    for (proc_type, count) in &scale {
        if only.is_some_and(|t| t != proc_type) {
            continue;
        }
        if let Some(procfile) = plan.procfile {
            if !procfile.iter().any(|p| &p.name == proc_type) {
                host.log(
                    Level::Warn,
                    &format!("Skipping {proc_type} as it is missing from the current Procfile"),
                );
                continue;
            }
        }
        replaced.extend(deploy_process(host, &plan, proc_type, *count)?);
    }

    host.log(Level::Info1, "Running post-deploy");
    host.fire_checked("core-post-deploy", &[app, "", "", tag])?;
    host.fire_checked("post-deploy", &[app, "", "", tag])?;
    Ok(replaced)
}

/// What every container of one deploy shares.
struct Plan<'a> {
    app: &'a str,
    tag: &'a str,
    image: &'a str,
    source_type: String,
    init: bool,
    procfile: Option<&'a [ps::ProcessType]>,
    wait: u64,
    stop_timeout: u32,
    env: crate::settings::EnvMap,
}

/// `bin/scheduler-deploy-process`: every container of one process type. Returns
/// the ids of containers that were replaced or scaled away (to retire).
fn deploy_process(
    host: &dyn Host,
    plan: &Plan<'_>,
    proc_type: &str,
    count: u32,
) -> Result<Vec<String>, DeployError> {
    let layout = host.layout();
    let props = host.properties();
    let app = plan.app;
    let docker = host.docker();
    let mut retired = Vec::new();
    host.log(
        Level::Info1,
        &format!("Deploying {proc_type} (count={count})"),
    );
    let disabled = checks::is_disabled(&props, app, proc_type);
    if disabled {
        host.log(
            Level::Verbose,
            &format!(
                "Zero downtime is disabled, stopping currently running containers  ({proc_type})"
            ),
        );
        for slot in slots(layout, app)
            .into_iter()
            .filter(|s| s.proc_type == proc_type)
        {
            host.log(
                Level::Verbose,
                &format!("Stopping {} ({proc_type})", slot.cid),
            );
            register_retired(layout, app, &slot.cid, 0)?;
            docker.container_no_restart(&slot.cid);
            let _ = docker.container_stop(&slot.cid, Some(plan.stop_timeout));
            retired.push(slot.cid);
        }
    }
    for index in 1..=count {
        if let Some(old) = deploy_container(host, plan, proc_type, index, !disabled)? {
            retired.push(old);
        }
    }
    host.fire_checked("scheduler-post-deploy-process", &[app, proc_type])?;
    for slot in slots(layout, app)
        .into_iter()
        .filter(|s| s.proc_type == proc_type && s.index > count)
    {
        host.log(
            Level::Verbose,
            &format!(
                "Scheduling orphaned container shutdown in {} seconds ({proc_type}.{})",
                plan.wait, slot.index
            ),
        );
        register_retired(layout, app, &slot.cid, plan.wait)?;
        for file in [
            layout.container_file(app, proc_type, slot.index),
            layout.ip_file(app, proc_type, slot.index),
            layout.port_file(app, proc_type, slot.index),
        ] {
            let _ = std::fs::remove_file(file);
        }
        retired.push(slot.cid);
    }
    Ok(retired)
}

/// The docker arguments of one container, in Dokku's order (see
/// `bin/scheduler-deploy-process-container`).
fn container_args(
    host: &dyn Host,
    plan: &Plan<'_>,
    proc_type: &str,
    index: u32,
    name: &str,
) -> Result<Vec<String>, DeployError> {
    let app = plan.app;
    let props = host.properties();
    let idx = index.to_string();
    let dyno = format!("{proc_type}.{index}");
    let mut args: Vec<String> = Vec::new();
    // docker-args-deploy: config vars (values come from the client's environment),
    // then whatever plugins add.
    args.extend(plan.env.keys().map(|k| format!("--env={k}")));
    args.extend(crate::shell::split_words(&host.fire_capture(
        "docker-args-deploy",
        &[app, plan.tag, proc_type, &idx],
    )?));
    args.extend(crate::storage::docker_args(
        host.layout(),
        &props,
        app,
        "deploy",
        Some(proc_type),
    ));
    args.push(format!("--label=com.dokku.process-type={proc_type}"));
    args.push(format!("--label=com.dokku.dyno={dyno}"));
    args.push(format!("--env=DYNO={dyno}"));
    args.push(format!("--name={name}"));
    if plan.init {
        args.push("--init".into());
    }
    args.push(format!("--label=com.dokku.app-name={app}"));
    args.push("--label=com.dokku.container-type=deploy".into());
    args.extend(crate::shell::split_words(
        host.var(crate::env::DOKKU_GLOBAL_RUN_ARGS)
            .unwrap_or(crate::env::fixed::GLOBAL_DOCKER_ARGS),
    ));
    // docker-args-process-deploy: the logs plugin answers `--log-opt=max-size`, ps
    // `--restart`, as in Dokku.
    args.extend(crate::shell::split_words(&host.fire_capture(
        "docker-args-process-deploy",
        &[app, &plan.source_type, plan.tag, proc_type, &idx],
    )?));
    if host.var(crate::env::DOKKU_TRACE).is_some() {
        args.push("--env=TRACE=true".into());
    }
    if proc_type == "web" {
        args.push(format!("--env=PORT={}", ports::web_port(&props, app)));
    }
    args.push(plan.image.to_string());
    args.extend(start_command(&props, plan, proc_type));
    Ok(args)
}

/// The docker daemon's default log driver (`docker system info`), asked once per
/// process.
pub fn daemon_log_driver(docker: &Docker) -> String {
    static DRIVER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DRIVER
        .get_or_init(|| {
            docker
                .run(&crate::docker::Call::new([
                    "system",
                    "info",
                    "--format",
                    "{{ .LoggingDriver }}",
                ]))
                .ok()
                .filter(|r| r.code == 0)
                .map(|r| r.stdout.trim().to_string())
                .unwrap_or_default()
        })
        .clone()
}

/// The `logs` plugin's `max-size` for `app` (app, then global, default `10m`; Dokku's
/// `logs-get-property APP max-size`): `--log-opt=max-size` unless `unlimited`.
pub fn log_max_size(props: &crate::property::PropertyStore, app: &str) -> String {
    deploy::prop_app_or_global(props, "logs", app, "max-size").unwrap_or_else(|| "10m".into())
}

/// START_CMD: `/start TYPE` for a herokuish image (herokuish reads the Procfile),
/// else `dockerfile-start-cmd` or the Procfile command (`$PORT` expanded), else
/// nothing (the image's own `CMD`).
fn start_command(
    props: &crate::property::PropertyStore,
    plan: &Plan<'_>,
    proc_type: &str,
) -> Vec<String> {
    if plan.source_type == "herokuish" {
        return vec!["/start".into(), proc_type.to_string()];
    }
    if let Some(cmd) =
        deploy::prop_app_or_global(props, ps::PLUGIN, plan.app, "dockerfile-start-cmd")
    {
        return crate::shell::split_words(&cmd);
    }
    let port = if proc_type == "web" {
        ports::web_port(props, plan.app).to_string()
    } else {
        "5000".into()
    };
    plan.procfile
        .and_then(|p| p.iter().find(|t| t.name == proc_type))
        .map(|t| crate::shell::split_words(&ps::expand_command(&t.command, &port, &plan.env)))
        .unwrap_or_default()
}

/// `bin/scheduler-deploy-process-container`: starts, checks and records one
/// container. Returns the id of the container it replaced, if any.
fn deploy_container(
    host: &dyn Host,
    plan: &Plan<'_>,
    proc_type: &str,
    index: u32,
    run_checks: bool,
) -> Result<Option<String>, DeployError> {
    let layout = host.layout();
    let app = plan.app;
    let docker = host.docker();
    let dyno = format!("{proc_type}.{index}");
    let name = format!("{app}.{dyno}.upcoming-{}", random_suffix());
    let args = container_args(host, plan, proc_type, index, &name)?;
    let env: Vec<(String, String)> = plan
        .env
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let cid = docker.container_create(args, env)?;
    if let Err(err) = host.fire_checked(
        "post-container-create",
        &["app", &cid, app, "deploy", proc_type],
    ) {
        // e.g. a network to attach is missing: the new container never starts.
        kill_new(host, app, &cid, &dyno);
        return Err(err);
    }
    if let Err(err) = docker.container_start(&cid) {
        kill_new(host, app, &cid, &dyno);
        return Err(err.into());
    }
    let network = deploy::prop_app_or_global(&host.properties(), "network", app, "initial-network");
    let ip = docker
        .container_inspect(&cid)
        .and_then(|i| i.ip(network.as_deref()).map(str::to_string))
        .unwrap_or_default();
    let port = if proc_type == "web" {
        ports::web_port(&host.properties(), app).to_string()
    } else {
        String::new()
    };

    if run_checks {
        host.log(
            Level::Verbose,
            &format!("Attempting pre-flight checks ({dyno})"),
        );
        let status = host.fire(
            "check-deploy",
            &[app, &cid, proc_type, &port, &ip, &index.to_string()],
        )?;
        if status != 0 {
            kill_new(host, app, &cid, &dyno);
            return Err(DeployError::Exit { code: status });
        }
    }

    vouched::vouch(&cid, &ip, &name);
    let container_file = layout.container_file(app, proc_type, index);
    let old = read_trimmed(&container_file).filter(|old| old != &cid);
    if let Some(old) = &old {
        host.log(
            Level::Verbose,
            &format!(
                "Scheduling old container shutdown in {} seconds ({dyno})",
                plan.wait
            ),
        );
        register_retired(layout, app, old, plan.wait)?;
    }
    write_state(container_file, &cid)?;
    if !ip.is_empty() {
        write_state(layout.ip_file(app, proc_type, index), &ip)?;
    }
    if !port.is_empty() {
        write_state(layout.port_file(app, proc_type, index), &port)?;
    }
    for legacy in ["CONTAINER", "IP", "PORT"] {
        let _ = std::fs::remove_file(layout.app_file(app, legacy));
    }
    Ok(old)
}

/// Dokku's `kill_new` trap: the new container is recorded as failed and stopped; the
/// old containers are left alone.
fn kill_new(host: &dyn Host, app: &str, cid: &str, dyno: &str) {
    let layout = host.layout();
    let docker = host.docker();
    let _ = register_retired(layout, app, cid, 0);
    let file = failed_containers_file(layout, app);
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // `logs:failed` rewrites the list too: without the lock, an append could undo its
    // rewrite (or be undone by it), so the container is only left unrecorded.
    match crate::property::lock::FileLock::beside(&file) {
        Err(e) => host.log(
            Level::Warn,
            &format!(
                "Could not lock {}: {e}; container {cid} is not recorded as failed",
                file.display()
            ),
        ),
        Ok(_lock) => {
            let mut text = std::fs::read_to_string(&file).unwrap_or_default();
            text.push_str(&format!("{cid} {dyno}\n"));
            if let Err(e) = crate::fs::write_atomic(&file, text.as_bytes(), 0o644) {
                host.log(
                    Level::Warn,
                    &format!("Could not record failed container {cid}: {e}"),
                );
            }
        }
    }
    docker.container_no_restart(cid);
    let _ = docker.container_stop(cid, Some(0));
}

/// Retires the app's registered containers now (wait 0) or in the background after
/// `wait` seconds, as Dokku's disowned subshell does.
fn schedule_retire(host: &dyn Host, app: &str, wait: u64) {
    if wait == 0 {
        retire(host, Some(app));
        return;
    }
    let script = "sleep \"$1\"; exec \"$2\" ps:retire \"$3\"";
    let bin = host.dokku_bin();
    let cmd = crate::process::Cmd::new("setsid")
        .args(["-f", "sh", "-c", script, "dokku-retire", &wait.to_string()])
        .arg(bin.as_os_str())
        .arg(app)
        .env_clear()
        .envs(host.env().iter());
    let null = std::process::Stdio::null;
    if let Ok(mut child) = cmd.spawn(null(), null(), null()) {
        // setsid -f forks the real worker and exits at once.
        let _ = child.wait();
    }
}

/// `core-post-deploy` for docker-local: drops the state of process types no longer
/// scaled, then renames each new container to `APP.TYPE.N` (moving any other holder
/// of that name aside as `APP.TYPE.N.<unix time>`).
pub fn core_post_deploy(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let layout = host.layout();
    let scale = ps::scale(&host.properties(), app)?;
    host.log(Level::Info1, "Renaming containers");
    let mut dropped = std::collections::BTreeSet::new();
    for slot in slots(layout, app) {
        if !scale.iter().any(|(t, n)| t == &slot.proc_type && *n > 0) {
            if dropped.insert(slot.proc_type.clone()) {
                host.log(
                    Level::Verbose,
                    &format!(
                        "Container type ({}) is no longer defined. Removing state",
                        slot.proc_type
                    ),
                );
            }
            for file in [
                layout.container_file(app, &slot.proc_type, slot.index),
                layout.ip_file(app, &slot.proc_type, slot.index),
                layout.port_file(app, &slot.proc_type, slot.index),
            ] {
                let _ = std::fs::remove_file(file);
            }
            continue;
        }
    }
    name_containers(host, app)
}

/// Gives each recorded container its slot's name `APP.TYPE.N`, moving any other
/// holder of that name aside as `APP.TYPE.N.<unix time>`.
fn name_containers(host: &dyn Host, app: &str) -> Result<(), DeployError> {
    let docker = host.docker();
    for slot in slots(host.layout(), app) {
        let target = format!("{app}.{}.{}", slot.proc_type, slot.index);
        // A container this process started knows its name; others are asked.
        let name = match vouched::get(&slot.cid) {
            Some(known) => known.name,
            None => match docker.container_inspect(&slot.cid) {
                Some(info) => info.name,
                None => continue,
            },
        };
        if name == target {
            continue;
        }
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let aside = format!("{target}.{stamp}");
        let _ = docker.container_rename(&target, &aside);
        let short: String = slot.cid.chars().take(12).collect();
        host.log(
            Level::Verbose,
            &format!("Renaming container {name} ({short}) to {target}"),
        );
        docker.container_rename(&slot.cid, &target)?;
    }
    Ok(())
}

/// `scheduler-stop docker-local APP [REMOVE]`: stops every container of the app
/// (the recorded ones and any other labelled with the app), removing them when
/// `remove`.
pub fn stop(host: &dyn Host, app: &str, remove: bool) {
    let docker = host.docker();
    let timeout = ps::stop_timeout(&host.properties(), app);
    let mut ids: Vec<String> = slots(host.layout(), app)
        .into_iter()
        .map(|s| s.cid)
        .collect();
    for id in docker.container_ls(
        &[
            deploy::app_label_filter(app),
            "label=com.dokku.container-type=deploy".into(),
        ],
        false,
    ) {
        if !ids
            .iter()
            .any(|i| id.starts_with(i.as_str()) || i.starts_with(id.as_str()))
        {
            ids.push(id);
        }
    }
    for id in &ids {
        docker.container_no_restart(id);
        let _ = docker.container_stop(id, Some(timeout));
    }
    if remove {
        let all = docker.container_ls(&[deploy::app_label_filter(app)], true);
        docker.container_rm_force(&all);
    }
}

/// `scheduler-app-status`: how many containers are recorded and whether they run:
/// `true`, `false` or `mixed` (for a swarm app, its running tasks).
pub fn app_status(docker: &Docker, layout: &Layout, app: &str) -> (usize, &'static str) {
    if crate::swarm::is_swarm(&crate::property::PropertyStore::new(&layout.lib_root), app) {
        return crate::swarm::app_status(docker, app);
    }
    let slots = slots(layout, app);
    let running = slots
        .iter()
        .filter(|s| docker.container_inspect(&s.cid).is_some_and(|i| i.running))
        .count();
    let state = match (running, slots.len()) {
        (_, 0) | (0, _) => "false",
        (r, n) if r == n => "true",
        _ => "mixed",
    };
    (slots.len(), state)
}

#[cfg(test)]
mod tests;
