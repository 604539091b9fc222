//! Config vars: `config-get`, and `config-set` / `config-unset` through the same
//! `dokku_core::config::ops` calls (triggers, restart) as the `config:*` commands.

use dokku_core::config::ops::{self, Restart};
use dokku_core::config::{parse_pairs, ConfigScope, ConfigStore};
use dokku_plugin_sdk::service as name;
use dokku_plugin_sdk::{HostError, GLOBAL};

use super::errors;
use super::{Answer, Args, Family, ServiceHost};
use crate::context::Context;

pub(super) struct Config;

impl Family for Config {
    fn call(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Option<Answer> {
        let ctx = host.ctx;
        Some(match service {
            name::CONFIG_GET => ConfigStore::new(&ctx.layout.lib_root)
                .get(&ConfigScope::from_arg(args.get(0)), args.get(1))
                .map(|v| v.into_iter().collect())
                .map_err(errors::config),
            name::CONFIG_SET | name::CONFIG_UNSET => {
                change(ctx, service == name::CONFIG_SET, args.0).map(|()| Vec::new())
            }
            _ => return None,
        })
    }
}

/// `config-set [--no-restart] APP|--global KEY=VALUE...` and
/// `config-unset [--no-restart] APP|--global KEY...`.
fn change(ctx: &Context, set: bool, args: &[&str]) -> Result<(), HostError> {
    let no_restart = args.contains(&"--no-restart");
    let mut rest = args.iter().copied().filter(|a| *a != "--no-restart");
    let target = rest.next().unwrap_or("");
    let scope = if target == GLOBAL {
        ConfigScope::Global
    } else {
        ConfigScope::app(errors::existing_app(ctx, target)?.as_str())
    };
    let words: Vec<String> = rest.map(str::to_string).collect();
    let restart = Restart::unless(no_restart);
    if set {
        let pairs = parse_pairs(&words, false).map_err(errors::config)?;
        ops::set(ctx, &scope, GLOBAL, &pairs, restart)
    } else {
        ops::unset(ctx, &scope, GLOBAL, &words, restart)
    }
    .map_err(errors::config)
}
