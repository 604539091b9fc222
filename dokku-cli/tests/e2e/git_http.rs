//! `git:sync --build` from a password-protected HTTP git server, with the
//! credentials given by `git:auth`: git's own `git-http-backend` behind an nginx
//! with `auth_basic`, through `fcgiwrap` (scripts/ci-prepare.sh installs it). Both
//! are started by the test on loopback, in its own directory, and stopped by pid.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{commit_all, output, run, skipped, start_on_free_port, Deployer};

const HTTP_BACKEND: &str = "/usr/lib/git-core/git-http-backend";
const FCGIWRAP: &str = "/usr/sbin/fcgiwrap";

/// A git server on `127.0.0.1:port` serving `repos/*.git`, only to `user`.
struct GitHttpServer {
    fcgiwrap: Child,
    nginx: Child,
    port: u16,
}

impl GitHttpServer {
    fn start(dir: &Path, user: &str, password: &str) -> GitHttpServer {
        for program in [HTTP_BACKEND, FCGIWRAP] {
            assert!(
                Path::new(program).is_file(),
                "{program} is missing (scripts/ci-prepare.sh installs git and fcgiwrap)"
            );
        }
        std::fs::create_dir_all(dir.join("tmp")).expect("mkdir");
        let hash = run(Command::new("openssl").args(["passwd", "-apr1", password]));
        assert_eq!(hash.code, 0, "openssl passwd: {}", hash.stderr);
        std::fs::write(
            dir.join("htpasswd"),
            format!("{user}:{}\n", hash.stdout.trim()),
        )
        .expect("htpasswd");
        let socket = dir.join("fcgiwrap.sock");
        let fcgiwrap = Command::new(FCGIWRAP)
            .arg("-s")
            .arg(format!("unix:{}", socket.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start fcgiwrap");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            socket.exists(),
            "fcgiwrap did not open {}",
            socket.display()
        );
        let started = start_on_free_port(|port| {
            let conf = dir.join("nginx.conf");
            std::fs::write(&conf, nginx_conf(dir, port)).expect("nginx.conf");
            Command::new("nginx")
                .arg("-e")
                .arg(dir.join("error.log"))
                .arg("-p")
                .arg(dir)
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start nginx")
        });
        let Some((nginx, port)) = started else {
            let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
            let mut fcgiwrap = fcgiwrap;
            let _ = fcgiwrap.kill();
            let _ = fcgiwrap.wait();
            panic!("the git http server did not start\n{log}");
        };
        GitHttpServer {
            fcgiwrap,
            nginx,
            port,
        }
    }
}

/// One nginx process in the foreground (no master, no daemon) so that its pid is the
/// child's: basic auth, then every request to `git-http-backend`.
fn nginx_conf(dir: &Path, port: u16) -> String {
    let d = dir.display();
    format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{}}\n\
         http {{\n  access_log off;\n\
           client_body_temp_path {d}/tmp/body;\n  fastcgi_temp_path {d}/tmp/fastcgi;\n\
           proxy_temp_path {d}/tmp/proxy;\n  uwsgi_temp_path {d}/tmp/uwsgi;\n  scgi_temp_path {d}/tmp/scgi;\n\
           server {{\n    listen 127.0.0.1:{port};\n\
             auth_basic \"git\";\n    auth_basic_user_file {d}/htpasswd;\n\
             location / {{\n      fastcgi_pass unix:{d}/fcgiwrap.sock;\n\
               fastcgi_param SCRIPT_FILENAME {HTTP_BACKEND};\n\
               fastcgi_param GIT_PROJECT_ROOT {d}/repos;\n\
               fastcgi_param GIT_HTTP_EXPORT_ALL \"\";\n\
               fastcgi_param PATH_INFO $uri;\n\
               fastcgi_param QUERY_STRING $query_string;\n\
               fastcgi_param REQUEST_METHOD $request_method;\n\
               fastcgi_param CONTENT_TYPE $content_type;\n\
               fastcgi_param CONTENT_LENGTH $content_length;\n\
               fastcgi_param REMOTE_USER $remote_user;\n\
               fastcgi_param REMOTE_ADDR $remote_addr;\n\
               fastcgi_param SERVER_PROTOCOL $server_protocol;\n\
               fastcgi_param GATEWAY_INTERFACE CGI/1.1;\n\
             }}\n  }}\n}}\n"
    )
}

impl Drop for GitHttpServer {
    fn drop(&mut self) {
        // By pid: the children this test started.
        for child in [&mut self.nginx, &mut self.fcgiwrap] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A bare copy of `src` under `dir/repos/NAME.git`, as the server exports it.
fn export(src: &Path, dir: &Path, name: &str) -> PathBuf {
    let bare = dir.join("repos").join(format!("{name}.git"));
    std::fs::create_dir_all(bare.parent().expect("parent")).expect("mkdir");
    let cloned = run(Command::new("git")
        .args(["clone", "--quiet", "--bare"])
        .arg(src)
        .arg(&bare));
    assert_eq!(cloned.code, 0, "git clone --bare: {}", cloned.stderr);
    bare
}

#[test]
fn git_sync_builds_from_a_password_protected_http_remote_with_git_auth() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("httpauth");
    let src = d.hello_source("httpauth");
    let rev = commit_all(&src, "served over http");
    let dir = d.env.scratch("git-http");
    export(&src, &dir, "hello");
    let server = GitHttpServer::start(&dir, "deployer", "s3cret-pass");
    let remote = format!("http://127.0.0.1:{}/hello.git", server.port);
    d.env.dokku(["apps:create", &app]).success();

    // The server really asks: anonymous git gets nothing.
    let anonymous = run(Command::new("git")
        .args(["ls-remote", &remote])
        .env("GIT_TERMINAL_PROMPT", "0"));
    assert_ne!(anonymous.code, 0, "{}", output(&anonymous));

    let refused = d.env.dokku(["git:sync", "--build", &app, &remote, "main"]);
    let text = output(&refused);
    assert_ne!(refused.code, 0, "{text}");
    assert!(
        text.contains(&format!("Unable to fetch from {remote}")),
        "{text}"
    );
    assert!(
        text.contains(
            "hint: the server wants credentials: dokku git:auth 127.0.0.1 USERNAME PASSWORD"
        ),
        "{text}"
    );
    assert_eq!(
        d.env.dokku(["ps:report", &app, "--deployed"]).stdout,
        "false\n"
    );

    let wrong = d.env.dokku(["git:auth", "127.0.0.1", "deployer", "wrong"]);
    assert_eq!(wrong.code, 0, "{}", output(&wrong));
    let refused = d.env.dokku(["git:sync", "--build", &app, &remote, "main"]);
    assert_ne!(refused.code, 0, "{}", output(&refused));

    d.env
        .dokku(["git:auth", "127.0.0.1", "deployer", "s3cret-pass"])
        .success();
    let synced = d
        .env
        .dokku_tty(["git:sync", "--build", &app, &remote, "main"]);
    let text = output(&synced);
    assert_eq!(synced.code, 0, "{text}");
    assert!(
        text.contains(&format!("-----> Cloning {app} from {remote}#main")),
        "{text}"
    );
    let (status, body) = d.get(&app, "/");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(&format!("GIT_REV={rev}")), "{body}");
    drop(server);
}
