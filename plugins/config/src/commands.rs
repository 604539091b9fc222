//! The `config:*` commands' dispatch, the `dokku __core config ...` helpers of the bash
//! library, and what the subcommands share (target resolution, errors).

use dokku_core::app;
use dokku_core::config::{ConfigError, ConfigScope};

use crate::host::PluginHost;
use crate::{bundle, clear, export, get, import, keys, set, show, unset};
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_plugin_common::flags::{parse_flags, FlagSpec, Flags};

/// How the command was reached, which decides the app argument `post-config-update`
/// gets for the global scope: `""` from the CLI, `--global` from `config_sub`-style
/// callers (the bash helpers and triggers), as in Dokku.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// `dokku config:*`.
    Cli,
    /// `dokku __core config ...` or a trigger.
    Helper,
}

impl Caller {
    pub(crate) fn global_arg(self) -> &'static str {
        match self {
            Caller::Cli => "",
            Caller::Helper => "--global",
        }
    }
}

/// Runs one `config` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let host = PluginHost::new(ctx);
    let caller = Caller::Cli;
    match command {
        "config" => show::run_bare(&host, args),
        "config:show" => show::run(&host, args),
        "config:get" => get::run(&host, args),
        "config:set" => set::run(&host, args, caller),
        "config:unset" => unset::run(&host, args, caller),
        "config:clear" => clear::run(&host, args, caller),
        "config:export" => export::run(&host, args),
        "config:keys" => keys::run(&host, args),
        "config:bundle" => bundle::run(&host, args),
        "config:import" => import::run(&host, args, caller),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// `dokku __core config <set|unset|get|keys|clear|bundle|export> ARGS`: the bash
/// library's `config_*` helpers. Arguments are those of the matching `config:*`
/// command; empty arguments count as not given.
pub(crate) fn run_core(ctx: &Context, args: &[String]) -> CmdResult {
    let args: Vec<String> = args.iter().filter(|a| !a.is_empty()).cloned().collect();
    let Some((op, rest)) = args.split_first() else {
        return Err(CommandError::fail("missing config helper")
            .hint("dokku __core config <set|unset|get|keys|clear|bundle|export> ARGS"));
    };
    let host = PluginHost::new(ctx);
    let caller = Caller::Helper;
    match op.as_str() {
        "set" => set::run(&host, rest, caller),
        "unset" => unset::run(&host, rest, caller),
        "get" => get::run(&host, rest),
        "keys" => keys::run(&host, rest),
        "clear" => clear::run(&host, rest, caller),
        "bundle" => bundle::run(&host, rest),
        "export" => export::run(&host, rest),
        "import" => import::run(&host, rest, caller),
        other => Err(
            CommandError::fail(format!("unknown config helper '{other}'"))
                .hint("config helpers: set unset get keys clear bundle export import"),
        ),
    }
}

/// Parses `args` (pflag style, flags anywhere) with `--global` always accepted, and
/// resolves the target: `--global`, or the first positional argument as an existing
/// app (`App <app> does not exist`, exit 20). Returns the scope, the remaining
/// positional arguments and the flags.
pub(crate) fn target(
    host: &PluginHost<'_>,
    args: &[String],
    bools: &[&str],
    values: &[&str],
) -> Result<(ConfigScope, Vec<String>, Flags), CommandError> {
    let mut all_bools = vec!["global"];
    all_bools.extend_from_slice(bools);
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools: &all_bools,
            values,
            interspersed: true,
        },
    )?;
    resolve(host.ctx(), flags)
}

fn resolve(
    ctx: &Context,
    mut flags: Flags,
) -> Result<(ConfigScope, Vec<String>, Flags), CommandError> {
    let positional = std::mem::take(&mut flags.positional);
    if flags.has("global") {
        return Ok((ConfigScope::Global, positional, flags));
    }
    let mut rest = positional.into_iter();
    let name = rest.next().unwrap_or_default();
    let app = app::verify(&ctx.layout.dokku_root, &name)?;
    Ok((ConfigScope::app(app.as_str()), rest.collect(), flags))
}

/// A config error as the command's error (` !     <message>`, exit 1).
pub(crate) fn fail(err: ConfigError) -> CommandError {
    let hint = match &err {
        ConfigError::RestartFailed { .. } => Some(
            "the new config is saved and the previous release keeps serving; fix the app, then run `dokku ps:restart APP`",
        ),
        _ => None,
    };
    let cli = CommandError::fail(err.to_string());
    match hint {
        Some(hint) => cli.hint(hint),
        None => cli,
    }
}

/// Go's `%v` of a string slice: `[a b c]`.
pub(crate) fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}
