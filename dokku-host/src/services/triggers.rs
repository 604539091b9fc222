//! `trigger` and `trigger-capture`: a trigger fired over every enabled plugin, native
//! and legacy, in plugn order, as `plugn trigger` from a bash plugin.

use dokku_core::trigger::StdoutMode;
use dokku_plugin_sdk::service as name;
use dokku_plugin_sdk::HostError;

use super::errors;
use super::{Answer, Args, Family, ServiceHost};

pub(super) struct Triggers;

impl Family for Triggers {
    fn call(host: &ServiceHost<'_>, service: &str, args: Args<'_>) -> Option<Answer> {
        if service != name::TRIGGER && service != name::TRIGGER_CAPTURE {
            return None;
        }
        let Some((trigger, rest)) = args.0.split_first().filter(|(t, _)| !t.is_empty()) else {
            return Some(Err(HostError::invalid_arguments(format!(
                "{service} needs a trigger name"
            ))));
        };
        let rest: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
        Some(if service == name::TRIGGER_CAPTURE {
            host.ctx
                .fire(trigger, &rest, StdoutMode::Capture)
                .map(|outcome| vec![outcome.status.to_string(), outcome.stdout_text()])
                .map_err(errors::command)
        } else {
            host.fire_to_caller(trigger, &rest)
                .map(|status| vec![status.to_string()])
                .map_err(errors::command)
        })
    }
}
