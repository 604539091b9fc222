//! The `apps` plugin's `install` trigger: its property and data directories, and the
//! migrations of state older installations left.

use crate::config::{ConfigScope, ConfigStore};
use crate::deploy::{DeployError, Host};
use crate::log::Level;
use crate::property::{PropertyStore, GLOBAL};

use super::lifecycle::PLUGIN;
use super::report::DISABLE_AUTOCREATION;

/// The `install` trigger: the plugin's property and data directories, `created-at`
/// for apps made before it was recorded (the app directory's modification time, as
/// Dokku's migration does), and the deprecated global `DOKKU_DISABLE_APP_AUTOCREATION`
/// moved to the `disable-autocreation` property.
pub fn install(host: &dyn Host) -> Result<(), DeployError> {
    let layout = host.layout();
    let props = host.properties();
    props
        .setup(PLUGIN)
        .map_err(|e| DeployError::fail(format!("Unable to install the apps plugin: {e}")))?;
    let data = layout.plugin_data_dir(PLUGIN);
    std::fs::create_dir_all(&data).map_err(DeployError::io("create", &data))?;
    for name in super::list(&layout.dokku_root).unwrap_or_default() {
        if props.exists(PLUGIN, &name, "created-at")? {
            continue;
        }
        let created = std::fs::metadata(layout.app_root(&name))
            .and_then(|m| m.modified())
            .unwrap_or_else(|_| std::time::SystemTime::now())
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        props.write(PLUGIN, &name, "created-at", &created.to_string())?;
    }
    migrate_disable_autocreation(host, &props)
}

/// The global `DOKKU_DISABLE_APP_AUTOCREATION` config var becomes the
/// `disable-autocreation` property (an existing property wins), and the var goes.
fn migrate_disable_autocreation(host: &dyn Host, props: &PropertyStore) -> Result<(), DeployError> {
    const VAR: &str = "DOKKU_DISABLE_APP_AUTOCREATION";
    let key = DISABLE_AUTOCREATION;
    // Plugins sorted before `config` drain the pre-0.38 ENV files first.
    host.fire_checked("config-migrate-env", &[])?;
    let store = ConfigStore::new(&host.layout().lib_root);
    let global = ConfigScope::Global;
    let Some(value) = store.get(&global, VAR).ok().flatten() else {
        return Ok(());
    };
    if !props.exists(PLUGIN, GLOBAL, key)? {
        host.log(
            Level::Info1,
            &format!(
                "Migrating deprecated global {VAR} to apps {key} property. Use 'dokku apps:set --global {key} {value}' to manage this going forward."
            ),
        );
        props.write(PLUGIN, GLOBAL, key, &value)?;
    }
    store
        .unset(&global, &[VAR])
        .map(drop)
        .map_err(|e| DeployError::fail(e.to_string()))
}
