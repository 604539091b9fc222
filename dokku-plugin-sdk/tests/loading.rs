//! Plugin contract tests: build real plugin libraries (hello-native and the fixtures under
//! dokku-test-support/fixtures) during the test run and load them through
//! `dokku_plugin_sdk::host::load_plugin`, the way the `dokku` binary does.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use dokku_plugin_sdk::host::{load_plugin, HostServices, LoadError, LoadedPlugin};
use dokku_plugin_sdk::testing::MockHost;
use dokku_plugin_sdk::{ErrorKind, HostError, LogLevel, Manifest, Stream};

const PACKAGES: &[&str] = &[
    "dokku-example-hello-native",
    "dokku-fixture-abi-mismatch",
    "dokku-fixture-not-a-plugin",
    "dokku-fixture-panicking-plugin",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the SDK lives one level below the workspace root")
        .to_owned()
}

/// Builds every plugin library once per test binary (debug profile) and returns the
/// directory holding them. Respects `CARGO_TARGET_DIR`.
fn library_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = workspace_root();
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(&root).arg("build").arg("--quiet");
        for package in PACKAGES {
            cmd.args(["-p", package]);
        }
        let out = cmd.output().expect("cargo runs");
        assert!(
            out.status.success(),
            "building the plugin libraries failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|dir| {
                if dir.is_absolute() {
                    dir
                } else {
                    root.join(dir)
                }
            })
            .unwrap_or_else(|| root.join("target"));
        target.join("debug")
    })
}

fn library(package: &str) -> PathBuf {
    let path = library_dir().join(format!("lib{}.so", package.replace('-', "_")));
    assert!(path.is_file(), "{} was not built", path.display());
    path
}

fn load(package: &str) -> LoadedPlugin {
    let path = library(package);
    load_plugin(&path).unwrap_or_else(|e| panic!("{package} should load: {e}\n{}", e.detail()))
}

fn refuse(path: &Path) -> LoadError {
    let err = load_plugin(path).expect_err("the library must be refused");
    assert!(
        !err.to_string().contains('\n'),
        "the refusal must be one line: {err}"
    );
    assert_eq!(err.path(), path);
    err
}

#[test]
fn hello_native_loads_and_runs_its_commands() {
    let plugin = load("dokku-example-hello-native");
    assert_eq!(plugin.abi(), dokku_plugin_sdk::abi::DOKKU_PLUGIN_ABI);
    assert_eq!(plugin.sdk_version(), dokku_plugin_sdk::SDK_VERSION);
    assert!(plugin.rustc_version().starts_with("rustc "));

    // The embedded manifest agrees with plugin.toml on disk.
    let embedded = Manifest::parse(&plugin.manifest_toml()).expect("embedded manifest parses");
    let on_disk = Manifest::parse(
        &std::fs::read_to_string(workspace_root().join("examples/hello-native/plugin.toml"))
            .expect("plugin.toml is readable"),
    )
    .expect("plugin.toml parses");
    assert_eq!(embedded, on_disk);

    let host = MockHost::new();
    let no_env: &[(&str, &str)] = &[];
    assert_eq!(plugin.command(&host, "hello", &["myapp"], no_env), Ok(0));
    assert_eq!(
        plugin.command(
            &host,
            "hello",
            &[] as &[&str],
            &[("DOKKU_APP_NAME", "viaenv")]
        ),
        Ok(0)
    );
    assert_eq!(
        plugin.command(&host, "hello:world", &[] as &[&str], no_env),
        Ok(0)
    );
    assert_eq!(host.stdout(), "Hello myapp\nHello viaenv\nHello world\n");

    host.clear();
    assert_eq!(
        plugin.command(&host, "hello:help", &[] as &[&str], no_env),
        Ok(0)
    );
    assert_eq!(
        host.stdout(),
        "Usage: dokku hello[:COMMAND]\n\nSays hello\n\nAdditional commands:\n\
         \x20   hello <app>   Says \"Hello <app>\"\n\
         \x20   hello:world   Says \"Hello world\"\n"
    );

    host.clear();
    assert_eq!(plugin.command(&host, "help", &[] as &[&str], no_env), Ok(0));
    assert_eq!(host.stdout(), "    hello, Says hello\n");

    assert_eq!(
        plugin.command(&host, "apps:list", &[] as &[&str], no_env),
        Ok(10)
    );

    let err = plugin
        .command(&host, "hello", &[] as &[&str], no_env)
        .expect_err("no app");
    assert_eq!(
        err.to_string(),
        "Please specify an app to run the command on"
    );
}

