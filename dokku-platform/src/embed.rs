//! The embedding facade: Dokku's everyday operations for another Rust program (a
//! deploy bot, a dashboard, a CI runner), without the `dokku` binary in between.
//!
//! [`Platform`] opens an install (the process environment as `dokku` reads it, or a
//! `install.sh --prefix DIR` install through its `DIR/env` file) and runs the same
//! code the commands run: each operation calls the core plugin's command handler
//! (`apps:create`, `config:set`, `git:from-image`, `git:from-archive`,
//! `apps:destroy`) through [`dokku_plugin_common::linked::Routes::call`], the lookup
//! the `dokku` binary's call path uses too, with a context built by the binary's own
//! constructors ([`crate::context_from_process`], [`crate::context_with_env`]). So
//! every trigger those commands fire reaches linked core plugins, native libraries and
//! legacy executables on one bus, in plugn's order, exactly as from the CLI. The
//! listing ([`Platform::apps`]) reads state with the `dokku-core` functions `apps:list`
//! and `ps:report` use, and URLs with the `urls` command's own function.
//!
//! # Output
//!
//! The facade prints nothing itself, and a failed command comes back as an [`Error`]
//! instead of Dokku's ` !     message` line. The pipeline it runs still writes what
//! `dokku` writes: Dokku's log lines (`-----> Building ...`), `docker build` output and
//! whatever plugins' hooks print go to this process's stdout and stderr, and a failing
//! trigger handler prints its own ` !` line. [`Platform::quiet`] drops the `*_quiet`
//! lines as `dokku --quiet` does. To capture or silence everything, run the embedding
//! code in a child process with piped stdout/stderr (the e2e test runs
//! `examples/embed-deploy` so), or point file descriptors 1 and 2 elsewhere while a
//! call runs: children (docker, git, hooks) inherit them, so an in-process writer
//! could never see their output.
//!
//! # What differs from the `dokku` binary
//!
//! The embedder is a trusted local caller: no ssh command splitting, no `user-auth`
//! trigger, no switch to the `dokku` system user (run the program as that user, or
//! against a prefix install owned by the running user). Commands re-run by the
//! pipeline itself (`ps:retire` after a deploy, for one) use the install's `dokku`
//! binary, which must therefore exist.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use dokku_core::app::{self, AppName, AppNameError};
use dokku_core::config::ops::{is_deployed, Restart};
use dokku_core::env;
use dokku_core::settings::{self, EnvMap};
use dokku_host::{CommandError, Context};
use dokku_plugin_common::linked::Routes;

use crate::registry;

/// Dokku, opened for an embedder. Every call works on a copy of one context, so a
/// `Platform` can be shared between threads; Dokku's own locks (the deploy lock,
/// the config files' locks) order concurrent calls on one app.
pub struct Platform {
    ctx: Context,
}

/// Why a [`Platform`] call failed. Nothing is printed for it; [`Error::hint`] says
/// how to fix it when that is known.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The install could not be opened: its `env` file or a settings file could not
    /// be read, or it has no `dokku` binary.
    #[error("{message}")]
    Open {
        /// What went wrong.
        message: String,
        /// How to fix it.
        hint: Option<String>,
    },
    /// The name breaks Dokku's app naming rule; nothing ran.
    #[error(transparent)]
    InvalidAppName(#[from] AppNameError),
    /// No such app (Dokku's exit code 20).
    #[error("App {app} does not exist")]
    AppNotFound {
        /// The name asked for.
        app: String,
    },
    /// [`Platform::create_app`]: an app of that name exists already; nothing ran.
    #[error("App {app} already exists")]
    AppExists {
        /// The name asked for.
        app: String,
    },
    /// A core plugin the call needs is not installed and enabled in this install, or
    /// not linked into this program.
    #[error("core plugin {plugin} is not available: {reason}")]
    PluginUnavailable {
        /// The plugin's name.
        plugin: String,
        /// Why.
        reason: String,
    },
    /// The command ran and failed.
    #[error("{}", failed_text(command, message.as_deref(), *code))]
    Failed {
        /// The command as the CLI names it (`git:from-archive`).
        command: String,
        /// Its one-line message, as `dokku` prints it after ` !     `; `None` when the
        /// pipeline already printed why (a failing build or trigger handler).
        message: Option<String>,
        /// How to fix it, when the command knows.
        hint: Option<String>,
        /// The exit code `dokku` would end with.
        code: i32,
    },
    /// Staging an archive for [`Platform::deploy_tarball`] failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn failed_text(command: &str, message: Option<&str>, code: i32) -> String {
    match message {
        Some(message) => message.to_string(),
        None => format!("{command} failed with exit code {code} (its output above says why)"),
    }
}

