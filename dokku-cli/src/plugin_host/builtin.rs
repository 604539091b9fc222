//! Native plugins compiled into the `dokku` binary (`[plugin.native] builtin = true`).
//!
//! Their manifests live in the installed plugin directory like any other plugin's, so
//! routing and help are the same for compiled-in, library and legacy plugins; only the
//! call lands here instead of in an executable.

use std::io::Write;

use dokku_core::plugin::Plugin;
use dokku_core::trigger::TriggerError;

use dokku_host::services::ServiceHost;

use crate::commands;
use crate::help;
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;

/// Runs a compiled-in command.
pub(crate) fn run_command(ctx: &mut Context, plugin: &Plugin, args: &[String]) -> CmdResult {
    let command = args[0].as_str();
    if super::is_help(plugin, command) || command == plugin.name && !has_own(plugin, command) {
        return help::plugin_help(ctx, plugin);
    }
    let rest = &args[1..];
    if let Some(core) = super::registry::find(&plugin.name) {
        let host = ServiceHost::command(ctx);
        let env: [(&str, &str); 0] = [];
        return core
            .plugin
            .command(&host, &*ctx, command, rest, &env)
            .map_err(|e| CommandError::with_code(e.message().to_string(), e.exit_code()));
    }
    match (plugin.name.as_str(), command) {
        ("00_dokku-standard", _) => commands::standard::run(ctx, command, rest),
        ("apps", _) => commands::apps::run(ctx, command, rest),
        ("builder", _) => commands::builder::run(ctx, command, rest),
        ("builder-dockerfile", _) => commands::builder::run_dockerfile(ctx, command, rest),
        ("checks", _) => commands::checks::run(ctx, command, rest),
        ("resource", _) => commands::resource::run(ctx, command, rest),
        ("git", _) => commands::git::run(ctx, command, rest),
        ("storage", _) => commands::storage::run(ctx, command, rest),
        _ => Err(CommandError::fail(format!(
            "plugin {} declares {command} as built in, but this dokku binary does not provide it",
            plugin.name
        ))
        .hint("reinstall dokku so the installed core plugins match the binary")),
    }
}

fn has_own(plugin: &Plugin, command: &str) -> bool {
    plugin
        .manifest
        .as_ref()
        .is_some_and(|m| m.command.iter().any(|c| c.name == command))
        && plugin.name != "plugin"
}

/// Runs a compiled-in trigger handler.
pub(crate) fn run_trigger(
    ctx: &Context,
    plugin: &Plugin,
    trigger: &str,
    args: &[String],
    stdout: &mut (dyn Write + Send),
) -> Result<i32, TriggerError> {
    if let Some(core) = super::registry::find(&plugin.name) {
        let host = ServiceHost::trigger(ctx, stdout);
        let env: [(&str, &str); 0] = [];
        return core
            .plugin
            .trigger(&host, ctx, trigger, args, &env, &[])
            .or_else(|e| {
                Ok(
                    CommandError::with_code(e.message().to_string(), e.exit_code())
                        .report()
                        .max(1),
                )
            });
    }
    match plugin.name.as_str() {
        "00_dokku-standard" => commands::standard::trigger(ctx, trigger, args, stdout),
        "app-json" => commands::app_json::trigger(ctx, trigger, args, stdout),
        "apps" => commands::apps::trigger(ctx, trigger, args, stdout),
        "builder" => commands::builder::builder_trigger(ctx, trigger, args, stdout),
        "checks" => commands::checks::trigger(ctx, trigger, args, stdout),
        "builder-dockerfile" => commands::builder::dockerfile_trigger(ctx, trigger, args, stdout),
        "builder-herokuish" => {
            commands::builder::buildpack_trigger(ctx, "herokuish", trigger, args)
        }
        "builder-pack" => commands::builder::buildpack_trigger(ctx, "pack", trigger, args),
        "git" => commands::git::trigger(ctx, trigger, args, stdout),
        "resource" => commands::resource::trigger(ctx, trigger, args, stdout),
        _ => Err(TriggerError::Handler {
            plugin: plugin.name.clone(),
            trigger: trigger.to_string(),
            message: "this dokku binary has no built-in handler for it".into(),
        }),
    }
}
