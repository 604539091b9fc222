//! The `scheduler-docker-local` plugin's triggers: the `scheduler-*` hooks for apps
//! whose scheduler is `docker-local`, and its side of checks around a deploy.

use std::io::Write;

use dokku_core::deploy;
use dokku_core::log::Level;
use dokku_core::property::PropertyStore;
use dokku_core::scheduler::{self, CheckRequest};
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, trigger_status, Context};

const NAME: &str = "docker-local";

fn is_ours(ctx: &Context, app: &str) -> bool {
    deploy::scheduler_of(&PropertyStore::new(&ctx.layout.lib_root), app) == NAME
}

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    match trigger {
        "scheduler-uses-host-cron" if arg(args, 0) == NAME => {
            let _ = writeln!(stdout, "true");
            Ok(0)
        }
        "scheduler-deploy" if arg(args, 0) == NAME => {
            let only = args.get(3).map(String::as_str).filter(|p| !p.is_empty());
            trigger_status(
                ctx,
                scheduler::deploy(&host, arg(args, 1), arg(args, 2), only),
            )
        }
        "check-deploy" if is_ours(ctx, arg(args, 0)) => {
            let index = args
                .get(5)
                .map(String::as_str)
                .filter(|i| !i.is_empty())
                .unwrap_or("1");
            let req = CheckRequest {
                app: arg(args, 0),
                cid: arg(args, 1),
                proc_type: arg(args, 2),
                port: arg(args, 3),
                ip: arg(args, 4),
                index,
            };
            trigger_status(ctx, scheduler::check_deploy(&host, &req))
        }
        "core-post-extract" => {
            let pid = ctx
                .var(dokku_core::env::DOKKU_PID)
                .unwrap_or("0")
                .to_string();
            let result = dokku_core::checks::legacy::extract(
                &ctx.layout,
                arg(args, 0),
                std::path::Path::new(arg(args, 1)),
                &pid,
            )
            .map_err(|e| {
                dokku_core::deploy::DeployError::fail(format!("cannot copy the CHECKS file: {e}"))
            });
            trigger_status(ctx, result)
        }
        "core-post-deploy" if is_ours(ctx, arg(args, 0)) => {
            let pid = ctx
                .var(dokku_core::env::DOKKU_PID)
                .unwrap_or("0")
                .to_string();
            dokku_core::checks::legacy::promote(&ctx.layout, arg(args, 0), &pid);
            trigger_status(ctx, scheduler::core_post_deploy(&host, arg(args, 0)))
        }
        "scheduler-stop" if arg(args, 0) == NAME => {
            scheduler::stop(&host, arg(args, 1), arg(args, 2) == "true");
            Ok(0)
        }
        "scheduler-retire" if arg(args, 0) == NAME => {
            scheduler::retire(
                &host,
                args.get(1).map(String::as_str).filter(|a| !a.is_empty()),
            );
            Ok(0)
        }
        "scheduler-register-retired" => {
            let wait = args.get(2).and_then(|w| w.parse().ok()).unwrap_or(60);
            trigger_status(
                ctx,
                scheduler::register_retired(&ctx.layout, arg(args, 0), arg(args, 1), wait),
            )
        }
        "scheduler-enter" if arg(args, 0) == NAME => {
            let tty = ctx.has_tty();
            let req = scheduler::EnterRequest::parse(
                arg(args, 1),
                args.get(2..).unwrap_or_default(),
                tty,
            );
            match scheduler::enter(&host, &req) {
                Ok(code) => Ok(code),
                Err(err) => trigger_status(ctx, Err(err)),
            }
        }
        // SCHEDULER NAME IMAGE --interactive=B --tty=B [--as-user UID] [-- CMD...]
        "scheduler-storage-exec" if arg(args, 0) == NAME => {
            use dokku_core::storage::entry;
            let req = entry::ExecRequest::from_trigger(args.get(1..).unwrap_or_default());
            match entry::exec(&ctx.layout, ctx.docker(), &req) {
                Ok(code) => Ok(code),
                Err(err) => trigger_status(ctx, Err(deploy::DeployError::fail(err.to_string()))),
            }
        }
        "scheduler-inspect" if arg(args, 0) == NAME => {
            match scheduler::inspect(&host, arg(args, 1)) {
                Ok(text) => {
                    let _ = writeln!(stdout, "{text}");
                    Ok(0)
                }
                Err(err) => trigger_status(ctx, Err(err)),
            }
        }
        // SCHEDULER APP ENV_COUNT ENV... -- CMD..., the mode in the environment.
        "scheduler-run" if arg(args, 0) == NAME => {
            dokku_plugin_common::one_off::run(ctx, args, stdout)
        }
        // SCHEDULER APP: deployed when a container of the app is recorded.
        "scheduler-is-deployed" if arg(args, 0) == NAME => {
            Ok(if scheduler::slots(&ctx.layout, arg(args, 1)).is_empty() {
                1
            } else {
                0
            })
        }
        // SCHEDULER APP FORMAT
        "scheduler-run-list" if arg(args, 0) == NAME => {
            dokku_plugin_common::one_off::run_list(ctx, args, stdout)
        }
        // SCHEDULER APP PROCESS_TYPE TAIL QUIET NUM
        "scheduler-logs" if arg(args, 0) == NAME => {
            let req = match scheduler::LogsRequest::from_trigger_args(args) {
                Ok(req) => req,
                Err(e) => return trigger_status(ctx, Err(e)),
            };
            scheduler::logs(&ctx.as_plugin(), &req, &|line| {
                dokku_host::output::println(line)
            });
            Ok(0)
        }
        // SCHEDULER APP
        "scheduler-logs-failed" if arg(args, 0) == NAME => {
            let app = match scheduler::logs::trigger_app(arg(args, 1)) {
                Ok(app) => app,
                Err(e) => return trigger_status(ctx, Err(e)),
            };
            scheduler::logs::failed(&ctx.as_plugin(), &app, &|text| {
                dokku_host::output::write(dokku_core::log::Stream::Stdout, text)
            });
            Ok(0)
        }
        // SCHEDULER APP CONTAINER TAIL QUIET NUM: `scheduler-logs`'s positions, with a
        // container name where the process type is.
        "scheduler-run-logs" if arg(args, 0) == NAME => {
            let mut req = match scheduler::LogsRequest::from_trigger_args(args) {
                Ok(req) => req,
                Err(e) => return trigger_status(ctx, Err(e)),
            };
            let container = req.proc_type.take();
            trigger_status(
                ctx,
                scheduler::run_logs(
                    &ctx.as_plugin(),
                    req.app.as_str(),
                    container.as_deref(),
                    &req,
                    &|line| dokku_host::output::println(line),
                ),
            )
        }
        // SCHEDULER APP [CONTAINER]
        "scheduler-run-stop" if arg(args, 0) == NAME => {
            let container = Some(arg(args, 2)).filter(|c| !c.is_empty());
            trigger_status(
                ctx,
                scheduler::run_stop(&ctx.as_plugin(), arg(args, 1), container),
            )
        }
        // [SCHEDULER APP]: no scheduler retires every app's expired containers.
        "scheduler-run-retire" if arg(args, 0).is_empty() || arg(args, 0) == NAME => {
            let app = Some(arg(args, 1)).filter(|a| !a.is_empty());
            // Dokku's trigger scripts print their `_quiet` lines without a tty too.
            trigger_status(ctx, scheduler::run_retire(&ctx.as_plugin(), app))
        }
        "scheduler-app-status" if arg(args, 0) == NAME => {
            let (count, state) = scheduler::app_status(host.docker(), &ctx.layout, arg(args, 1));
            let _ = writeln!(stdout, "{count} {state}");
            Ok(0)
        }
        "post-release-builder" => {
            let app = arg(args, 1);
            if !is_ours(ctx, app) {
                return Ok(0);
            }
            let pid = ctx.var(dokku_core::env::DOKKU_PID).map(str::to_string);
            let doc =
                dokku_core::appjson::current(&ctx.layout, app, pid.as_deref()).unwrap_or_default();
            ctx.log(Level::Info2, "Processing deployment checks");
            let has_web = doc
                .get("healthchecks")
                .and_then(|h| h.get("web"))
                .and_then(|w| w.as_array())
                .is_some_and(|a| !a.is_empty());
            if !has_web {
                let url = ctx
                    .var("DOKKU_CHECKS_URL")
                    .unwrap_or("https://dokku.com/docs/deployment/zero-downtime-deploys/")
                    .to_string();
                ctx.log(Level::Verbose, "No web healthchecks found in app.json. Simple container checks will be performed.");
                ctx.log(Level::Verbose, &format!("For more efficient zero downtime deployments, add healthchecks to your app.json. See {url} for examples"));
            }
            Ok(0)
        }
        _ => Ok(0),
    }
}