impl Error {
    /// How to fix it, when known (the `hint:` line `dokku` would print).
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Open { hint, .. } | Error::Failed { hint, .. } => hint.as_deref(),
            Error::AppNotFound { .. } => Some("create it first (Platform::create_app)"),
            Error::PluginUnavailable { .. } => {
                Some("reinstall dokku so the installed core plugins match this build")
            }
            _ => None,
        }
    }

    /// The exit code `dokku` would end with for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Failed { code, .. } => *code,
            Error::AppNotFound { .. } => dokku_protocol::exit::APP_NOT_FOUND_EXIT,
            _ => 1,
        }
    }

    fn failed(command: &str, err: CommandError) -> Error {
        Error::Failed {
            command: command.to_string(),
            message: err.message,
            hint: err.hint,
            code: err.code,
        }
    }
}

/// An app's source archive for [`Platform::deploy_tarball`]: a tar, a gzip-compressed
/// tar or a zip (told apart by their first bytes), whose files (or whose single
/// top-level directory's files) become the app's source, as for `git:from-archive`.
pub enum Archive<'a> {
    /// A file on this machine.
    File(&'a Path),
    /// Bytes read to their end; they are staged in a private temp file first.
    Reader(&'a mut dyn Read),
}

/// Whether an app's containers are running (`ps:report`'s `--running`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Running {
    /// Every container is running.
    Yes,
    /// None is (or the app has none).
    No,
    /// Some are, some are not.
    Mixed,
}

/// An app and its state, as [`Platform::apps`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppState {
    /// The app's name.
    pub name: String,
    /// Deployed at least once (`ps:report --deployed`).
    pub deployed: bool,
    /// Its containers' state (`ps:report --running`).
    pub running: Running,
    /// How many containers it has (`ps:report --processes`).
    pub processes: usize,
    /// Every URL it answers on, as `dokku urls APP` prints them.
    pub urls: Vec<String>,
    /// Its main URL, as `dokku url APP` prints it.
    pub url: Option<String>,
}

impl Platform {
    /// Opens the install this process's environment points at, as the `dokku` binary
    /// does: `/etc/default/dokku`, `DOKKU_ROOT` (default: the `dokku` user's home),
    /// its `dokkurc` files, Dokku's exports. The install's `dokku` is the first one
    /// on `PATH`.
    pub fn from_process() -> Result<Platform, Error> {
        let ctx = crate::context_from_process().map_err(open_error)?;
        Platform::with_context(ctx, None)
    }

    /// Opens the prefix install in `dir` (`install.sh --prefix DIR`): this process's
    /// environment with `DIR/env` sourced on top, then the same steps as
    /// [`Platform::from_process`]; the install's `dokku` is `DIR/bin/dokku`. This
    /// process's own environment is left as it is.
    pub fn open_prefix(dir: impl AsRef<Path>) -> Result<Platform, Error> {
        let dir = dir.as_ref();
        let env_file = dir.join("env");
        if !env_file.is_file() {
            return Err(Error::Open {
                message: format!("{} is not a prefix install: no env file", dir.display()),
                hint: Some("install one with ./install.sh --prefix DIR".into()),
            });
        }
        let mut vars: EnvMap = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        settings::apply_file(&env_file, &mut vars).map_err(|e| Error::Open {
            message: e.to_string(),
            hint: None,
        })?;
        let ctx = crate::context_from_vars(vars).map_err(open_error)?;
        Platform::with_context(ctx, Some(dir.join("bin").join("dokku")))
    }

