//! Docker as Dokku runs it: the label sets of its builders, `$DOKKU_GLOBAL_*_ARGS`,
//! and a docker command run through `$DOCKER_BIN` with those labels on what it
//! creates. Arguments travel as an argv list and never meet a shell.

use dokku_core::docker::Call;
use dokku_core::env;
use dokku_core::image::labels::{self, LabelSet};
use dokku_plugin_sdk::service as name;
use dokku_plugin_sdk::HostError;

use super::errors;
use super::{Answer, Args, Family, ServiceHost};
use crate::context::Context;

pub(super) struct Docker;

/// The words of `$DOKKU_GLOBAL_BUILD_ARGS` (`build`) or `$DOKKU_GLOBAL_RUN_ARGS`
/// (`run`), split as the shell splits them.
fn global_args(ctx: &Context, phase: &str) -> Result<Vec<String>, HostError> {
    let var = match phase {
        "build" => env::DOKKU_GLOBAL_BUILD_ARGS,
        "run" => env::DOKKU_GLOBAL_RUN_ARGS,
        other => {
            return Err(HostError::invalid_arguments(format!(
                "unknown docker phase '{other}': expected build or run"
            )))
        }
    };
    let text = ctx.var(var).unwrap_or(env::fixed::GLOBAL_DOCKER_ARGS);
    Ok(dokku_core::shell::split_words(text))
}

impl Family for Docker {
    fn call(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Option<Answer> {
        let ctx = host.ctx;
        Some(match service {
            name::DOCKER_GLOBAL_ARGS => global_args(ctx, args.get(0)),
            name::DOCKER_LABELS => {
                let set = args.get(0);
                let Some(set) = LabelSet::from_name(set) else {
                    return Some(Err(HostError::invalid_arguments(format!(
                        "unknown docker label set '{set}': expected build, release, commit or run"
                    ))));
                };
                errors::valid_app_name(args.get(1)).map(|()| set.args(args.get(1), args.opt(2)))
            }
            name::DOCKER_COMMAND => command(ctx, args),
            _ => return None,
        })
    }
}

/// `docker-command APP|"" ARGS...` → `[STATUS, STDOUT, STDERR]`; a non-zero status is
/// an answer, not an error.
fn command(ctx: &Context, args: Args<'_>) -> Answer {
    let app = match args.opt(0) {
        Some(app) => Some(errors::existing_app(ctx, app)?),
        None => None,
    };
    let words: Vec<String> = args.from(1).iter().map(|s| s.to_string()).collect();
    if words.is_empty() {
        return Err(HostError::invalid_arguments(
            "docker-command needs the docker arguments after the app",
        ));
    }
    let argv = labels::with_dokku_labels(
        &words,
        app.as_ref().map(|a| a.as_str()),
        &global_args(ctx, "build")?,
        &global_args(ctx, "run")?,
    );
    ctx.trace(&format!(
        "{} {}",
        ctx.var(env::DOCKER_BIN).unwrap_or("docker"),
        argv.iter()
            .map(|w| dokku_core::shell::quote(w))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    let result = ctx
        .docker()
        .run(&Call::new(argv))
        .map_err(|e| HostError::failed(e.to_string()))?;
    Ok(vec![result.code.to_string(), result.stdout, result.stderr])
}
