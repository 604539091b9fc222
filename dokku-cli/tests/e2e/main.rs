//! End-to-end tests: real sshd, real git, real Docker. A `git push` over ssh to a
//! prefix install must build, deploy and serve the app.
//!
//! They need a Docker engine and `/usr/sbin/sshd` (scripts/ci-prepare.sh installs
//! what is missing on Debian). A developer without Docker may set
//! `DOKKU_SKIP_E2E=1`; CI never does.

mod boot;
mod builders;
mod builds_logs;
mod checks;
mod cleanup;
mod community_plugins;
mod containers;
mod cron;
mod deploy;
mod deploy_tasks;
mod embed;
mod engine_build;
mod engine_calls;
mod enter;
mod git_http;
mod git_sync;
mod harness;
mod images;
mod interrupted;
mod network;
mod nginx_control;
mod nginx_support;
mod ops;
mod proxy;
mod ps;
mod readiness;
mod registry;
mod releases;
mod routing;
mod sources;
mod ssh_gate;
mod storage;
mod swarm;
mod zero_downtime;
