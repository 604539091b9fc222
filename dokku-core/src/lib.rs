//! `dokku-core`: Dokku's rules as a library.
//!
//! Everything the `dokku` command does that is not argument parsing or printing lives
//! here, so that another Rust tool can create apps, set config or fire triggers without
//! the CLI. The crate never prints: functions return data or typed errors, and log lines
//! are built by [`log`] for the caller to write.
//!
//! | Module | What it owns |
//! |---|---|
//! | [`env`](mod@env) | the names of every environment variable Dokku reads or exports |
//! | [`paths`] | `DOKKU_ROOT` / `DOKKU_LIB_ROOT` and the layout under them |
//! | [`settings`] | `/etc/default/dokku`, `dokkurc` and `.dokkurc/*` |
//! | [`log`] | Dokku's log-line family (`----->`, `=====>`, ` !     `) |
//! | [`app`] | app names, existence and listing |
//! | [`plugin`] | plugin discovery and `plugin.toml` |
//! | [`trigger`] | the trigger bus (plugn semantics) |
//! | [`process`] | the one place that spawns processes |
//! | [`config`] | config vars in Dokku's ENV file format |
//! | [`property`] | the per-plugin property store |
//! | [`fs`] | atomic file writes |
//! | [`ownership`] | handing what root-run install triggers created to the system user |
//! | [`image`] | image names and tags, `com.dokku.*` labels, copying files out of images |
//! | [`docker_options`] | per-phase docker options (`docker-options:*`) |
//! | [`domains`] | the app and global domains (`VHOST` files) |
//! | [`events`] | the events log and the `.dokkurc` switches of `events:on` / `trace:on` |
//! | [`report`] | the `<plugin>:report` layout (padded text, single flag, JSON) |
//! | [`docker`] | every Docker call, through `$DOCKER_BIN` |
//! | [`lock`] | the per-app deploy lock |
//! | [`logs`] | `logs:set` settings and the generated vector config |
//! | [`owner`] | which process owns on-disk state, and whether it still runs |
//! | [`shell`] | shell-style word splitting and quoting |
//! | [`text`] | quoting hostile text in messages on one printable line |
//! | [`sigil`] | sigil / Go templates (`nginx.conf.sigil`) |
//! | [`sshkeys`] | `authorized_keys` in sshcommand's format |
//! | [`netrc`] | `.netrc` credentials (`git:auth`, the `netrc` command) |
//! | [`git`] | bare repos, the pre-receive hook, deploy-branch rules |
//! | [`builder`] | builder detection and the Dockerfile builder |
//! | [`builds`] | build records and logs (`builds:*`), retention, cancelling |
//! | [`ports`] | port mappings (`ports:*`) |
//! | [`proxy`] | proxy on/off, type and default ports (`proxy:*`) |
//! | [`nginx`] | the app's nginx config: template, `nginx -t`, graceful reload |
//! | [`certs`] | TLS certificates (`certs:*`) |
//! | [`archive`] | untrusted archives checked before extraction (`git:from-archive`, `certs:add`) |
//! | [`registry`] | image repositories, registry servers, push-on-release (`registry:*`) |
//! | [`releases`] | release history, rollback and the watch window (`releases:*`; ours) |
//! | [`ps`] | the Procfile and process scale |
//! | [`appjson`] | `app.json` |
//! | [`checks`] | zero-downtime checks and healthchecks |
//! | [`scheduler`] | the docker-local scheduler |
//! | [`storage`] | persistent storage mounts |
//! | [`network`] | docker networks for apps (`network:*`) |
//! | [`network_addresses`] | where an app's containers listen (the `network-*` triggers) |
//! | [`resource`] | resource limits and reservations (`resource:*`) |
//! | [`deploy`] | the pipeline: build, release, deploy |
//!
//! Stability: this crate follows semver from 1.0; until then minor versions may break.
#![deny(missing_docs)]

pub mod app;
pub mod appjson;
pub mod archive;
pub mod builder;
pub mod buildpacks;
pub mod builds;
pub mod certs;
pub mod checks;
pub mod config;
pub mod cron;
pub mod deploy;
pub mod docker;
pub mod docker_options;
pub mod domains;
pub mod env;
pub mod events;
pub mod fs;
pub mod git;
pub mod image;
pub mod lock;
pub mod log;
pub mod logs;
pub mod netrc;
pub mod network;
pub mod network_addresses;
pub mod nginx;
pub mod owner;
pub mod ownership;
pub mod paths;
pub mod plugin;
pub mod ports;
pub mod process;
pub mod property;
pub mod proxy;
pub mod ps;
pub mod registry;
pub mod releases;
pub mod report;
pub mod resource;
pub mod scheduler;
pub mod settings;
pub mod shell;
pub mod sigil;
pub mod sshkeys;
pub mod storage;
pub mod swarm;
pub mod text;
pub mod trigger;

#[cfg(test)]
mod fuzzing;