    /// Opens Dokku over an environment that already went through the settings files
    /// (see [`crate::context_with_env`]); `dokku_bin` is the install's `dokku`.
    pub fn with_env(env: EnvMap, dokku_bin: impl Into<PathBuf>) -> Result<Platform, Error> {
        Platform::with_context(crate::context_with_env(env), Some(dokku_bin.into()))
    }

    fn with_context(mut ctx: Context, dokku_bin: Option<PathBuf>) -> Result<Platform, Error> {
        let bin = dokku_bin
            .or_else(|| find_on_path(ctx.var(env::PATH).unwrap_or_default(), "dokku"))
            .filter(|bin| bin.is_file())
            .ok_or_else(|| Error::Open {
                message: "no dokku binary found for this install".into(),
                hint: Some(
                    "install dokku (./install.sh), or open a prefix install with Platform::open_prefix"
                        .into(),
                ),
            })?;
        // The pipeline re-runs `dokku` (retiring old containers after a deploy):
        // that must be the install's binary, never this program.
        ctx.exe = bin;
        // As the dispatcher: without a terminal only its own `*_quiet` lines go.
        if !ctx.has_tty() {
            ctx.quiet = true;
        }
        Ok(Platform { ctx })
    }

    /// Drops Dokku's `*_quiet` log lines, as `dokku --quiet` does (and exports
    /// `DOKKU_QUIET_OUTPUT` to plugins, which honour it too).
    pub fn quiet(mut self, quiet: bool) -> Platform {
        self.ctx
            .export(env::DOKKU_QUIET_OUTPUT, if quiet { "1" } else { "" });
        self.ctx.quiet = quiet || !self.ctx.has_tty();
        self
    }

    /// Prints trace lines (`+ ...` on stderr) and debug logs, as `dokku --trace` does.
    pub fn trace(mut self, trace: bool) -> Platform {
        self.ctx
            .export(env::DOKKU_TRACE, if trace { "1" } else { "" });
        self.ctx.trace = trace;
        self
    }

    /// The host object every call runs with, to call `dokku-core` directly.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The `dokku` binary of the install.
    pub fn dokku_bin(&self) -> &Path {
        &self.ctx.exe
    }

    /// `dokku apps:create APP`. An existing app is [`Error::AppExists`].
    pub fn create_app(&self, app: &str) -> Result<(), Error> {
        let name = AppName::parse(app)?;
        if self.exists(name.as_str())? {
            return Err(Error::AppExists { app: app.into() });
        }
        self.run("apps", "apps:create", vec![name.as_str().to_string()])
    }

    /// Whether `app` exists (`dokku apps:exists APP`).
    pub fn exists(&self, app: &str) -> Result<bool, Error> {
        AppName::parse_existing(app)?;
        Ok(app::verify(&self.ctx.layout.dokku_root, app).is_ok())
    }

    /// `dokku apps:destroy --force APP`: no confirmation is asked, and a locked app is
    /// destroyed too.
    pub fn destroy_app(&self, app: &str) -> Result<(), Error> {
        let app = existing_name(app)?;
        self.run("apps", "apps:destroy", vec![app, "--force".into()])
    }

