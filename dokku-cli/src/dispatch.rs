//! The dispatcher: Dokku's `dokku` script, step for step.
//!
//! 1. an ssh forced command is re-split into arguments (never through a shell);
//! 2. global flags are read anywhere and stripped when leading;
//! 3. the user is switched to `dokku` and root-only commands are checked;
//! 4. `user-auth` may refuse the command;
//! 5. `help` / `version`, else the command is resolved: aliases, the plugin's
//!    `subcommands/default`, `subcommands/<cmd>`, `subcommands/<suffix>` (or its native
//!    command), then every enabled plugin's `commands` in name order, exit 10 meaning
//!    "not mine".

use std::io::IsTerminal;

use dokku_core::env;
use dokku_core::log::Level;
use dokku_core::plugin::resolve;
use dokku_core::trigger::StdoutMode;

use crate::{commands, flags, help, identity, plugin_host, ssh_command};
use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;

/// Runs `dokku ARGS...` and returns the exit code.
pub(crate) fn main(args: Vec<String>) -> i32 {
    let mut ctx = match dokku_platform::context_from_process() {
        Ok(ctx) => ctx,
        Err(err) => return report(None, err),
    };
    match run(&mut ctx, args) {
        Ok(code) => code,
        Err(err) => report(Some(&ctx), err),
    }
}

/// Prints a command's error once (` !     msg`, then `hint:`) and returns its code.
pub(crate) fn report(ctx: Option<&Context>, err: CommandError) -> i32 {
    if let Some(message) = &err.message {
        let mut text = String::new();
        for line in message.lines() {
            text.push_str(&format!(" !     {line}\n"));
        }
        if let Some(hint) = &err.hint {
            text.push_str(&format!("       hint: {hint}\n"));
        }
        dokku_host::output::write(dokku_core::log::Stream::Stderr, &text);
    }
    let _ = ctx;
    err.code
}

fn run(ctx: &mut Context, args: Vec<String>) -> CmdResult {
    let from_ssh = ctx.var(env::SSH_ORIGINAL_COMMAND).is_some();
    let args = match ctx.var(env::SSH_ORIGINAL_COMMAND).map(str::to_string) {
        Some(original) => {
            // Hooks and nested `dokku` calls must not look like ssh calls.
            ctx.env.remove(env::SSH_ORIGINAL_COMMAND);
            resplit_ssh_command(&args, &original)?
        }
        None => args,
    };
    let flags = flags::parse(&args);
    apply_flags(ctx, &flags);
    let args = flags::strip_leading(&args);
    let command = args.first().cloned().unwrap_or_default();
    check_command(&command, from_ssh)?;

    if command == "__core" {
        return commands::core_helper::run(ctx, &args[1..]);
    }
    if !has_tty(ctx) {
        // Plain assignment in Dokku: only the dispatcher's own lines go quiet.
        ctx.quiet = true;
    }
    if let Some(code) = switch_user(ctx, &args)? {
        return Ok(code);
    }
    check_root_only(ctx, &command)?;
    authorize(ctx, &args)?;

    match command.as_str() {
        "help" | "" => help::run(ctx, &args),
        "version" | "-v" | "--version" => commands::version::run(ctx),
        _ => execute(ctx, args),
    }
}

/// The one gate for command words, before any plugin, hook or user switch runs:
/// malformed words are refused everywhere, internal entry points over ssh.
fn check_command(command: &str, from_ssh: bool) -> Result<(), CommandError> {
    let checked = if from_ssh {
        resolve::check_ssh_command_word(command)
    } else {
        resolve::check_command_word(command)
    };
    checked.map_err(|err| {
        CommandError::fail(err.to_string())
            .hint("run `dokku help` for the commands this dokku provides")
    })
}

fn resplit_ssh_command(args: &[String], original: &str) -> Result<Vec<String>, CommandError> {
    // Dokku tests `$1 =~ git-*|git:*`, unanchored: any first word containing "git".
    let first = args.first().map(String::as_str).unwrap_or_default();
    if first.contains("git") {
        Ok(ssh_command::split_plain(original))
    } else {
        ssh_command::split_xargs(original).map_err(|e| {
            CommandError::fail(e)
                .hint("quote each argument of the ssh command with matching quotes")
        })
    }
}

fn apply_flags(ctx: &mut Context, flags: &flags::GlobalFlags) {
    if flags.quiet {
        ctx.export(env::DOKKU_QUIET_OUTPUT, "1");
        ctx.quiet = true;
    }
    if flags.trace {
        ctx.export(env::DOKKU_TRACE, "1");
        ctx.trace = true;
    }
    if flags.force {
        ctx.export(env::DOKKU_APPS_FORCE_DELETE, "1");
    }
    if let Some(app) = &flags.app {
        ctx.export(env::DOKKU_APP_NAME, app.clone());
    }
    if ctx.var(env::DOKKU_GLOBAL_FLAGS).is_none() {
        ctx.export(env::DOKKU_GLOBAL_FLAGS, flags.all.clone());
    }
}

