//! The config plugin's view of the host: log lines as a plugin prints them (stdout
//! lines into the trigger's stdout when a trigger's output is being captured), and
//! triggers fired over the enabled plugins.
//!
//! The host's own [`ConfigHost`] impl on [`Context`] prints straight to our stdout; a
//! config trigger (`config-set` under `$(plugn trigger ...)`) must write its log lines
//! into the stdout the bus gave it instead, as a Go trigger's would.

use std::cell::RefCell;
use std::io::Write;
use std::path::Path;

use dokku_core::config::ops::ConfigHost;
use dokku_core::log::{self, Level, Stream};
use dokku_core::trigger::StdoutMode;

use dokku_host::output;
use dokku_host::Context;

/// The host of the config operations: the dispatcher's context and where stdout goes.
pub(crate) struct PluginHost<'a> {
    ctx: &'a Context,
    out: RefCell<Option<&'a mut dyn Write>>,
}

impl<'a> PluginHost<'a> {
    /// A host printing to our stdout and stderr.
    pub(crate) fn new(ctx: &'a Context) -> PluginHost<'a> {
        PluginHost {
            ctx,
            out: RefCell::new(None),
        }
    }

    /// A host whose stdout lines go to `out` (a trigger handler's stdout).
    pub(crate) fn with_stdout(ctx: &'a Context, out: &'a mut dyn Write) -> PluginHost<'a> {
        PluginHost {
            ctx,
            out: RefCell::new(Some(out)),
        }
    }

    /// Writes command data to this host's stdout.
    pub(crate) fn write_stdout(&self, bytes: &[u8]) {
        match self.out.borrow_mut().as_mut() {
            Some(out) => {
                let _ = out.write_all(bytes);
            }
            None => {
                let _ = std::io::stdout().lock().write_all(bytes);
            }
        }
    }

    /// The dispatcher's context.
    pub(crate) fn ctx(&self) -> &Context {
        self.ctx
    }
}

impl ConfigHost for PluginHost<'_> {
    fn lib_root(&self) -> &Path {
        &self.ctx.layout.lib_root
    }

    fn log(&self, level: Level, msg: &str) {
        if let Some((stream, line)) =
            log::render(level, msg, self.ctx.plugin_quiet(), self.ctx.trace)
        {
            match stream {
                Stream::Stdout => self.write_stdout(line.as_bytes()),
                Stream::Stderr => output::write(Stream::Stderr, &line),
            }
        }
    }

    fn fire(&self, trigger: &str, args: &[String]) -> Result<i32, String> {
        self.ctx
            .fire(trigger, args, StdoutMode::Inherit)
            .map(|outcome| outcome.status)
            .map_err(|e| e.to_string())
    }
}
