//! `plugin:list`, `plugin:install`, `plugin:enable`, `plugin:disable`,
//! `plugin:update`, `plugin:uninstall`, `plugin:trigger`, ...

use dokku_core::env;
use dokku_core::events;
use dokku_core::log::Level;
use dokku_core::ownership;
use dokku_core::paths::Layout;
use dokku_core::plugin::manage::{self, Installed, ManageError, Source};
use dokku_core::trigger::StdoutMode;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;

/// Dispatches one `plugin:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "plugin:list" => list(ctx, args),
        "plugin:installed" => installed(ctx, args),
        "plugin:enable" => enable(ctx, args),
        "plugin:disable" => disable(ctx, args),
        "plugin:install" => install(ctx, args),
        "plugin:install-dependencies" => install_dependencies(ctx, args),
        "plugin:uninstall" => uninstall(ctx, args),
        "plugin:update" => update(ctx, args),
        "plugin:trigger" => trigger(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

fn refused(err: ManageError) -> CommandError {
    match err {
        ManageError::Refused {
            message,
            hint,
            code,
        } => {
            let mut e = CommandError::with_code(message, code);
            e.hint = hint;
            e
        }
        other => CommandError::fail(other.to_string()),
    }
}

fn first(args: &[String]) -> &str {
    args.iter()
        .find(|a| !a.starts_with("--"))
        .map(String::as_str)
        .unwrap_or("")
}

fn list(ctx: &Context, args: &[String]) -> CmdResult {
    let format = flag_value(args, "--format").unwrap_or_else(|| "stdout".into());
    let plugins = manage::list(&ctx.layout);
    match format.as_str() {
        "stdout" => {
            output::println(&format!(
                "plugn: {}",
                ctx.installed_version().unwrap_or_default()
            ));
            for p in &plugins {
                output::println(&manage::list_line(p));
            }
        }
        "json" => {
            let rows: Vec<serde_json::Value> = plugins
                .iter()
                .map(|p| {
                    let mut row = serde_json::json!({
                        "name": p.name, "version": p.version, "enabled": p.enabled,
                        "core": p.core, "description": p.description,
                    });
                    if let (false, Some((url, head, branch))) = (p.core, manage::git_info(&p.dir)) {
                        row["source_url"] = url.into();
                        row["committish"] = head.into();
                        if let Some(branch) = branch {
                            row["branch"] = branch.into();
                        }
                    }
                    row
                })
                .collect();
            output::println(&serde_json::Value::Array(rows).to_string());
        }
        _ => {
            return Err(CommandError::fail(
                "Invalid output format specified, supported formats: json, stdout",
            ));
        }
    }
    Ok(0)
}

fn flag_value(args: &[String], flag: &str) -> Option<String> {
    let prefix = format!("{flag}=");
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == flag {
            return iter.next().cloned();
        }
        if let Some(v) = arg.strip_prefix(&prefix) {
            return Some(v.to_string());
        }
    }
    None
}

fn installed(ctx: &Context, args: &[String]) -> CmdResult {
    let name = first(args);
    let found = manage::list(&ctx.layout).iter().any(|p| p.name == name);
    Ok(if found { 0 } else { 1 })
}

fn enable(ctx: &mut Context, args: &[String]) -> CmdResult {
    let name = first(args);
    manage::enable(&ctx.layout, name).map_err(refused)?;
    ctx.log(Level::Info1, &format!("Plugin {name} enabled"));
    ctx.rescan();
    prime_completion(ctx);
    Ok(0)
}

fn disable(ctx: &mut Context, args: &[String]) -> CmdResult {
    let name = first(args);
    manage::disable(&ctx.layout, name).map_err(refused)?;
    ctx.log(Level::Info1, &format!("Plugin {name} disabled"));
    ctx.rescan();
    prime_completion(ctx);
    Ok(0)
}