#[test]
fn hello_native_trigger_and_host_services() {
    let plugin = load("dokku-example-hello-native");
    let host = MockHost::new()
        .with_app("myapp")
        .with_config("myapp", "GREETING", "Howdy");
    let no_env: &[(&str, &str)] = &[];
    assert_eq!(
        plugin.trigger(&host, "hello-trigger", &["myapp", "extra"], no_env, b""),
        Ok(0)
    );
    assert_eq!(
        plugin.command(&host, "hello:info", &["myapp"], no_env),
        Ok(0)
    );
    assert_eq!(
        host.stdout(),
        "hello-native trigger myapp extra\n\
         =====> myapp hello info\n       Image:     dokku/myapp:latest\n       Greeting:  Howdy\n"
    );
    let calls: Vec<(String, Vec<String>)> = host
        .calls()
        .into_iter()
        .map(|c| (c.service, c.args))
        .collect();
    assert_eq!(
        calls,
        [
            ("verify-app-name".to_owned(), vec!["myapp".to_owned()]),
            ("image-name".to_owned(), vec!["myapp".to_owned()]),
            (
                "config-get".to_owned(),
                vec!["myapp".to_owned(), "GREETING".to_owned()]
            ),
        ]
    );

    // A missing app keeps Dokku's exit code through the ABI.
    let err = plugin
        .command(&host, "hello:info", &["ghost"], no_env)
        .expect_err("missing app");
    assert_eq!((err.kind(), err.exit_code()), (ErrorKind::AppNotFound, 20));
    assert_eq!(err.to_string(), "App ghost does not exist");
}

#[test]
fn loading_the_same_library_twice_gives_a_working_plugin() {
    let first = load("dokku-example-hello-native");
    let second = load("dokku-example-hello-native");
    let host = MockHost::new();
    let no_env: &[(&str, &str)] = &[];
    assert_eq!(
        first.command(&host, "hello:world", &[] as &[&str], no_env),
        Ok(0)
    );
    assert_eq!(
        second.command(&host, "hello:world", &[] as &[&str], no_env),
        Ok(0)
    );
    assert_eq!(host.stdout(), "Hello world\nHello world\n");
}

