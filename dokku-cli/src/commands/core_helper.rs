//! `dokku __core <helper> ...`: the Rust side of the bash helper library.
//!
//! `common/functions` calls these so bash plugins and Rust share one implementation
//! (see docs/contracts/layout.md). Output and exit codes are those of the Dokku helper
//! each one replaces.

use dokku_core::app;
use dokku_core::log::Level;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::images as services;
use dokku_host::output;

/// Runs one helper; `args[0]` is its name.
pub(crate) fn run(ctx: &mut Context, args: &[String]) -> CmdResult {
    let Some((helper, rest)) = args.split_first() else {
        return Err(
            CommandError::fail("missing helper name").hint("dokku __core <helper> [args...]")
        );
    };
    let arg = |i: usize| rest.get(i).map(String::as_str);
    match helper.as_str() {
        "is-valid-app-name" => {
            let (old, name) = match arg(0) {
                Some("--old") => (true, arg(1).unwrap_or("")),
                other => (false, other.unwrap_or("")),
            };
            let rule = if old {
                app::NameRule::Legacy
            } else {
                app::NameRule::Current
            };
            app_name_check(name, rule)
        }
        "verify-app-name" => {
            app::verify(&ctx.layout.dokku_root, arg(0).unwrap_or(""))?;
            Ok(0)
        }
        "apps-list" => apps_list(ctx, arg(0).unwrap_or("")),
        "image-repo" => print(services::image_repo(arg(0).unwrap_or(""))),
        "image-name" => print(services::image_name(
            ctx,
            arg(0).unwrap_or(""),
            arg(1),
            arg(2),
        )),
        "running-image-tag" => print(services::running_image_tag(
            ctx,
            arg(0).unwrap_or(""),
            arg(1),
        )),
        "deploying-image-name" => print(services::deploying_image_name(
            ctx,
            arg(0).unwrap_or(""),
            arg(1),
            arg(2),
        )),
        "log" => {
            let level = arg(0).and_then(Level::from_name).ok_or_else(|| {
                CommandError::fail(format!("unknown log level '{}'", arg(0).unwrap_or("")))
                    .hint("use info1, info2, verbose, warn, fail, exclaim or their _quiet variants")
            })?;
            ctx.log(level, &rest[1..].join(" "));
            Ok(if matches!(level, Level::Fail | Level::FailQuiet) {
                1
            } else {
                0
            })
        }
        "prop" => super::core_prop::run(ctx, rest),
        "plugin-trigger" => plugin_trigger(ctx, rest),
        "ps-restore-app" => dokku_plugin_ps::restore_worker(ctx, rest),
        "config" => dokku_plugin_config::run_core(ctx, rest),
        h if super::core_shell::HELPERS.contains(&h) => super::core_shell::run(ctx, h, rest),
        h if dokku_plugin_proxy::helpers::handles(h) => {
            dokku_plugin_proxy::helpers::run(ctx, h, rest)
        }
        "copy-from-image" | "copy-dir-from-image" => {
            copy_from_image(ctx, helper == "copy-dir-from-image", rest)
        }
        other => Err(CommandError::fail(format!("unknown core helper '{other}'"))
            .hint("see docs/contracts/layout.md for the helpers this dokku provides")),
    }
}

fn app_name_check(name: &str, rule: app::NameRule) -> CmdResult {
    app::name::check(name, rule)?;
    Ok(0)
}

/// `dokku_apps [FILTER]`: `plugn trigger app-list FILTER` (the apps plugin answers,
/// filtering by `user-auth-app` unless FILTER is `false`), failing when it is empty.
fn apps_list(ctx: &Context, filter: &str) -> CmdResult {
    let outcome = ctx.fire(
        "app-list",
        &[filter.to_string()],
        dokku_core::trigger::StdoutMode::Capture,
    )?;
    if outcome.status != 0 {
        return Err(CommandError::silent(outcome.status));
    }
    let text = outcome.stdout_text();
    let apps: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if apps.is_empty() {
        return Err(app::AppError::NoApps.into());
    }
    for a in apps {
        output::println(a);
    }
    Ok(0)
}

fn print(value: Result<String, CommandError>) -> CmdResult {
    output::println(&value?);
    Ok(0)
}

/// `copy-from-image APP IMAGE SRC DST` / `copy-dir-from-image APP IMAGE SRC DIR`: the
/// bash library's `copy_from_image` and `copy_dir_from_image` (the same code serves the
/// native plugins' `copy-from-image` service).
fn copy_from_image(ctx: &Context, dir: bool, rest: &[String]) -> CmdResult {
    let arg = |i: usize| rest.get(i).map(String::as_str).unwrap_or("");
    dokku_host::images::copy_from_image(ctx, dir, arg(0), arg(1), arg(2), arg(3))?;
    Ok(0)
}

/// `plugin-trigger PLUGIN TRIGGER ARGS...`: one enabled plugin's handler of `TRIGGER`,
/// as the bus would call it, for the hook files a core plugin ships at Dokku's paths
/// (`builder-pack/core-post-extract`) so that callers running them directly reach
/// the built-in handler. Its exit status is the handler's.
fn plugin_trigger(ctx: &Context, args: &[String]) -> CmdResult {
    let [plugin, trigger, rest @ ..] = args else {
        return Err(CommandError::fail("missing plugin or trigger name")
            .hint("dokku __core plugin-trigger <plugin> <trigger> [args...]"));
    };
    if ctx.plugins().get(plugin).is_none() {
        return Err(
            CommandError::fail(format!("plugin {plugin} is not enabled"))
                .hint("dokku plugin:list shows the enabled plugins"),
        );
    }
    let outcome = ctx.fire_at(
        plugin,
        trigger,
        rest,
        dokku_core::trigger::StdoutMode::Inherit,
    )?;
    Ok(outcome.status)
}
