//! Dokku's `plugin` core plugin: lists, installs, updates, enables, disables and
//! uninstalls plugins (`dokku_core::plugin::manage`), fires their `install`,
//! `dependencies` and `update` triggers, and keeps the bash-completion cache of command
//! names. `plugin:help` is rendered by the host from the manifest.

mod plugin;

dokku_plugin_common::core_plugin! {
    /// The `plugin` core plugin.
    PluginManager = "plugin",
    commands: [
        ("plugin:help", plugin::run),
        ("plugin:install", plugin::run),
        ("plugin:install-dependencies", plugin::run),
        ("plugin:installed", plugin::run),
        ("plugin:list", plugin::run),
        ("plugin:trigger", plugin::run),
        ("plugin:uninstall", plugin::run),
        ("plugin:update", plugin::run),
        ("plugin:enable", plugin::run),
        ("plugin:disable", plugin::run),
    ],
    triggers: [],
}
