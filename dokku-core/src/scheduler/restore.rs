//! Starting an app's existing containers where they stand (`ps:restore`).
//!
//! After a reboot, or a restart of the Docker daemon, an app's containers usually
//! still exist but are stopped, and Docker may hand them new addresses when they
//! start. Dokku answers with a full `release-and-deploy` per app; here the recorded
//! containers are started in place when they are exactly what the app runs:
//!
//! - one recorded container per scaled slot (`CONTAINER.TYPE.N` for `N` in
//!   `1..=count` of every type scaled above zero, and nothing else),
//! - every one of them still exists,
//! - each was created with the app's current config (every `KEY=value` of the
//!   app's merged config is in its environment: a `config:set --no-restart` since
//!   the deploy means a new release is due).
//!
//! Each stopped container gets the app's current restart policy back if it lost it,
//! is started, has its address re-recorded (`IP.TYPE.N`), and passes the same
//! `check-deploy` a deploy's new container passes. Running containers only have
//! their address re-recorded. Anything else ([`NotInPlace`]) is for the caller to
//! answer with a release-and-deploy, as Dokku would have done from the start.

use crate::deploy::{self, Host};
use crate::docker::ContainerInfo;
use crate::log::Level;
use crate::ports;
use crate::ps;

use super::{slots, write_state, Slot};

/// What starting in place did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InPlace {
    /// Every container was running already.
    AlreadyRunning,
    /// This many stopped containers were started and passed their checks.
    Started(usize),
}

/// Why the existing containers cannot simply be started (the caller releases and
/// deploys instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotInPlace(pub String);

impl std::fmt::Display for NotInPlace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn not(reason: impl Into<String>) -> NotInPlace {
    NotInPlace(reason.into())
}

fn short(cid: &str) -> &str {
    &cid[..cid.len().min(12)]
}

/// Starts the app's recorded containers in place (see the module docs).
pub fn start_in_place(host: &dyn Host, app: &str) -> Result<InPlace, NotInPlace> {
    let layout = host.layout();
    let props = host.properties();
    let docker = host.docker();
    let mut recorded = slots(layout, app);
    if recorded.is_empty() {
        return Err(not("no containers are recorded"));
    }
    let scale = ps::scale(&props, app).map_err(|e| not(e.to_string()))?;
    check_matches_scale(&recorded, &scale)?;
    // web first, as a deploy does.
    recorded.sort_by_key(|s| (s.proc_type != "web", s.proc_type.clone(), s.index));

    let ids: Vec<String> = recorded.iter().map(|s| s.cid.clone()).collect();
    let infos = docker.containers_inspect(&ids);
    let env = deploy::app_env(layout, app).map_err(|e| not(e.to_string()))?;
    let mut found: Vec<(&Slot, ContainerInfo)> = Vec::new();
    for slot in &recorded {
        let dyno = format!("{}.{}", slot.proc_type, slot.index);
        let Some(info) = infos.iter().find(|i| same_id(&i.id, &slot.cid)) else {
            return Err(not(format!(
                "container {dyno} ({}) no longer exists",
                short(&slot.cid)
            )));
        };
        if let Some(key) = env
            .iter()
            .find(|(k, v)| !info.env.contains(&format!("{k}={v}")))
            .map(|(k, _)| k)
        {
            return Err(not(format!(
                "the app's config changed since container {dyno} was created ({key})"
            )));
        }
        found.push((slot, info.clone()));
    }

    let policy = ps::restart_policy(&props, app);
    let network = deploy::prop_app_or_global(&props, "network", app, "initial-network");
    let web_port = ports::web_port(&props, app).to_string();
    let stopped = found.iter().filter(|(_, i)| !is_up(i)).count();
    if stopped > 0 {
        host.log(
            Level::Warn,
            "App has been detected as not running, starting its existing containers",
        );
    }
    let mut started = 0;
    for (slot, info) in &found {
        let dyno = format!("{}.{}", slot.proc_type, slot.index);
        if is_up(info) {
            let ip = record_ip(host, app, slot, info, network.as_deref())?;
            super::vouched::vouch(&slot.cid, &ip, &info.name);
            continue;
        }
        if info.restart_policy != policy {
            docker
                .container_set_restart(&slot.cid, &policy)
                .map_err(|e| not(format!("cannot set the restart policy of {dyno}: {e}")))?;
        }
        host.log(
            Level::Verbose,
            &format!("Starting container {dyno} ({})", short(&slot.cid)),
        );
        docker
            .container_start(&slot.cid)
            .map_err(|e| not(format!("docker could not start {dyno}: {e}")))?;
        let now = docker
            .container_inspect(&slot.cid)
            .filter(|i| i.running)
            .ok_or_else(|| not(format!("container {dyno} stopped right after it started")))?;
        let ip = record_ip(host, app, slot, &now, network.as_deref())?;
        let port = if slot.proc_type == "web" {
            layout_port(host, app, slot).unwrap_or_else(|| web_port.clone())
        } else {
            String::new()
        };
        host.log(
            Level::Verbose,
            &format!("Attempting pre-flight checks ({dyno})"),
        );
        let status = host
            .fire(
                "check-deploy",
                &[
                    app,
                    &slot.cid,
                    &slot.proc_type,
                    &port,
                    &ip,
                    &slot.index.to_string(),
                ],
            )
            .map_err(|e| not(format!("checks of {dyno} could not run: {e}")))?;
        if status != 0 {
            return Err(not(format!("container {dyno} failed its checks")));
        }
        // The nginx build right after asks docker nothing about it.
        super::vouched::vouch(&slot.cid, &ip, &now.name);
        started += 1;
    }
    Ok(if started == 0 {
        InPlace::AlreadyRunning
    } else {
        InPlace::Started(started)
    })
}

