//! Issue 14 and 12: the `registry:*` commands and their report keys, `registry:login`
//! against a fake `docker`, the `git:auth*` credentials and the `netrc` helper, and
//! `git:from-archive` / `certs:add` refusing a hostile archive before anything is
//! extracted or built.

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use dokku_test_support::{FakeDocker, TestEnv};

use crate::install;

fn json(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let run = env.dokku(args).success();
    serde_json::from_str(&run.stdout).expect("report JSON")
}

#[test]
fn registry_report_keys_raw_global_and_computed() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();

    let help = env.dokku(["registry"]).success();
    assert!(
        help.stdout.contains("Manage registry settings for an app"),
        "{}",
        help.stdout
    );
    assert_eq!(env.dokku(["registry:help"]).success().stdout, help.stdout);

    let report = json(&env, &["registry:report", "web", "--format", "json"]);
    assert_eq!(report["computed-image-repo"], "dokku/web");
    assert_eq!(report["registry-computed-image-repo"], "dokku/web");
    assert_eq!(report["computed-push-on-release"], "false");
    assert_eq!(report["push-on-release"], "");

    env.dokku(["registry:set", "--global", "server", "ghcr.io"])
        .success();
    env.dokku([
        "registry:set",
        "--global",
        "image-repo-template",
        "team/{{ .AppName }}",
    ])
    .success();
    env.dokku(["registry:set", "--global", "push-on-release", "true"])
        .success();
    let report = json(&env, &["registry:report", "web", "--format", "json"]);
    assert_eq!(report["computed-server"], "ghcr.io/");
    assert_eq!(report["global-server"], "ghcr.io");
    assert_eq!(report["server"], "");
    assert_eq!(report["computed-image-repo"], "team/web");
    assert_eq!(report["computed-push-on-release"], "true");

    env.dokku(["registry:set", "web", "server", "docker.io"])
        .success();
    env.dokku(["registry:set", "web", "image-repo", "my/web"])
        .success();
    let server = env
        .dokku(["registry:report", "web", "--registry-computed-server"])
        .success();
    assert_eq!(server.stdout, "\n", "Docker Hub is no prefix");
    let report = json(&env, &["registry:report", "web", "--format", "json"]);
    assert_eq!(report["computed-image-repo"], "my/web");

    let global = json(&env, &["registry:report", "--global", "--format", "json"]);
    assert_eq!(
        global["registry-global-image-repo-template"],
        "team/{{ .AppName }}"
    );
    assert!(
        global.get("image-repo").is_none(),
        "no per-app key: {global}"
    );

    let bad = env.dokku(["registry:set", "--global", "image-repo", "x"]);
    assert_ne!(bad.code, 0, "image-repo is per app only");
    let missing = env.dokku(["registry:set", "nosuch", "server", "x"]);
    assert_eq!(missing.code, 20, "{}", missing.stderr);
}

#[test]
fn registry_login_per_app_uses_its_own_docker_config() {
    let env = install();
    let log = env.fake_docker(FakeDocker::default());
    env.dokku(["apps:create", "web"]).success();

    let login = env.dokku(["registry:login", "web", "reg.local:5000", "user", "secret"]);
    let login = login.success();
    assert!(
        login.stderr.contains("Login Succeeded for web"),
        "{}",
        login.stderr
    );
    let calls = std::fs::read_to_string(&log).expect("docker log");
    assert!(
        calls.contains("login --username user --password-stdin reg.local:5000"),
        "{calls}"
    );
    assert!(
        !calls.contains("secret"),
        "the password goes to stdin: {calls}"
    );
    let dir = env.lib_root().join("config/registry/web");
    let mode = std::fs::metadata(&dir)
        .expect("config dir")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);

    let missing = env.dokku(["registry:login", "--global", "reg.local", "user"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("Missing password argument"),
        "{}",
        missing.stderr
    );

    env.dokku(["--force", "apps:destroy", "web"]).success();
    assert!(!dir.exists(), "credentials removed with the app");
}

