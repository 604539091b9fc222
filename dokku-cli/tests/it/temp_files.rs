//! Issue #9: temporary files and directories. Every temp path is made by the `tempfile`
//! crate (unpredictable names, 0700 directories, 0600 files, removed on drop), so a
//! symlink planted at a guessable path is never followed, app source is never
//! world-readable, and nothing is left behind, also when the command fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use dokku_test_support::{write_executable, FakeDocker, TestEnv};

use crate::install;

/// Installs a fake `docker` that appends its argv to `docker.log` and succeeds.
fn fake_docker(env: &TestEnv) {
    env.fake_docker(FakeDocker::default());
}

/// A `tar` first on `PATH` that records every entry of `$TMPDIR` (`MODE TYPE NAME`,
/// one level deep) in `record`, then runs the real `tar`.
fn recording_tar(env: &TestEnv, record: &Path) -> PathBuf {
    let tools = env.scratch("tools");
    let real = which("tar");
    write_executable(
        &tools.join("tar"),
        &format!(
            "#!/bin/sh\nfind \"$TMPDIR\" -mindepth 1 -maxdepth 1 -printf '%m %y %f\\n' >> '{}'\nexec '{}' \"$@\"\n",
            record.display(),
            real.display()
        ),
    );
    tools
}

fn which(program: &str) -> PathBuf {
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .expect("command -v");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// Waits for `child` at most `limit`, killing it (by its pid) past that.
fn wait_at_most(mut child: Child, limit: Duration) -> (i32, String) {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("try_wait").is_some() {
            let out = child.wait_with_output().expect("output");
            return (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Issue #9: `git:from-archive APP --` used to copy stdin into
/// `$TMPDIR/dokku-<pid>-archive/stdin`, following a symlink planted there (and its
/// build directory was world-readable). The pid is known before the command runs: a
/// wrapper shell records its own pid and waits for the symlink before exec'ing dokku.
#[test]
fn from_archive_stdin_never_follows_a_planted_symlink_and_leaves_no_temp() {
    let env = install();
    fake_docker(&env);
    env.dokku(["apps:create", "web"]).success();
    let tmp = env.scratch("tmp");
    let victim = env.scratch("outside").join("victim");
    std::fs::write(&victim, "precious").expect("seed victim");
    let record = env.scratch("fake").join("tar.log");
    let tools = recording_tar(&env, &record);
    // A well-formed archive that passes the member checks but that tar cannot
    // extract ("a/b" below the regular file "a"), so tar runs and fails.
    let archive = env.scratch("in").join("bad.tar");
    let members = env.scratch("members");
    std::fs::write(members.join("a"), "file\n").expect("write a");
    std::fs::write(members.join("b"), "file\n").expect("write b");
    let made = std::process::Command::new("tar")
        .arg("-C")
        .arg(&members)
        .arg("-cf")
        .arg(&archive)
        .args(["--transform", "s,^b$,a/b,", "a", "b"])
        .status()
        .expect("tar");
    assert!(made.success(), "GNU tar makes the archive");
    let pid_file = env.scratch("fake").join("pid");
    let go = env.scratch("fake").join("go");

    let child = env
        .command("sh")
        .args([
            "-c",
            "echo $$ > \"$1\"; while [ ! -e \"$2\" ]; do sleep 0.05; done; exec dokku git:from-archive web --",
            "wrapper",
        ])
        .arg(&pid_file)
        .arg(&go)
        .env("TMPDIR", &tmp)
        .env(
            "PATH",
            format!("{}:{}", tools.display(), env.var("PATH")),
        )
        .stdin(std::fs::File::open(&archive).expect("open archive"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wrapper");
    let start = Instant::now();
    let pid = loop {
        if let Some(pid) = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok())
        {
            break pid;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no pid written");
        std::thread::sleep(Duration::from_millis(20));
    };
    // The old predictable path, with the attacker's symlink in place.
    let planted = tmp.join(format!("dokku-{pid}-archive"));
    std::fs::create_dir(&planted).expect("plant dir");
    std::os::unix::fs::symlink(&victim, planted.join("stdin")).expect("plant symlink");
    std::fs::write(&go, "").expect("go");

    let (code, stderr) = wait_at_most(child, Duration::from_secs(60));
    assert_ne!(code, 0, "a bad archive fails\n{stderr}");
    assert!(stderr.contains("Invalid tar archive"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious",
        "nothing was written through the planted symlink"
    );
    assert_eq!(entries(&planted), ["stdin"], "the planted dir is untouched");
    assert!(std::fs::symlink_metadata(planted.join("stdin"))
        .expect("planted symlink")
        .file_type()
        .is_symlink());

    // While tar ran, every temp of ours was private.
    let seen = std::fs::read_to_string(&record).expect("tar was run");
    let ours: Vec<&str> = seen
        .lines()
        .filter(|l| !l.ends_with(&format!(" dokku-{pid}-archive")))
        .collect();
    assert!(
        !ours.is_empty(),
        "the archive was unpacked in a temp dir: {seen}"
    );
    for line in &ours {
        assert!(
            line.starts_with("700 d ") || line.starts_with("600 f "),
            "a temp that is not private: {line}\n{seen}"
        );
    }
    // ...and none is left once the command failed.
    assert_eq!(entries(&tmp), [format!("dokku-{pid}-archive")]);
}

/// The build directories of a deploy from an archive (the unpacked archive, the commit
/// made from it and the checkout the build reads) are private while they exist and
/// gone after the command, whatever the (fake) build did.
#[test]
fn from_archive_build_dirs_are_private_and_removed_after_the_command() {
    let env = install();
    fake_docker(&env);
    env.dokku(["apps:create", "web"]).success();
    let tmp = env.scratch("tmp");
    let record = env.scratch("fake").join("seen.log");
    // A legacy plugin looks at the checkout the build gets (post-extract APP DIR REV).
    let spy = env.scratch("src").join("spy");
    std::fs::create_dir_all(&spy).expect("mkdir");
    std::fs::write(
        spy.join("plugin.toml"),
        "[plugin]\ndescription = \"spy\"\nversion = \"0.0.1\"\n[plugin.config]\n",
    )
    .expect("plugin.toml");
    write_executable(
        &spy.join("post-extract"),
        &format!(
            "#!/bin/sh\nfind \"$TMPDIR\" -mindepth 1 -maxdepth 1 -printf '%m %y %f\\n' >> '{log}'\necho \"workdir $(stat -c %a \"$2\") $2\" >> '{log}'\n",
            log = record.display()
        ),
    );
    env.dokku([
        "plugin:install",
        spy.to_str().expect("utf8"),
        "--name",
        "spy",
    ])
    .success();
    let src = env.scratch("app");
    std::fs::write(src.join("Dockerfile"), "FROM scratch\n").expect("Dockerfile");
    let archive = env.scratch("in").join("app.tar");
    let status = std::process::Command::new("tar")
        .arg("-cf")
        .arg(&archive)
        .arg("-C")
        .arg(&src)
        .arg(".")
        .status()
        .expect("tar");
    assert!(status.success());

    let child = env
        .command("dokku")
        .args(["git:from-archive", "web", "--"])
        .env("TMPDIR", &tmp)
        .stdin(std::fs::File::open(&archive).expect("open archive"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dokku");
    let (_code, stderr) = wait_at_most(child, Duration::from_secs(120));

    let seen =
        std::fs::read_to_string(&record).unwrap_or_else(|_| panic!("post-extract ran\n{stderr}"));
    let workdir = seen
        .lines()
        .find_map(|l| l.strip_prefix("workdir "))
        .expect("workdir line");
    assert!(workdir.starts_with("700 "), "{seen}");
    assert!(
        workdir.contains("-git_build_app_repo."),
        "named like Dokku's: {workdir}"
    );
    let listed: Vec<&str> = seen
        .lines()
        .filter(|l| !l.starts_with("workdir "))
        .collect();
    assert!(!listed.is_empty(), "{seen}");
    for line in listed {
        assert!(
            line.starts_with("700 d ") || line.starts_with("600 f "),
            "a temp that is not private: {line}\n{seen}"
        );
    }
    assert_eq!(
        entries(&tmp),
        Vec::<String>::new(),
        "nothing left\n{stderr}"
    );
}
