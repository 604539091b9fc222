//! The docker-options plugin's triggers, handled in-process:
//!
//! | trigger | args | prints |
//! |---|---|---|
//! | `docker-args-build` | `APP IMAGE_SOURCE_TYPE` | ` <option>` per default-scope build option |
//! | `docker-args-deploy` | `APP IMAGE_SOURCE_TYPE ...` | the same for deploy (with `--restart*`) |
//! | `docker-args-run` | `APP IMAGE_SOURCE_TYPE` | the same for run |
//! | `docker-args-process-deploy` | `APP IMAGE_SOURCE_TYPE TAG PROC_TYPE` | the process type's own deploy options |
//! | `post-app-clone-setup` / `post-app-rename-setup` | `OLD NEW` | copies (and for a rename, moves) the options |
//! | `post-delete` | `APP` | removes the app's options |
//! | `install` | | the property directory; drains pre-0.38 `DOCKER_OPTIONS_*` files once |
//! | `report` | `APP` | the app's report |
//!
//! Dokku's Go triggers echo their stdin first; plugn gives every handler the same
//! inherited stdin, so the first reader takes it all. These handlers do not read stdin
//! (a native handler must not block on a terminal), so whatever was piped is echoed
//! by the next legacy handler instead; the words reaching docker are the same.

use std::io::Write;

use dokku_core::docker_options::{self, Phase};
use dokku_core::log::Level;
use dokku_core::property::GLOBAL;
use dokku_core::report::ReportArgs;
use dokku_core::trigger::TriggerError;

use crate::commands::props;
use dokku_host::context::Context;
use dokku_plugin_common::log;
use dokku_plugin_common::report::print_report;

/// Runs the docker-options plugin's handler for `trigger`.
pub(crate) fn run(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let props = props(ctx);
    let result = match trigger {
        "docker-args-build" | "docker-args-deploy" | "docker-args-run" => {
            let phase = match trigger {
                "docker-args-build" => Phase::Build,
                "docker-args-deploy" => Phase::Deploy,
                _ => Phase::Run,
            };
            docker_options::options(&props, arg(0), None, phase)
                .map(|opts| write(stdout, &docker_options::emit(phase, arg(1), &opts)))
        }
        "docker-args-process-deploy" => {
            let process = arg(3);
            if process.is_empty() || process == docker_options::DEFAULT_SCOPE {
                Ok(())
            } else {
                docker_options::options(&props, arg(0), Some(process), Phase::Deploy)
                    .map(|opts| write(stdout, &docker_options::emit(Phase::Deploy, arg(1), &opts)))
            }
        }
        "post-app-clone-setup" => props
            .clone_app(docker_options::PLUGIN, arg(0), arg(1))
            .map_err(Into::into),
        "post-app-rename-setup" => docker_options::rename(&props, arg(0), arg(1)),
        "post-delete" => props
            .destroy(docker_options::PLUGIN, arg(0))
            .map_err(Into::into),
        "install" => {
            let apps = dokku_core::app::list(&ctx.layout.dokku_root).unwrap_or_default();
            docker_options::install(&props, &ctx.layout.dokku_root, &apps).map(|migrated| {
                for file in migrated {
                    log(
                        ctx,
                        Level::Info1,
                        &format!("Migrated {file} to docker-options properties"),
                    );
                }
            })
        }
        "report" => {
            let app = if arg(0).is_empty() { GLOBAL } else { arg(0) };
            return match docker_options::report(&props, app)
                .map(|r| r.render(&ReportArgs::default()))
            {
                Ok(Ok(rendered)) => {
                    print_report(ctx, rendered);
                    Ok(0)
                }
                Ok(Err(e)) => fail(ctx, &e.to_string()),
                Err(e) => fail(ctx, &e.to_string()),
            };
        }
        other => {
            return Err(TriggerError::Handler {
                plugin: docker_options::PLUGIN.into(),
                trigger: other.to_string(),
                message: "the docker-options plugin has no handler for it".into(),
            })
        }
    };
    match result {
        Ok(()) => Ok(0),
        Err(e) => fail(ctx, &e.to_string()),
    }
}

fn write(stdout: &mut dyn Write, text: &str) {
    let _ = stdout.write_all(text.as_bytes());
}

fn fail(ctx: &Context, message: &str) -> Result<i32, TriggerError> {
    log(ctx, Level::Fail, message);
    Ok(1)
}
