//! `dokku shell`: refused without a terminal; on one (a pty from script(1)) each
//! line runs as a dokku command until `exit`.

use std::io::Write;
use std::process::Stdio;

use crate::install;

#[test]
fn shell_needs_a_terminal() {
    let env = install();
    let run = env.dokku(["shell"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        " !     dokku shell needs an interactive terminal\n       hint: connect with a terminal (`ssh -t dokku@HOST shell`), or run each command as `dokku COMMAND`\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn shell_runs_each_line_on_a_terminal() {
    let env = install();
    // script(1) gives `dokku shell` a pty as its stdin and copies ours into it.
    let mut child = env
        .command("script")
        .args(["-qec", "dokku shell", "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"apps:create from-shell\n\nexit\n")
        .expect("write");
    let out = child.wait_with_output().expect("shell ends at exit");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("dokku> "), "{text}");
    assert!(env.dokku_root().join("from-shell").is_dir(), "{text}");
}
