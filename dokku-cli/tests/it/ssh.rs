//! `SSH_ORIGINAL_COMMAND`: split like Dokku, never through a shell.

use dokku_test_support::TestEnv;

use crate::install;

/// A plugin whose `echoargs` command prints each argument in brackets.
fn install_echoargs(env: &TestEnv) {
    let plugin = env.scratch("src").join("echoargs");
    dokku_test_support::write_executable(
        &plugin.join("commands"),
        "#!/usr/bin/env bash\n[[ $1 == echoargs ]] || exit 10\nfor a in \"$@\"; do printf '[%s]' \"$a\"; done; echo\n",
    );
    env.dokku(["plugin:install", plugin.to_str().expect("utf8")])
        .success();
}

#[test]
fn ssh_command_is_split_with_quotes() {
    let env = install();
    install_echoargs(&env);
    let run = env.run(
        env.command("dokku")
            .env("SSH_ORIGINAL_COMMAND", "echoargs 'a b' \"c d\" e")
            .arg("echoargs"),
    );
    assert_eq!(run.stdout, "[echoargs][a b][c d][e]\n", "{}", run.stderr);
}

#[test]
fn shell_metacharacters_in_the_ssh_command_execute_nothing() {
    let env = install();
    install_echoargs(&env);
    let marker = env.scratch("marker").join("pwned");
    let m = marker.display();
    for payload in [
        format!("echoargs x; touch {m}"),
        format!("echoargs $(touch {m})"),
        format!("echoargs `touch {m}`"),
        format!("echoargs x\ntouch {m}"),
        format!("echoargs x && touch {m} | touch {m}"),
    ] {
        let run = env.run(
            env.command("dokku")
                .env("SSH_ORIGINAL_COMMAND", &payload)
                .arg("echoargs"),
        );
        assert!(
            !marker.exists(),
            "payload executed: {payload:?}\n{}{}",
            run.stdout,
            run.stderr
        );
    }
    let run = env.run(
        env.command("dokku")
            .env("SSH_ORIGINAL_COMMAND", format!("echoargs $(touch {m})"))
            .arg("echoargs"),
    );
    assert_eq!(run.stdout, format!("[echoargs][$(touch][{m})]\n"));
    // A first word containing "git" is split on whitespace only; the command is unknown.
    let run = env.run(
        env.command("dokku")
            .env(
                "SSH_ORIGINAL_COMMAND",
                format!("git-nothing '$(touch {m})'"),
            )
            .arg("git-nothing"),
    );
    assert_eq!(run.code, 1);
    assert!(!marker.exists());
}

#[test]
fn unbalanced_quotes_are_a_clear_error() {
    let env = install();
    let run = env.run(
        env.command("dokku")
            .env("SSH_ORIGINAL_COMMAND", "apps:list 'oops")
            .arg("apps:list"),
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with(" !     unmatched single quote in the ssh command\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
}
