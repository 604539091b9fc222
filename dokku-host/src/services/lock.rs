//! The deploy lock (`data/apps/APP/.deploy.lock`, the lock `git push` and `ps:rebuild`
//! take): its state, and the lock itself, scoped to one plugin call.
//!
//! A plugin cannot leak the lock. The host, not the plugin, holds every lock a call
//! took, in the [`super::ServiceHost`] of that call: the SDK's guard releases it when
//! dropped, `deploy-lock-release` releases it at once, and whatever is still held when
//! the call returns (normally, with an error, after a panic the SDK caught, or because
//! the plugin `mem::forget`-ed its guard) is released then, when the call's host is
//! dropped. If the whole process dies, the lock file names a dead owner and the next
//! deploy takes it over, as after a killed deploy.

use std::collections::BTreeMap;
use std::sync::Mutex;

use dokku_core::lock::{self as deploy_lock, DeployLock, LockState};
use dokku_plugin_sdk::service as name;
use dokku_plugin_sdk::{HostError, LogLevel};

use dokku_plugin_sdk::host::HostServices;

use super::errors;
use super::{Answer, Args, Family, ServiceHost};

/// The deploy locks one plugin call holds, by app; released when dropped.
#[derive(Default)]
pub(super) struct HeldLocks(Mutex<BTreeMap<String, DeployLock>>);

impl HeldLocks {
    fn with<T>(&self, f: impl FnOnce(&mut BTreeMap<String, DeployLock>) -> T) -> T {
        // A poisoned map still holds real locks: keep using it.
        let mut held = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut held)
    }
}

pub(super) struct Lock;

impl Family for Lock {
    fn call(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Option<Answer> {
        if ![
            name::DEPLOY_LOCK_STATUS,
            name::DEPLOY_LOCK_ACQUIRE,
            name::DEPLOY_LOCK_RELEASE,
        ]
        .contains(&service)
        {
            return None;
        }
        let ctx = host.ctx;
        let app = match errors::existing_app(ctx, args.get(0)) {
            Ok(app) => app.as_str().to_string(),
            Err(e) => return Some(Err(e)),
        };
        let path = ctx.layout.deploy_lock(&app);
        Some(match service {
            name::DEPLOY_LOCK_STATUS => Ok(vec![match deploy_lock::status(&path) {
                LockState::Free => "free",
                LockState::Manual => "manual",
                LockState::Held(_) => "held",
                LockState::Stale(_) => "stale",
            }
            .to_string()]),
            name::DEPLOY_LOCK_ACQUIRE => host.locks.with(|held| {
                if held.contains_key(&app) {
                    return Err(HostError::invalid_arguments(format!(
                        "the deploy lock of {app} is already held by this plugin call"
                    )));
                }
                // `LockError::Held`: "APP currently has a deploy lock in place. Exiting..."
                let lock = DeployLock::try_acquire(&path, &app)
                    .map_err(|e| HostError::failed(e.to_string()))?;
                if let Some(warning) = lock.takeover_warning(&app) {
                    host.log(LogLevel::Warn, &warning);
                }
                held.insert(app.clone(), lock);
                Ok(Vec::new())
            }),
            _ => host.locks.with(|held| match held.remove(&app) {
                Some(lock) => {
                    drop(lock);
                    Ok(Vec::new())
                }
                None => Err(HostError::invalid_arguments(format!(
                    "the deploy lock of {app} is not held by this plugin call"
                ))),
            }),
        })
    }
}
