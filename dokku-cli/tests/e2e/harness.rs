//! The end-to-end harness: a prefix install, its own sshd on a loopback port, a client
//! key, and git pushes over ssh — all real, nothing faked.
//!
//! Every container and image a test makes carries the label
//! `com.dokku-rs.test=<id>` (a small legacy plugin adds it through the
//! `docker-args-deploy` and `docker-args-build` triggers, the way an operator's plugin
//! would), and [`Deployer`]'s `Drop` removes exactly those, and stops the sshd it
//! started by its pid. Nothing else on the machine is touched.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use dokku_test_support::{copy_tree, repo_root, write_executable, Run, TestEnv};

/// Set to `1` to skip the end-to-end tests on a machine without Docker (never in CI).
pub(crate) const SKIP_VAR: &str = "DOKKU_SKIP_E2E";

/// Whether the e2e tests are skipped here (the developer asked to).
pub(crate) fn skipped() -> bool {
    if std::env::var(SKIP_VAR).is_ok_and(|v| v == "1") {
        eprintln!("skipping end-to-end test ({SKIP_VAR}=1)");
        return true;
    }
    false
}

/// Runs a command and captures it.
pub(crate) fn run(cmd: &mut Command) -> Run {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    use std::os::unix::process::ExitStatusExt;
    Run {
        code: out
            .status
            .code()
            .unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0)),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `docker ARGS`, captured.
pub(crate) fn docker<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    run(Command::new("docker").args(args))
}

/// Docker must answer and the base image must exist (built once per run, locally).
pub(crate) fn prepare_docker() {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        let info = docker(["info", "--format", "{{.ServerVersion}}"]);
        assert_eq!(
            info.code, 0,
            "the end-to-end tests need a running Docker engine\n{}\nhint: start dockerd (or run scripts/ci-prepare.sh); set {SKIP_VAR}=1 to skip them locally",
            info.stderr
        );
        let built = run(Command::new("bash").arg(repo_root().join("scripts/build-base-image.sh")));
        assert_eq!(built.code, 0, "building the base image failed\n{}{}", built.stdout, built.stderr);
    });
}

pub(crate) fn unique_id() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{:x}{:x}{}",
        std::process::id() & 0xffff,
        nanos & 0xfff,
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

fn current_user() -> String {
    let out = run(Command::new("id").arg("-un"));
    out.stdout.trim().to_string()
}

/// A deploy target: a prefix install reachable over ssh.
pub(crate) struct Deployer {
    pub(crate) env: TestEnv,
    pub(crate) id: String,
    sshd: Option<Child>,
    port: u16,
    key: PathBuf,
    user: String,
}

