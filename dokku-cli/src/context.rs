//! Start-up: the environment Dokku's dispatcher builds before running anything.
//!
//! Order, as in Dokku: `DOCKER_BIN=docker`; `/etc/default/dokku`; `DOKKU_ROOT`;
//! `dokkurc` and `.dokkurc/*`; then the exported variables, some forced and some
//! defaulted (`:=`, an existing value wins). Children get exactly [`Context::env`].

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dokku_core::env::{self, fixed};
use dokku_core::log::{self, Level, Stream};
use dokku_core::paths::{home_of, Layout};
use dokku_core::plugin::{self, Discovery};
use dokku_core::settings::{self, EnvMap, SettingsError};
use dokku_core::trigger::{PlugnConfig, StdoutMode, TriggerBus, TriggerOutcome};

use crate::exit::CliError;
use crate::output;

/// Everything a command needs: the environment, the layout, output rules, plugins.
pub(crate) struct Context {
    /// The environment children run with.
    pub(crate) env: EnvMap,
    pub(crate) layout: Layout,
    /// The dispatcher's own quiet mode (also true without a tty).
    pub(crate) quiet: bool,
    pub(crate) trace: bool,
    /// Path of this binary, for re-running ourselves.
    pub(crate) exe: PathBuf,
    discovery: OnceLock<Discovery>,
    plugn_config: OnceLock<PlugnConfig>,
}

impl Context {
    /// Builds the context from our process environment and the settings files.
    pub(crate) fn from_process() -> Result<Context, CliError> {
        let mut vars: EnvMap = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        vars.insert(env::DOCKER_BIN.into(), "docker".into());
        let defaults = Path::new(settings::SYSTEM_DEFAULTS_FILE);
        if defaults.exists() {
            settings::apply_file(defaults, &mut vars).map_err(settings_error)?;
        }
        if vars.get(env::DOKKU_ROOT).is_none_or(|v| v.is_empty()) {
            let user = vars
                .get(env::DOKKU_SYSTEM_USER)
                .cloned()
                .unwrap_or_else(|| "dokku".into());
            vars.insert(env::DOKKU_ROOT.into(), home_of(&user).display().to_string());
        }
        let dokku_root = PathBuf::from(&vars[env::DOKKU_ROOT]);
        for file in settings::dokkurc_files(&dokku_root) {
            settings::apply_file(&file, &mut vars).map_err(settings_error)?;
        }
        Ok(Context::with_env(vars))
    }

