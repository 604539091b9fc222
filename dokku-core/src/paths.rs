//! Where Dokku keeps things: `DOKKU_ROOT`, `DOKKU_LIB_ROOT` and the trees under them.
//!
//! All paths derive from a handful of environment variables with Dokku's defaults, so
//! tests and embedders point the whole layout at a temp dir by setting
//! [`env::DOKKU_ROOT`] and [`env::DOKKU_LIB_PATH`].

use std::path::{Path, PathBuf};

use crate::env;
use crate::settings::EnvMap;

/// The resolved filesystem layout of one Dokku installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// `DOKKU_ROOT`: app directories (and their bare git repos).
    pub dokku_root: PathBuf,
    /// `DOKKU_LIB_ROOT`: plugins, config, properties, data.
    pub lib_root: PathBuf,
    /// `PLUGIN_PATH`: the tree dispatch and triggers walk.
    pub plugin_path: PathBuf,
    /// `PLUGIN_CORE_PATH`: where core plugins are installed.
    pub core_plugin_path: PathBuf,
    /// `DOKKU_LOGS_DIR`.
    pub logs_dir: PathBuf,
}

/// Where a system install keeps its libraries (Dokku's `DOKKU_LIB_ROOT` default).
pub const SYSTEM_LIB_ROOT: &str = "/var/lib/dokku";

impl Layout {
    /// Whether this is the system install's layout: machine-wide files with fixed
    /// names (`/etc/sudoers.d/...`) belong to it alone, never to a `--prefix` install
    /// (a test's, say) that happens to run as root.
    pub fn is_system(&self) -> bool {
        self.lib_root == std::path::Path::new(SYSTEM_LIB_ROOT)
    }

