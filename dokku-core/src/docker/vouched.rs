//! Containers this process started (or found running at `ps:restore`) and saw pass
//! their checks, with the address and name it read for them then.
//!
//! Right after the checks a deploy rebuilds nginx, syncs the network files twice
//! (the early proxy rebuild and `post-deploy`) and renames the new containers; each
//! of those steps used to ask docker again about the same container (one
//! `docker container inspect` is ~30 ms), only to learn what the deploy had just
//! read. They ask here first. What is kept is only what cannot have changed since:
//! the address of a container that has been running on the same networks since
//! it was read, and the name this process gave it (renames by this process are
//! recorded as they happen). The record lives as long as the process, one deploy
//! command; a container this process stops, kills or removes is forgotten at once
//! ([`forget`]), since it no longer runs at the address read. The [`Docker`]
//! methods that stop, kill, remove or rename a container keep the record current
//! themselves, so no caller has to remember to.
//!
//! [`Docker`]: super::Docker

use std::collections::BTreeMap;
use std::sync::Mutex;

/// What was read about one vouched container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vouched {
    /// Its address on the app's network.
    pub ip: String,
    /// Its name, as this process last knew it.
    pub name: String,
}

static VOUCHED: Mutex<BTreeMap<String, Vouched>> = Mutex::new(BTreeMap::new());

/// Records that container `cid`, which passed its checks in this process, runs at
/// `ip` under `name`. An empty address (no network) vouches for nothing.
pub fn vouch(cid: &str, ip: &str, name: &str) {
    if ip.is_empty() {
        return;
    }
    if let Ok(mut vouched) = VOUCHED.lock() {
        vouched.insert(
            cid.to_string(),
            Vouched {
                ip: ip.to_string(),
                name: name.to_string(),
            },
        );
    }
}

/// What this process vouches for about `cid`, if anything.
pub fn get(cid: &str) -> Option<Vouched> {
    VOUCHED.lock().ok().and_then(|v| v.get(cid).cloned())
}

/// Every vouched container id with its address.
pub fn addresses() -> BTreeMap<String, String> {
    VOUCHED
        .lock()
        .map(|v| v.iter().map(|(c, w)| (c.clone(), w.ip.clone())).collect())
        .unwrap_or_default()
}

/// Forgets `container` (an id or a name, as docker calls take it): this process is
/// stopping, killing or removing it, so it may no longer run at the address read.
pub fn forget(container: &str) {
    if let Ok(mut vouched) = VOUCHED.lock() {
        vouched.retain(|cid, w| cid != container && w.name != container);
    }
}

/// [`forget`] for each of `containers`.
pub fn forget_all<S: AsRef<str>>(containers: &[S]) {
    for container in containers {
        forget(container.as_ref());
    }
}

/// Records a rename done by this process: the container known as `from` (by id or
/// by name, as `docker container rename` takes it) is now called `to`.
pub fn renamed(from: &str, to: &str) {
    if let Ok(mut vouched) = VOUCHED.lock() {
        for (cid, w) in vouched.iter_mut() {
            if cid == from || w.name == from {
                w.name = to.to_string();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_follow_the_id_or_the_name() {
        vouch("vouched-test-a", "10.0.0.2", "vt.web.1.upcoming-1");
        vouch("vouched-test-b", "10.0.0.3", "vt.web.1");
        vouch("vouched-test-c", "", "vt.web.2");
        assert_eq!(get("vouched-test-c"), None, "no address, no vouching");
        renamed("vt.web.1", "vt.web.1.1700000000");
        renamed("vouched-test-a", "vt.web.1");
        assert_eq!(
            get("vouched-test-a").map(|v| v.name).as_deref(),
            Some("vt.web.1")
        );
        assert_eq!(
            get("vouched-test-b").map(|v| v.name).as_deref(),
            Some("vt.web.1.1700000000")
        );
        assert_eq!(
            addresses().get("vouched-test-a").map(String::as_str),
            Some("10.0.0.2")
        );
    }

    #[test]
    fn a_forgotten_container_is_no_longer_vouched_for() {
        vouch("vouched-test-f", "10.0.0.4", "vt.web.3");
        vouch("vouched-test-g", "10.0.0.5", "vt.web.4");
        vouch("vouched-test-h", "10.0.0.6", "vt.web.5");
        forget("vouched-test-f");
        forget_all(&["vt.web.4"]);
        assert_eq!(get("vouched-test-f"), None);
        assert_eq!(get("vouched-test-g"), None, "forgotten by its name");
        assert!(!addresses().contains_key("vouched-test-f"));
        assert!(get("vouched-test-h").is_some(), "the others stay");
    }
}