/// Dokku's `has_tty`.
pub(crate) fn has_tty(ctx: &Context) -> bool {
    if ctx.var(env::DOKKU_FORCE_TTY) == Some("true") {
        return true;
    }
    if ctx.var(env::DOKKU_DISABLE_TTY) == Some("true") {
        return false;
    }
    std::io::stdin().is_terminal()
}

/// Commands that run as the invoking user (root) instead of `dokku`.
fn runs_as_caller(command: &str) -> bool {
    // `plugin:*` is an unanchored bash regex in Dokku: anything containing "plugin".
    command.contains("plugin")
        || matches!(
            command,
            "ssh-keys:add"
                | "ssh-keys:remove"
                | "scheduler-k3s:initialize"
                | "scheduler-k3s:uninstall"
                // Handing a directory to another uid needs root's rights (Dokku
                // reaches them through a sudoers rule; we keep the caller's).
                | "storage:ensure-directory"
        )
}

/// Re-runs the command as the `dokku` user, as Dokku does with `sudo -u dokku -E -H`.
/// Returns the child's exit code, or `None` when no switch is needed.
fn switch_user(ctx: &mut Context, args: &[String]) -> Result<Option<i32>, CommandError> {
    let target = ctx
        .var(env::DOKKU_SYSTEM_USER)
        .unwrap_or("dokku")
        .to_string();
    let me = identity::current_user();
    let command = args.first().map(String::as_str).unwrap_or_default();
    if me == target || runs_as_caller(command) || !identity::user_exists(&target) {
        return Ok(None);
    }
    let mut env = ctx.env.clone();
    for var in [env::DOKKU_PID, "TMP", "TMPDIR", "TEMP", "TEMPDIR"] {
        env.remove(var);
    }
    env.insert(env::SSH_USER.into(), me.clone());
    let sudo = which("sudo");
    let cmd = if let Some(sudo) = sudo {
        dokku_core::process::Cmd::new(sudo)
            .args(["-u", &target, "-E", "-H"])
            .arg(&ctx.exe)
    } else if me == "root" {
        // No sudo on this machine: as root, setpriv switches without it.
        let home = dokku_core::paths::home_of(&target);
        env.insert(env::HOME.into(), home.display().to_string());
        env.insert(env::USER.into(), target.clone());
        dokku_core::process::Cmd::new("setpriv")
            .args([
                "--reuid",
                &target,
                "--regid",
                &target,
                "--init-groups",
                "--",
            ])
            .arg(&ctx.exe)
    } else {
        return Err(CommandError::fail(format!(
            "cannot switch to the {target} user: sudo is not installed"
        ))
        .hint("install sudo, or run dokku as root"));
    };
    let cmd = cmd.args(args).env_clear().envs(env.iter());
    ctx.trace(&cmd.to_string());
    let status = cmd
        .status()
        .map_err(|e| CommandError::fail(e.to_string()))?;
    Ok(Some(dokku_core::trigger::exit_code(status)))
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os(env::PATH)?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

fn check_root_only(ctx: &mut Context, command: &str) -> Result<(), CommandError> {
    let root_only =
        (command.starts_with("plugin:") && command != "plugin:help" && command != "plugin:list")
            || matches!(
                command,
                "ssh-keys:add"
                    | "ssh-keys:remove"
                    | "scheduler-k3s:initialize"
                    | "scheduler-k3s:uninstall"
            );
    if !root_only {
        return Ok(());
    }
    let superuser = ctx.var(env::DOKKU_SUPERUSER).unwrap_or("root").to_string();
    let me = identity::current_user();
    if me != superuser {
        return Err(CommandError::fail("This command must be run as root"));
    }
    ctx.export(env::SSH_USER, me);
    Ok(())
}

/// Dokku's `dokku_auth`: the `user-auth` trigger may refuse any command.
fn authorize(ctx: &mut Context, args: &[String]) -> Result<(), CommandError> {
    let user = ctx
        .var(env::SSH_USER)
        .or(ctx.var(env::USER))
        .unwrap_or_default()
        .to_string();
    let name = ctx.var(env::NAME).unwrap_or("default").to_string();
    ctx.export(env::SSH_USER, user.clone());
    ctx.export(env::SSH_NAME, name.clone());
    ctx.export(
        env::DOKKU_COMMAND,
        args.first().cloned().unwrap_or_default(),
    );
    // Dokku skips the trigger when only the events plugin implements it.
    if !ctx.trigger_exists("user-auth", &["20_events"]) {
        return Ok(());
    }
    let mut trigger_args = vec![user, name];
    trigger_args.extend(args.iter().cloned());
    let outcome = ctx.fire("user-auth", &trigger_args, StdoutMode::Inherit)?;
    if outcome.status != 0 {
        return Err(CommandError::fail("Access denied"));
    }
    Ok(())
}

/// Plugin-name aliases, applied to the part before the first `:`.
fn alias(prefix: &str) -> Option<&'static str> {
    Some(match prefix {
        "docker-local" => "scheduler-docker-local",
        "docker-swarm" => "scheduler-docker-swarm",
        "dockerfile" => "builder-dockerfile",
        "herokuish" => "builder-herokuish",
        "k3s" => "scheduler-k3s",
        "lambda" => "builder-lambda",
        "nixpacks" => "builder-nixpacks",
        "pack" => "builder-pack",
        "rails" => "builder-railpack",
        _ => return None,
    })
}

