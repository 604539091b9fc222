//! [`MockHost`]: unit-test a plugin without building or loading a library.
//!
//! Not behind a feature flag on purpose: it has no dependencies beyond the SDK's own, adds
//! nothing to a release `cdylib` unless called (the linker drops it), and authors can use
//! it from `#[cfg(test)]` code without juggling `[dev-dependencies]` features.
//!
//! ```
//! use dokku_plugin_sdk::prelude::*;
//! use dokku_plugin_sdk::testing::MockHost;
//!
//! #[derive(Default)]
//! struct Greeter;
//!
//! impl Plugin for Greeter {
//!     fn manifest() -> Manifest {
//!         Manifest::new("0.1.0", "greeter").command("greet", "greet <app>", "Greets an app")
//!     }
//!
//!     fn command(&self, ctx: &CommandContext<'_>) -> Result<i32, PluginError> {
//!         let app = ctx.app().ok_or("Please specify an app to run the command on")?;
//!         ctx.host().verify_app_name(app)?;
//!         let greeting = ctx.host().config_get(app, "GREETING")?.unwrap_or("Hello".into());
//!         ctx.host().log_info1(&format!("{greeting} {app}"));
//!         Ok(0)
//!     }
//! }
//!
//! let host = MockHost::new().with_app("myapp").with_config("myapp", "GREETING", "Hi");
//! assert_eq!(host.command(&Greeter, "greet", &["myapp"]), Ok(0));
//! assert_eq!(host.stdout(), "-----> Hi myapp\n");
//!
//! let err = host.command(&Greeter, "greet", &["nope"]).unwrap_err();
//! assert_eq!((err.kind(), err.exit_code()), (ErrorKind::AppNotFound, 20));
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use crate::error::{HostError, PluginError};
use crate::export::{run_command, run_trigger};
use crate::host::{CallBuffers, HostAdapter, HostServices};
use crate::plugin::Plugin;
use crate::services::{service, LogLevel, Stream};

/// One recorded host service call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCall {
    /// The service name.
    pub service: String,
    /// Its arguments.
    pub args: Vec<String>,
}

type Handler = Box<dyn Fn(&[String]) -> Result<Vec<String>, HostError> + Send + Sync>;

#[derive(Default)]
struct State {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    calls: Vec<ServiceCall>,
    logs: Vec<(LogLevel, String)>,
    apps: BTreeSet<String>,
    config: BTreeMap<(String, String), String>,
    properties: BTreeMap<(String, String, String), String>,
    /// Deploy locks by app: `manual` (seeded) or `held` (taken by the plugin).
    locks: BTreeMap<String, &'static str>,
}

/// A recording, scriptable host for plugin unit tests.
///
/// * Output written by the plugin and its log lines (rendered like Dokku: `-----> `, quiet
///   mode, `--trace`) are captured: [`MockHost::stdout`], [`MockHost::stderr`].
/// * Every service call is recorded: [`MockHost::calls`].
/// * Services answer from small in-memory fakes ([`MockHost::with_app`],
///   [`MockHost::with_config`], [`MockHost::with_property`], [`MockHost::with_locked_app`]):
///   apps and their (empty) domains and URLs, config, every property service (lists are
///   stored one entry a line, as on disk), the deploy lock; Dokku's default image naming
///   (`dokku/<app>:<tag|latest>`, no image checks); `trigger` → status 0;
///   `proxy-build-config` and `nginx-reload` succeed. Docker and image copies have no
///   fake: script them. Anything else, or anything overridden, answers what you script
///   with [`MockHost::on`] / [`MockHost::answer`]; unknown names answer
///   `UnsupportedService` like a real older host.
///
/// Calls go through the same glue as a loaded library (context building, `catch_unwind`),
/// only without `dlopen`.
pub struct MockHost {
    state: Mutex<State>,
    handlers: HashMap<String, Handler>,
    removed: BTreeSet<String>,
    env: Vec<(String, String)>,
    quiet: bool,
    trace: bool,
    version: String,
}

impl Default for MockHost {
    fn default() -> Self {
        Self::new()
    }
}

