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
        ("plugin", _) => commands::plugin::run(ctx, command, rest),
        ("config", _) => commands::config::run(ctx, command, rest),
        ("docker-options", _) => commands::docker_options::run(ctx, command, rest),
        ("20_events", _) => commands::events::run(ctx, command, rest),
        ("certs", _) => commands::certs::run(ctx, command, rest),
        ("domains", _) => commands::domains::run(ctx, command, rest),
        ("nginx-vhosts", _) => commands::nginx_vhosts::run(ctx, command, rest),
        ("ports", _) => commands::ports::run(ctx, command, rest),
        ("proxy", _) => commands::proxy::run(ctx, command, rest),
        ("enter", _) => commands::enter::run(ctx, command, rest),
        ("network", _) => commands::network::run(ctx, command, rest),
        ("logs", _) => commands::logs::run(ctx, command, rest),
        ("ps", _) => commands::ps::run(ctx, command, rest),
        ("run", _) => commands::run::run(ctx, command, rest),
        ("ssh-keys", _) => commands::ssh_keys::run(ctx, command, rest),
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
        "config" => commands::config::run_trigger(ctx, trigger, args, stdout),
        "docker-options" => commands::docker_options::run_trigger(ctx, trigger, args, stdout),
        "20_events" => commands::events::run_trigger(ctx, trigger, args, stdout),
        "certs" => commands::certs::trigger(ctx, trigger, args, stdout),
        "domains" => commands::domains::trigger(ctx, trigger, args, stdout),
        "nginx-vhosts" => commands::nginx_vhosts::trigger(ctx, trigger, args, stdout),
        "ports" => commands::ports::trigger(ctx, trigger, args, stdout),
        "proxy" => commands::proxy::trigger(ctx, trigger, args, stdout),
        "network" => commands::network::trigger(ctx, trigger, args, stdout),
        "ps" => commands::ps::trigger(ctx, trigger, args, stdout),
        "scheduler-docker-local" => {
            commands::scheduler_docker_local::trigger(ctx, trigger, args, stdout)
        }
        _ => Err(TriggerError::Handler {
            plugin: plugin.name.clone(),
            trigger: trigger.to_string(),
            message: "this dokku binary has no built-in handler for it".into(),
        }),
    }
}
