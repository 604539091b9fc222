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

use std::io::{IsTerminal, Write};

use dokku_core::plugin::Plugin;
use dokku_core::trigger::{NativeTriggers, TriggerError};

use crate::command_error::CommandError;
use crate::output;

/// Runs the handlers of plugins that are not executables: core plugins linked into the
/// binary and native plugin libraries. The `dokku` binary supplies one (its plugin
/// registry); an embedder without compiled plugins supplies none, and only executable
/// hooks run.
pub trait NativeHandlers: Sync {
    /// Runs `plugin`'s handler for `trigger` with `ctx` as its host and `stdin` as its
    /// input (what is left of the trigger's input at its turn, as the bus defines it:
    /// [`dokku_core::trigger::TriggerBus::with_input`]), writing its stdout to `stdout`;
    /// returns the handler's exit status.
    fn trigger(
        &self,
        ctx: &Context,
        plugin: &Plugin,
        trigger: &str,
        args: &[String],
        stdin: &[u8],
        stdout: &mut (dyn Write + Send),
    ) -> Result<i32, TriggerError>;
}

/// Everything a command needs: the environment, the layout, output rules, plugins.
///
/// This is the one host object: the dispatcher runs with it, core plugins reach it
/// through [`dokku_plugin_sdk::Host::linked`], native plugin libraries through the
/// named services of [`crate::services::ServiceHost`], and the deploy pipeline and the
/// config operations through the traits it implements ([`dokku_core::deploy::Host`],
/// [`dokku_core::config::ops::ConfigHost`]).
pub struct Context {
    /// The environment children run with.
    pub env: EnvMap,
    /// Where everything lives (`DOKKU_ROOT`, `DOKKU_LIB_ROOT`, plugin paths).
    pub layout: Layout,
    /// The dispatcher's own quiet mode (also true without a tty).
    pub quiet: bool,
    /// `--trace` / `DOKKU_TRACE`: trace lines and debug logs are shown.
    pub trace: bool,
    /// Path of this binary, for re-running ourselves.
    pub exe: PathBuf,
    discovery: OnceLock<Discovery>,
    plugn_config: OnceLock<PlugnConfig>,
    docker: OnceLock<dokku_core::docker::Docker>,
    handlers: Option<&'static dyn NativeHandlers>,
    /// Which quiet rule [`dokku_core::deploy::Host::log`] applies.
    pub(crate) log_rule: LogRule,
}

/// Whose quiet rule a context's pipeline log lines follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogRule {
    /// The dispatcher's ([`Context::quiet`], also set without a tty).
    Dispatcher,
    /// A plugin's ([`Context::plugin_quiet`]).
    Plugin,
}

impl Context {
    /// Builds the context from our process environment and the settings files.
    pub fn from_process() -> Result<Context, CommandError> {
        let vars: EnvMap = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        Context::from_vars(vars)
    }

    /// Builds the context as [`Context::from_process`] does, starting from `vars`
    /// instead of our process environment: `DOCKER_BIN`, `/etc/default/dokku`,
    /// `DOKKU_ROOT`, the `dokkurc` files, then Dokku's exports. An embedder passes the
    /// environment a shell would have after `source DIR/env` of a prefix install.
    pub fn from_vars(mut vars: EnvMap) -> Result<Context, CommandError> {
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
    pub fn with_env(mut vars: EnvMap) -> Context {
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
            docker: OnceLock::new(),
            handlers: None,
            log_rule: LogRule::Dispatcher,
        }
    }