/// Running, and not in a restart loop.
fn is_up(info: &ContainerInfo) -> bool {
    info.running && info.status != "restarting"
}

fn same_id(full: &str, recorded: &str) -> bool {
    !recorded.is_empty() && (full.starts_with(recorded) || recorded.starts_with(full))
}

/// The recorded containers must be exactly the scaled slots.
fn check_matches_scale(recorded: &[Slot], scale: &[(String, u32)]) -> Result<(), NotInPlace> {
    let mut want: Vec<(String, u32)> = scale
        .iter()
        .flat_map(|(t, n)| (1..=*n).map(move |i| (t.clone(), i)))
        .collect();
    want.sort();
    let mut have: Vec<(String, u32)> = recorded
        .iter()
        .map(|s| (s.proc_type.clone(), s.index))
        .collect();
    have.sort();
    if want == have {
        return Ok(());
    }
    let show = |v: &[(String, u32)]| {
        if v.is_empty() {
            return "none".to_string();
        }
        v.iter()
            .map(|(t, i)| format!("{t}.{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    Err(not(format!(
        "the recorded containers ({}) are not the scaled ones ({})",
        show(&have),
        show(&want)
    )))
}

fn layout_port(host: &dyn Host, app: &str, slot: &Slot) -> Option<String> {
    std::fs::read_to_string(host.layout().port_file(app, &slot.proc_type, slot.index))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Writes the container's current address to `IP.TYPE.N` (Docker may have given it a
/// new one) and returns it.
fn record_ip(
    host: &dyn Host,
    app: &str,
    slot: &Slot,
    info: &ContainerInfo,
    network: Option<&str>,
) -> Result<String, NotInPlace> {
    let Some(ip) = info.ip(network).map(str::to_string) else {
        if slot.proc_type == "web" {
            return Err(not(format!(
                "container {}.{} has no address",
                slot.proc_type, slot.index
            )));
        }
        return Ok(String::new());
    };
    let path = host.layout().ip_file(app, &slot.proc_type, slot.index);
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    if old.trim() != ip {
        if !old.trim().is_empty() {
            host.log(
                Level::Verbose,
                &format!(
                    "Container {}.{} now has address {ip} (was {})",
                    slot.proc_type,
                    slot.index,
                    old.trim()
                ),
            );
        }
        write_state(path, &ip).map_err(|e| not(e.to_string()))?;
    }
    Ok(ip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::testing::FakeHost;

    fn inspect(id: &str, running: bool, ip: &str, env: &[&str], policy: &str) -> String {
        let env: Vec<String> = env.iter().map(|e| format!("\"{e}\"")).collect();
        format!(
            r#"[{{"Id":"{id}","Name":"/x","State":{{"Running":{running},"Status":"{}"}},"Config":{{"Env":[{}]}},"HostConfig":{{"RestartPolicy":{{"Name":"{policy}","MaximumRetryCount":{}}}}},"NetworkSettings":{{"Networks":{{"bridge":{{"IPAddress":"{ip}"}}}}}}}}]"#,
            if running { "running" } else { "exited" },
            env.join(","),
            if policy == "on-failure" { 10 } else { 0 }
        )
    }

    fn host_with_web() -> FakeHost {
        let host = FakeHost::new();
        host.mkapp("web");
        ps::init_scale(&host.properties(), "web").expect("scale");
        crate::deploy::set_config_no_restart(&host.layout, "web", &[("A".into(), "1".into())])
            .expect("config");
        std::fs::write(host.layout.container_file("web", "web", 1), "cid-web\n").expect("cid");
        std::fs::write(host.layout.ip_file("web", "web", 1), "172.17.0.2\n").expect("ip");
        std::fs::write(host.layout.port_file("web", "web", 1), "5000\n").expect("port");
        host
    }

    fn ip(host: &FakeHost) -> String {
        std::fs::read_to_string(host.layout.ip_file("web", "web", 1)).expect("ip")
    }

    #[test]
    fn a_stopped_container_is_started_checked_and_its_new_address_recorded() {
        let mut host = host_with_web();
        let stopped = inspect("cid-web-full", false, "", &["A=1", "PORT=5000"], "no");
        let running = inspect("cid-web-full", true, "172.17.0.7", &["A=1"], "on-failure");
        host.fake.respond_once(&["container", "inspect"], &stopped);
        host.fake.respond_once(&["container", "inspect"], &running);
        host.on("check-deploy", |_, _| (0, String::new()));
        assert_eq!(start_in_place(&host, "web"), Ok(InPlace::Started(1)));
        assert_eq!(ip(&host), "172.17.0.7\n");
        let calls = host.fake.calls().join("\n");
        // The restart policy ps:stop took away comes back before the start.
        assert!(
            calls.contains(
                "container update --restart=on-failure:10 cid-web\ncontainer start cid-web"
            ),
            "{calls}"
        );
        assert!(!calls.contains("container create"), "{calls}");
        let fired = host.fired.borrow().join("\n");
        assert!(
            fired.contains("check-deploy web cid-web web 5000 172.17.0.7 1"),
            "{fired}"
        );
        let logs = host.log_text();
        assert!(
            logs.contains("App has been detected as not running, starting its existing containers"),
            "{logs}"
        );
        assert!(
            logs.contains("now has address 172.17.0.7 (was 172.17.0.2)"),
            "{logs}"
        );
    }

    #[test]
    fn running_containers_only_get_their_address_refreshed() {
        let host = host_with_web();
        host.fake.respond_ok(
            &["container", "inspect"],
            &inspect("cid-web", true, "172.17.0.3", &["A=1"], "on-failure"),
        );
        assert_eq!(start_in_place(&host, "web"), Ok(InPlace::AlreadyRunning));
        assert_eq!(ip(&host), "172.17.0.3\n");
        let calls = host.fake.calls().join("\n");
        assert!(!calls.contains("container start"), "{calls}");
        assert!(host.fired.borrow().is_empty());
    }

    #[test]
    fn anything_but_the_deployed_containers_means_a_release() {
        // A config change since the deploy.
        let host = host_with_web();
        host.fake.respond_ok(
            &["container", "inspect"],
            &inspect("cid-web", false, "", &["A=0"], "no"),
        );
        let err = start_in_place(&host, "web").expect_err("config changed");
        assert!(err.0.contains("config changed"), "{err}");
        assert!(!host.fake.calls().join("\n").contains("container start"));

        // A container that is gone.
        let host = host_with_web();
        host.fake.respond_ok(&["container", "inspect"], "[]");
        let err = start_in_place(&host, "web").expect_err("gone");
        assert!(err.0.contains("no longer exists"), "{err}");

        // A scale the recorded containers do not match.
        let host = host_with_web();
        ps::write_scale(&host.properties(), "web", &[("web".into(), 2)]).expect("scale");
        let err = start_in_place(&host, "web").expect_err("scale");
        assert_eq!(
            err.0,
            "the recorded containers (web.1) are not the scaled ones (web.1 web.2)"
        );

        // Nothing recorded at all.
        let host = FakeHost::new();
        host.mkapp("web");
        assert!(start_in_place(&host, "web").is_err());
    }

    #[test]
    fn a_failed_start_or_check_means_a_release() {
        let host = host_with_web();
        host.fake.respond_ok(
            &["container", "inspect"],
            &inspect("cid-web", false, "", &["A=1"], "on-failure"),
        );
        host.fake.respond(
            &["container", "start"],
            crate::docker::CallResult {
                code: 1,
                stderr: "network dokku-net not found".into(),
                ..Default::default()
            },
        );
        let err = start_in_place(&host, "web").expect_err("start fails");
        assert!(err.0.contains("network dokku-net not found"), "{err}");

        let mut host = host_with_web();
        host.fake.respond_once(
            &["container", "inspect"],
            &inspect("cid-web", false, "", &["A=1"], "on-failure"),
        );
        host.fake.respond_once(
            &["container", "inspect"],
            &inspect("cid-web", true, "172.17.0.4", &["A=1"], "on-failure"),
        );
        host.on("check-deploy", |_, _| (1, String::new()));
        let err = start_in_place(&host, "web").expect_err("checks fail");
        assert_eq!(err.0, "container web.1 failed its checks");
    }
}
