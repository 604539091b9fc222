//! Dokku's `nginx-vhosts` core plugin: the nginx proxy, with `nginx:*` and nginx's
//! side of the proxy triggers (logic in `dokku_core::nginx`). `functions` beside this
//! crate (`restart_nginx`, `validate_nginx`, ...) is for bash plugins to source;
//! `templates/nginx.conf.sigil` is the built-in template.

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `nginx-vhosts` core plugin.
    NginxVhosts = "nginx-vhosts",
    commands: [
        ("nginx:access-logs", commands::run),
        ("nginx:build-config", commands::run),
        ("nginx:error-logs", commands::run),
        ("nginx:report", commands::run),
        ("nginx:set", commands::run),
        ("nginx:reload", commands::run),
        ("nginx:start", commands::run),
        ("nginx:stop", commands::run),
        ("nginx:show-conf", commands::run),
        ("nginx:show-config", commands::run),
        ("nginx:validate", commands::run),
        ("nginx:validate-config", commands::run),
    ],
    triggers: [
        ("proxy-build-config", triggers::trigger),
        ("proxy-clear-config", triggers::trigger),
        ("post-stop", triggers::trigger),
        ("post-create", triggers::trigger),
        ("proxy-enable", triggers::trigger),
        ("proxy-disable", triggers::trigger),
        ("scheduler-post-deploy-process", triggers::trigger),
        ("core-post-deploy", triggers::trigger),
        ("core-post-extract", triggers::trigger),
        ("post-domains-update", triggers::trigger),
        ("post-proxy-ports-update", triggers::trigger),
        ("post-certs-remove", triggers::trigger),
        ("post-delete", triggers::trigger),
        ("pre-restore", triggers::trigger),
        ("report", triggers::trigger),
        ("post-app-clone-setup", triggers::trigger),
        ("post-app-rename-setup", triggers::trigger),
    ],
}