    /// Applies Dokku's exports to an environment that already went through the
    /// settings files.
    pub(crate) fn with_env(mut vars: EnvMap) -> Context {
        let layout = Layout::from_env(&vars);
        let set = |vars: &mut EnvMap, k: &str, v: String| {
            vars.insert(k.to_string(), v);
        };
        let default = |vars: &mut EnvMap, k: &str, v: String| {
            if vars.get(k).is_none_or(|x| x.is_empty()) {
                vars.insert(k.to_string(), v);
            }
        };
        for (k, v) in layout.exports() {
            set(&mut vars, k, v);
        }
        let root = layout.dokku_root.display().to_string();
        default(&mut vars, env::DOKKU_HOST_ROOT, root);
        default(&mut vars, env::DOKKU_DISTRO, os_release_id());
        default(&mut vars, env::DOKKU_IMAGE, fixed::HEROKUISH_IMAGE.into());
        default(&mut vars, env::DOKKU_CNB_BUILDER, fixed::CNB_BUILDER.into());
        default(&mut vars, env::DOKKU_SYSTEM_GROUP, "dokku".into());
        default(&mut vars, env::DOKKU_SYSTEM_USER, "dokku".into());
        set(&mut vars, env::DOKKU_API_VERSION, fixed::API_VERSION.into());
        set(
            &mut vars,
            env::DOKKU_NOT_IMPLEMENTED_EXIT,
            fixed::NOT_IMPLEMENTED_EXIT.to_string(),
        );
        set(
            &mut vars,
            env::DOKKU_VALID_EXIT,
            fixed::VALID_EXIT.to_string(),
        );
        default(&mut vars, env::DOKKU_PID, std::process::id().to_string());
        let logs = layout.logs_dir.display().to_string();
        default(&mut vars, env::DOKKU_LOGS_HOST_DIR, logs.clone());
        default(
            &mut vars,
            env::DOKKU_EVENTS_LOGFILE,
            format!("{logs}/events.log"),
        );
        set(
            &mut vars,
            env::DOKKU_CONTAINER_LABEL,
            fixed::CONTAINER_LABEL.into(),
        );
        set(
            &mut vars,
            env::DOKKU_GLOBAL_BUILD_ARGS,
            fixed::GLOBAL_DOCKER_ARGS.into(),
        );
        set(
            &mut vars,
            env::DOKKU_GLOBAL_RUN_ARGS,
            fixed::GLOBAL_DOCKER_ARGS.into(),
        );
        let trace = vars.get(env::DOKKU_TRACE).is_some_and(|v| !v.is_empty());
        let quiet = vars
            .get(env::DOKKU_QUIET_OUTPUT)
            .is_some_and(|v| !v.is_empty());
        let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("dokku"));
        Context {
            env: vars,
            layout,
            quiet,
            trace,
            exe,
            discovery: OnceLock::new(),
            plugn_config: OnceLock::new(),
        }
    }

    /// The value of an environment variable, empty counting as unset.
    pub(crate) fn var(&self, key: &str) -> Option<&str> {
        self.env
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Sets a variable for us and every child.
    pub(crate) fn export(&mut self, key: &str, value: impl Into<String>) {
        self.env.insert(key.to_string(), value.into());
    }

    /// The enabled plugins, scanned once per run. Problems (malformed manifests) are
    /// warned about once, here.
    pub(crate) fn plugins(&self) -> &Discovery {
        self.discovery.get_or_init(|| {
            let found = plugin::discover(&self.layout);
            for problem in &found.problems {
                output::log(self, Level::Warn, &format!("skipping plugin: {problem}"));
            }
            found
        })
    }

    /// `$PLUGIN_PATH/config.toml`, read once per run (a deploy fires dozens of
    /// triggers).
    pub(crate) fn plugn_config(&self) -> &PlugnConfig {
        self.plugn_config
            .get_or_init(|| PlugnConfig::load(&self.layout.plugn_config()))
    }

    /// Forgets the plugin scan (after enabling or installing plugins).
    pub(crate) fn rescan(&mut self) {
        self.discovery = OnceLock::new();
        self.plugn_config = OnceLock::new();
    }

    /// Writes a Dokku log line, honouring quiet and trace.
    pub(crate) fn log(&self, level: Level, msg: &str) {
        output::log(self, level, msg);
    }

    /// Writes a trace line (`+ ...` on stderr) when tracing.
    pub(crate) fn trace(&self, line: &str) {
        if self.trace {
            output::write(Stream::Stderr, &format!("+ {line}\n"));
        }
    }

    /// Fires a trigger over the enabled plugins.
    pub(crate) fn fire(
        &self,
        trigger: &str,
        args: &[String],
        mode: StdoutMode,
    ) -> Result<TriggerOutcome, CliError> {
        let plugins = &self.plugins().plugins;
        let config = self.plugn_config().clone();
        let native = crate::plugin_host::NativeHost::new(self);
        let trace = |line: &str| self.trace(line);
        let mut bus = TriggerBus::new(plugins, &self.env, config).with_native(&native);
        if self.trace {
            bus = bus.with_trace(&trace);
        }
        bus.fire(trigger, args, mode).map_err(|e| {
            let err = CliError::fail(e.to_string());
            match e.hint() {
                Some(hint) => err.hint(hint),
                None => err,
            }
        })
    }

    /// Whether some enabled plugin (other than `exclude`) handles `trigger`.
    pub(crate) fn trigger_exists(&self, trigger: &str, exclude: &[&str]) -> bool {
        let config = PlugnConfig::default();
        TriggerBus::new(&self.plugins().plugins, &self.env, config).exists(trigger, exclude)
    }
}

fn settings_error(err: SettingsError) -> CliError {
    CliError::fail(err.to_string())
}

fn os_release_id() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|l| {
                l.strip_prefix("ID=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_default()
}

/// Renders a log line for `level` (used by the printer and `__core log`).
pub(crate) fn render(ctx: &Context, level: Level, msg: &str) -> Option<(Stream, String)> {
    log::render(level, msg, ctx.quiet, ctx.trace)
}
