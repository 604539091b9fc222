//! The plugin's commands: `deploy`, `cleanup`, `url`, `urls`, and `report` (in
//! [`crate::report`]).

use dokku_core::deploy;

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{cli_error, existing_app};

/// Runs one command of the plugin (`args` excludes the command itself).
pub(crate) fn run(ctx: &mut Context, command: &str, args: &[String]) -> CmdResult {
    match command {
        "deploy" => {
            let app = existing_app(ctx, args)?;
            let tag = args
                .get(1)
                .map(String::as_str)
                .filter(|t| !t.is_empty())
                .unwrap_or("latest");
            deploy::deploy(&&*ctx, &app, tag, None).map_err(cli_error)?;
            Ok(0)
        }
        "url" | "urls" => {
            let app = existing_app(ctx, args)?;
            let host = &*ctx;
            // `domains-urls APP url|urls` (the domains plugin) knows the main URL.
            let shown: Vec<String> = if ctx.trigger_exists("domains-urls", &["20_events"]) {
                use dokku_core::deploy::Host;
                host.fire_capture("domains-urls", &[&app, command])
                    .map_err(cli_error)?
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            } else {
                let urls = deploy::app_urls(&host, &app).map_err(cli_error)?;
                let take = if command == "url" { 1 } else { usize::MAX };
                urls.into_iter().take(take).collect()
            };
            for u in shown {
                dokku_host::output::println(&u);
            }
            Ok(0)
        }
        "cleanup" => {
            // `dokku cleanup [APP|--global]`: no app is `--global`. Dokku's bash helper
            // never forwards its force flag, so `skip-cleanup` is honoured here.
            let app = match args.first().filter(|a| !a.starts_with("--")) {
                Some(_) => Some(existing_app(ctx, args)?),
                None => None,
            };
            let host = &*ctx;
            if app.is_none() {
                // What killed `apps:create` / `apps:rename` runs left (ours).
                dokku_core::app::lifecycle::repair_all(&host).map_err(cli_error)?;
            }
            deploy::docker_cleanup(&host, app.as_deref(), false);
            Ok(0)
        }
        "report" => crate::report::report(ctx, args),
        other => Err(CommandError::fail(format!(
            "`{other}` is not a dokku command."
        ))),
    }
}