impl MockHost {
    /// A host with no apps, no config, not quiet, no trace.
    pub fn new() -> Self {
        MockHost {
            state: Mutex::new(State::default()),
            handlers: HashMap::new(),
            removed: BTreeSet::new(),
            env: Vec::new(),
            quiet: false,
            trace: false,
            version: format!(
                "mock-host (dokku-plugin-sdk {})",
                crate::export::SDK_VERSION
            ),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the captured output from the next assert.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Makes `app` exist (`app-exists`, `verify-app-name`).
    pub fn with_app(self, app: &str) -> Self {
        self.state().apps.insert(app.to_owned());
        self
    }

    /// Seeds a config var (`app` may be [`crate::GLOBAL`]).
    pub fn with_config(self, app: &str, key: &str, value: &str) -> Self {
        self.state()
            .config
            .insert((app.to_owned(), key.to_owned()), value.to_owned());
        self
    }

    /// Seeds a plugin property.
    pub fn with_property(self, plugin: &str, app: &str, key: &str, value: &str) -> Self {
        self.state().properties.insert(
            (plugin.to_owned(), app.to_owned(), key.to_owned()),
            value.to_owned(),
        );
        self
    }

    /// Puts a manual deploy lock on `app` (`apps:lock`): taking it fails, its status is
    /// `Manual`.
    pub fn with_locked_app(self, app: &str) -> Self {
        self.state().locks.insert(app.to_owned(), "manual");
        self
    }

    /// Adds a variable to the per-call environment (e.g. `DOKKU_APP_NAME` for `--app`).
    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Quiet mode: `*_quiet` log levels are dropped.
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    /// `--trace`: `Debug` log lines (including panic reports) are shown on stderr.
    pub fn trace(mut self, trace: bool) -> Self {
        self.trace = trace;
        self
    }

    /// The version string [`crate::Host::host_version`] returns.
    pub fn host_version(mut self, version: &str) -> Self {
        self.version = version.to_owned();
        self
    }

    /// Scripts a service: `handler` gets the arguments and returns the answer.
    pub fn on(
        mut self,
        service: &str,
        handler: impl Fn(&[String]) -> Result<Vec<String>, HostError> + Send + Sync + 'static,
    ) -> Self {
        self.removed.remove(service);
        self.handlers.insert(service.to_owned(), Box::new(handler));
        self
    }

    /// Scripts a service with a constant answer.
    pub fn answer(self, service: &str, values: &[&str]) -> Self {
        let values: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
        self.on(service, move |_| Ok(values.clone()))
    }

    /// Removes a service, built-in or scripted, to simulate an older dokku.
    pub fn without_service(mut self, service: &str) -> Self {
        self.handlers.remove(service);
        self.removed.insert(service.to_owned());
        self
    }

    /// Runs a plugin command (`args` = the words after the command name).
    pub fn command<P: Plugin>(
        &self,
        plugin: &P,
        name: &str,
        args: &[&str],
    ) -> Result<i32, PluginError> {
        let buffers = CallBuffers::new(name, args, &self.env);
        let adapter = HostAdapter::new(self);
        let result = run_command(plugin, adapter.host_ref(), None, buffers.call());
        self.end_call();
        result
    }

    /// What the real host does when a call returns: the deploy locks it took go.
    fn end_call(&self) {
        self.state().locks.retain(|_, state| *state != "held");
    }

    /// Runs a plugin trigger handler.
    pub fn trigger<P: Plugin>(
        &self,
        plugin: &P,
        name: &str,
        args: &[&str],
        stdin: &[u8],
    ) -> Result<i32, PluginError> {
        let buffers = CallBuffers::new(name, args, &self.env);
        let adapter = HostAdapter::new(self);
        let result = run_trigger(plugin, adapter.host_ref(), None, buffers.call(), stdin);
        self.end_call();
        result
    }

    /// Everything written to stdout so far (lossy UTF-8).
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.state().stdout).into_owned()
    }