impl Deployer {
    /// Installs dokku in a temp prefix, starts an sshd for it and adds a client key.
    pub(crate) fn new() -> Deployer {
        prepare_docker();
        let env = TestEnv::install(env!("CARGO_BIN_EXE_dokku"));
        let id = unique_id();
        let mut d = Deployer {
            env,
            id,
            sshd: None,
            port: 0,
            key: PathBuf::new(),
            user: current_user(),
        };
        d.install_label_plugin();
        // Short waits: a second of uptime for the default check (and of uptime
        // guard after a web container's readiness), old containers retired at once.
        d.env
            .dokku([
                "__core",
                "prop",
                "set",
                "checks",
                "--global",
                "default-wait",
                "1",
            ])
            .success();
        d.env
            .dokku(["checks:set", "--global", "wait-to-retire", "0"])
            .success();
        d.env
            .dokku(["checks:set", "--global", "uptime-guard", "1"])
            .success();
        d.start_sshd();
        let keys = d.env.scratch("client");
        d.key = keys.join("id_ed25519");
        let made = run(Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "e2e@test", "-f"])
            .arg(&d.key));
        assert_eq!(made.code, 0, "ssh-keygen failed: {}", made.stderr);
        d.env
            .dokku([
                "ssh-keys:add",
                "e2e",
                d.key.with_extension("pub").to_str().expect("utf8 path"),
            ])
            .success();
        d
    }

    /// A legacy plugin that labels every container and image of this test, and
    /// records the arguments `post-deploy` gets.
    fn install_label_plugin(&self) {
        let dir = self.env.scratch("plugins").join("e2e-labels");
        let label = format!("--label=com.dokku-rs.test={}", self.id);
        std::fs::create_dir_all(&dir).expect("mkdir plugin");
        std::fs::write(
            dir.join("plugin.toml"),
            "[plugin]\ndescription = \"e2e test labels\"\nversion = \"0.1.0\"\n[plugin.config]\n",
        )
        .expect("write plugin.toml");
        for trigger in ["docker-args-deploy", "docker-args-build", "docker-args-run"] {
            // A leading space, as Dokku's own handlers print: plugn concatenates the
            // outputs, and the previous handler's last word must stay separate.
            write_executable(&dir.join(trigger), &format!("#!/bin/sh\necho ' {label}'\n"));
        }
        let record = self.env.scratch("records").join("post-deploy");
        write_executable(
            &dir.join("post-deploy"),
            &format!(
                "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done >> '{}'\necho >> '{}'\n",
                record.display(),
                record.display()
            ),
        );
        self.env
            .dokku(["plugin:install", dir.to_str().expect("utf8 path")])
            .success();
    }

    /// The argument lists `post-deploy` received so far, one line per call.
    pub(crate) fn post_deploy_calls(&self) -> String {
        std::fs::read_to_string(self.env.scratch("records").join("post-deploy")).unwrap_or_default()
    }

    fn start_sshd(&mut self) {
        let dir = self.env.scratch("sshd");
        let host_key = dir.join("host_key");
        if !host_key.exists() {
            let made = run(Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(&host_key));
            assert_eq!(made.code, 0, "ssh-keygen failed: {}", made.stderr);
        }
        if self.user == "root" {
            // sshd's privilege-separation directory (Debian's service creates it).
            let _ = std::fs::create_dir_all("/run/sshd");
        }
        let started = start_on_free_port(|port| {
            let config = dir.join("sshd_config");
            let text = format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\nAuthorizedKeysFile {}\nAllowUsers {}\n\
                 PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n\
                 StrictModes no\nUsePAM no\nPrintMotd no\nX11Forwarding no\n",
                host_key.display(),
                dir.join("sshd.pid").display(),
                self.env.dokku_root().join(".ssh/authorized_keys").display(),
                self.user,
            );
            std::fs::write(&config, text).expect("write sshd_config");
            let log = std::fs::File::create(dir.join("sshd.log")).expect("sshd log");
            Command::new("/usr/sbin/sshd")
                .args(["-D", "-e", "-f"])
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("start /usr/sbin/sshd (apt-get install openssh-server)")
        });
        if let Some((child, port)) = started {
            self.sshd = Some(child);
            self.port = port;
            return;
        }
        let log = std::fs::read_to_string(dir.join("sshd.log")).unwrap_or_default();
        panic!("the test sshd did not start\n{log}");
    }

    /// `ssh -i KEY ...` as a GIT_SSH_COMMAND.
    fn ssh_command(&self) -> String {
        format!(
            "ssh -i {} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
            self.key.display()
        )
    }

    /// An app name unique to this test.
    pub(crate) fn app(&self, name: &str) -> String {
        format!("e2e{}-{name}", self.id)
    }

    /// A git working copy of `examples/hello-app` (one commit on `main`).
    pub(crate) fn hello_source(&self, name: &str) -> PathBuf {
        let dir = self.env.scratch("src").join(name);
        copy_tree(&repo_root().join("examples/hello-app"), &dir);
        git(&dir, &["init", "--quiet", "--initial-branch", "main"]);
        commit_all(&dir, "initial");
        dir
    }

    /// `ssh://USER@127.0.0.1:PORT/APP`.
    pub(crate) fn url(&self, app: &str) -> String {
        format!("ssh://{}@127.0.0.1:{}/{app}", self.user, self.port)
    }

    /// `git ARGS` in `dir`, with ssh going to this deployer.
    pub(crate) fn git_over_ssh(&self, dir: &Path, args: &[&str]) -> Run {
        run(Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_SSH_COMMAND", self.ssh_command()))
    }

    /// `git push ssh://USER@127.0.0.1:PORT/APP REFSPEC` from `dir`.
    pub(crate) fn push(&self, dir: &Path, app: &str, refspec: &str) -> Run {
        self.git_over_ssh(dir, &["push", &self.url(app), refspec])
    }

    /// `ssh USER@127.0.0.1 -p PORT ARGS...`: a dokku command over ssh.
    pub(crate) fn ssh(&self, args: &[&str]) -> Run {
        let mut words: Vec<String> = self.ssh_command().split(' ').map(str::to_string).collect();
        let program = words.remove(0);
        run(Command::new(program)
            .args(words)
            .args([
                "-p",
                &self.port.to_string(),
                &format!("{}@127.0.0.1", self.user),
            ])
            .args(args))
    }

    /// The id in `CONTAINER.TYPE.N`.
    pub(crate) fn container_id(&self, app: &str, slot: &str) -> Option<String> {
        std::fs::read_to_string(
            self.env
                .dokku_root()
                .join(app)
                .join(format!("CONTAINER.{slot}")),
        )
        .ok()
        .map(|s| s.trim().to_string())
    }

    /// `IP.web.1:PORT.web.1`.
    pub(crate) fn web_addr(&self, app: &str) -> SocketAddr {
        let read = |f: &str| {
            std::fs::read_to_string(self.env.dokku_root().join(app).join(f))
                .unwrap_or_else(|e| panic!("{app}/{f}: {e}"))
        };
        format!("{}:{}", read("IP.web.1").trim(), read("PORT.web.1").trim())
            .parse()
            .expect("ip:port")
    }

    /// An HTTP GET to the app's first web container.
    pub(crate) fn get(&self, app: &str, path: &str) -> (u16, String) {
        http_get(self.web_addr(app), path).unwrap_or_else(|e| panic!("GET {path} on {app}: {e}"))
    }
}