    /// Resolves the layout from environment values, applying Dokku's defaults.
    ///
    /// `DOKKU_LIB_ROOT` comes from `DOKKU_LIB_PATH` (Dokku's quirk); an explicit
    /// `PLUGIN_PATH` / `PLUGIN_CORE_PATH` wins over the derived one, as `:=` does in
    /// Dokku's dispatcher.
    pub fn from_env(vars: &EnvMap) -> Layout {
        let get = |k: &str| vars.get(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let dokku_root = get(env::DOKKU_ROOT).unwrap_or_else(|| home_of("dokku"));
        let lib_root = get(env::DOKKU_LIB_PATH).unwrap_or_else(|| PathBuf::from(SYSTEM_LIB_ROOT));
        let plugin_path = get(env::PLUGIN_PATH).unwrap_or_else(|| lib_root.join("plugins"));
        let core_plugin_path =
            get(env::PLUGIN_CORE_PATH).unwrap_or_else(|| lib_root.join("core-plugins"));
        let logs_dir = get(env::DOKKU_LOGS_DIR).unwrap_or_else(|| PathBuf::from("/var/log/dokku"));
        Layout {
            dokku_root,
            lib_root,
            plugin_path,
            core_plugin_path,
            logs_dir,
        }
    }

    /// A test layout below `dir`: `DOKKU_ROOT` is `dir/home`, `DOKKU_LIB_ROOT`
    /// `dir/lib`, the rest derived.
    #[cfg(test)]
    pub(crate) fn under(dir: &Path) -> Layout {
        let mut vars = EnvMap::new();
        vars.insert(
            env::DOKKU_ROOT.into(),
            dir.join("home").display().to_string(),
        );
        vars.insert(
            env::DOKKU_LIB_PATH.into(),
            dir.join("lib").display().to_string(),
        );
        Layout::from_env(&vars)
    }

    /// `$PLUGIN_PATH/available`.
    pub fn plugin_available(&self) -> PathBuf {
        self.plugin_path.join("available")
    }

    /// `$PLUGIN_PATH/enabled`.
    pub fn plugin_enabled(&self) -> PathBuf {
        self.plugin_path.join("enabled")
    }

    /// `$PLUGIN_CORE_PATH/available`.
    pub fn core_available(&self) -> PathBuf {
        self.core_plugin_path.join("available")
    }

    /// `$PLUGIN_CORE_PATH/enabled`.
    pub fn core_enabled(&self) -> PathBuf {
        self.core_plugin_path.join("enabled")
    }

    /// `$PLUGIN_PATH/config.toml`, plugn's per-plugin config.
    pub fn plugn_config(&self) -> PathBuf {
        self.plugin_path.join("config.toml")
    }

    /// `$DOKKU_ROOT/<app>`: the app directory and bare repo.
    pub fn app_root(&self, app: &str) -> PathBuf {
        self.dokku_root.join(app)
    }

    /// `$DOKKU_LIB_ROOT/config/<plugin>/<app>`: a plugin's properties for an app
    /// (`--global` for global ones).
    pub fn property_dir(&self, plugin: &str, app: &str) -> PathBuf {
        self.lib_root.join("config").join(plugin).join(app)
    }

    /// `$DOKKU_LIB_ROOT/data/<plugin>/<app>`.
    pub fn app_data_dir(&self, plugin: &str, app: &str) -> PathBuf {
        self.lib_root.join("data").join(plugin).join(app)
    }

    /// `$DOKKU_LIB_ROOT/data/apps/<app>/.deploy.lock`.
    pub fn deploy_lock(&self, app: &str) -> PathBuf {
        self.app_data_dir("apps", app).join(".deploy.lock")
    }

    /// `$DOKKU_ROOT/<app>/<name>`: a state file in the app directory (`CONTAINER.web.1`,
    /// `VHOST`, ...).
    pub fn app_file(&self, app: &str, name: &str) -> PathBuf {
        self.app_root(app).join(name)
    }

    /// `$DOKKU_ROOT/<app>/CONTAINER.<type>.<index>`: the id of a running container.
    pub fn container_file(&self, app: &str, proc_type: &str, index: u32) -> PathBuf {
        self.app_file(app, &format!("CONTAINER.{proc_type}.{index}"))
    }

    /// `$DOKKU_ROOT/<app>/IP.<type>.<index>`: the container's address.
    pub fn ip_file(&self, app: &str, proc_type: &str, index: u32) -> PathBuf {
        self.app_file(app, &format!("IP.{proc_type}.{index}"))
    }

    /// `$DOKKU_ROOT/<app>/PORT.<type>.<index>`: the container's listening port.
    pub fn port_file(&self, app: &str, proc_type: &str, index: u32) -> PathBuf {
        self.app_file(app, &format!("PORT.{proc_type}.{index}"))
    }

    /// `$DOKKU_ROOT/<app>/hooks/pre-receive`: the hook that runs `dokku git-hook`.
    pub fn pre_receive_hook(&self, app: &str) -> PathBuf {
        self.app_root(app).join("hooks").join("pre-receive")
    }

    /// `$DOKKU_ROOT/.ssh`: the dokku user's ssh directory.
    pub fn ssh_dir(&self) -> PathBuf {
        self.dokku_root.join(".ssh")
    }

    /// `$DOKKU_ROOT/.ssh/authorized_keys`, maintained by `ssh-keys:*`.
    pub fn authorized_keys(&self) -> PathBuf {
        self.ssh_dir().join("authorized_keys")
    }

    /// `$DOKKU_ROOT/.sshcommand`: the command ssh logins run (sshcommand's file).
    pub fn sshcommand_file(&self) -> PathBuf {
        self.dokku_root.join(".sshcommand")
    }

    /// `$DOKKU_LIB_ROOT/data/<plugin>`: a plugin's data directory.
    pub fn plugin_data_dir(&self, plugin: &str) -> PathBuf {
        self.lib_root.join("data").join(plugin)
    }

    /// `$DOKKU_LIB_ROOT/data/scheduler-docker-local/dead-containers`: the retire registry.
    pub fn dead_containers(&self) -> PathBuf {
        self.plugin_data_dir("scheduler-docker-local")
            .join("dead-containers")
    }

    /// `$DOKKU_LIB_ROOT/config/<app>/ENV` (or `config/--global/ENV`): config vars.
    pub fn env_file(&self, app: &str) -> PathBuf {
        self.lib_root.join("config").join(app).join("ENV")
    }

    /// The `dokkurc` file and `.dokkurc` directory under `DOKKU_ROOT`.
    pub fn dokkurc(&self) -> (PathBuf, PathBuf) {
        (
            self.dokku_root.join("dokkurc"),
            self.dokku_root.join(".dokkurc"),
        )
    }

    /// `$DOKKU_LIB_ROOT/STABLE_VERSION` and `$DOKKU_LIB_ROOT/VERSION`, preferred first.
    pub fn version_files(&self) -> [PathBuf; 2] {
        [
            self.lib_root.join("STABLE_VERSION"),
            self.lib_root.join("VERSION"),
        ]
    }

    /// The variables Dokku exports for these paths, in dispatcher order.
    pub fn exports(&self) -> Vec<(&'static str, String)> {
        let s = |p: &Path| p.display().to_string();
        vec![
            (env::DOKKU_ROOT, s(&self.dokku_root)),
            (env::DOKKU_LIB_ROOT, s(&self.lib_root)),
            (env::PLUGIN_PATH, s(&self.plugin_path)),
            (env::PLUGIN_AVAILABLE_PATH, s(&self.plugin_available())),
            (env::PLUGIN_ENABLED_PATH, s(&self.plugin_enabled())),
            (env::PLUGIN_CORE_PATH, s(&self.core_plugin_path)),
            (env::PLUGIN_CORE_AVAILABLE_PATH, s(&self.core_available())),
            (env::PLUGIN_CORE_ENABLED_PATH, s(&self.core_enabled())),
            (env::DOKKU_LOGS_DIR, s(&self.logs_dir)),
        ]
    }
}

/// The home directory of `user` from `/etc/passwd`, else `/home/<user>`.
pub fn home_of(user: &str) -> PathBuf {
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                (fields.len() > 5 && fields[0] == user).then(|| PathBuf::from(fields[5]))
            })
        })
        .unwrap_or_else(|| PathBuf::from("/home").join(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_layout_is_not_the_system_install() {
        assert!(!Layout::under(Path::new("/tmp/dokku-it-x/prefix")).is_system());
    }

    #[test]
    fn lib_root_comes_from_dokku_lib_path() {
        let mut vars = EnvMap::new();
        vars.insert("DOKKU_LIB_PATH".into(), "/x/lib".into());
        vars.insert("DOKKU_LIB_ROOT".into(), "/ignored".into());
        vars.insert("DOKKU_ROOT".into(), "/x/home".into());
        let layout = Layout::from_env(&vars);
        assert_eq!(layout.lib_root, PathBuf::from("/x/lib"));
        assert_eq!(
            layout.plugin_enabled(),
            PathBuf::from("/x/lib/plugins/enabled")
        );
        assert_eq!(
            layout.core_available(),
            PathBuf::from("/x/lib/core-plugins/available")
        );
        assert_eq!(layout.app_root("a"), PathBuf::from("/x/home/a"));
    }

    #[test]
    fn defaults_match_dokku() {
        let layout = Layout::from_env(&EnvMap::new());
        assert_eq!(layout.lib_root, PathBuf::from("/var/lib/dokku"));
        assert!(layout.is_system());
        assert_eq!(layout.logs_dir, PathBuf::from("/var/log/dokku"));
    }
}
