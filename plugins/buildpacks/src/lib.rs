//! Dokku's `buildpacks` core plugin: an app's ordered buildpack list, the `stack`
//! (the herokuish image) and the `.buildpacks` file a build is given. The rules live
//! in `dokku_core::buildpacks`.

mod commands;
mod triggers;

dokku_plugin_common::core_plugin! {
    /// The `buildpacks` core plugin.
    Buildpacks = "buildpacks",
    commands: [
        ("buildpacks", commands::run),
        ("buildpacks:add", commands::run),
        ("buildpacks:clear", commands::run),
        ("buildpacks:detect", commands::run),
        ("buildpacks:list", commands::run),
        ("buildpacks:remove", commands::run),
        ("buildpacks:report", commands::run),
        ("buildpacks:set", commands::run),
        ("buildpacks:set-property", commands::run),
    ],
    triggers: [
        ("buildpack-stack-name", triggers::trigger),
        ("post-extract", triggers::trigger),
        ("report", triggers::trigger),
    ],
}
