//! What a command hook receives: [`CommandContext`].

use crate::abi::Call;
use crate::services::Host;

/// Name of the variable that carries `--app` for community plugins.
pub const DOKKU_APP_NAME: &str = "DOKKU_APP_NAME";

/// Shared view of one call (name, arguments, per-call environment).
pub(crate) struct CallView<'a> {
    pub(crate) name: &'a str,
    pub(crate) args: Vec<&'a str>,
    pub(crate) env: Vec<(&'a str, &'a str)>,
}

impl<'a> CallView<'a> {
    pub(crate) fn new(call: &Call<'a>) -> Self {
        CallView {
            name: call.name.as_str(),
            args: call.args.iter().map(|a| a.as_str()).collect(),
            env: call
                .env
                .iter()
                .map(|pair| (pair.0.as_str(), pair.1.as_str()))
                .collect(),
        }
    }

    pub(crate) fn env(&self, key: &str) -> Option<&'a str> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    pub(crate) fn app_args(&self) -> Vec<&'a str> {
        match self.env(DOKKU_APP_NAME).filter(|app| !app.is_empty()) {
            Some(app) => std::iter::once(app)
                .chain(self.args.iter().copied())
                .collect(),
            None => self.args.clone(),
        }
    }
}

/// One command invocation: `dokku <name> <args...>`.
///
/// `args` are the words *after* the command name. With `dokku --app myapp hello`, Dokku
/// does not rewrite a community plugin's arguments; it exports `DOKKU_APP_NAME` instead,
/// which arrives in [`CommandContext::env`]. Read the app and the words after it with
/// [`CommandContext::app_and_rest`], which applies Dokku's documented idiom (prepend
/// `DOKKU_APP_NAME` when set), so both forms of a command read the same:
///
/// ```
/// # use dokku_plugin_sdk::prelude::*;
/// # fn greet(ctx: &CommandContext<'_>) -> Result<i32, PluginError> {
/// // `dokku hello:greet myapp Hi` and `dokku --app myapp hello:greet Hi`
/// let (app, rest) = ctx.app_and_rest();
/// let app = app.ok_or("Please specify an app to run the command on")?;
/// let greeting = rest.first().copied().unwrap_or("Hello");
/// # let _ = (app, greeting); Ok(0) }
/// ```
pub struct CommandContext<'a> {
    host: Host<'a>,
    call: CallView<'a>,
}

impl<'a> CommandContext<'a> {
    pub(crate) fn new(host: Host<'a>, call: CallView<'a>) -> Self {
        CommandContext { host, call }
    }

    /// The host: output, logging, services.
    pub fn host(&self) -> &Host<'a> {
        &self.host
    }

    /// The command name as typed after alias resolution (`hello`, `hello:world`).
    pub fn name(&self) -> &'a str {
        self.call.name
    }

    /// The arguments after the command name.
    pub fn args(&self) -> &[&'a str] {
        &self.call.args
    }

    /// The `i`th argument after the command name, as typed: under `--app` the app is
    /// not among them (see [`CommandContext::app_and_rest`]).
    pub fn arg(&self, i: usize) -> Option<&'a str> {
        self.call.args.get(i).copied()
    }

    /// The arguments with `DOKKU_APP_NAME` (from `--app`) prepended when it is set.
    pub fn app_args(&self) -> Vec<&'a str> {
        self.call.app_args()
    }

    /// The app this command is about and the arguments after it, with Dokku's `--app`
    /// idiom applied: `DOKKU_APP_NAME` and every argument when it is set (`dokku --app
    /// myapp cmd x` gives `(Some("myapp"), ["x"])`), else the first argument and the
    /// rest (`dokku cmd myapp x` gives the same). `None` when there is no app at all.
    pub fn app_and_rest(&self) -> (Option<&'a str>, &[&'a str]) {
        match self.call.env(DOKKU_APP_NAME).filter(|app| !app.is_empty()) {
            Some(app) => (Some(app), &self.call.args),
            None => match self.call.args.split_first() {
                Some((app, rest)) => (Some(*app), rest),
                None => (None, &[]),
            },
        }
    }

    /// The app this command is about: `DOKKU_APP_NAME` if set (from `--app`), else the first
    /// argument (the first half of [`CommandContext::app_and_rest`]).
    pub fn app(&self) -> Option<&'a str> {
        self.app_and_rest().0
    }

    /// A variable of the call's environment: what a legacy plugin would find in its
    /// process environment (Dokku's exports such as `DOKKU_ROOT`, `DOKKU_LIB_ROOT`,
    /// `PLUGIN_PATH`, `DOCKER_BIN`, `DOKKU_TRACE`, the operator's `dokkurc` exports, and
    /// `DOKKU_APP_NAME` under `--app`). The plugin's own process environment is not
    /// consulted: it is the `dokku` process's, before Dokku's exports.
    pub fn env(&self, key: &str) -> Option<&'a str> {
        self.call.env(key)
    }

    /// The whole per-call environment, in the order the host sent it.
    pub fn env_vars(&self) -> &[(&'a str, &'a str)] {
        &self.call.env
    }
}
