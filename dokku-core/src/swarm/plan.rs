//! What one deploy is made of: the release's image name, and each process type's
//! [`ServiceSpec`] from the app's settings (formation, config, resources, restart
//! policy, storage, healthchecks, the plugins' `docker-args-deploy` labels).

use super::spec::{self, Health, ServiceSpec};
use super::{computed, service_name};
use crate::deploy::{self as pipeline, DeployError, Host};
use crate::log::Level;
use crate::ports;
use crate::ps;

use super::query::fail;

/// The image the services run: the pushed release when the app pushes to a
/// registry (every node pulls it by that name); otherwise the local image under a
/// tag naming its id, so a rollback finds the previous release even after `latest`
/// moved on.
pub(super) fn release_image(host: &dyn Host, app: &str, tag: &str) -> Result<String, DeployError> {
    let props = host.properties();
    if crate::registry::push_enabled(&props, app) {
        if let Some(remote) = crate::registry::pushed_release(&props, app) {
            return Ok(remote);
        }
    }
    let local = crate::image::app_image_name(app, Some(tag), None);
    let id = host
        .docker()
        .image_id(&local)
        .ok_or_else(|| fail(format!("Image {local} not found")))?;
    let short: String = id.trim_start_matches("sha256:").chars().take(12).collect();
    let pinned = format!("{}:swarm-{short}", crate::image::app_image_repo(app));
    host.docker().image_tag(&local, &pinned)?;
    Ok(pinned)
}

/// The service healthcheck of `proc_type`: its first startup or readiness check in
/// app.json, probed from inside the task with the image's shell (`wget` for a path,
/// the check's command otherwise).
fn health_of(host: &dyn Host, app: &str, proc_type: &str, port: u16) -> Option<Health> {
    let pid = host.var(crate::env::DOKKU_PID).map(str::to_string);
    let doc = crate::appjson::current(host.layout(), app, pid.as_deref()).ok()?;
    let checks = crate::checks::healthcheck::for_process(&doc, proc_type).ok()?;
    let check = checks
        .into_iter()
        .find(|c| matches!(c.kind.as_str(), "" | "startup" | "readiness"))?;
    let cmd = if !check.command.is_empty() {
        check
            .command
            .iter()
            .map(|w| crate::shell::quote(w))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        let path = if check.path.is_empty() {
            "/"
        } else {
            &check.path
        };
        let port = check.port.unwrap_or(port);
        format!(
            "wget -q -O /dev/null {} || exit 1",
            crate::shell::quote(&format!("http://127.0.0.1:{port}{path}"))
        )
    };
    Some(Health {
        cmd,
        interval: check.wait.unwrap_or(1).max(1),
        timeout: check.timeout.unwrap_or(5).max(1),
        retries: check.attempts.unwrap_or(3).max(1),
        start_period: check.initial_delay.unwrap_or(0),
    })
}

/// Labels (and `KEY=VALUE` environment) that operator plugins add through
/// `docker-args-deploy`; other `docker run` options have no service equivalent and
/// are named in one warning.
pub(super) fn plugin_args(words: &[String]) -> (Vec<(String, String)>, Vec<String>, Vec<String>) {
    let (mut labels, mut env, mut ignored) = (Vec::new(), Vec::new(), Vec::new());
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let (flag, value) = match w.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f.to_string(), Some(v.to_string())),
            _ => (w.clone(), None),
        };
        let takes = matches!(flag.as_str(), "--label" | "-l" | "--env" | "-e");
        let value = match value {
            Some(v) => Some(v),
            None if takes => {
                i += 1;
                words.get(i).cloned()
            }
            None => None,
        };
        match (flag.as_str(), value) {
            ("--label" | "-l", Some(v)) => {
                let (k, v) = v.split_once('=').unwrap_or((v.as_str(), ""));
                labels.push((k.to_string(), v.to_string()));
            }
            ("--env" | "-e", Some(v)) if v.contains('=') => env.push(v),
            _ => ignored.push(w.clone()),
        }
        i += 1;
    }
    (labels, env, ignored)
}

/// What every service of one deploy shares.
pub(super) struct Release<'a> {
    pub(super) app: &'a str,
    pub(super) tag: &'a str,
    pub(super) image: String,
    pub(super) env: crate::settings::EnvMap,
    pub(super) procfile: Option<Vec<ps::ProcessType>>,
    pub(super) source_type: String,
}

