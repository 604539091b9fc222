//! The deploy lock: the lock `git push`, `ps:rebuild` and `apps:lock` use.
//!
//! The host holds the lock, not the plugin, and never longer than the plugin call
//! (command or trigger) that took it: [`DeployLockGuard`] releases it when dropped,
//! and whatever a call still holds when it returns (an early `?`, a panic, a
//! `mem::forget`) is released by the host then. A plugin cannot leave an app locked.

use crate::error::HostError;
use crate::services::{bad_answer, service, Host};

/// The state of an app's deploy lock ([`Host::deploy_lock_status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeployLockStatus {
    /// Nobody holds it.
    Free,
    /// `apps:lock`: deploys are refused until `apps:unlock`.
    Manual,
    /// A running deploy (or plugin call) holds it.
    Held,
    /// Its holder died; the next deploy takes it over.
    Stale,
}

impl DeployLockStatus {
    /// Whether it stops a deploy: a manual lock or a holder that runs.
    pub const fn blocks(self) -> bool {
        matches!(self, DeployLockStatus::Manual | DeployLockStatus::Held)
    }
}

/// An app's deploy lock, held by the host for this plugin call; released when dropped
/// (or with [`DeployLockGuard::release`] to see an error).
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct DeployLockGuard<'h, 'a> {
    host: &'h Host<'a>,
    app: String,
    held: bool,
}

impl std::fmt::Debug for DeployLockGuard<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeployLockGuard")
            .field("app", &self.app)
            .field("held", &self.held)
            .finish()
    }
}

impl DeployLockGuard<'_, '_> {
    /// The app whose lock this is.
    pub fn app(&self) -> &str {
        &self.app
    }

    /// Releases the lock now.
    pub fn release(mut self) -> Result<(), HostError> {
        self.held = false;
        self.host
            .call_unit(service::DEPLOY_LOCK_RELEASE, &[&self.app])
    }
}

impl Drop for DeployLockGuard<'_, '_> {
    fn drop(&mut self) {
        if self.held {
            // The host releases it at the end of the call anyway.
            let _ = self
                .host
                .call_unit(service::DEPLOY_LOCK_RELEASE, &[&self.app]);
        }
    }
}

impl<'a> Host<'a> {
    /// The state of the app's deploy lock.
    pub fn deploy_lock_status(&self, app: &str) -> Result<DeployLockStatus, HostError> {
        let answer = self.call_one(service::DEPLOY_LOCK_STATUS, &[app])?;
        Ok(match answer.as_str() {
            "free" => DeployLockStatus::Free,
            "manual" => DeployLockStatus::Manual,
            "held" => DeployLockStatus::Held,
            "stale" => DeployLockStatus::Stale,
            _ => {
                return Err(bad_answer(
                    service::DEPLOY_LOCK_STATUS,
                    "free, manual, held or stale",
                    &[answer],
                ))
            }
        })
    }

    /// Whether a deploy of the app would be refused now (Dokku's `is_deploy_locked`).
    pub fn is_deploy_locked(&self, app: &str) -> Result<bool, HostError> {
        Ok(self.deploy_lock_status(app)?.blocks())
    }

    /// Takes the app's deploy lock without waiting, as `git push` does: a deploy or
    /// `apps:lock` holding it is an [`crate::ErrorKind::Failed`] error (`APP currently
    /// has a deploy lock in place. Exiting...`); a dead holder's lock is taken over.
    /// While held, deploys of the app (including one this plugin triggers) are refused.
    pub fn deploy_lock(&self, app: &str) -> Result<DeployLockGuard<'_, 'a>, HostError> {
        self.call_unit(service::DEPLOY_LOCK_ACQUIRE, &[app])?;
        Ok(DeployLockGuard {
            host: self,
            app: app.to_owned(),
            held: true,
        })
    }

    /// Runs `f` holding the app's deploy lock ([`Host::deploy_lock`]), released after
    /// `f` returns or panics.
    pub fn with_deploy_lock<R>(&self, app: &str, f: impl FnOnce() -> R) -> Result<R, HostError> {
        let guard = self.deploy_lock(app)?;
        let value = f();
        guard.release()?;
        Ok(value)
    }
}
