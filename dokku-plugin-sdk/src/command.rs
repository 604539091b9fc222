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
/// which arrives in [`CommandContext::env`]. [`CommandContext::app_args`] applies Dokku's
/// documented idiom (prepend `DOKKU_APP_NAME` when set).
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

    /// The `i`th argument after the command name.
    pub fn arg(&self, i: usize) -> Option<&'a str> {
        self.call.args.get(i).copied()
    }

    /// The arguments with `DOKKU_APP_NAME` (from `--app`) prepended when it is set.
    pub fn app_args(&self) -> Vec<&'a str> {
        self.call.app_args()
    }

    /// The app this command is about: `DOKKU_APP_NAME` if set (from `--app`), else the first
    /// argument.
    pub fn app(&self) -> Option<&'a str> {
        self.app_args().first().copied()
    }

    /// A variable of the per-call environment the host passed (`DOKKU_APP_NAME`,
    /// `CONFIG_*`, ...). The process environment is not consulted.
    pub fn env(&self, key: &str) -> Option<&'a str> {
        self.call.env(key)
    }

    /// The whole per-call environment, in the order the host sent it.
    pub fn env_vars(&self) -> &[(&'a str, &'a str)] {
        &self.call.env
    }
}
