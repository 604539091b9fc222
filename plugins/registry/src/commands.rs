//! The `registry:*` commands: `registry:login`, `registry:logout`, `registry:report`
//! and `registry:set`, and bare `registry` (the plugin's help).

use std::io::{IsTerminal, Read};

use dokku_core::log::Level;
use dokku_core::property::PropertyStore;
use dokku_core::registry::{self, RegistryError, PLUGIN};
use dokku_core::trigger::StdoutMode;

use dokku_plugin_common::flags::{parse_flags, FlagSpec};
use dokku_plugin_common::help::installed_plugin_help;
use dokku_plugin_common::report::run_report;
use dokku_plugin_common::{log, properties, CmdResult, CommandError, Context};

fn fail(err: RegistryError) -> CommandError {
    CommandError::fail(err.to_string())
}

fn docker_bin(ctx: &Context) -> String {
    ctx.var(dokku_core::env::DOCKER_BIN)
        .unwrap_or("docker")
        .to_string()
}

/// Runs one `registry` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "registry" => installed_plugin_help(ctx, PLUGIN),
        "registry:login" => login(ctx, args),
        "registry:logout" => logout(ctx, args),
        "registry:report" => {
            let props = PropertyStore::new(&ctx.layout.lib_root);
            run_report(ctx, PLUGIN, args, |app| Ok(registry::report(&props, app)))
        }
        "registry:set" => properties::set(
            ctx,
            PLUGIN,
            args,
            registry::PROPERTIES,
            registry::GLOBAL_PROPERTIES,
        ),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// The app of a per-app login or logout: it must exist.
fn app_config(ctx: &Context, app: &str) -> Result<std::path::PathBuf, CommandError> {
    let app = dokku_core::app::verify(&ctx.layout.dokku_root, app)?;
    registry::app_config_dir(&ctx.layout, app.as_str())
        .ok_or_else(|| CommandError::fail(format!("Invalid app name {app}")))
}

/// `registry:login [--global] [--password-stdin] [<app>] <server> <username>
/// [<password>]`: without `--global`, the global form is told apart from the per-app
/// one by its number of arguments, as in Dokku (with a deprecation warning).
fn login(ctx: &mut Context, args: &[String]) -> CmdResult {
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools: &["global", "password-stdin"],
            values: &[],
            interspersed: true,
        },
    )?;
    let stdin = flags.has("password-stdin");
    let words = &flags.positional;
    let word = |i: usize| words.get(i).cloned().unwrap_or_default();
    let (global_count, app_count) = if stdin { (2, 3) } else { (3, 4) };
    let (app, server, username, mut password) = if flags.has("global") {
        (String::new(), word(0), word(1), word(2))
    } else if words.len() == global_count {
        log(
            ctx,
            Level::Warn,
            "Deprecated: please use --global flag for global registry login",
        );
        (String::new(), word(0), word(1), word(2))
    } else if words.len() >= app_count {
        (word(0), word(1), word(2), word(3))
    } else {
        (String::new(), word(0), word(1), word(2))
    };
    if stdin {
        password.clear();
        if !std::io::stdin().is_terminal() {
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| CommandError::fail(format!("Unable to read stdin: {e}")))?;
        }
        password = password.trim().to_string();
    }
    let config_dir = if app.is_empty() {
        None
    } else {
        Some(app_config(ctx, &app)?)
    };
    registry::login(
        &docker_bin(ctx),
        config_dir.as_deref(),
        &server,
        &username,
        &password,
    )
    .map_err(fail)?;
    if app.is_empty() {
        log(ctx, Level::Warn, "Login Succeeded for global registry");
    } else {
        log(ctx, Level::Warn, &format!("Login Succeeded for {app}"));
    }
    ctx.export("DOCKER_REGISTRY_PASS", password);
    let outcome = ctx.fire(
        "post-registry-login",
        &[registry::normalise_server(&server).to_string(), username],
        StdoutMode::Inherit,
    );
    ctx.export("DOCKER_REGISTRY_PASS", "");
    match outcome?.status {
        0 => Ok(0),
        code => Err(CommandError::silent(code)),
    }
}

/// `registry:logout [--global] [<app>] <server>`.
fn logout(ctx: &Context, args: &[String]) -> CmdResult {
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools: &["global"],
            values: &[],
            interspersed: true,
        },
    )?;
    let words = &flags.positional;
    let word = |i: usize| words.get(i).cloned().unwrap_or_default();
    let (app, server) = if flags.has("global") || words.len() == 1 {
        (String::new(), word(0))
    } else {
        (word(0), word(1))
    };
    let config_dir = if app.is_empty() {
        None
    } else {
        Some(app_config(ctx, &app)?)
    };
    registry::logout(&docker_bin(ctx), config_dir.as_deref(), &app, &server).map_err(fail)?;
    Ok(0)
}