#[test]
fn git_auth_writes_a_private_netrc_the_netrc_helper_reads() {
    let env = install();
    let netrc = env.dokku_root().join(".netrc");

    let none = env.dokku(["git:auth"]);
    assert_eq!(none.code, 1);
    assert!(
        none.stderr.contains("Please supply a git host"),
        "{}",
        none.stderr
    );
    let no_password = env.dokku(["git:auth", "github.com", "user"]);
    assert!(
        no_password
            .stderr
            .contains("Missing password for netrc auth entry"),
        "{}",
        no_password.stderr
    );
    assert!(!netrc.exists(), "nothing written");
    let option = env.dokku(["git:auth", "-oProxyCommand=x", "u", "p"]);
    assert_eq!(option.code, 1, "{}", option.stderr);

    env.dokku(["git:auth", "github.com", "user", "password"])
        .success();
    std::fs::set_permissions(&netrc, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let mut piped = env.command("dokku");
    piped
        .args(["git:auth", "github.com", "piped-user"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = piped.spawn().expect("spawn");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(b"piped-password").expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = std::fs::metadata(&netrc)
        .expect("netrc")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "repaired to 0600");

    let got = env.run(
        env.command(env.prefix().join("bin/netrc"))
            .args(["get", "--netrc-file"])
            .arg(&netrc)
            .arg("github.com"),
    );
    assert_eq!(got.success().stdout, "piped-user:piped-password\n");

    env.dokku([
        "git:auth-status",
        "github.com",
        "piped-user",
        "piped-password",
    ])
    .success();
    assert_eq!(
        env.dokku(["git:auth-status", "github.com", "piped-user", "x"])
            .code,
        1
    );
    assert_eq!(env.dokku(["git:auth-status", "github.com"]).code, 1);
    env.dokku(["git:auth", "github.com"]).success();
    env.dokku(["git:auth-status", "github.com"]).success();

    let key = env.dokku(["git:public-key"]);
    assert_eq!(key.code, 1);
    assert!(
        key.stderr
            .contains("There is no deploy key associated with"),
        "{}",
        key.stderr
    );
}

/// A tar holding an absolute symlink `pwn -> /`, made with the system's tar.
fn evil_tar(env: &TestEnv) -> std::path::PathBuf {
    let src = env.scratch("evil-src");
    std::os::unix::fs::symlink("/", src.join("pwn")).expect("symlink");
    std::fs::write(src.join("README.md"), "hi\n").expect("write");
    let tar = env.scratch("in").join("evil.tar");
    let status = std::process::Command::new("tar")
        .arg("-C")
        .arg(&src)
        .arg("-cf")
        .arg(&tar)
        .args(["pwn", "README.md"])
        .status()
        .expect("tar");
    assert!(status.success());
    tar
}

#[test]
fn hostile_archives_are_refused_before_extraction() {
    let env = install();
    let log = env.fake_docker(FakeDocker::default());
    env.dokku(["apps:create", "web"]).success();
    let tar = evil_tar(&env);

    let run = env.run(
        env.command("dokku")
            .args(["git:from-archive", "web", "--"])
            .stdin(std::fs::File::open(&tar).expect("open")),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("Archive contains symlinks with absolute targets"),
        "{}",
        run.stderr
    );
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!calls.contains("build"), "nothing built: {calls}");

    let certs = env.run(
        env.command("dokku")
            .args(["certs:add", "web"])
            .stdin(std::fs::File::open(&tar).expect("open")),
    );
    assert_eq!(certs.code, 1);
    assert!(
        certs.stderr.contains("absolute targets"),
        "{}",
        certs.stderr
    );

    env.dokku(["git:set", "--global", "archive-max-files", "1"])
        .success();
    let many = env.run(
        env.command("dokku")
            .args(["git:from-archive", "web", "--"])
            .stdin(std::fs::File::open(&tar).expect("open")),
    );
    assert!(
        many.stderr
            .contains("Archive contains 2 entries which exceeds the maximum of 1"),
        "{}",
        many.stderr
    );
}
