//! Dokku's `events` core plugin (directory `20_events`): `events [-t]` shows the
//! events log, `events:on`/`events:off` switch the logger, `events:list` names the
//! triggers it records, and its trigger handler appends one line per trigger while
//! `DOKKU_EVENTS` is set. The rules live in `dokku_core::events`.

mod events;

dokku_plugin_common::core_plugin! {
    /// The `events` core plugin.
    Events = "20_events",
    commands: [
        ("events", events::run),
        ("events:help", events::run),
        ("events:list", events::run),
        ("events:on", events::run),
        ("events:off", events::run),
    ],
    triggers: [
        ("app-list", events::run_trigger),
        ("bind-external-ip", events::run_trigger),
        ("check-deploy", events::run_trigger),
        ("docker-args-build", events::run_trigger),
        ("docker-args-deploy", events::run_trigger),
        ("docker-args-run", events::run_trigger),
        ("git-post-pull", events::run_trigger),
        ("git-pre-pull", events::run_trigger),
        ("install", events::run_trigger),
        ("nginx-hostname", events::run_trigger),
        ("nginx-pre-reload", events::run_trigger),
        ("post-build-buildpack", events::run_trigger),
        ("post-build-dockerfile", events::run_trigger),
        ("post-create", events::run_trigger),
        ("post-delete", events::run_trigger),
        ("post-deploy", events::run_trigger),
        ("post-domains-update", events::run_trigger),
        ("post-release-buildpack", events::run_trigger),
        ("post-release-dockerfile", events::run_trigger),
        ("post-start", events::run_trigger),
        ("pre-build-buildpack", events::run_trigger),
        ("pre-build-dockerfile", events::run_trigger),
        ("pre-delete", events::run_trigger),
        ("pre-deploy", events::run_trigger),
        ("pre-release-buildpack", events::run_trigger),
        ("pre-release-dockerfile", events::run_trigger),
        ("receive-app", events::run_trigger),
        ("retire-container-failed", events::run_trigger),
        ("update", events::run_trigger),
        ("user-auth", events::run_trigger),
    ],
}