fn install(ctx: &mut Context, args: &[String]) -> CmdResult {
    let core = args.iter().any(|a| a == "--core");
    let skip_trigger = args.iter().any(|a| a == "--skip-install-trigger");
    let name_flag = flag_value(args, "--name");
    let committish = flag_value(args, "--committish");
    let positional: Vec<&String> = positional(args, &["--name", "--committish"]);
    if core {
        if !positional.is_empty() {
            ctx.log(
                Level::Info1,
                "Cannot install additional core plugins, running core plugin install trigger",
            );
        }
        let code = fire_over(ctx, &ctx.layout.core_plugin_path.clone(), "install", &[]);
        hand_over_to_system_user(ctx);
        return code;
    }
    let Some(url) = positional.first() else {
        let code = fire_all(ctx, "install", &[]);
        hand_over_to_system_user(ctx);
        let code = code?;
        prime_completion(ctx);
        return Ok(code);
    };
    let Some(source) = Source::parse(url) else {
        ctx.log(
            Level::Warn,
            "First argument must be --core or url to plugin",
        );
        ctx.log(Level::Warn, "Valid prefixes: https:, git:, ssh:, file:");
        ctx.log(Level::Warn, "Valid suffixes: .tar.gz, .tgz");
        return Err(CommandError::fail("Please retry with valid arguments")
            .hint("pass a git URL, an absolute path to a plugin directory, or a .tar.gz archive"));
    };
    let name = name_flag.unwrap_or_else(|| Source::default_name(url));
    ctx.log(
        Level::Info1,
        &format!(
            "Cloning plugin repo {url} to {}",
            ctx.layout.plugin_available().join(&name).display()
        ),
    );
    let fetched = manage::fetch(&ctx.layout, &source, &name).map_err(refused)?;
    if fetched == Installed::AlreadyInstalled {
        ctx.log(
            Level::Stderr,
            &format!("Plugin '{name}' is already installed."),
        );
    }
    if !ctx.layout.plugin_enabled().join(&name).exists() {
        manage::enable(&ctx.layout, &name).map_err(refused)?;
        ctx.log(Level::Info1, &format!("Plugin {name} enabled"));
    }
    ctx.rescan();
    if let Some(rev) = committish {
        match manage::update(&ctx.layout, &name, Some(&rev)) {
            Ok(line) => output::println(&line),
            Err(err) => {
                // A fresh install that cannot reach a usable revision leaves nothing.
                if fetched == Installed::New {
                    let _ = manage::remove(&ctx.layout, &name);
                    ctx.rescan();
                }
                return Err(refused(err));
            }
        }
    }
    if !skip_trigger {
        let code = fire_all(ctx, "install", &[]);
        hand_over_to_system_user(ctx);
        let code = code?;
        if code != 0 {
            return Err(CommandError::with_code(format!("the install trigger failed with status {code}"), code)
                .hint(format!("fix the error above, then run `dokku plugin:install` again, or `dokku plugin:uninstall {name}`")));
        }
    }
    prime_completion(ctx);
    Ok(0)
}

fn positional<'a>(args: &'a [String], valued_flags: &[&str]) -> Vec<&'a String> {
    let mut out = Vec::new();
    let mut skip = false;
    for arg in args {
        if skip {
            skip = false;
            continue;
        }
        if valued_flags.contains(&arg.as_str()) {
            skip = true;
            continue;
        }
        if !arg.starts_with("--") {
            out.push(arg);
        }
    }
    out
}

fn install_dependencies(ctx: &mut Context, args: &[String]) -> CmdResult {
    if args.iter().any(|a| a == "--core") {
        return fire_over(
            ctx,
            &ctx.layout.core_plugin_path.clone(),
            "dependencies",
            &[],
        );
    }
    fire_all(ctx, "dependencies", &[])
}