/// Plugin directories whose name differs from their commands' namespace.
pub(crate) fn plugin_dir_for(name: &str) -> String {
    let prefix = name.split(':').next().unwrap_or(name);
    let dir = match prefix {
        "events" => "20_events",
        "caddy" => "caddy-vhosts",
        "haproxy" => "haproxy-vhosts",
        "nginx" => "nginx-vhosts",
        "openresty" => "openresty-vhosts",
        "traefik" => "traefik-vhosts",
        _ if matches!(name, "deploy" | "cleanup" | "url" | "urls" | "report") => {
            "00_dokku-standard"
        }
        _ => return name.to_string(),
    };
    dir.to_string()
}

fn execute(ctx: &mut Context, mut args: Vec<String>) -> CmdResult {
    // 1. Aliases rewrite the command itself.
    let (prefix, rest) = match args[0].split_once(':') {
        Some((p, r)) => (p.to_string(), Some(r.to_string())),
        None => (args[0].clone(), None),
    };
    if let Some(real) = alias(&prefix) {
        args[0] = match &rest {
            Some(r) => format!("{real}:{r}"),
            None => real.to_string(),
        };
    }
    let plugin_cmd = args[0].clone();
    let plugin_name = plugin_dir_for(&plugin_cmd);
    let plugin_base = plugin_name
        .split(':')
        .next()
        .unwrap_or(&plugin_name)
        .to_string();

    // 2. Core plugins get `--app` injected as their first argument. Plugins are
    //    looked up among the discovered ones by name; the word is never a path.
    let own = resolve::find_plugin(ctx.plugins(), &plugin_name).cloned();
    let base = resolve::find_plugin(ctx.plugins(), &plugin_base).cloned();
    if base.as_ref().is_some_and(|p| p.core) {
        let mut normalized = vec![plugin_cmd.clone()];
        if let Some(app) = ctx.var(env::DOKKU_APP_NAME) {
            normalized.push(app.to_string());
        }
        normalized.extend(args.iter().skip(1).cloned());
        args = normalized;
    }
    ctx.trace(&format!(
        "dispatch {} (plugin {plugin_name})",
        args.join(" ")
    ));

    // 3. The plugin's own subcommand, legacy or native, found by listing its
    //    `subcommands` folder.
    let suffix = args[0]
        .split_once(':')
        .map(|(_, s)| s.to_string())
        .unwrap_or_else(|| args[0].clone());
    let candidates = [
        own.as_ref()
            .and_then(|p| resolve::find_subcommand(p, "default")),
        own.as_ref()
            .and_then(|p| resolve::find_subcommand(p, &plugin_cmd)),
        base.as_ref()
            .filter(|_| !suffix.is_empty())
            .and_then(|p| resolve::find_subcommand(p, &suffix)),
    ];
    if let Some(candidate) = candidates.into_iter().flatten().next() {
        let code = plugin_host::legacy::run(ctx, &candidate, &args)?;
        return if code == 0 {
            Ok(0)
        } else {
            Err(CommandError::silent(code))
        };
    }
    if let Some(plugin) = ctx.plugins().get(&plugin_base).cloned() {
        if plugin_host::declares_command(&plugin, &args[0]) {
            let code = plugin_host::run_native_command(ctx, &plugin, &args)?;
            if code != dokku_core::env::fixed::NOT_IMPLEMENTED_EXIT {
                return if code == 0 {
                    Ok(0)
                } else {
                    Err(CommandError::silent(code))
                };
            }
        }
    }

    // 4. Every plugin's `commands`, in name order; 10 means "not mine". A success does
    //    not stop the loop (Dokku's behaviour: later plugins still see the command).
    let mut implemented = false;
    let plugins = ctx.plugins().plugins.clone();
    for plugin in &plugins {
        let code = if plugin.is_native() {
            if plugin.name == plugin_base || !plugin_host::declares_command(plugin, &args[0]) {
                continue;
            }
            plugin_host::run_native_command(ctx, plugin, &args)?
        } else {
            let commands = plugin.file("commands");
            if !plugin_host::legacy::is_executable(&commands) {
                continue;
            }
            plugin_host::legacy::run(ctx, &commands, &args)?
        };
        if code == dokku_core::env::fixed::NOT_IMPLEMENTED_EXIT {
            continue;
        }
        implemented = true;
        if code != 0 {
            return Err(CommandError::silent(code));
        }
    }
    if implemented {
        return Ok(0);
    }
    ctx.log(
        Level::Warn,
        &format!("`{}` is not a dokku command.", args.join(" ")),
    );
    ctx.log(
        Level::Warn,
        "See `dokku help` for a list of available commands.",
    );
    Err(CommandError::silent(1))
}
