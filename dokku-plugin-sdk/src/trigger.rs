//! What a trigger hook receives: [`TriggerContext`].

use crate::command::CallView;
use crate::services::Host;

/// One trigger invocation: `plugn trigger <name> <args...>`.
pub struct TriggerContext<'a> {
    host: Host<'a>,
    call: CallView<'a>,
    stdin: &'a [u8],
}

impl<'a> TriggerContext<'a> {
    pub(crate) fn new(host: Host<'a>, call: CallView<'a>, stdin: &'a [u8]) -> Self {
        TriggerContext { host, call, stdin }
    }

    /// The host: output, logging, services.
    pub fn host(&self) -> &Host<'a> {
        &self.host
    }

    /// The trigger name (`post-deploy`).
    pub fn name(&self) -> &'a str {
        self.call.name
    }

    /// The trigger arguments, in Dokku's documented order for that trigger.
    pub fn args(&self) -> &[&'a str] {
        &self.call.args
    }

    /// The `i`th trigger argument.
    pub fn arg(&self, i: usize) -> Option<&'a str> {
        self.call.args.get(i).copied()
    }

    /// The trigger's input: what is left of it at this handler's turn, as a legacy
    /// hook here would read it on stdin (`echo data | plugn trigger ...`; one stream for
    /// the whole chain, so a hook before this one that read it leaves less). Reading it
    /// consumes nothing. Empty when nothing was piped.
    pub fn stdin(&self) -> &'a [u8] {
        self.stdin
    }

    /// Stdin as text (lossy for invalid UTF-8).
    pub fn stdin_str(&self) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(self.stdin)
    }

    /// A variable of the call's environment: what a legacy hook would find in its
    /// process environment (Dokku's exports, the operator's `dokkurc` exports, ...),
    /// then the `CONFIG_*` exports of `[plugin.config]`, as plugn exports them.
    pub fn env(&self, key: &str) -> Option<&'a str> {
        self.call.env(key)
    }

    /// The whole per-call environment, in the order the host sent it.
    pub fn env_vars(&self) -> &[(&'a str, &'a str)] {
        &self.call.env
    }
}