    /// Everything written to stderr so far (lossy UTF-8).
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.state().stderr).into_owned()
    }

    /// Every service call so far, in order.
    pub fn calls(&self) -> Vec<ServiceCall> {
        self.state().calls.clone()
    }

    /// Every log call so far (before formatting and filtering).
    pub fn logs(&self) -> Vec<(LogLevel, String)> {
        self.state().logs.clone()
    }

    /// The current value of a config var in the in-memory fake.
    pub fn config(&self, app: &str, key: &str) -> Option<String> {
        self.state()
            .config
            .get(&(app.to_owned(), key.to_owned()))
            .cloned()
    }

    /// The current value of a property in the in-memory fake.
    pub fn property(&self, plugin: &str, app: &str, key: &str) -> Option<String> {
        self.state()
            .properties
            .get(&(plugin.to_owned(), app.to_owned(), key.to_owned()))
            .cloned()
    }

    /// Whether `app`'s deploy lock is held or manually set right now (a lock the plugin
    /// took is released when its call returns, as the real host does).
    pub fn deploy_locked(&self, app: &str) -> bool {
        self.state().locks.contains_key(app)
    }

    /// Forgets captured output, calls and logs (keeps apps, config and properties).
    pub fn clear(&self) {
        let mut state = self.state();
        state.stdout.clear();
        state.stderr.clear();
        state.calls.clear();
        state.logs.clear();
    }

    fn builtin(&self, name: &str, args: &[String]) -> Option<Result<Vec<String>, HostError>> {
        let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
        let opt = |i: usize| args.get(i).map(String::as_str).filter(|s| !s.is_empty());
        let mut state = self.state();
        let answer = match name {
            service::APP_EXISTS => Ok(vec![state.apps.contains(arg(0)).to_string()]),
            service::IS_VALID_APP_NAME => app_name_check(arg(0)).map(|()| vec![]),
            service::VERIFY_APP_NAME => app_name_check(arg(0)).and_then(|()| {
                if state.apps.contains(arg(0)) {
                    Ok(vec![])
                } else {
                    Err(HostError::app_not_found(arg(0)))
                }
            }),
            service::IMAGE_REPO => Ok(vec![format!("dokku/{}", arg(0))]),
            service::IMAGE_NAME | service::DEPLOYING_IMAGE_NAME => {
                let repo = opt(2).map_or_else(|| format!("dokku/{}", arg(0)), str::to_owned);
                Ok(vec![format!("{repo}:{}", opt(1).unwrap_or("latest"))])
            }
            service::RUNNING_IMAGE_TAG => Ok(vec![opt(1).unwrap_or("latest").to_owned()]),
            service::CONFIG_GET => Ok(state
                .config
                .get(&(arg(0).to_owned(), arg(1).to_owned()))
                .cloned()
                .into_iter()
                .collect()),
            service::CONFIG_SET | service::CONFIG_UNSET => {
                let rest = match args.first().map(String::as_str) {
                    Some("--no-restart") => &args[1..],
                    _ => args,
                };
                let Some((app, items)) = rest.split_first() else {
                    return Some(Err(HostError::invalid_arguments(format!(
                        "{name}: missing app"
                    ))));
                };
                for item in items {
                    if name == service::CONFIG_SET {
                        let Some((k, v)) = item.split_once('=') else {
                            return Some(Err(HostError::invalid_arguments(format!(
                                "{name}: expected KEY=VALUE, got {item:?}"
                            ))));
                        };
                        state
                            .config
                            .insert((app.clone(), k.to_owned()), v.to_owned());
                    } else {
                        state.config.remove(&(app.clone(), item.clone()));
                    }
                }
                Ok(vec![])
            }
            service::PROPERTY_GET => Ok(state
                .properties
                .get(&(arg(0).to_owned(), arg(1).to_owned(), arg(2).to_owned()))
                .cloned()
                .into_iter()
                .collect()),
            service::PROPERTY_SET => {
                state.properties.insert(
                    (arg(0).to_owned(), arg(1).to_owned(), arg(2).to_owned()),
                    arg(3).to_owned(),
                );
                Ok(vec![])
            }
            service::PROPERTY_DELETE => {
                state
                    .properties
                    .remove(&(arg(0).to_owned(), arg(1).to_owned(), arg(2).to_owned()));
                Ok(vec![])
            }
            service::TRIGGER => Ok(vec!["0".to_owned()]),
            service::TRIGGER_CAPTURE => Ok(vec!["0".to_owned(), String::new()]),
            service::APPS_LIST => Ok(state.apps.iter().cloned().collect()),
            service::DOMAINS | service::URLS | service::PROXY_BUILD_CONFIG => {
                if state.apps.contains(arg(0)) {
                    Ok(vec![])
                } else {
                    Err(HostError::app_not_found(arg(0)))
                }
            }
            service::NGINX_RELOAD => Ok(vec![]),
            service::DEPLOY_LOCK_STATUS
            | service::DEPLOY_LOCK_ACQUIRE
            | service::DEPLOY_LOCK_RELEASE => {
                if !state.apps.contains(arg(0)) {
                    return Some(Err(HostError::app_not_found(arg(0))));
                }
                let app = arg(0).to_owned();
                let current = state.locks.get(&app).copied();
                match (name, current) {
                    (service::DEPLOY_LOCK_STATUS, lock) => {
                        Ok(vec![lock.unwrap_or("free").to_owned()])
                    }
                    (service::DEPLOY_LOCK_ACQUIRE, None) => {
                        state.locks.insert(app, "held");
                        Ok(vec![])
                    }
                    (service::DEPLOY_LOCK_ACQUIRE, Some("held")) => {
                        Err(HostError::invalid_arguments(format!(
                            "the deploy lock of {app} is already held by this plugin call"
                        )))
                    }
                    (service::DEPLOY_LOCK_ACQUIRE, Some(_)) => Err(HostError::failed(format!(
                        "{app} currently has a deploy lock in place. Exiting..."
                    ))),
                    (_, Some("held")) => {
                        state.locks.remove(&app);
                        Ok(vec![])
                    }
                    _ => Err(HostError::invalid_arguments(format!(
                        "the deploy lock of {app} is not held by this plugin call"
                    ))),
                }
            }
            other => return property_service(&mut state.properties, other, args),
        };
        Some(answer)
    }
}

