//! `logs:set` and `logs:report`, and the vector config they keep up to date.

use dokku_core::docker::Call;
use dokku_core::log::Level;
use dokku_core::logs::{self, PLUGIN};
use dokku_core::property::command::{computed, value};
use dokku_core::property::{PropertyStore, GLOBAL};
use dokku_core::report::{Report, ReportArgs, ReportFormat};

use dokku_host::command_error::{CmdResult, CommandError};
use dokku_host::context::Context;
use dokku_plugin_common::{log, properties, report};

fn props(ctx: &Context) -> PropertyStore {
    PropertyStore::new(&ctx.layout.lib_root)
}

/// `logs:set [--global|<app>] <key> [<value>]`: checks the value, writes it, and
/// rewrites `vector.json` when a vector setting changed.
pub(crate) fn set(ctx: &Context, args: &[String]) -> CmdResult {
    let (scope, rest) = properties::scoped(ctx, args)?;
    let key = rest.first().map(String::as_str).unwrap_or("");
    let value = rest.get(1..).map(|v| v.join(" ")).unwrap_or_default();
    let network_exists = |name: &str| {
        ctx.docker()
            .run(&Call::new(["network", "inspect", name]))
            .is_ok_and(|r| r.code == 0)
    };
    logs::validate(&scope, key, &value, &network_exists)
        .map_err(|e| CommandError::fail(e.to_string()).hint(hint(key)))?;
    properties::set_value(
        ctx,
        PLUGIN,
        &scope,
        key,
        &value,
        &logs::PROPERTIES,
        &logs::PROPERTIES,
    )?;
    if logs::VECTOR_PROPERTIES.contains(&key) {
        let path = logs::vector_config_path(&ctx.layout);
        log(
            ctx,
            Level::VerboseQuiet,
            &format!("Writing updated vector config to {}", path.display()),
        );
        logs::write_vector_config(&ctx.layout, &props(ctx), &[], &[])
            .map_err(|e| CommandError::fail(e.to_string()))?;
    }
    Ok(0)
}

/// What a valid value of `key` looks like.
fn hint(key: &str) -> &'static str {
    match key {
        "max-size" => "max-size is a number with a k, m or g unit (20m), or unlimited",
        "app-label-alias" => "an alias is a docker label key such as app_name",
        "vector-image" => "set it with: dokku logs:set --global vector-image IMAGE",
        "vector-networks" => {
            "set it with --global to existing docker networks but bridge, comma-separated"
        }
        _ => "a sink is TYPE://?OPTION=VALUE&..., e.g. console://?encoding[codec]=json",
    }
}

/// `logs:report [<app>|--global] [--format stdout|json] [<flag>]`. A sink shows as
/// `scheme://redacted` unless asked for in JSON or by its own raw flag.
pub(crate) fn report(ctx: &Context, args: &[String]) -> CmdResult {
    let parsed = ReportArgs::parse(PLUGIN, args).map_err(|e| CommandError::fail(e.to_string()))?;
    let props = props(ctx);
    report::run_report(ctx, PLUGIN, args, |scope| Ok(build(&props, scope, &parsed)))
}

/// The report of `scope` for the format and flag `args` asks.
fn build(props: &PropertyStore, scope: &str, args: &ReportArgs) -> Report {
    let shown = |raw: String, flag: &str| {
        if raw.is_empty()
            || args.format == ReportFormat::Json
            || args.info_flag.as_deref() == Some(flag)
        {
            raw
        } else {
            logs::redacted(&raw)
        }
    };
    let own = |key: &str| value(props, PLUGIN, scope, key);
    let global = |key: &str| value(props, PLUGIN, GLOBAL, key);
    let sink = |key: &str, own_flag: &str, global_flag: &str| {
        let raw = if scope == GLOBAL {
            String::new()
        } else {
            own(key)
        };
        if raw.is_empty() {
            shown(global(key), global_flag)
        } else {
            shown(raw, own_flag)
        }
    };
    let mut r = Report::new(PLUGIN, scope);
    r.flag(
        "--logs-computed-app-label-alias",
        logs::computed_alias(props, scope),
    );
    r.flag(
        "--logs-computed-max-size",
        computed(props, PLUGIN, scope, "max-size", logs::DEFAULT_MAX_SIZE),
    );
    r.flag(
        "--logs-computed-vector-cron-sink",
        sink(
            "vector-cron-sink",
            "--logs-vector-cron-sink",
            "--logs-global-vector-cron-sink",
        ),
    );
    r.flag(
        "--logs-computed-vector-image",
        logs::computed_vector_image(props),
    );
    r.flag("--logs-computed-vector-networks", global("vector-networks"));
    r.flag(
        "--logs-computed-vector-sink",
        sink(
            "vector-sink",
            "--logs-vector-sink",
            "--logs-global-vector-sink",
        ),
    );
    for key in [
        "app-label-alias",
        "max-size",
        "vector-image",
        "vector-networks",
    ] {
        r.flag(&format!("--logs-global-{key}"), global(key));
    }
    for key in ["vector-cron-sink", "vector-sink"] {
        let flag = format!("--logs-global-{key}");
        r.flag(&flag, shown(global(key), &flag));
    }
    if scope != GLOBAL {
        r.flag("--logs-app-label-alias", own("app-label-alias"));
        r.flag("--logs-max-size", own("max-size"));
        for key in ["vector-cron-sink", "vector-sink"] {
            let flag = format!("--logs-{key}");
            r.flag(&flag, shown(own(key), &flag));
        }
    }
    r
}
