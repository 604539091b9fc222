//! The ssh door (docs/security.md): over a real sshd, a user with push access reaches
//! only registered commands, never an internal entry point, and every command passes
//! `user-auth` first. Each test replays a reproduction from the security review.

use std::path::Path;

use dokku_test_support::{write_executable, Run};

use crate::harness::{docker, skipped, Deployer};

/// One refusal line ` !     ...` and a `hint:` line, non-zero exit, nothing on stdout.
#[track_caller]
fn assert_refused(run: &Run, what: &str) {
    assert_ne!(
        run.code, 0,
        "{what} was accepted\n{}{}",
        run.stdout, run.stderr
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines.len() == 2 && lines[0].starts_with(" !     ") && lines[1].contains("hint:"),
        "{what}: expected one error line and a hint, got:\n{}",
        run.stderr
    );
}

/// A marker file that a payload would create; asserts it never appears.
#[track_caller]
fn assert_untouched(marker: &Path, what: &str) {
    assert!(
        !marker.exists(),
        "{what} ran a program: {} exists",
        marker.display()
    );
}

fn install_hello(d: &Deployer) {
    let src = dokku_test_support::repo_root().join("examples/hello-legacy");
    d.env
        .dokku([
            "plugin:install",
            src.to_str().expect("utf8"),
            "--name",
            "hello",
        ])
        .success();
}

#[test]
fn command_words_cannot_climb_out_of_the_plugin_tree() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    install_hello(&d);
    let marker = d.env.scratch("marker").join("pwned");
    let up = "../".repeat(20);
    let touch = format!("-maxdepth 0 -exec touch {} ;", marker.display());
    for word in [
        format!("hello:{up}usr/bin/find"),
        format!("hello:{up}usr/bin/find/"),
        format!("{up}usr/bin/find"),
        format!("hello/{up}usr/bin/find"),
        format!(" --trace hello:{up}usr/bin/find"),
        format!(" --app x hello:{up}usr/bin/find"),
    ] {
        let run = d.ssh(&[&format!("{word} / {touch}")]);
        assert_refused(&run, &word);
        assert_untouched(&marker, &word);
    }
    // A directory an app container can write, shaped like a plugin.
    let planted = d.env.lib_root().join("data/storage/sdir/subcommands");
    for name in ["default", "sdir", "x"] {
        write_executable(
            &planted.join(name),
            &format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
        );
    }
    for word in [
        "../../data/storage/sdir",
        "../../data/storage/sdir:x",
        "hello:../../../data/storage/sdir/subcommands/x",
        "./../../data/storage/sdir",
    ] {
        let run = d.ssh(&[word]);
        assert_refused(&run, word);
        assert_untouched(&marker, word);
    }
    // The real command still works over the same door.
    let run = d.ssh(&["hello:world"]);
    assert_eq!(run.stdout, "Hello world\n", "{}", run.stderr);
}

#[test]
fn core_helpers_are_not_reachable_over_ssh() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("core");
    d.env.dokku(["apps:create", &app]).success();
    let target = d.env.scratch("victim").join("passwd-copy");
    // The base image the harness builds locally: a real image to copy from.
    let image = "dokku-rs/base:busybox".to_string();
    assert_eq!(
        docker(["image", "inspect", &image]).code,
        0,
        "{image} missing"
    );
    let dst = target.display().to_string();
    let attempts: Vec<Vec<&str>> = vec![
        vec![
            "__core",
            "copy-from-image",
            &app,
            &image,
            "/etc/passwd",
            &dst,
        ],
        vec!["__core copy-dir-from-image", &app, &image, "/etc", &dst],
        vec![
            " --trace",
            "__core",
            "copy-from-image",
            &app,
            &image,
            "/etc/passwd",
            &dst,
        ],
        vec![
            " --app",
            &app,
            "__core",
            "copy-from-image",
            &image,
            "/etc/passwd",
            &dst,
        ],
        vec![" --quiet __core config set", &app, "X=1"],
        vec![
            "__core",
            "prop",
            "set",
            "git",
            &app,
            "deploy-branch",
            "pwned",
        ],
    ];
    // ssh(1) would read a leading `--flag` as its own option: such words start
    // with a space, which the dokku side's splitting drops.
    for words in attempts {
        let what = words.join(" ");
        let run = d.ssh(&words);
        assert_refused(&run, &what);
        assert!(
            run.stderr.contains("internal command"),
            "{what}: {}",
            run.stderr
        );
        assert!(!target.exists(), "{what} wrote {dst}");
    }
    let env = d.env.dokku(["config:show", &app]).success();
    assert!(!env.stdout.contains("X:"), "{}", env.stdout);
    let branch = d
        .env
        .dokku(["git:report", &app, "--git-deploy-branch"])
        .success();
    assert!(!branch.stdout.contains("pwned"), "{}", branch.stdout);
}

#[test]
fn user_auth_sees_every_ssh_command_and_can_refuse_it() {
    if skipped() {
        return;
    }
    let d = Deployer::new();
    let app = d.app("auth");
    d.env.dokku(["apps:create", &app]).success();
    // A user-auth plugin that records what it is asked and refuses when told to.
    let plugin = d.env.scratch("plugins").join("gatekeeper");
    let record = d.env.scratch("records").join("user-auth");
    let deny = d.env.scratch("records").join("deny");
    write_executable(
        &plugin.join("user-auth"),
        &format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\n[ -e '{}' ] && exit 1\nexit 0\n",
            record.display(),
            deny.display()
        ),
    );
    std::fs::write(
        plugin.join("plugin.toml"),
        "[plugin]\ndescription = \"gatekeeper\"\nversion = \"0.1.0\"\n[plugin.config]\n",
    )
    .expect("plugin.toml");
    d.env
        .dokku(["plugin:install", plugin.to_str().expect("utf8")])
        .success();

    // Allowed: every command is seen with the key's name first.
    for words in [
        vec!["version"],
        vec!["help"],
        vec!["apps:list"],
        vec!["config:get", &app, "NOPE"],
    ] {
        d.ssh(&words);
    }
    let seen = std::fs::read_to_string(&record).expect("user-auth was called");
    for expected in ["e2e version", "e2e help", "e2e apps:list", "e2e config:get"] {
        assert!(
            seen.lines().any(|l| l.contains(expected)),
            "user-auth never saw `{expected}`:\n{seen}"
        );
    }

    // Denied: nothing runs, whatever the entry point.
    std::fs::write(&deny, "").expect("deny");
    for words in [
        vec!["config:set", "--no-restart", &app, "A=1"],
        vec![" --app", &app, "config:set", "--no-restart", "A=1"],
        vec!["__core", "config", "set", &app, "A=1"],
        vec!["apps:create", "sneaky"],
    ] {
        let run = d.ssh(&words);
        assert_ne!(run.code, 0, "{words:?} ran past user-auth\n{}", run.stderr);
    }
    let _ = std::fs::remove_file(&deny);
    let env = d.env.dokku(["config:show", &app]).success();
    assert!(!env.stdout.contains("A:"), "{}", env.stdout);
    let apps = d.env.dokku(["apps:list"]).success();
    assert!(!apps.stdout.contains("sneaky"), "{}", apps.stdout);
}