type Properties = BTreeMap<(String, String, String), String>;

/// The property services beyond get/set/delete, over the in-memory store (a list is
/// stored as the file would be: one entry a line).
fn property_service(
    props: &mut Properties,
    name: &str,
    args: &[String],
) -> Option<Result<Vec<String>, HostError>> {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let key = (arg(0).to_owned(), arg(1).to_owned(), arg(2).to_owned());
    let index = |i: usize| -> Result<usize, HostError> {
        match arg(i) {
            "" => Ok(0),
            text => text.parse().map_err(|_| {
                HostError::invalid_arguments(format!("Invalid index specified: '{text}'"))
            }),
        }
    };
    let mut list: Vec<String> = props
        .get(&key)
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    let store = |props: &mut Properties, list: &[String]| {
        let text: String = list.iter().map(|l| format!("{l}\n")).collect();
        props.insert(key.clone(), text);
        Ok(vec![])
    };
    let answer = match name {
        service::PROPERTY_EXISTS => Ok(vec![props.contains_key(&key).to_string()]),
        service::PROPERTY_GET_ALL => Ok(props
            .iter()
            .filter(|((p, a, _), _)| *p == key.0 && *a == key.1)
            .flat_map(|((_, _, k), v)| [k.clone(), v.clone()])
            .collect()),
        service::PROPERTY_DESTROY => {
            props.retain(|(p, a, _), _| !(*p == key.0 && (*a == key.1 || key.1 == "_all_")));
            Ok(vec![])
        }
        service::PROPERTY_LIST_GET => Ok(list),
        service::PROPERTY_LIST_LENGTH => Ok(vec![list.len().to_string()]),
        service::PROPERTY_LIST_GET_BY_INDEX => index(3).and_then(|i| {
            list.get(i)
                .map(|v| vec![v.clone()])
                .ok_or_else(|| HostError::invalid_arguments("Index not found"))
        }),
        service::PROPERTY_LIST_GET_BY_VALUE => {
            Ok(vec![list.iter().any(|l| l == arg(3)).to_string()])
        }
        service::PROPERTY_LIST_ADD => index(4).and_then(|i| {
            let at = if i == 0 || i > list.len() {
                list.len()
            } else {
                i - 1
            };
            list.insert(at, arg(3).trim().to_owned());
            store(props, &list)
        }),
        service::PROPERTY_LIST_SET => index(4).and_then(|i| {
            match list.get_mut(i) {
                Some(slot) => *slot = arg(3).trim().to_owned(),
                None => list.push(arg(3).trim().to_owned()),
            }
            store(props, &list)
        }),
        service::PROPERTY_LIST_REMOVE | service::PROPERTY_LIST_REMOVE_BY_PREFIX => {
            let before = list.len();
            if name == service::PROPERTY_LIST_REMOVE {
                list.retain(|l| l != arg(3));
            } else {
                list.retain(|l| !l.starts_with(arg(3)));
            }
            if list.len() == before {
                Err(HostError::failed("Property not found, nothing was removed"))
            } else {
                store(props, &list)
            }
        }
        service::PROPERTY_LIST_WRITE => {
            let values: Vec<String> = args.get(3..).unwrap_or_default().to_vec();
            store(props, &values)
        }
        _ => return None,
    };
    Some(answer)
}

