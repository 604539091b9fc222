//! The project's nginx for one test: `scripts/nginx.sh start` on free loopback
//! ports with the install's own config and pid file (inside the test's prefix),
//! stopped by that pid when dropped. The install is told to listen on loopback
//! only, with those ports as its default `proxy-port` / `proxy-ssl-port`.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use dokku_test_support::repo_root;

use crate::harness::{run, Deployer};

/// A running project nginx.
pub(crate) struct TestNginx {
    dir: PathBuf,
    root: PathBuf,
    bin: String,
    user: String,
    /// The catch-all and default http port.
    pub(crate) http: u16,
    /// The catch-all and default https port.
    pub(crate) https: u16,
    /// The test's domain: apps get `APP.<domain>`.
    pub(crate) domain: String,
}

/// A free loopback port (nothing listens on it right now).
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

impl TestNginx {
    /// Starts the install's nginx and points the install at it.
    pub(crate) fn start(d: &Deployer) -> TestNginx {
        let dir = d.env.prefix().join("nginx");
        let mut last = String::new();
        for _ in 0..5 {
            let (http, https) = (free_port(), free_port());
            let nginx = TestNginx {
                dir: dir.clone(),
                root: d.env.dokku_root(),
                bin: d.env.var("DOKKU_NGINX_BIN").to_string(),
                user: d.env.var("DOKKU_SYSTEM_USER").to_string(),
                http,
                https,
                domain: format!("{}.e2e.test", d.id),
            };
            let out = nginx.script("start");
            if out.code == 0 {
                nginx.configure_install(d);
                return nginx;
            }
            last = format!("{}{}", out.stdout, out.stderr);
            nginx.script("stop");
        }
        panic!("the test nginx did not start\n{last}");
    }

    fn script(&self, action: &str) -> dokku_test_support::Run {
        run(Command::new("bash")
            .arg(repo_root().join("scripts/nginx.sh"))
            .arg(action)
            .env("NGINX_DIR", &self.dir)
            .env("NGINX_BIN", &self.bin)
            .env("NGINX_HTTP_PORT", self.http.to_string())
            .env("NGINX_HTTPS_PORT", self.https.to_string())
            .env("NGINX_LISTEN", "127.0.0.1")
            .env("NGINX_WORKERS", "1")
            // The test's own user runs the master (not a system `dokku` user).
            .env("NGINX_USER", &self.user)
            .env("DOKKU_ROOT", &self.root))
    }

    fn configure_install(&self, d: &Deployer) {
        for args in [
            vec!["nginx:set", "--global", "bind-address-ipv4", "127.0.0.1"],
            vec!["nginx:set", "--global", "bind-address-ipv6", "::1"],
            vec!["domains:set-global", &self.domain],
        ] {
            d.env.dokku(&args).success();
        }
        for (key, port) in [("proxy-port", self.http), ("proxy-ssl-port", self.https)] {
            d.env
                .dokku([
                    "__core",
                    "prop",
                    "set",
                    "proxy",
                    "--global",
                    key,
                    &port.to_string(),
                ])
                .success();
        }
    }

    /// `APP.<domain>`.
    pub(crate) fn host_of(&self, app: &str) -> String {
        format!("{app}.{}", self.domain)
    }

    /// The pid of the master (from its pid file).
    pub(crate) fn pid(&self) -> String {
        std::fs::read_to_string(self.dir.join("nginx.pid"))
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    /// Stops the master by the pid in its pid file (QUIT, then TERM), as a shutdown
    /// would; returns once that process is gone.
    pub(crate) fn stop(&self) {
        let pid = self.pid();
        assert!(!pid.is_empty(), "the test nginx has no pid file");
        let out = run(Command::new("kill").args(["-QUIT", &pid]));
        assert_eq!(out.code, 0, "kill -QUIT {pid}: {}", out.stderr);
        let proc_dir = std::path::Path::new("/proc").join(&pid);
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        while proc_dir.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(!proc_dir.exists(), "nginx {pid} did not stop");
        let _ = std::fs::remove_file(self.dir.join("nginx.pid"));
    }

    /// Starts the master again on the same ports and config (what the
    /// dokku-nginx unit runs at boot).
    pub(crate) fn start_again(&self) {
        let out = self.script("start");
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    }

    /// `GET path` through nginx on `port` with `Host: host`.
    pub(crate) fn get(&self, port: u16, host: &str, path: &str) -> Result<(u16, String), String> {
        get_via(port, host, path)
    }
}

/// `GET path` to 127.0.0.1:`port` with `Host: host` (connection closed after it).
pub(crate) fn get_via(port: u16, host: &str, path: &str) -> Result<(u16, String), String> {
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    dokku_core::checks::healthcheck::http_get(
        addr,
        path,
        &[("Host".into(), host.to_string())],
        Duration::from_secs(5),
    )
}

/// `curl -sk --resolve HOST:PORT:127.0.0.1 https://HOST:PORT/PATH`: status and body
/// (status 0 when curl failed).
pub(crate) fn curl_https(host: &str, port: u16, path: &str) -> (u16, String) {
    let out = run(Command::new("curl")
        .args([
            "-sk",
            "--max-time",
            "10",
            "-w",
            "\n%{http_code}",
            "--resolve",
        ])
        .arg(format!("{host}:{port}:127.0.0.1"))
        .arg(format!("https://{host}:{port}{path}")));
    let (body, code) = out.stdout.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

/// `curl -s -D - http://127.0.0.1:PORT/` with a Host header: status line and headers.
pub(crate) fn curl_head(host: &str, port: u16) -> String {
    run(Command::new("curl")
        .args(["-s", "--max-time", "10", "-o", "/dev/null", "-D", "-", "-H"])
        .arg(format!("Host: {host}"))
        .arg(format!("http://127.0.0.1:{port}/")))
    .stdout
}

impl Drop for TestNginx {
    fn drop(&mut self) {
        // By the pid in its own pid file, checked against its own config.
        let _ = self.script("stop");
    }
}

/// Creates `app` behind nginx: its default domain, `http:<http port>:5000`, and a
/// greeting to tell it apart.
pub(crate) fn create_app(d: &Deployer, nginx: &TestNginx, name: &str) -> String {
    let app = d.app(name);
    d.env.dokku(["apps:create", &app]).success();
    d.env
        .dokku(["ports:set", &app, &format!("http:{}:5000", nginx.http)])
        .success();
    d.env
        .dokku([
            "config:set",
            "--no-restart",
            &app,
            &format!("GREETING=from-{name}"),
        ])
        .success();
    app
}