fn uninstall(ctx: &mut Context, args: &[String]) -> CmdResult {
    let name = first(args).to_string();
    manage::check_uninstall(&ctx.layout, &name).map_err(refused)?;
    let code = fire_all(ctx, "uninstall", std::slice::from_ref(&name))?;
    if code != 0 {
        return Err(CommandError::silent(code));
    }
    manage::remove(&ctx.layout, &name).map_err(refused)?;
    ctx.log(Level::Info1, &format!("Plugin {name} uninstalled"));
    ctx.rescan();
    prime_completion(ctx);
    Ok(0)
}

fn update(ctx: &mut Context, args: &[String]) -> CmdResult {
    let positional = positional(args, &[]);
    let updated: Vec<String> = if let Some(name) = positional.first() {
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            return Err(CommandError::fail("Invalid plugin name specified"));
        }
        let enabled = ctx.layout.plugin_enabled().join(name.as_str());
        if std::fs::symlink_metadata(&enabled)
            .map(|m| !m.file_type().is_symlink())
            .unwrap_or(true)
        {
            return Err(CommandError::fail(
                "Specified plugin not enabled or installed",
            ));
        }
        if manage::is_core(&ctx.layout, name) {
            return Err(CommandError::fail(
                "Cannot trigger plugin:update against core plugin, please update Dokku instead",
            ));
        }
        update_one(ctx, name, positional.get(1).map(|s| s.as_str()))?;
        vec![name.to_string()]
    } else {
        let names: Vec<String> = manage::list(&ctx.layout)
            .into_iter()
            .filter(|p| p.enabled && !p.core)
            .map(|p| p.name)
            .collect();
        for name in &names {
            update_one(ctx, name, None)?;
        }
        names
    };
    // The new sources may route other commands and triggers.
    ctx.rescan();
    let result = fire_all(ctx, "update", &[]).and_then(|code| {
        if code != 0 {
            return Err(CommandError::with_code(
                format!("the update trigger failed with status {code}"),
                code,
            )
            .hint("fix the error above, then run `dokku plugin:update` again"));
        }
        rebuild_native(ctx, &updated)
    });
    hand_over_to_system_user(ctx);
    result?;
    prime_completion(ctx);
    Ok(0)
}

/// A native plugin's library is built from its sources by its `install` trigger, so after
/// new sources arrived a native plugin without an `update` trigger of its own gets its
/// `install` trigger (only its own), and its library is rebuilt instead of disagreeing
/// with the new `plugin.toml`. Bash plugins keep Dokku's behaviour: only `update` fires.
fn rebuild_native(ctx: &Context, names: &[String]) -> CmdResult {
    for name in names {
        let Some(plugin) = ctx.plugins().get(name) else {
            continue;
        };
        let has_update = plugin.native_handles("update") || plugin.file("update").is_file();
        if plugin.core || !plugin.is_native() || has_update {
            continue;
        }
        ctx.trace(&format!(
            "plugin {name} has no update trigger: firing its install trigger"
        ));
        let code = ctx
            .fire_at(name, "install", &[], StdoutMode::Inherit)?
            .status;
        if code != 0 {
            return Err(CommandError::with_code(
                format!("plugin {name}: its install trigger failed with status {code}, so its library was not rebuilt"),
                code,
            )
            .hint(format!("fix the error above, then run `dokku plugin:update {name}` again")));
        }
    }
    Ok(0)
}

/// Run as root, `install` and `update` triggers leave root-owned files where every
/// later command, run as the system user, must write. Dokku's triggers chown them to
/// `DOKKU_SYSTEM_USER:DOKKU_SYSTEM_GROUP`; we do it once after the chain (see
/// `dokku_core::ownership`). Nothing happens when not root, or when the system user
/// is root or does not exist.
fn hand_over_to_system_user(ctx: &Context) {
    hand_over(ctx, ownership::install_targets);
}

/// What `plugin:trigger` (run as root, as in Dokku) left under `$DOKKU_ROOT` goes to
/// the system user too: a core handler answering `certs-set` writes the app's `tls/`,
/// which `apps:destroy`, run as that user, must be able to remove.
fn hand_over_trigger_output(ctx: &Context) {
    hand_over(ctx, ownership::trigger_targets);
}

