//! The config plugin's triggers, handled in-process:
//!
//! | trigger | args | does |
//! |---|---|---|
//! | `config-export` | `APP GLOBAL MERGED FORMAT` | prints the env as `config:export` would (`GLOBAL=true` skips the app check) |
//! | `config-get` | `APP\|--global KEY` | prints the value without a newline; unset prints nothing |
//! | `config-get-global` | `KEY` | the same for a global var |
//! | `config-set` | `[--no-restart] APP\|--global K=V...` | `config:set` |
//! | `config-unset` | `APP\|--global KEY [RESTART]` | unsets KEY, restarting only when RESTART is `true`; errors are ignored |
//! | `post-create` | `APP` | creates `config/<app>/` and the plugin's property directory |
//! | `post-delete` | `APP` | removes them |
//! | `post-app-clone-setup`, `post-app-rename-setup` | `OLD NEW` | copies OLD's vars over NEW's |
//! | `install`, `config-migrate-env` | | drains the pre-0.38 `$DOKKU_ROOT/ENV` files ([`migrate`]) |
//!
//! Values go to the trigger's stdout, which the caller may be capturing; log lines of
//! `config-set` go there too, as a Go trigger's would.

use std::io::Write;

use dokku_core::app;
use dokku_core::config::ops::{self, ConfigHost, Restart};
use dokku_core::config::{format, migrate, ConfigScope, ConfigStore, ExportFormat};
use dokku_core::log::Level;
use dokku_core::trigger::TriggerError;

use crate::commands::Caller;
use crate::host::PluginHost;
use crate::set;
use dokku_host::command_error::CommandError;
use dokku_host::context::Context;
use dokku_plugin_common::flags::parse_bool;

/// Runs the config plugin's handler for `trigger`.
pub(crate) fn run(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = PluginHost::with_stdout(ctx, stdout);
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let result = match trigger {
        "config-export" => export(&host, arg(0), arg(1), arg(2), arg(3)),
        "config-get" => get(&host, &scope_arg(arg(0)), arg(1)),
        "config-get-global" => get(&host, &ConfigScope::Global, arg(0)),
        "config-set" => set::run(&host, args, Caller::Helper).map(|_| ()),
        "config-unset" => {
            let restart = Restart::unless(arg(2) != "true");
            // Dokku ignores failures here: the trigger is used for best-effort cleanup.
            let _ = ops::unset(&host, &scope_arg(arg(0)), "--global", &[arg(1)], restart);
            Ok(())
        }
        "post-create" => ops::create_app(&host, arg(0)).map_err(crate::commands::fail),
        "post-delete" => ops::delete_app(&host, arg(0)).map_err(crate::commands::fail),
        "post-app-clone-setup" | "post-app-rename-setup" => {
            ops::copy_app(&host, arg(0), arg(1)).map_err(crate::commands::fail)
        }
        "install" | "config-migrate-env" => {
            let layout = &ctx.layout;
            // The global scope's directory exists from install on, with its owner.
            let setup = match trigger {
                "install" => ConfigStore::new(&layout.lib_root).setup(&ConfigScope::Global),
                _ => Ok(()),
            };
            let apps = app::list(&layout.dokku_root).unwrap_or_default();
            setup
                .and_then(|()| migrate::migrate_env_files(&host, &layout.dokku_root, &apps))
                .map_err(crate::commands::fail)
        }
        other => {
            return Err(TriggerError::Handler {
                plugin: "config".into(),
                trigger: other.to_string(),
                message: "the config plugin has no handler for it".into(),
            })
        }
    };
    match result {
        Ok(()) => Ok(0),
        Err(err) => {
            if let Some(message) = &err.message {
                host.log(Level::Fail, message);
            }
            Ok(err.code)
        }
    }
}

fn scope_arg(arg: &str) -> ConfigScope {
    ConfigScope::from_arg(arg)
}

fn get(host: &PluginHost<'_>, scope: &ConfigScope, key: &str) -> Result<(), CommandError> {
    let mut env = ops::load(host, scope).map_err(crate::commands::fail)?;
    if let Some(value) = env.remove(key) {
        host.write_stdout(value.as_bytes());
    }
    Ok(())
}

fn export(
    host: &PluginHost<'_>,
    app_arg: &str,
    global: &str,
    merged: &str,
    format: &str,
) -> Result<(), CommandError> {
    let global = parse_bool(global).unwrap_or(false);
    let scope = if global {
        ConfigScope::Global
    } else {
        let app = app::verify(&host.ctx().layout.dokku_root, app_arg)?;
        ConfigScope::app(app.as_str())
    };
    let merged = parse_bool(merged).unwrap_or(false);
    let format: ExportFormat = if format.is_empty() {
        Ok(ExportFormat::Exports)
    } else {
        format.parse()
    }
    .map_err(crate::commands::fail)?;
    let env = ops::load_merged(host, &scope, merged).map_err(crate::commands::fail)?;
    let suffix = if format == ExportFormat::Shell {
        " "
    } else {
        "\n"
    };
    host.write_stdout(format!("{}{suffix}", format::export(&env, format)).as_bytes());
    Ok(())
}