pub(super) fn build_spec(
    host: &dyn Host,
    rel: &Release<'_>,
    proc_type: &str,
    count: u32,
) -> Result<ServiceSpec, DeployError> {
    let app = rel.app;
    let props = host.properties();
    let layout = host.layout();
    let web_port = ports::web_port(&props, app);
    // Dokku's global run labels (`dokku`, label-schema), then what plugins add.
    let mut words = crate::shell::split_words(
        host.var(crate::env::DOKKU_GLOBAL_RUN_ARGS)
            .unwrap_or(crate::env::fixed::GLOBAL_DOCKER_ARGS),
    );
    words.extend(crate::shell::split_words(&host.fire_capture(
        "docker-args-deploy",
        &[app, rel.tag, proc_type, "1"],
    )?));
    let (extra_labels, extra_env, ignored) = plugin_args(&words);
    if !ignored.is_empty() {
        host.log(
            Level::Warn,
            &format!(
                "Ignoring docker options without a swarm service equivalent: {}",
                ignored.join(" ")
            ),
        );
    }
    let mut labels = vec![
        ("com.dokku.app-name".to_string(), app.to_string()),
        ("com.dokku.process-type".to_string(), proc_type.to_string()),
        ("com.dokku.container-type".to_string(), "deploy".to_string()),
        ("com.dokku.scheduler".to_string(), super::NAME.to_string()),
    ];
    labels.extend(extra_labels);
    let mut fixed_env = vec![format!("DYNO={proc_type}.{{{{.Task.Slot}}}}")];
    if proc_type == "web" {
        fixed_env.push(format!("PORT={web_port}"));
    }
    fixed_env.extend(extra_env);
    let mut publish: Vec<u16> = Vec::new();
    if proc_type == "web" {
        for m in ports::effective(layout, &props, app) {
            if matches!(m.scheme.as_str(), "http" | "https" | "grpc" | "grpcs")
                && !publish.contains(&m.container)
            {
                publish.push(m.container);
            }
        }
        if publish.is_empty() {
            publish.push(web_port);
        }
    }
    let mut resources = Vec::new();
    for (kind, key, flag) in [
        ("limit", "cpu", "--limit-cpu"),
        ("limit", "memory", "--limit-memory"),
        ("reserve", "cpu", "--reserve-cpu"),
        ("reserve", "memory", "--reserve-memory"),
    ] {
        let value = crate::resource::value(&props, app, proc_type, kind, key);
        if !value.is_empty() {
            let value = if key == "memory" && value.chars().all(|c| c.is_ascii_digit()) {
                format!("{value}m")
            } else {
                value
            };
            resources.push((flag.to_string(), value));
        }
    }
    let mut mounts = Vec::new();
    let storage = crate::storage::docker_args(layout, &props, app, "deploy", Some(proc_type));
    for pair in storage.chunks(2) {
        if let Some(m) = pair.get(1).and_then(|v| spec::bind_mount(v)) {
            mounts.push(m);
        }
    }
    let constraints = computed(&props, app, "placement-constraints")
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    let num =
        |key: &str, default: u64| computed(&props, app, key).parse::<u64>().unwrap_or(default);
    let init = pipeline::prop_app_or_global(&props, crate::scheduler::PLUGIN, app, "init-process")
        .as_deref()
        != Some("false");
    Ok(ServiceSpec {
        name: service_name(app, proc_type),
        image: rel.image.clone(),
        replicas: count,
        env_keys: rel.env.keys().cloned().collect(),
        fixed_env,
        labels,
        publish,
        resources,
        restart: spec::restart_of(&ps::restart_policy(&props, app)),
        health: if crate::checks::is_disabled(&props, app, proc_type)
            || crate::checks::is_skipped(&props, app, proc_type)
        {
            None
        } else {
            health_of(host, app, proc_type, web_port)
        },
        mounts,
        constraints,
        parallelism: u32::try_from(num("update-parallelism", 1))
            .unwrap_or(1)
            .max(1),
        delay: num("update-delay", 2),
        monitor: num("update-monitor", 5),
        stop_grace: ps::stop_timeout(&props, app),
        init,
        args: start_args(&props, rel, proc_type, web_port),
    })
}

fn start_args(
    props: &crate::property::PropertyStore,
    rel: &Release<'_>,
    proc_type: &str,
    web_port: u16,
) -> Vec<String> {
    if rel.source_type == "herokuish" {
        return vec!["/start".into(), proc_type.to_string()];
    }
    if let Some(cmd) =
        pipeline::prop_app_or_global(props, ps::PLUGIN, rel.app, "dockerfile-start-cmd")
    {
        return crate::shell::split_words(&cmd);
    }
    let port = if proc_type == "web" {
        web_port.to_string()
    } else {
        "5000".into()
    };
    rel.procfile
        .as_deref()
        .and_then(|p| p.iter().find(|t| t.name == proc_type))
        .map(|t| crate::shell::split_words(&ps::expand_command(&t.command, &port, &rel.env)))
        .unwrap_or_default()
}
