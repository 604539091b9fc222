//! Dokku's `app-json` core plugin: an app's `app.json` extracted from each build and
//! promoted when it deploys, and its `predeploy`, `release` and `postdeploy` scripts
//! (Heroku's first-deploy `postdeploy` included) run around the release. The rules
//! live in `dokku_core::appjson`; `app-json:set|report` choose the file
//! (`appjson-path`).

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `app-json` core plugin.
    AppJson = "app-json",
    commands: [
        ("app-json:report", commands::run),
        ("app-json:set", commands::run),
    ],
    triggers: [
        ("core-post-extract", triggers::trigger),
        ("core-post-deploy", triggers::trigger),
        ("app-json-get-content", triggers::trigger),
        ("app-json-process-deploy-parallelism", triggers::trigger),
        ("pre-release-builder", triggers::trigger),
        ("post-release-builder", triggers::trigger),
        ("post-deploy", triggers::trigger),
    ],
}
