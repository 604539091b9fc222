//! The plugn-compatible entry point: `plugn trigger|list|version|enable|disable|...`.
//!
//! Many bash plugins call `plugn trigger X` directly; as the same binary, those calls
//! reach the same bus as `dokku`'s own triggers, native handlers included.

use dokku_core::env;
use dokku_core::plugin::manage;
use dokku_core::settings::EnvMap;
use dokku_core::trigger::{PlugnConfig, StdoutMode};

use dokku_host::output;

/// Runs `plugn ARGS...`.
pub(crate) fn main(args: &[String]) -> i32 {
    let vars: EnvMap = std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect();
    if vars.get(env::PLUGIN_PATH).is_none_or(|v| v.is_empty()) {
        output::write(
            dokku_core::log::Stream::Stderr,
            "!! PLUGIN_PATH is not set in environment\n",
        );
        return 2;
    }
    let mut ctx = dokku_platform::context_with_env(vars);
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let fail = |msg: String| {
        output::write(dokku_core::log::Stream::Stderr, &format!("{msg}\n"));
        1
    };
    match arg(0) {
        "trigger" => match ctx.fire(arg(1), args.get(2..).unwrap_or_default(), StdoutMode::Inherit) {
            Ok(outcome) => outcome.status,
            Err(err) => fail(err.to_string()),
        },
        "list" => {
            for p in manage::list(&ctx.layout) {
                output::println(&manage::list_line(&p));
            }
            0
        }
        "version" | "--version" | "-v" => {
            let version = ctx.installed_version().unwrap_or_default();
            output::println(&format!("plugn: {version}"));
            0
        }
        "enable" => match manage::enable(&ctx.layout, arg(1)) {
            Ok(()) => 0,
            Err(err) => fail(err.to_string()),
        },
        "disable" => match manage::disable(&ctx.layout, arg(1)) {
            Ok(()) => 0,
            Err(err) => fail(err.to_string()),
        },
        "config-get" => {
            let config = PlugnConfig::load(&ctx.layout.plugn_config());
            if let Some(v) = config.get(arg(1), arg(2)) {
                output::println(v);
            }
            0
        }
        "config-set" => {
            let path = ctx.layout.plugn_config();
            let mut config = PlugnConfig::load(&path);
            config.set(arg(1), arg(2), arg(3));
            match dokku_core::fs::write_atomic(&path, config.render().as_bytes(), 0o644) {
                Ok(()) => 0,
                Err(err) => fail(format!("cannot write {}: {err}", path.display())),
            }
        }
        "config-export" => {
            let config = PlugnConfig::load(&ctx.layout.plugn_config());
            ctx.rescan();
            if let Some(plugin) = ctx.plugins().get(arg(1)) {
                for (k, v) in dokku_core::trigger::config_exports(plugin, &config, &ctx.env) {
                    output::println(&format!("export {k}=\"{}\"", v.replace('"', "\\\"")));
                }
            }
            0
        }
        "init" => {
            let path = &ctx.layout.plugin_path;
            let made = std::fs::create_dir_all(path.join("enabled"))
                .and_then(|()| std::fs::create_dir_all(path.join("available")))
                .and_then(|()| {
                    let config = ctx.layout.plugn_config();
                    if config.exists() { Ok(()) } else { std::fs::write(config, "") }
                });
            match made {
                Ok(()) => {
                    output::println(&format!("Initialized empty Plugn plugin path in {}", path.display()));
                    0
                }
                Err(err) => fail(err.to_string()),
            }
        }
        other => fail(format!("plugn: unknown command '{other}' (try: trigger, list, version, enable, disable, config-get, config-set, config-export, init)")),
    }
}
