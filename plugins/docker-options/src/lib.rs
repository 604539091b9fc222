//! Dokku's `docker-options` core plugin: `docker-options:add`, `:remove`, `:clear`,
//! `:list`, `:report` (bare `docker-options` prints the plugin's help), and its
//! `docker-args-*` triggers, which hand an app's options to `docker build`/`run`. The
//! rules live in `dokku_core::docker_options`.

mod add;
mod clear;
mod commands;
mod list;
mod remove;
mod report;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `docker-options` core plugin.
    DockerOptions = "docker-options",
    commands: [
        ("docker-options", commands::run),
        ("docker-options:add", commands::run),
        ("docker-options:clear", commands::run),
        ("docker-options:list", commands::run),
        ("docker-options:remove", commands::run),
        ("docker-options:report", commands::run),
    ],
    triggers: [
        ("docker-args-build", triggers::run),
        ("docker-args-deploy", triggers::run),
        ("docker-args-run", triggers::run),
        ("docker-args-process-deploy", triggers::run),
        ("install", triggers::run),
        ("post-app-clone-setup", triggers::run),
        ("post-app-rename-setup", triggers::run),
        ("post-delete", triggers::run),
        ("report", triggers::run),
    ],
}
