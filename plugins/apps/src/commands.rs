//! The `apps:*` commands: `apps:create`, `apps:destroy`, `apps:list`, `apps:exists`,
//! `apps:rename`, `apps:clone`, `apps:lock`, `apps:unlock`, `apps:locked`,
//! `apps:report` and `apps:set`.

use dokku_core::app::{self, lifecycle};
use dokku_core::env;
use dokku_core::log::Level;
use dokku_core::property::{PropertyStore, GLOBAL};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::output;
use dokku_host::pipeline::{cli_error, existing_app};
use dokku_plugin_common::flags::{parse_flags, FlagSpec};
use dokku_plugin_common::report::run_report;
use dokku_plugin_common::{log, properties};

/// The properties `apps:set APP` takes (Dokku's; the deploy source ones are
/// normally written by deploys).
const SET_PROPERTIES: &[&str] = &["deploy-source", "deploy-source-metadata"];
/// The properties `apps:set --global` takes.
const GLOBAL_SET_PROPERTIES: &[&str] = &[app::report::DISABLE_AUTOCREATION];

/// Runs one `apps:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "apps:create" => {
            let name = args
                .iter()
                .find(|a| !a.starts_with("--"))
                .map(String::as_str)
                .unwrap_or("");
            lifecycle::create(&ctx.as_plugin(), name, true).map_err(cli_error)?;
            Ok(0)
        }
        "apps:destroy" => destroy(ctx, args),
        "apps:list" => list(ctx, args),
        "apps:exists" => {
            existing_app(ctx, args)?;
            Ok(0)
        }
        "apps:rename" => rename_or_clone(ctx, command, args),
        "apps:clone" => rename_or_clone(ctx, command, args),
        "apps:report" => {
            let props = PropertyStore::new(&ctx.layout.lib_root);
            run_report(ctx, lifecycle::PLUGIN, args, |name| {
                Ok(app::report::report(&ctx.layout, &props, name))
            })
        }
        "apps:set" => set(ctx, args),
        "apps:lock" => {
            let app = existing_app(ctx, args)?;
            // `manual` in the file: no deploy owns it, so it holds until apps:unlock.
            dokku_core::lock::lock_manually(&ctx.layout.deploy_lock(&app))
                .map_err(|_| CommandError::fail("Unable to create deploy lock"))?;
            ctx.log(Level::Info1, "Deploy lock created");
            Ok(0)
        }
        "apps:unlock" => {
            let app = existing_app(ctx, args)?;
            let path = ctx.layout.deploy_lock(&app);
            if !path.exists() {
                return Err(CommandError::fail("Unable to remove deploy lock"));
            }
            ctx.log(Level::Warn, "A deploy may be in progress.");
            ctx.log(
                Level::Warn,
                "Removing the app lock will not stop in progress deploys.",
            );
            std::fs::remove_file(&path)
                .map_err(|_| CommandError::fail("Unable to remove deploy lock"))?;
            ctx.log(Level::Info1, "Deploy lock removed");
            Ok(0)
        }
        "apps:locked" => {
            let app = existing_app(ctx, args)?;
            // A stale lock (its deploy was killed) no longer stops anything.
            if lifecycle::is_locked(&ctx.as_plugin(), &app) {
                log(ctx, Level::Quiet, "Deploy lock exists");
                Ok(0)
            } else {
                Err(CommandError::fail("Deploy lock does not exist"))
            }
        }
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// The refusal for a locked app, with the way out.
fn locked_error(app: &str) -> CommandError {
    CommandError::fail(app::AppError::Locked { app: app.into() }.to_string()).hint(format!(
        "wait for the deploy to finish, or remove a stale lock with 'dokku apps:unlock {app}'"
    ))
}

