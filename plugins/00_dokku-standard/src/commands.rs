//! The plugin's commands: `deploy`, `cleanup`, `url`, `urls`, and `report` (in
//! [`crate::report`]).

use dokku_core::deploy::{self, DeployError};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_host::pipeline::{cli_error, existing_app};

/// The URLs `dokku urls APP` prints, or with `main_only` the one `dokku url APP`
/// prints: what `domains-urls APP url|urls` answers (the domains plugin knows the main
/// URL), else one `http://IP:PORT` per running web container. `app` must exist.
pub fn urls(ctx: &Context, app: &str, main_only: bool) -> Result<Vec<String>, DeployError> {
    let host = ctx;
    if ctx.trigger_exists("domains-urls", &["20_events"]) {
        use dokku_core::deploy::Host;
        let which = if main_only { "url" } else { "urls" };
        return Ok(host
            .fire_capture("domains-urls", &[app, which])?
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect());
    }
    let urls = deploy::app_urls(&host, app)?;
    let take = if main_only { 1 } else { usize::MAX };
    Ok(urls.into_iter().take(take).collect())
}

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
            for u in urls(ctx, &app, command == "url").map_err(cli_error)? {
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
