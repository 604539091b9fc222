//! `ps:report [<app>|--global] [--format stdout|json] [<flag>]` and the ps plugin's
//! `report` trigger, through the shared report renderer.

use dokku_core::config::ops::is_deployed;
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
    report
        .flag("--ps-global-restart-policy", get(GLOBAL, "restart-policy"))
        .flag(
            "--ps-global-stop-timeout-seconds",
            get(GLOBAL, "stop-timeout-seconds"),
        );
    if app == GLOBAL {
        return report;
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
        .flag(
            "--ps-computed-restart-policy",
            ps::restart_policy(props, app),
        )
        .flag(
            "--ps-computed-stop-timeout-seconds",
            ps::stop_timeout(props, app).to_string(),
        )
        .flag("--ps-restart-policy", get(app, "restart-policy"))
        .flag(
            "--ps-stop-timeout-seconds",
            get(app, "stop-timeout-seconds"),
        )
        .flag("--ps-can-scale", or("can-scale", "true"));
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