/// Dokku's app-name rule (`^[a-z0-9][a-z0-9.-]*$`) with its messages; the real host asks
/// dokku-core, this fake only has to agree on well-known inputs.
fn app_name_check(app: &str) -> Result<(), HostError> {
    let mut chars = app.chars();
    let Some(first) = chars.next() else {
        return Err(HostError::invalid_arguments(
            "Please specify an app to run the command on",
        ));
    };
    let lower_alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if lower_alnum(first) && chars.all(|c| lower_alnum(c) || c == '.' || c == '-') {
        Ok(())
    } else {
        Err(HostError::invalid_arguments(
            "App name must begin with lowercase alphanumeric character, and may only contain \
             lowercase alphanumerics, dots, and hyphens",
        ))
    }
}

const BUILTIN_SERVICES: &[&str] = &[
    service::APP_EXISTS,
    service::IS_VALID_APP_NAME,
    service::VERIFY_APP_NAME,
    service::IMAGE_REPO,
    service::IMAGE_NAME,
    service::DEPLOYING_IMAGE_NAME,
    service::RUNNING_IMAGE_TAG,
    service::CONFIG_GET,
    service::CONFIG_SET,
    service::CONFIG_UNSET,
    service::PROPERTY_GET,
    service::PROPERTY_SET,
    service::PROPERTY_DELETE,
    service::PROPERTY_EXISTS,
    service::PROPERTY_GET_ALL,
    service::PROPERTY_DESTROY,
    service::PROPERTY_LIST_GET,
    service::PROPERTY_LIST_GET_BY_INDEX,
    service::PROPERTY_LIST_GET_BY_VALUE,
    service::PROPERTY_LIST_LENGTH,
    service::PROPERTY_LIST_ADD,
    service::PROPERTY_LIST_SET,
    service::PROPERTY_LIST_REMOVE,
    service::PROPERTY_LIST_REMOVE_BY_PREFIX,
    service::PROPERTY_LIST_WRITE,
    service::APPS_LIST,
    service::DOMAINS,
    service::URLS,
    service::PROXY_BUILD_CONFIG,
    service::NGINX_RELOAD,
    service::DEPLOY_LOCK_STATUS,
    service::DEPLOY_LOCK_ACQUIRE,
    service::DEPLOY_LOCK_RELEASE,
    service::TRIGGER,
    service::TRIGGER_CAPTURE,
];

impl HostServices for MockHost {
    fn write(&self, stream: Stream, bytes: &[u8]) {
        let mut state = self.state();
        match stream {
            Stream::Stdout => state.stdout.extend_from_slice(bytes),
            Stream::Stderr => state.stderr.extend_from_slice(bytes),
        }
    }

    fn log(&self, level: LogLevel, msg: &str) {
        self.state().logs.push((level, msg.to_owned()));
        if (self.quiet && level.suppressed_when_quiet()) || (level.trace_only() && !self.trace) {
            return;
        }
        self.write(level.stream(), level.format(msg).as_bytes());
    }

    fn call(&self, name: &str, args: &[&str]) -> Result<Vec<String>, HostError> {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        self.state().calls.push(ServiceCall {
            service: name.to_owned(),
            args: args.clone(),
        });
        if self.removed.contains(name) {
            return Err(HostError::unsupported(name, &self.version));
        }
        if let Some(handler) = self.handlers.get(name) {
            return handler(&args);
        }
        self.builtin(name, &args)
            .unwrap_or_else(|| Err(HostError::unsupported(name, &self.version)))
    }

    fn host_version(&self) -> String {
        self.version.clone()
    }

    fn services(&self) -> Vec<String> {
        let mut names: BTreeSet<&str> = BUILTIN_SERVICES.iter().copied().collect();
        names.extend(self.handlers.keys().map(String::as_str));
        names
            .into_iter()
            .filter(|n| !self.removed.contains(*n))
            .map(str::to_owned)
            .collect()
    }
}