    /// `dokku config:set [--no-restart] APP KEY=VALUE...`: every pair is checked
    /// before anything is written; with [`Restart::Yes`] a deployed app is restarted
    /// with the new config (its `ps` `restore` property allowing).
    pub fn set_config<K, V>(
        &self,
        app: &str,
        pairs: &[(K, V)],
        restart: Restart,
    ) -> Result<(), Error>
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let app = existing_name(app)?;
        let mut args = Vec::with_capacity(pairs.len() + 3);
        if restart == Restart::No {
            args.push("--no-restart".to_string());
        }
        // Nothing after `--` is read as a flag, whatever a key looks like.
        args.push("--".into());
        args.push(app);
        args.extend(
            pairs
                .iter()
                .map(|(k, v)| format!("{}={}", k.as_ref(), v.as_ref())),
        );
        self.run("config", "config:set", args)
    }

    /// The app's own config (`dokku config:show APP`), read from the config plugin's
    /// store.
    pub fn config(&self, app: &str) -> Result<BTreeMap<String, String>, Error> {
        let app = self.existing_app(app)?;
        let store = dokku_core::config::ConfigStore::new(&self.ctx.layout.lib_root);
        store
            .all(&dokku_core::config::ConfigScope::app(&app))
            .map(|env| env.into_iter().map(|(k, v)| (k.into(), v)).collect())
            .map_err(|e| Error::Failed {
                command: "config:export".into(),
                message: Some(e.to_string()),
                hint: None,
                code: 1,
            })
    }

    /// `dokku git:from-image APP IMAGE`: a build context `FROM IMAGE` (pulled first
    /// when it is not on the host), committed on the app's deploy branch and deployed
    /// like a push.
    pub fn deploy_image(&self, app: &str, image: &str) -> Result<(), Error> {
        let app = existing_name(app)?;
        if image.is_empty() || image.starts_with('-') {
            return Err(Error::Failed {
                command: "git:from-image".into(),
                message: Some(format!("Invalid docker image name: {image:?}")),
                hint: Some("name an image as docker does: repository[:tag]".into()),
                code: 1,
            });
        }
        self.run("git", "git:from-image", vec![app, image.to_string()])
    }

    /// `dokku git:from-archive --archive-type TYPE APP file://...`: the archive is
    /// extracted, committed on the app's deploy branch and deployed like a push. A
    /// [`Archive::Reader`] is copied to a private temp file first (whose `file://`
    /// URL is then recorded as the deploy source). Needs `curl`, as
    /// `git:from-archive` does.
    pub fn deploy_tarball(&self, app: &str, archive: Archive<'_>) -> Result<(), Error> {
        let app = existing_name(app)?;
        let staged;
        let path = match archive {
            Archive::File(path) => std::path::absolute(path).map_err(io("locate the archive"))?,
            Archive::Reader(reader) => {
                let mut file = tempfile::Builder::new()
                    .prefix("dokku-archive-")
                    .tempfile()
                    .map_err(io("create a temp file for the archive"))?;
                std::io::copy(reader, &mut file).map_err(io("read the archive"))?;
                file.flush().map_err(io("write the archive"))?;
                staged = file;
                staged.path().to_path_buf()
            }
        };
        let kind = archive_type(&path)?;
        self.run(
            "git",
            "git:from-archive",
            vec!["--archive-type".into(), kind.into(), app, file_url(&path)],
        )
    }

    /// Every app, sorted by name, with its state (`apps:list`, then what
    /// `ps:report` and `urls` say of each).
    pub fn apps(&self) -> Result<Vec<AppState>, Error> {
        let names = app::list(&self.ctx.layout.dokku_root).map_err(|e| Error::Failed {
            command: "apps:list".into(),
            message: Some(e.to_string()),
            hint: None,
            code: 1,
        })?;
        names.iter().map(|name| self.state(name)).collect()
    }

    /// One app's state.
    pub fn app(&self, app: &str) -> Result<AppState, Error> {
        let app = self.existing_app(app)?;
        self.state(&app)
    }

    /// `app`, which must exist.
    fn existing_app(&self, app: &str) -> Result<String, Error> {
        let name = existing_name(app)?;
        if !self.exists(&name)? {
            return Err(Error::AppNotFound { app: name });
        }
        Ok(name)
    }

    fn state(&self, app: &str) -> Result<AppState, Error> {
        let ctx = &self.ctx;
        let (processes, running) =
            dokku_core::scheduler::app_status(ctx.docker(), &ctx.layout, app);
        let urls_of = |main_only: bool| {
            dokku_plugin_dokku_standard::urls(ctx, app, main_only).map_err(|e| {
                Error::failed(
                    if main_only { "url" } else { "urls" },
                    dokku_host::pipeline::cli_error(e),
                )
            })
        };
        Ok(AppState {
            name: app.to_string(),
            deployed: is_deployed(&ctx.layout.lib_root, app),
            running: match running {
                "true" => Running::Yes,
                "mixed" => Running::Mixed,
                _ => Running::No,
            },
            processes,
            urls: urls_of(false)?,
            url: urls_of(true)?.into_iter().next(),
        })
    }

    /// Runs core plugin `plugin`'s `command` handler with `args` (the words after the
    /// command), as the `dokku` binary would once it resolved the command.
    fn run(&self, plugin: &str, command: &str, args: Vec<String>) -> Result<(), Error> {
        let routes = self.core_routes(plugin)?;
        match routes.call(&self.ctx, command, &args) {
            None => Err(Error::PluginUnavailable {
                plugin: plugin.into(),
                reason: format!("it has no {command} command"),
            }),
            Some(Ok(0)) => Ok(()),
            Some(Ok(code)) => Err(Error::failed(command, CommandError::silent(code))),
            Some(Err(err)) if err.code == dokku_protocol::exit::APP_NOT_FOUND_EXIT => {
                let app = args
                    .iter()
                    .find(|a| !a.starts_with("--"))
                    .cloned()
                    .unwrap_or_default();
                Err(Error::AppNotFound { app })
            }
            Some(Err(err)) => Err(Error::failed(command, err)),
        }
    }

    /// The routes of a core plugin that this install has enabled (as the dispatcher
    /// finds it) and this program links.
    fn core_routes(&self, plugin: &str) -> Result<&'static Routes, Error> {
        let unavailable = |reason: &str| Error::PluginUnavailable {
            plugin: plugin.into(),
            reason: reason.into(),
        };
        let installed = self
            .ctx
            .plugins()
            .get(plugin)
            .ok_or_else(|| unavailable("it is not installed and enabled in this install"))?;
        let builtin = installed
            .manifest
            .as_ref()
            .and_then(|m| m.plugin.native.as_ref())
            .is_some_and(|n| n.builtin);
        if !builtin {
            return Err(unavailable("the installed plugin is not the built-in one"));
        }
        registry::find(plugin)
            .map(|core| core.routes)
            .ok_or_else(|| unavailable("this program does not link it"))
    }
}