#[test]
fn abi_number_mismatch_is_refused_with_one_line() {
    let path = library("dokku-fixture-abi-mismatch");
    let err = refuse(&path);
    assert!(
        matches!(err, LoadError::AbiMismatch { found: 999, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "plugin library {} was built for dokku plugin ABI 999 (sdk {}), this dokku provides \
             ABI 1: rebuild the plugin against dokku-plugin-sdk 1.x",
            path.display(),
            dokku_plugin_sdk::SDK_VERSION
        )
    );
    assert!(err.detail().contains("plugin ABI 999"), "{}", err.detail());
}

#[test]
fn a_cdylib_that_is_not_a_plugin_is_refused() {
    let path = library("dokku-fixture-not-a-plugin");
    let err = refuse(&path);
    assert!(matches!(err, LoadError::NotAPlugin { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "plugin library {} is not a dokku native plugin (it exports no dokku plugin root \
             module): build it with dokku_plugin_sdk::export_plugin!, or drop [plugin.native] \
             from its plugin.toml",
            path.display()
        )
    );
    assert!(
        err.detail().contains("abi_stable reported"),
        "{}",
        err.detail()
    );
}

#[test]
fn garbage_and_missing_files_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let garbage = dir.path().join("libgarbage.so");
    let mut file = std::fs::File::create(&garbage).expect("create garbage file");
    // Deterministic noise that is certainly not ELF.
    let mut x: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect();
    file.write_all(&bytes).expect("write garbage");
    drop(file);

    let err = refuse(&garbage);
    assert!(matches!(err, LoadError::Open { .. }), "{err:?}");
    let text = err.to_string();
    assert_eq!(
        text,
        format!(
            "cannot load plugin library {}: invalid ELF header: reinstall the plugin (its install \
             trigger builds the library)",
            garbage.display()
        )
    );

    let missing = dir.path().join("libmissing.so");
    let err = refuse(&missing);
    assert!(matches!(err, LoadError::Open { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "cannot load plugin library {}: cannot open shared object file: No such file or \
             directory: reinstall the plugin (its install trigger builds the library)",
            missing.display()
        )
    );
}

#[test]
fn panics_become_errors_and_the_host_survives() {
    let plugin = load("dokku-fixture-panicking-plugin");
    let host = MockHost::new().trace(true);
    let no_env: &[(&str, &str)] = &[];

    let err = plugin
        .command(&host, "panicking:command", &[] as &[&str], no_env)
        .expect_err("the command panics");
    assert_eq!(err.kind(), ErrorKind::Panicked);
    assert_eq!(err.exit_code(), 1);
    let text = err.to_string();
    assert!(
        text.starts_with("command `panicking:command` panicked at ")
            && text.contains("src/lib.rs:")
            && text.ends_with(": boom in command"),
        "{text}"
    );
    // The report was forwarded to the host log (debug level: shown with --trace).
    let logs = host.logs();
    assert!(
        logs.iter()
            .any(|(level, msg)| *level == LogLevel::Debug && msg.contains("boom in command")),
        "{logs:?}"
    );
    assert!(host
        .stderr()
        .contains(" ?     plugin command `panicking:command` panicked at "));

    let err = plugin
        .trigger(&host, "panicking-trigger", &["myapp"], no_env, b"")
        .expect_err("the trigger panics");
    assert_eq!(err.kind(), ErrorKind::Panicked);
    assert!(
        err.to_string()
            .starts_with("trigger `panicking-trigger` panicked at ")
            && err.to_string().ends_with(": boom in trigger myapp"),
        "{err}"
    );

    // Same plugin, same process: still usable.
    host.clear();
    assert_eq!(
        plugin.command(&host, "panicking:ok", &[] as &[&str], no_env),
        Ok(0)
    );
    assert_eq!(host.stdout(), "still alive\n");
}

/// A host written the way the CLI writes one: only the services it knows.
struct CliLikeHost {
    out: std::sync::Mutex<Vec<u8>>,
}

impl HostServices for CliLikeHost {
    fn write(&self, _stream: Stream, bytes: &[u8]) {
        self.out
            .lock()
            .expect("no test thread panicked holding the lock")
            .extend_from_slice(bytes);
    }

    fn call(&self, service: &str, _args: &[&str]) -> Result<Vec<String>, HostError> {
        Err(HostError::unsupported(service, "dokku 0.0.0-test"))
    }

    fn host_version(&self) -> String {
        "dokku 0.0.0-test".to_owned()
    }

    fn services(&self) -> Vec<String> {
        Vec::new()
    }
}

#[test]
fn an_unknown_service_surfaces_to_the_plugin_as_unsupported() {
    let plugin = load("dokku-fixture-panicking-plugin");
    let host = CliLikeHost {
        out: std::sync::Mutex::new(Vec::new()),
    };
    let err = plugin
        .command(
            &host,
            "panicking:unknown-service",
            &[] as &[&str],
            &[] as &[(&str, &str)],
        )
        .expect_err("the plugin propagates the host error");
    assert_eq!(err.kind(), ErrorKind::UnsupportedService);
    assert_eq!(
        err.to_string(),
        "host service `no-such-service` is not provided by this dokku (dokku 0.0.0-test): the \
         plugin needs a newer dokku"
    );
    let seen =
        String::from_utf8(host.out.into_inner().expect("lock not poisoned")).expect("utf-8 output");
    assert!(
        seen.starts_with("plugin saw UnsupportedService: host service `no-such-service`"),
        "{seen}"
    );
}
