//! The core plugins linked into this binary: one entry per `plugins/<name>/` crate.
//! Each declares its commands and triggers next to their handlers
//! (`dokku_plugin_common::core_plugin!`); the test below proves that these
//! routes and every installed `plugin.toml` name the same commands and triggers.

use dokku_plugin_common::linked::CorePlugin;

/// Every linked core plugin.
pub static CORE_PLUGINS: &[&CorePlugin] = &[
    &dokku_plugin_certs::PLUGIN,
    &dokku_plugin_domains::PLUGIN,
    &dokku_plugin_network::PLUGIN,
    &dokku_plugin_nginx_vhosts::PLUGIN,
    &dokku_plugin_ports::PLUGIN,
    &dokku_plugin_proxy::PLUGIN,
    &dokku_plugin_registry::PLUGIN,
    &dokku_plugin_ps::PLUGIN,
    &dokku_plugin_scheduler_docker_local::PLUGIN,
    &dokku_plugin_scheduler_docker_swarm::PLUGIN,
    &dokku_plugin_scheduler::PLUGIN,
    &dokku_plugin_repo::PLUGIN,
    &dokku_plugin_shell::PLUGIN,
    &dokku_plugin_cron::PLUGIN,
    &dokku_plugin_config::PLUGIN,
    &dokku_plugin_docker_options::PLUGIN,
    &dokku_plugin_events::PLUGIN,
    &dokku_plugin_plugin::PLUGIN,
    &dokku_plugin_ssh_keys::PLUGIN,
    &dokku_plugin_enter::PLUGIN,
    &dokku_plugin_logs::PLUGIN,
    &dokku_plugin_run::PLUGIN,
    &dokku_plugin_dokku_standard::PLUGIN,
    &dokku_plugin_app_json::PLUGIN,
    &dokku_plugin_apps::PLUGIN,
    &dokku_plugin_builder::PLUGIN,
    &dokku_plugin_builder_dockerfile::PLUGIN,
    &dokku_plugin_builder_herokuish::PLUGIN,
    &dokku_plugin_builder_lambda::PLUGIN,
    &dokku_plugin_builder_nixpacks::PLUGIN,
    &dokku_plugin_builder_pack::PLUGIN,
    &dokku_plugin_builder_railpack::PLUGIN,
    &dokku_plugin_buildpacks::PLUGIN,
    &dokku_plugin_builds::PLUGIN,
    &dokku_plugin_checks::PLUGIN,
    &dokku_plugin_git::PLUGIN,
    &dokku_plugin_resource::PLUGIN,
    &dokku_plugin_storage::PLUGIN,
    &dokku_plugin_trace::PLUGIN,
    &dokku_plugin_releases::PLUGIN,
];

/// The linked core plugin called `name` (its folder name), if this binary has one.
pub fn find(name: &str) -> Option<&'static CorePlugin> {
    CORE_PLUGINS.iter().copied().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use dokku_plugin_sdk::Manifest;

    use super::CORE_PLUGINS;

    /// The manifests install.sh installs: `plugins/*/plugin.toml` of this repository.
    fn installed_manifests() -> Vec<(String, Manifest)> {
        let plugins = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../plugins");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&plugins).expect("read plugins/") {
            let dir = entry.expect("plugins/ entry").path();
            let toml = dir.join("plugin.toml");
            let Ok(text) = std::fs::read_to_string(&toml) else {
                continue;
            };
            let manifest =
                Manifest::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", toml.display()));
            let name = dir
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            found.push((name, manifest));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found
    }

    fn names<'a>(items: impl Iterator<Item = &'a str>) -> BTreeSet<&'a str> {
        let mut set = BTreeSet::new();
        for item in items {
            assert!(set.insert(item), "`{item}` is declared twice");
        }
        set
    }

    #[test]
    fn every_routed_command_and_trigger_reaches_a_handler_and_every_handler_is_routed() {
        let manifests = installed_manifests();
        assert!(
            manifests.len() > 20,
            "expected the core plugins under plugins/"
        );
        for (name, manifest) in &manifests {
            if !manifest.is_builtin() {
                continue;
            }
            let core = super::find(name).unwrap_or_else(|| {
                panic!("{name}: plugin.toml says builtin, but no linked crate answers it")
            });
            let compiled = Manifest::parse(core.manifest).expect("compiled-in manifest");
            assert!(
                compiled.routing_differences(manifest).is_empty(),
                "{name}: the compiled-in plugin.toml differs from the installed one"
            );
            let routed = names(manifest.commands().iter().map(|c| c.name()));
            let handled = names(core.routes.command_names());
            assert_eq!(
                routed, handled,
                "{name}: commands in plugin.toml vs handlers in code"
            );
            let routed = names(manifest.triggers().iter().map(String::as_str));
            let handled = names(core.routes.trigger_names());
            assert_eq!(
                routed, handled,
                "{name}: triggers in plugin.toml vs handlers in code"
            );
        }
        for core in CORE_PLUGINS {
            assert!(
                manifests
                    .iter()
                    .any(|(n, m)| n == core.name && m.is_builtin()),
                "{}: linked, but no installed plugin.toml routes to it",
                core.name
            );
        }
    }
}