fn open_error(err: CommandError) -> Error {
    Error::Open {
        message: err.to_string(),
        hint: err.hint,
    }
}

/// A name that may be an existing app's (current or legacy rule), checked before it
/// is handed to a command, so it is never read as a flag.
fn existing_name(app: &str) -> Result<String, Error> {
    Ok(AppName::parse_existing(app)?.as_str().to_string())
}

fn io(what: &'static str) -> impl Fn(std::io::Error) -> Error {
    move |source| Error::Io {
        what: format!("cannot {what}"),
        source,
    }
}

fn find_on_path(path: &str, program: &str) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// `tar.gz`, `zip` or `tar`, by the archive's first bytes.
fn archive_type(path: &Path) -> Result<&'static str, Error> {
    let mut head = [0u8; 4];
    let mut file = std::fs::File::open(path).map_err(io("open the archive"))?;
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io("read the archive")(e)),
        }
    }
    Ok(match &head[..read] {
        [0x1f, 0x8b, ..] => "tar.gz",
        [b'P', b'K', 3, 4] => "zip",
        _ => "tar",
    })
}

/// `file://` and the path, every byte but unreserved ones and `/` percent-encoded,
/// so curl reads exactly that file.
fn file_url(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut url = String::from("file://");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_platform_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Platform>();
        shared::<Error>();
    }

    #[test]
    fn file_urls_encode_everything_but_plain_path_bytes() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/x%.tar.gz")),
            "file:///tmp/a%20b/x%25.tar.gz"
        );
        assert_eq!(file_url(Path::new("/t/é")), "file:///t/%C3%A9");
    }

    #[test]
    fn archive_types_come_from_the_first_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cases: [(&[u8], &str); 4] = [
            (&[0x1f, 0x8b, 8, 0, 0], "tar.gz"),
            (b"PK\x03\x04rest", "zip"),
            (b"app/\0\0\0", "tar"),
            (b"", "tar"),
        ];
        for (i, (bytes, kind)) in cases.iter().enumerate() {
            let path = dir.path().join(i.to_string());
            std::fs::write(&path, bytes).expect("write");
            assert_eq!(archive_type(&path).expect("type"), *kind, "case {i}");
        }
    }
}