/// `apps:destroy APP [--force]`: the app must exist; without `--force` (or the
/// dispatcher's `DOKKU_APPS_FORCE_DELETE=1`) it must not be locked and the name must
/// be typed. Forced, a locked app is destroyed too, as Dokku does.
fn destroy(ctx: &mut Context, args: &[String]) -> CmdResult {
    let app = existing_app(ctx, args)?;
    let forced =
        args.iter().any(|a| a == "--force") || ctx.var(env::DOKKU_APPS_FORCE_DELETE) == Some("1");
    if !forced {
        if lifecycle::is_locked(&ctx.as_plugin(), &app) {
            return Err(
                CommandError::fail(app::AppError::Locked { app: app.clone() }.to_string()).hint(
                    format!(
                    "wait for the deploy to finish, or destroy it anyway with 'dokku apps:destroy {app} --force'"
                ),
                ),
            );
        }
        confirm(ctx, &app)?;
    }
    lifecycle::destroy(&ctx.as_plugin(), &app, forced).map_err(cli_error)?;
    Ok(0)
}

/// Dokku's `AskForDestructiveConfirmation` for an app.
pub(crate) fn confirm(ctx: &Context, app: &str) -> Result<(), CommandError> {
    dokku_plugin_common::confirm::confirm_destruction(ctx, app, "app")
}

/// `apps:rename [--skip-deploy] OLD NEW` and `apps:clone [--skip-deploy]
/// [--ignore-existing] OLD NEW`.
fn rename_or_clone(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let rename = command == "apps:rename";
    let bools: &[&str] = if rename {
        &["skip-deploy"]
    } else {
        &["skip-deploy", "ignore-existing"]
    };
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools,
            values: &["app"],
            interspersed: true,
        },
    )?;
    let mut names: Vec<&str> = flags.positional.iter().map(String::as_str).collect();
    if let Some(app) = flags.value("app") {
        names.insert(0, app);
    }
    let old = names.first().copied().unwrap_or("");
    let new = names.get(1).copied().unwrap_or("");
    let skip_deploy = flags.has("skip-deploy");
    if skip_deploy {
        ctx.export(lifecycle::SKIP_REBUILD, "true");
    }
    let host = ctx.as_plugin();
    let result = if rename {
        if app::verify(&ctx.layout.dokku_root, old).is_ok() && lifecycle::is_locked(&host, old) {
            return Err(locked_error(old));
        }
        lifecycle::rename(&host, old, new, skip_deploy)
    } else {
        lifecycle::clone(&host, old, new, skip_deploy, flags.has("ignore-existing"))
    };
    result.map_err(cli_error)?;
    Ok(0)
}

/// `apps:set --global disable-autocreation [true|false]`: the only property, and it is
/// global. An empty value unsets it.
fn set(ctx: &mut Context, args: &[String]) -> CmdResult {
    let scope = args.first().map(String::as_str).unwrap_or("");
    if scope != GLOBAL {
        existing_app(ctx, args)?;
    }
    let key = args.get(1).map(String::as_str).unwrap_or("");
    let value = args.get(2).map(String::as_str).unwrap_or("");
    if scope != GLOBAL && key == app::report::DISABLE_AUTOCREATION {
        return Err(CommandError::fail(
            "Property can only be specified globally",
        ));
    }
    if key == app::report::DISABLE_AUTOCREATION
        && !value.is_empty()
        && value != "true"
        && value != "false"
    {
        return Err(
            CommandError::fail(format!("Invalid value specified for {key}: {value}")).hint(
                format!("use 'dokku apps:set --global {key} true' or 'false'"),
            ),
        );
    }
    properties::set_value(
        ctx,
        lifecycle::PLUGIN,
        scope,
        key,
        value,
        SET_PROPERTIES,
        GLOBAL_SET_PROPERTIES,
    )
}

fn list(ctx: &Context, args: &[String]) -> CmdResult {
    // Dokku's `DokkuApps`: the apps `user-auth-app` lets the caller see.
    let apps = app::visible::list(&ctx.as_plugin(), false).map_err(cli_error)?;
    let json = args
        .windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json");
    if json {
        output::println(&serde_json::to_string(&apps).unwrap_or_else(|_| "[]".into()));
        return Ok(0);
    }
    // Dokku's Go plugin prints the header unless `--quiet` exported quiet mode.
    log(ctx, Level::Info2Quiet, "My Apps");
    if apps.is_empty() {
        log(
            ctx,
            Level::Warn,
            "You haven't deployed any applications yet",
        );
        return Ok(0);
    }
    for a in apps {
        output::println(&a);
    }
    Ok(0)
}
