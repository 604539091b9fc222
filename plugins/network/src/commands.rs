//! The `network:*` commands: `network:create`, `network:destroy`, `network:exists`,
//! `network:info`, `network:list`, `network:set`, `network:report`, `network:rebuild`
//! and `network:rebuildall`.

use dokku_core::log::Level;
use dokku_core::network::{self, NetworkInfo, PLUGIN};
use dokku_core::property::{PropertyError, PropertyStore};

use dokku_host::output;
use dokku_plugin_common::flags::{parse_flags, FlagSpec};
use dokku_plugin_common::report::run_report;
use dokku_plugin_common::{log, properties, CmdResult, CommandError, Context};

fn fail(err: network::NetworkError) -> CommandError {
    CommandError::fail(err.to_string())
}

fn docker(ctx: &Context) -> dokku_core::docker::Docker {
    let bin = ctx.var(dokku_core::env::DOCKER_BIN).unwrap_or("docker");
    dokku_core::docker::Docker::cli(bin, ctx.env.clone())
}

/// Runs one `network:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        // The recorded addresses and ports of an app's containers written again from
        // Docker (after a Docker upgrade or a container restart), as Dokku.
        "network:rebuild" => {
            let app = dokku_plugin_common::existing_app(ctx, args)?;
            dokku_core::network_addresses::build_config(&&*ctx, &app)
                .map_err(dokku_plugin_common::cli_error)?;
            Ok(0)
        }
        "network:rebuildall" => {
            let apps = dokku_core::app::list(&ctx.layout.dokku_root)
                .map_err(|e| CommandError::fail(e.to_string()))?;
            if apps.is_empty() {
                log(
                    ctx,
                    Level::Warn,
                    &dokku_core::app::AppError::NoApps.to_string(),
                );
                return Ok(0);
            }
            for app in apps {
                dokku_core::network_addresses::build_config(&&*ctx, &app)
                    .map_err(dokku_plugin_common::cli_error)?;
            }
            Ok(0)
        }
        "network:create" => {
            let flags = parse_flags(
                args,
                &FlagSpec {
                    bools: &[],
                    values: &["label"],
                    interspersed: true,
                },
            )?;
            let name = flags.positional.first().map(String::as_str).unwrap_or("");
            network::validate_name(name).map_err(fail)?;
            log(ctx, Level::Info1Quiet, &format!("Creating network {name}"));
            let labels: Vec<String> = flags
                .values("label")
                .into_iter()
                .filter(|l| !l.is_empty())
                .collect();
            network::create(&docker(ctx), name, &labels).map_err(fail)?;
            Ok(0)
        }
        "network:destroy" => {
            let name = args
                .iter()
                .find(|a| !a.starts_with("--"))
                .map(String::as_str)
                .unwrap_or("");
            network::validate_name(name).map_err(fail)?;
            let forced = args.iter().any(|a| a == "--force")
                || ctx.var(dokku_core::env::DOKKU_APPS_FORCE_DELETE) == Some("1");
            if !forced {
                confirm(ctx, name, "network")?;
            }
            log(
                ctx,
                Level::Info1Quiet,
                &format!("Destroying network {name}"),
            );
            network::destroy(&docker(ctx), name).map_err(fail)?;
            Ok(0)
        }
        "network:exists" => {
            let name = args.first().map(String::as_str).unwrap_or("");
            if network::exists(&docker(ctx), name).map_err(fail)? {
                log(ctx, Level::Info1Quiet, "Network exists");
                Ok(0)
            } else {
                Err(CommandError::fail("Network does not exist"))
            }
        }
        "network:info" => info(ctx, args),
        "network:list" => {
            let (format, _) = format_arg(args)?;
            let all = network::list(&docker(ctx)).map_err(fail)?;
            if format == "json" {
                output::println(&serde_json::to_string(&all).unwrap_or_else(|_| "[]".into()));
                return Ok(0);
            }
            log(ctx, Level::Info2Quiet, "Networks");
            for n in all {
                output::println(&n.name);
            }
            Ok(0)
        }
        "network:set" => {
            let (app, rest) = properties::scoped(ctx, args)?;
            let key = rest.first().map(String::as_str).unwrap_or("");
            let props = PropertyStore::new(&ctx.layout.lib_root);
            let values = rest.get(1..).unwrap_or_default();
            let check_and_set = || {
                let value = if network::PROPERTIES.contains(&key) {
                    network::property_value(&props, &app, key, values).map_err(fail)?
                } else {
                    String::new()
                };
                // As Dokku, a network that does not exist yet may be named (it is
                // checked again when a container is attached); we say so at once.
                match network::check_networks_exist(&docker(ctx), key, &value) {
                    Ok(()) => {}
                    Err(network::NetworkError::Missing { name }) => log(
                        ctx,
                        Level::Warn,
                        &format!(
                            "Network {name} does not exist yet: create it before the next deploy (dokku network:create {name})"
                        ),
                    ),
                    Err(e) => return Err(fail(e).hint("check that docker is running")),
                }
                properties::set_value(
                    ctx,
                    PLUGIN,
                    &app,
                    key,
                    &value,
                    network::PROPERTIES,
                    network::GLOBAL_PROPERTIES,
                )
            };
            if !matches!(key, "attach-post-create" | "attach-post-deploy") {
                return check_and_set();
            }
            // A network may be named by only one attach property: the value is
            // checked against the other one, so the check and the write happen under
            // the plugin's app lock, or two calls could both pass it.
            props
                .app_locked(PLUGIN, &app, || Ok::<_, PropertyError>(check_and_set()))
                .map_err(|e| CommandError::fail(e.to_string()))?
        }
        "network:report" => {
            let props = PropertyStore::new(&ctx.layout.lib_root);
            run_report(ctx, PLUGIN, args, |app| {
                Ok(network::report(&ctx.layout, &props, app))
            })
        }
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}

/// `--format F` and the positional arguments.
fn format_arg(args: &[String]) -> Result<(String, Vec<String>), CommandError> {
    let flags = parse_flags(
        args,
        &FlagSpec {
            bools: &[],
            values: &["format"],
            interspersed: true,
        },
    )?;
    let format = flags.value("format").unwrap_or("text").to_string();
    Ok((format, flags.positional))
}

fn info(ctx: &Context, args: &[String]) -> CmdResult {
    let (format, positional) = format_arg(args)?;
    let name = positional.first().map(String::as_str).unwrap_or("");
    network::validate_name(name).map_err(fail)?;
    if format != "json" && format != "text" {
        return Err(CommandError::fail(
            "Invalid format specified, use either text or json",
        ));
    }
    let all = network::list(&docker(ctx)).map_err(fail)?;
    let Some(found): Option<NetworkInfo> = all.into_iter().find(|n| n.name == name) else {
        return Err(CommandError::fail("Network does not exist"));
    };
    if format == "json" {
        output::println(&serde_json::to_string(&found).unwrap_or_else(|_| "{}".into()));
        return Ok(0);
    }
    log(
        ctx,
        Level::Info2Quiet,
        &format!("{name} network information"),
    );
    for (label, value) in [
        ("ID:", &found.id),
        ("Name:", &found.name),
        ("Driver:", &found.driver),
        ("Scope:", &found.scope),
    ] {
        log(ctx, Level::Verbose, &format!("{label:<10}{value}"));
    }
    Ok(0)
}

/// Dokku's `AskForDestructiveConfirmation`: the name must be typed back.
pub(crate) fn confirm(ctx: &Context, name: &str, kind: &str) -> Result<(), CommandError> {
    dokku_plugin_common::confirm::confirm_destruction(ctx, name, kind)
}