    /// Who runs the handlers of linked and library plugins (see
    /// [`Context::with_handlers`]), for a context built from this one.
    pub fn handlers(&self) -> Option<&'static dyn NativeHandlers> {
        self.handlers
    }

    /// Who runs the handlers of linked and library plugins when a trigger fires.
    pub fn with_handlers(mut self, handlers: &'static dyn NativeHandlers) -> Context {
        self.handlers = Some(handlers);
        self
    }

    /// This context with the pipeline's log lines following a plugin's quiet rule (as
    /// Dokku's Go plugins print them), for commands that run pipeline code themselves.
    pub fn as_plugin(&self) -> Context {
        let mut ctx = self.clone();
        ctx.log_rule = LogRule::Plugin;
        ctx
    }

    /// Docker through `$DOCKER_BIN`, with this context's environment.
    pub fn docker(&self) -> &dokku_core::docker::Docker {
        self.docker.get_or_init(|| {
            let bin = self.var(env::DOCKER_BIN).unwrap_or("docker").to_string();
            dokku_core::docker::Docker::cli(&bin, self.env.clone())
        })
    }

    /// The value of an environment variable, empty counting as unset.
    pub fn var(&self, key: &str) -> Option<&str> {
        self.env
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Sets a variable for us and every child.
    pub fn export(&mut self, key: &str, value: impl Into<String>) {
        self.env.insert(key.to_string(), value.into());
        self.docker = OnceLock::new();
    }

    /// Whether a plugin running now sees quiet mode. Dokku's dispatcher drops its own
    /// `_quiet` lines when there is no tty, but plugins only see `DOKKU_QUIET_OUTPUT`
    /// when `--quiet` exported it; core plugins print what Dokku's plugin executables
    /// print, so they follow the exported variable.
    pub fn plugin_quiet(&self) -> bool {
        self.var(env::DOKKU_QUIET_OUTPUT).is_some()
    }

    /// Writes one Dokku log line as a plugin would (see [`Context::plugin_quiet`]).
    pub fn log_as_plugin(&self, level: Level, msg: &str) {
        if let Some((stream, line)) = log::render(level, msg, self.plugin_quiet(), self.trace) {
            output::write(stream, &line);
        }
    }

    /// Whether the command runs with a terminal (`DOKKU_FORCE_TTY` / `DOKKU_DISABLE_TTY`
    /// override what stdin says).
    pub fn has_tty(&self) -> bool {
        if self.var(env::DOKKU_FORCE_TTY) == Some("true") {
            return true;
        }
        if self.var(env::DOKKU_DISABLE_TTY) == Some("true") {
            return false;
        }
        std::io::stdin().is_terminal()
    }

    /// What `dokku version` prints: `dokku version <Dokku contract> (dokku-rs <ours>)`.
    /// The third word is the Dokku release whose contract we follow, so
    /// `dokku version | awk '{print $3}'` compares like Dokku's.
    pub fn version_line(&self) -> Option<String> {
        self.installed_version().map(|ours| {
            format!(
                "dokku version {} (dokku-rs {ours})",
                env::fixed::DOKKU_CONTRACT_VERSION
            )
        })
    }

    /// The installed version: `STABLE_VERSION`, else `VERSION`, under `DOKKU_LIB_ROOT`.
    pub fn installed_version(&self) -> Option<String> {
        self.layout
            .version_files()
            .iter()
            .find_map(|f| std::fs::read_to_string(f).ok())
            .map(|v| v.trim_end_matches('\n').to_string())
    }

    /// The enabled plugins, scanned once per run. Problems (malformed manifests) are
    /// warned about once, here.
    pub fn plugins(&self) -> &Discovery {
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
    pub fn plugn_config(&self) -> &PlugnConfig {
        self.plugn_config
            .get_or_init(|| PlugnConfig::load(&self.layout.plugn_config()))
    }

    /// Forgets the plugin scan (after enabling or installing plugins).
    pub fn rescan(&mut self) {
        self.discovery = OnceLock::new();
        self.plugn_config = OnceLock::new();
    }

    /// Writes a Dokku log line, honouring quiet and trace.
    pub fn log(&self, level: Level, msg: &str) {
        output::log(self, level, msg);
    }

    /// Writes a trace line (`+ ...` on stderr) when tracing.
    pub fn trace(&self, line: &str) {
        if self.trace {
            output::write(Stream::Stderr, &format!("+ {line}\n"));
        }
    }

    /// Fires a trigger over the enabled plugins; the handlers read our own stdin, as
    /// `plugn trigger` run by a bash plugin does.
    pub fn fire(
        &self,
        trigger: &str,
        args: &[String],
        mode: StdoutMode,
    ) -> Result<TriggerOutcome, CommandError> {
        self.fire_over(&self.plugins().plugins, trigger, args, mode, None)
    }

    /// Fires a trigger at one enabled plugin only, as the bus would reach it
    /// (`plugin:update` rebuilding a native plugin through its `install` trigger).
    /// Nothing runs when no enabled plugin has that name.
    pub fn fire_at(
        &self,
        plugin: &str,
        trigger: &str,
        args: &[String],
        mode: StdoutMode,
    ) -> Result<TriggerOutcome, CommandError> {
        let one: Vec<Plugin> = self.plugins().get(plugin).into_iter().cloned().collect();
        self.fire_over(&one, trigger, args, mode, None)
    }

    /// Fires a trigger with `input` on the handlers' stdin, like `echo INPUT | plugn
    /// trigger ...` (Go's `PlugnTriggerInput.Stdin`): one stream for the whole chain
    /// (see [`dokku_core::trigger::TriggerBus::with_input`]).
    pub fn fire_with_input(
        &self,
        trigger: &str,
        args: &[String],
        mode: StdoutMode,
        input: &[u8],
    ) -> Result<TriggerOutcome, CommandError> {
        self.fire_over(&self.plugins().plugins, trigger, args, mode, Some(input))
    }

    fn fire_over(
        &self,
        plugins: &[Plugin],
        trigger: &str,
        args: &[String],
        mode: StdoutMode,
        input: Option<&[u8]>,
    ) -> Result<TriggerOutcome, CommandError> {
        let config = self.plugn_config().clone();
        let bound = self.handlers.map(|handlers| Bound {
            handlers,
            ctx: self,
        });
        let trace = |line: &str| self.trace(line);
        let mut bus = TriggerBus::new(plugins, &self.env, config);
        if let Some(bound) = &bound {
            bus = bus.with_native(bound);
        }
        if self.trace {
            bus = bus.with_trace(&trace);
        }
        if let Some(input) = input {
            bus = bus.with_input(input);
        }
        bus.fire(trigger, args, mode).map_err(|e| {
            let err = CommandError::fail(e.to_string());
            match e.hint() {
                Some(hint) => err.hint(hint),
                None => err,
            }
        })
    }

    /// Whether some enabled plugin (other than `exclude`) handles `trigger`.
    pub fn trigger_exists(&self, trigger: &str, exclude: &[&str]) -> bool {
        let config = PlugnConfig::default();
        TriggerBus::new(&self.plugins().plugins, &self.env, config).exists(trigger, exclude)
    }
}

impl Clone for Context {
    fn clone(&self) -> Context {
        Context {
            env: self.env.clone(),
            layout: self.layout.clone(),
            quiet: self.quiet,
            trace: self.trace,
            exe: self.exe.clone(),
            discovery: self.discovery.clone(),
            plugn_config: self.plugn_config.clone(),
            docker: OnceLock::new(),
            handlers: self.handlers,
            log_rule: self.log_rule,
        }
    }
}

/// [`NativeHandlers`] bound to the context firing the trigger, as the bus wants them.
struct Bound<'a> {
    handlers: &'static dyn NativeHandlers,
    ctx: &'a Context,
}

impl NativeTriggers for Bound<'_> {
    fn run(
        &self,
        plugin: &Plugin,
        trigger: &str,
        args: &[String],
        stdin: &[u8],
        stdout: &mut (dyn Write + Send),
    ) -> Result<i32, TriggerError> {
        self.handlers
            .trigger(self.ctx, plugin, trigger, args, stdin, stdout)
    }
}

fn settings_error(err: SettingsError) -> CommandError {
    CommandError::fail(err.to_string())
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

/// Renders a log line for `level` with the dispatcher's quiet rule (used by the printer
/// and `__core log`).
pub fn render(ctx: &Context, level: Level, msg: &str) -> Option<(Stream, String)> {
    log::render(level, msg, ctx.quiet, ctx.trace)
}
