//! The `events` (directory `20_events`) and `trace` core plugins through the binary.

use crate::install;

#[test]
fn events_on_logs_triggers_until_off() {
    let env = install();
    let run = env.dokku(["events:list"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", " !     Events logger disabled\n")
    );

    let run = env.dokku(["events:on"]).success();
    assert_eq!(run.stdout, "Enabling dokku events logger\n");
    let switch = env.dokku_root().join(".dokkurc/DOKKU_EVENTS");
    assert_eq!(
        std::fs::read_to_string(&switch).expect("switch file"),
        "export DOKKU_EVENTS=1\n"
    );

    let list = env.dokku(["events:list"]).success().stdout;
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "=====> Events currently logged{}",
            format!(" {:25}", "").repeat(3)
        )
    );
    assert_eq!(
        lines[1],
        format!("{:<25}{}", "app-list", format!(" {:25}", "").repeat(3))
    );
    assert!(
        lines.iter().any(|l| l.starts_with("post-deploy ")),
        "{list}"
    );

    env.run(
        env.command("dokku")
            .env("NAME", "admin")
            .env("FINGERPRINT", "SHA256:abc")
            .args(["plugin:trigger", "post-deploy", "web", "5000"]),
    )
    .success();
    let shown = env.dokku(["events"]).success().stdout;
    let last = shown.lines().last().expect("an event");
    assert!(
        last.contains(
            ": INVOKED: post-deploy( web 5000 ) NAME=admin FINGERPRINT=SHA256:abc DOKKU_PID="
        ),
        "{shown}"
    );
    assert!(last.contains(" dokku-event["), "{last}");
    // Triggers the plugin does not listen to are not logged.
    env.dokku(["plugin:trigger", "not-an-event"]).success();
    assert_eq!(env.dokku(["events"]).success().stdout, shown);

    let run = env.dokku(["events:off"]).success();
    assert_eq!(run.stdout, "Disabling dokku events logger\n");
    assert!(!switch.exists());
    env.dokku(["plugin:trigger", "post-deploy", "web", "5000"])
        .success();
    assert_eq!(
        env.dokku(["events"]).success().stdout,
        shown,
        "nothing logged once off"
    );
}

#[test]
fn trace_on_and_off_toggle_the_dokkurc_file() {
    let env = install();
    let run = env.dokku(["trace:on"]).success();
    assert_eq!(run.stdout, "-----> Enabling trace mode\n");
    let switch = env.dokku_root().join(".dokkurc/DOKKU_TRACE");
    assert_eq!(
        std::fs::read_to_string(&switch).expect("switch file"),
        "export DOKKU_TRACE=1\n"
    );
    // Every later command traces.
    let run = env.dokku(["config", "--global"]).success();
    assert!(run.stderr.contains("+ "), "{}", run.stderr);
    let run = env.dokku(["trace:off"]).success();
    assert_eq!(run.stdout, "-----> Disabling trace mode\n");
    assert!(!switch.exists());
    let run = env.dokku(["trace", "on"]).success();
    assert_eq!(
        run.stderr,
        " !     Deprecated: Please use trace:on or trace:off\n"
    );
    env.dokku(["trace:off"]).success();
    let run = env.dokku(["trace", "maybe"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (1, " !     Valid trace options are [on/off]\n")
    );
}

#[test]
fn help_names_the_events_plugin_by_its_commands() {
    let env = install();
    let help = env.dokku(["help"]).success().stdout;
    assert!(
        help.lines()
            .any(|l| l.trim_start().starts_with("events ") && l.ends_with("Manage event logging")),
        "{help}"
    );
    assert!(!help.contains("20_events"), "{help}");
    let all = env.dokku(["help", "--all"]).success().stdout;
    assert!(all.contains("    events:on "), "{all}");
    assert!(!all.contains("events:help"), "{all}");
    assert!(
        !all.contains("    trace "),
        "the deprecated bare trace has no help line: {all}"
    );
    let usage = env.dokku(["events:help"]).success().stdout;
    assert!(
        usage.starts_with("Usage: dokku events[:COMMAND]\n\nManage event logging\n"),
        "{usage}"
    );
}
