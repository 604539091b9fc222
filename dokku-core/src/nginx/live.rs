//! Upstreams that cannot point at somebody else's container.
//!
//! nginx reaches an app's containers by address (`IP.TYPE.N`), and Docker hands a
//! stopped container's address to the next container it starts, whichever app that
//! is. Dokku only clears configs on `ps:restore`, so between a stop and a restore a
//! host name could be served by another app. Here every build checks each recorded
//! address against one `docker container inspect` of the app's own containers: an
//! address is routed only while the container recorded for that slot is running
//! and holds it. A stale address is dropped with a warning, and an app left with no
//! running web container gets no server block at all (`clear_config`).

use std::collections::BTreeSet;

use crate::deploy::Host;
use crate::log::Level;

/// The `IP` addresses held right now by running containers recorded in the app's
/// `CONTAINER.*` files: the ones this process vouches for
/// ([`crate::scheduler::vouched`]), plus one
/// `docker container inspect` of the others.
pub fn live_addresses(host: &dyn Host, app: &str) -> BTreeSet<String> {
    let vouched = crate::scheduler::vouched::addresses();
    let mut live = BTreeSet::new();
    let mut ask = Vec::new();
    for slot in crate::scheduler::slots(host.layout(), app) {
        match vouched.get(&slot.cid) {
            Some(ip) => {
                live.insert(ip.clone());
            }
            None => ask.push(slot.cid),
        }
    }
    live.extend(
        host.docker()
            .containers_inspect(&ask)
            .into_iter()
            .filter(|c| c.running)
            .flat_map(|c| c.networks.into_values())
            .filter(|ip| !ip.is_empty()),
    );
    live
}

/// `listeners` without the ones whose address no running container of this app
/// holds; `fixed` listeners (the network plugin's `static-web-listener`) are kept
/// as configured, since they are not containers of ours.
pub fn keep_live(
    host: &dyn Host,
    app: &str,
    listeners: Vec<String>,
    live: &BTreeSet<String>,
) -> Vec<String> {
    // Swarm listeners are read back from the running tasks on every build.
    if is_static_web_listener(host, app, &listeners)
        || crate::swarm::is_swarm(&host.properties(), app)
    {
        return listeners;
    }
    listeners
        .into_iter()
        .filter(|listener| {
            let ip = listener.rsplit_once(':').map_or(listener.as_str(), |(ip, _)| ip);
            let ok = live.contains(ip);
            if !ok {
                host.log(
                    Level::Warn,
                    &format!("Not routing {app} to {listener}: no running container of {app} holds that address"),
                );
            }
            ok
        })
        .collect()
}

fn is_static_web_listener(host: &dyn Host, app: &str, listeners: &[String]) -> bool {
    host.properties()
        .get("network", app, "static-web-listener")
        .ok()
        .flatten()
        .is_some_and(|fixed| listeners == [fixed.trim().to_string()])
}