fn hand_over(
    ctx: &Context,
    targets_of: fn(&dokku_core::paths::Layout, &std::path::Path) -> Vec<ownership::Target>,
) {
    if ownership::effective_uid() != Some(0) {
        return;
    }
    let user = ctx
        .var(env::DOKKU_SYSTEM_USER)
        .unwrap_or("dokku")
        .to_string();
    let group = ctx
        .var(env::DOKKU_SYSTEM_GROUP)
        .unwrap_or(&user)
        .to_string();
    let Some(ids) = ownership::resolve(&user, &group).filter(|ids| ids.uid != 0) else {
        return;
    };
    let events_log = events::logfile(ctx.var(env::DOKKU_EVENTS_LOGFILE), &ctx.layout.logs_dir);
    let targets = targets_of(&ctx.layout, &events_log);
    let mut lchown = |path: &std::path::Path, ids: ownership::Ids| {
        std::os::unix::fs::lchown(path, Some(ids.uid), Some(ids.gid))
    };
    if let Err(err) = ownership::hand_over(&targets, 0, ids, &mut lchown) {
        ctx.log(Level::Warn, &format!("{err} (to {user}:{group})"));
    }
}

fn update_one(ctx: &Context, name: &str, committish: Option<&str>) -> Result<(), CommandError> {
    match manage::update(&ctx.layout, name, committish) {
        Ok(line) => {
            output::println(&line);
            Ok(())
        }
        Err(ManageError::Refused {
            message, code: 0, ..
        }) => {
            output::println(&message);
            Ok(())
        }
        Err(err) => Err(refused(err)),
    }
}

fn trigger(ctx: &mut Context, args: &[String]) -> CmdResult {
    let Some((name, rest)) = args.split_first() else {
        return Err(CommandError::fail("Please specify a trigger to fire")
            .hint("dokku plugin:trigger <trigger> [args...]"));
    };
    let result = fire_all(ctx, name, rest);
    hand_over_trigger_output(ctx);
    result
}

fn fire_all(ctx: &Context, trigger: &str, args: &[String]) -> CmdResult {
    Ok(ctx.fire(trigger, args, StdoutMode::Inherit)?.status)
}

/// Fires a trigger over another plugin tree (`--core`: the core plugins only).
fn fire_over(
    ctx: &mut Context,
    plugin_path: &std::path::Path,
    trigger: &str,
    args: &[String],
) -> CmdResult {
    let mut env = ctx.env.clone();
    env.insert(
        dokku_core::env::PLUGIN_PATH.into(),
        plugin_path.display().to_string(),
    );
    let mut sub = Context::with_env(env);
    if let Some(handlers) = ctx.handlers() {
        sub = sub.with_handlers(handlers);
    }
    sub.quiet = ctx.quiet;
    sub.trace = ctx.trace;
    let code = fire_all(&sub, trigger, args)?;
    Ok(code)
}

/// Dokku keeps a list of command names for bash completion, refreshed after every
/// plugin change.
fn prime_completion(ctx: &Context) {
    ctx.log(Level::Info1, "Priming bash-completion cache");
    let path = completion_cache(&ctx.layout);
    let mut names: Vec<String> = Vec::new();
    for plugin in &ctx.plugins().plugins {
        if let Some(m) = &plugin.manifest {
            names.extend(m.command.iter().map(|c| c.name.clone()));
        }
    }
    names.sort();
    names.dedup();
    let mut text = names.join("\n");
    text.push('\n');
    let _ = dokku_core::fs::write_atomic(&path, text.as_bytes(), 0o644);
}

fn completion_cache(layout: &Layout) -> std::path::PathBuf {
    if layout.lib_root == std::path::Path::new("/var/lib/dokku") {
        "/var/cache/dokku-completion".into()
    } else {
        layout.lib_root.join("dokku-completion")
    }
}
