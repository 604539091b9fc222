//! `ps:report [<app>|--global] [--format stdout|json] [<flag>]` and the ps plugin's
//! `report` trigger, through the shared report renderer.

use dokku_core::config::ops::is_deployed;
use dokku_core::property::command::report_scoped;
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::ps;
use dokku_core::report::{Report, ReportArgs};
use dokku_core::scheduler;

use dokku_plugin_common::report::{print_report, run_report};
use dokku_plugin_common::{CmdResult, Context};

/// `ps:report`.
pub(crate) fn run(ctx: &Context, args: &[String]) -> CmdResult {
    let host = ctx;
    let props = PropertyStore::new(&ctx.layout.lib_root);
    run_report(ctx, ps::PLUGIN, args, |app| {
        Ok(report(ctx, host, &props, app))
    })
}

/// The `report APP` trigger (`dokku report APP`): the app's report, stdout layout.
pub(crate) fn trigger(ctx: &Context, app: &str) {
    if dokku_core::app::verify(&ctx.layout.dokku_root, app).is_err() {
        return;
    }
    let host = ctx;
    let props = PropertyStore::new(&ctx.layout.lib_root);
    if let Ok(rendered) = report(ctx, host, &props, app).render(&ReportArgs::default()) {
        print_report(ctx, rendered);
    }
}

/// The report of one app (or the global values for `--global`): `--deployed`,
/// `--processes`, `--running`, `--restore`, the `--ps-*` properties (app, global and
/// computed) and one `--status-<type>.<n>` per container.
fn report(ctx: &Context, host: &Context, props: &PropertyStore, app: &str) -> Report {
    let get = |a: &str, k: &str| {
        props
            .get(ps::PLUGIN, a, k)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let mut report = Report::new(ps::PLUGIN, app);
    let stop_default = ps::DEFAULT_STOP_TIMEOUT.to_string();
    // Each key's global and computed value (and for an app its own), as Dokku's
    // `ps:report` shows them; the start commands have no global value.
    for (key, default) in [
        ("procfile-path", "Procfile"),
        ("restart-policy", ps::DEFAULT_RESTART_POLICY),
        ("skip-deploy", "false"),
        ("stop-timeout-seconds", stop_default.as_str()),
    ] {
        report_scoped(
            &mut report,
            props,
            ps::PLUGIN,
            ps::PLUGIN,
            app,
            key,
            default,
        );
    }
    if app == GLOBAL {
        return report;
    }
    for key in ["dockerfile-start-cmd", "start-cmd"] {
        report
            .flag(&format!("--ps-{key}"), get(app, key))
            .flag(&format!("--ps-computed-{key}"), get(app, key));
    }
    let (count, running) = scheduler::app_status(host.docker(), &ctx.layout, app);
    let or = |k: &str, default: &str| {
        props
            .get(ps::PLUGIN, app, k)
            .ok()
            .flatten()
            .unwrap_or_else(|| default.to_string())
    };
    report
        .flag(
            "--deployed",
            is_deployed(&ctx.layout.lib_root, app).to_string(),
        )
        .flag("--processes", count.to_string())
        .flag("--running", running.to_string())
        .flag("--restore", or("restore", "true"))
        .flag("--ps-can-scale", or("can-scale", "true"));
    if dokku_core::swarm::is_swarm(props, app) {
        for (dyno, status) in dokku_core::swarm::report_tasks(host.docker(), app) {
            report.flag(&format!("--status-{dyno}"), status);
        }
        return report;
    }
    for slot in scheduler::slots(&ctx.layout, app) {
        let cid: String = slot.cid.chars().take(11).collect();
        let status = match host.docker().container_inspect(&slot.cid) {
            Some(info) if info.running => format!("running (CID: {cid})"),
            Some(info) => format!("{} (CID: {cid})", info.status),
            None => "missing".into(),
        };
        report.flag(
            &format!("--status-{}.{}", slot.proc_type, slot.index),
            status,
        );
    }
    report
}
