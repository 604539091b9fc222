//! The `scheduler-docker-swarm` plugin's triggers: the `scheduler-*` hooks for apps
//! whose scheduler is `docker-swarm`.

use std::io::Write;

use dokku_core::log::Level;
use dokku_core::scheduler;
use dokku_core::swarm::{self, NAME};
use dokku_core::trigger::TriggerError;

use dokku_plugin_common::{arg, trigger_status, Context};

/// The plugin's trigger handlers.
pub(crate) fn trigger(
    ctx: &Context,
    trigger: &str,
    args: &[String],
    stdout: &mut dyn Write,
) -> Result<i32, TriggerError> {
    let host = ctx;
    match trigger {
        // Cron tasks run as `dokku run` on this host, which works for swarm apps.
        "scheduler-uses-host-cron" if arg(args, 0) == NAME => {
            let _ = writeln!(stdout, "true");
            Ok(0)
        }
        "scheduler-deploy" if arg(args, 0) == NAME => {
            let only = args.get(3).map(String::as_str).filter(|p| !p.is_empty());
            trigger_status(ctx, swarm::deploy(&host, arg(args, 1), arg(args, 2), only))
        }
        // An app moved to another scheduler leaves its services behind until its
        // next deploy there: they are removed once that deploy succeeded. Only apps
        // that ran on the swarm have the data directory, so others cost nothing.
        "scheduler-deploy" => {
            let app = arg(args, 1);
            if app.is_empty() || !ctx.layout.app_data_dir(swarm::PLUGIN, app).is_dir() {
                return Ok(0);
            }
            ctx.log(
                Level::Info1,
                &format!(
                    "Removing the swarm services of {app} (now on the {} scheduler)",
                    arg(args, 0)
                ),
            );
            trigger_status(ctx, swarm::destroy(&host, app))
        }
        "scheduler-stop" if arg(args, 0) == NAME => trigger_status(
            ctx,
            swarm::stop(&host, arg(args, 1), arg(args, 2) == "true"),
        ),
        "scheduler-post-delete" if arg(args, 0) == NAME => {
            trigger_status(ctx, swarm::destroy(&host, arg(args, 1)))
        }
        "scheduler-app-status" if arg(args, 0) == NAME => {
            let (count, state) = swarm::app_status(host.docker(), arg(args, 1));
            let _ = writeln!(stdout, "{count} {state}");
            Ok(0)
        }
        // Deployed when the app has a service (a stopped app's has 0 replicas).
        "scheduler-is-deployed" if arg(args, 0) == NAME => {
            Ok(if swarm::has_services(host.docker(), arg(args, 1)) {
                0
            } else {
                1
            })
        }
        "scheduler-inspect" if arg(args, 0) == NAME => match swarm::inspect(&host, arg(args, 1)) {
            Ok(text) => {
                let _ = writeln!(stdout, "{text}");
                Ok(0)
            }
            Err(err) => trigger_status(ctx, Err(err)),
        },
        "scheduler-enter" if arg(args, 0) == NAME => {
            let req = scheduler::EnterRequest::parse(
                arg(args, 1),
                args.get(2..).unwrap_or_default(),
                ctx.has_tty(),
            );
            match swarm::enter(&host, &req) {
                Ok(code) => Ok(code),
                Err(err) => trigger_status(ctx, Err(err)),
            }
        }
        // One-off commands run as a plain container on this host (the manager, where
        // the image was built): output, a tty and the exit code pass straight
        // through, which a swarm job cannot offer.
        "scheduler-run" if arg(args, 0) == NAME => {
            dokku_plugin_common::one_off::run(ctx, args, stdout)
        }
        "scheduler-run-list" if arg(args, 0) == NAME => {
            dokku_plugin_common::one_off::run_list(ctx, args, stdout)
        }
        // SCHEDULER APP PROCESS_TYPE TAIL QUIET NUM: `docker service logs` of the
        // app's services, in docker-local's shape.
        "scheduler-logs" if arg(args, 0) == NAME => {
            let req = match dokku_core::scheduler::LogsRequest::from_trigger_args(args) {
                Ok(req) => req,
                Err(e) => return trigger_status(ctx, Err(e)),
            };
            dokku_core::swarm::logs(&ctx.as_plugin(), &req, &|line| {
                dokku_host::output::println(line)
            });
            Ok(0)
        }
        // SCHEDULER APP: `logs:failed`; the swarm keeps no failed containers.
        "scheduler-logs-failed" if arg(args, 0) == NAME => {
            if let Err(e) = scheduler::logs::trigger_app(arg(args, 1)) {
                return trigger_status(ctx, Err(e));
            }
            swarm::failed_logs(&ctx.as_plugin());
            Ok(0)
        }
        _ => Ok(0),
    }
}
