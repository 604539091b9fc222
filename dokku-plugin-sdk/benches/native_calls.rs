//! Benchmark (not a test): the in-process cost of native plugins.
//!
//! - per-handler cost of a trigger call into a loaded plugin (hello-native's
//!   `hello-trigger`, which formats and writes one line through the host);
//! - load cost per plugin (`load_plugin` on distinct copies of the library, because a
//!   path is only ever opened once).
//!
//! Run with `cargo bench -p dokku-plugin-sdk`. It builds hello-native in release mode
//! first. Timings are wall clock on a noisy machine: read the orders of magnitude.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use dokku_plugin_sdk::host::{load_plugin, HostServices};
use dokku_plugin_sdk::{HostError, Stream};

/// A host that discards output, so the figure is the call itself.
struct NullHost;

impl HostServices for NullHost {
    fn write(&self, _stream: Stream, bytes: &[u8]) {
        std::hint::black_box(bytes);
    }
    fn call(&self, service: &str, _args: &[&str]) -> Result<Vec<String>, HostError> {
        Err(HostError::unsupported(service, "bench"))
    }
    fn host_version(&self) -> String {
        "bench".into()
    }
    fn services(&self) -> Vec<String> {
        Vec::new()
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("sdk is one level down")
        .to_path_buf()
}

fn main() {
    let root = repo_root();
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--quiet",
            "--lib",
            "-p",
            "dokku-example-hello-native",
        ])
        .current_dir(&root)
        .status()
        .expect("run cargo build");
    assert!(status.success(), "building hello-native failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let library = target.join("release/libdokku_example_hello_native.so");

    let copies = tempfile_dir();
    let mut loads = Vec::new();
    let mut plugins = Vec::new();
    for i in 0..50 {
        let copy = copies.join(format!("libhello_{i}.so"));
        std::fs::copy(&library, &copy).expect("copy library");
        let start = Instant::now();
        plugins.push(load_plugin(&copy).expect("load plugin"));
        loads.push(start.elapsed());
    }
    let host = NullHost;
    let args = ["myapp".to_string()];
    // Since issue 11 a handler gets the environment a legacy hook gets: about 75
    // variables in a prefix install (Dokku's exports, the process's, `CONFIG_*`).
    let full_env: Vec<(String, String)> = (0..75)
        .map(|i| {
            (
                format!("DOKKU_BENCH_VAR_{i}"),
                format!("/var/lib/dokku/value/{i}"),
            )
        })
        .collect();
    let no_env: Vec<(String, String)> = Vec::new();
    for (label, env) in [("no env", &no_env), ("75-var env", &full_env)] {
        for fan_out in [1usize, 10, 50] {
            let iterations = 20_000 / fan_out;
            // Warm up: the first call creates each plugin object.
            for p in &plugins[..fan_out] {
                p.trigger(&host, "hello-trigger", &args, env, b"")
                    .expect("trigger");
            }
            let start = Instant::now();
            for _ in 0..iterations {
                for p in &plugins[..fan_out] {
                    let status = p
                        .trigger(&host, "hello-trigger", &args, env, b"")
                        .expect("trigger");
                    std::hint::black_box(status);
                }
            }
            let per_handler = start.elapsed() / (iterations * fan_out) as u32;
            println!(
                "trigger fan-out {fan_out:>2} native handlers, {label:>10}: {:>8.0} ns per handler",
                nanos(per_handler)
            );
        }
    }
    loads.sort();
    println!(
        "load_plugin (50 distinct libraries): median {:.2} ms, max {:.2} ms",
        nanos(loads[loads.len() / 2]) / 1e6,
        nanos(loads[loads.len() - 1]) / 1e6
    );
    let _ = std::fs::remove_dir_all(&copies);
}

fn nanos(d: Duration) -> f64 {
    d.as_secs_f64() * 1e9
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dokku-native-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}