/// One HTTP GET with a short timeout.
pub(crate) fn http_get(addr: SocketAddr, path: &str) -> Result<(u16, String), String> {
    dokku_core::checks::healthcheck::http_get(
        addr,
        path,
        &[("Host".into(), addr.to_string())],
        Duration::from_secs(3),
    )
}

impl Drop for Deployer {
    fn drop(&mut self) {
        if let Some(mut child) = self.sshd.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        remove_labelled(&format!("label=com.dokku-rs.test={}", self.id));
    }
}

/// Removes every container, then every image, that `filter` (`label=KEY=VALUE`)
/// matches: what one test started, and nothing else.
pub(crate) fn remove_labelled(filter: &str) {
    let containers = docker(["container", "ls", "--all", "--quiet", "--filter", filter]);
    let ids: Vec<&str> = containers.stdout.split_whitespace().collect();
    if !ids.is_empty() {
        docker(["container", "rm", "--force"].into_iter().chain(ids));
    }
    // Children first: a parent with dependent images refuses removal, so repeat
    // until nothing labelled is left (bounded).
    for _ in 0..4 {
        let images = docker(["image", "ls", "--all", "--quiet", "--filter", filter]);
        let mut ids: Vec<&str> = images.stdout.split_whitespace().collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            break;
        }
        docker(["image", "rm", "--force"].into_iter().chain(ids));
    }
}

/// Starts a server on a free loopback port (`spawn` gets the port), up to five
/// tries: the child and its port once it accepts connections, or `None`. A child
/// that does not answer within ten seconds is stopped by its pid.
pub(crate) fn start_on_free_port(mut spawn: impl FnMut(u16) -> Child) -> Option<(Child, u16)> {
    for _ in 0..5 {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = spawn(port);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some((child, port));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    None
}

/// `git ARGS` in `dir`, which must succeed.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Run {
    let out = run(Command::new("git").args(args).current_dir(dir));
    assert_eq!(
        out.code,
        0,
        "git {args:?} failed in {}: {}",
        dir.display(),
        out.stderr
    );
    out
}

/// Commits everything in `dir` (empty commits allowed).
pub(crate) fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "--all"]);
    git(
        dir,
        &[
            "-c",
            "user.name=e2e",
            "-c",
            "user.email=e2e@localhost",
            "commit",
            "--quiet",
            "--allow-empty",
            "-m",
            message,
        ],
    );
    git(dir, &["rev-parse", "HEAD"]).stdout.trim().to_string()
}

/// Both streams of a run, for messages and assertions.
pub(crate) fn output(run: &Run) -> String {
    format!("{}{}", run.stdout, run.stderr)
}
