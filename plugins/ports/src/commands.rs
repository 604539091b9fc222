//! The `ports:*` commands: an app's port mappings set, added, removed, cleared,
//! listed and reported.

use dokku_core::deploy::Host;
use dokku_core::ports;

use dokku_plugin_common::report::run_report;
use dokku_plugin_common::{cli_error, existing_app, CmdResult, CommandError, Context};

const HINT: &str = "use scheme:host-port:container-port, e.g. http:80:5000 (schemes: http https grpc grpcs tcp udp)";

/// Runs one `ports:*` command (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    let host = &*ctx;
    let maps = || -> Vec<String> {
        args.iter()
            .filter(|a| !a.starts_with("--"))
            .skip(1)
            .cloned()
            .collect()
    };
    let result = match command {
        "ports:set" => ports::set(&host, &existing_app(ctx, args)?, &maps()),
        "ports:add" => ports::add(&host, &existing_app(ctx, args)?, &maps()),
        "ports:remove" => ports::remove(&host, &existing_app(ctx, args)?, &maps()),
        "ports:clear" => ports::clear(&host, &existing_app(ctx, args)?),
        "ports:list" | "ports" => ports::list(&host, &existing_app(ctx, args)?, ctx.plugin_quiet()),
        "ports:report" => {
            let props = host.properties();
            return run_report(ctx, ports::PLUGIN, args, |app| {
                Ok(ports::report(&props, app))
            });
        }
        other => {
            return Err(CommandError::fail(format!(
                "`{other}` is not a dokku command."
            )))
        }
    };
    result.map_err(|e| {
        let invalid = e.to_string().starts_with("Invalid port map");
        let err = cli_error(e);
        if invalid {
            err.hint(HINT)
        } else {
            err
        }
    })?;
    Ok(0)
}
