//! The `releases` core plugin (ours; Dokku has no releases): the release history of
//! an app (`releases`, `releases:list`, `releases:info`), rollback to any recorded
//! release (`releases:rollback`), how many releases' images survive cleanup
//! (`releases:set APP keep N`) and the report. The rules live in
//! `dokku_core::releases`.

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `releases` core plugin.
    Releases = "releases",
    commands: [
        ("releases", commands::run),
        ("releases:info", commands::run),
        ("releases:list", commands::run),
        ("releases:report", commands::run),
        ("releases:rollback", commands::run),
        ("releases:set", commands::run),
    ],
    triggers: [
        ("install", triggers::trigger),
        ("post-app-rename-setup", triggers::trigger),
        ("post-delete", triggers::trigger),
        ("report", triggers::trigger),
    ],
}
