//! `checks:set` and `checks:report` for the default check's settings
//! (`default-mode`, `uptime-guard`, the global `default-wait`): values checked before
//! anything is written, and reported in Dokku's raw / global / computed shape.

use std::path::Path;

use crate::install;

/// Every file under `dir` with its content, sorted: what a refused `checks:set`
/// must leave as it was.
fn listing(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.push((path.display().to_string(), text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn default_check_settings_are_checked_set_and_reported() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    let report = |flag: &str| {
        env.dokku(["checks:report", "web", flag])
            .success()
            .stdout
            .trim_end()
            .to_string()
    };
    assert_eq!(report("--checks-computed-default-mode"), "readiness");
    assert_eq!(report("--checks-default-mode"), "");
    assert_eq!(report("--checks-computed-uptime-guard"), "2");
    assert_eq!(report("--checks-computed-default-wait"), "10");

    let set = env
        .dokku(["checks:set", "--global", "default-mode", "uptime"])
        .success();
    assert_eq!(set.stdout, "=====> Setting default-mode to uptime\n");
    env.dokku(["checks:set", "web", "uptime-guard", "0"])
        .success();
    env.dokku(["checks:set", "--global", "default-wait", "30"])
        .success();
    assert_eq!(report("--checks-computed-default-mode"), "uptime");
    assert_eq!(report("--checks-global-default-mode"), "uptime");
    assert_eq!(report("--checks-uptime-guard"), "0");
    assert_eq!(report("--checks-computed-uptime-guard"), "0");
    assert_eq!(report("--checks-computed-default-wait"), "30");
    env.dokku(["checks:set", "web", "default-mode", "readiness"])
        .success();
    assert_eq!(report("--checks-computed-default-mode"), "readiness");

    let json = env
        .dokku(["checks:report", "web", "--format", "json"])
        .success()
        .stdout;
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(parsed["default-mode"], "readiness");
    assert_eq!(parsed["global-default-mode"], "uptime");
    assert_eq!(parsed["computed-uptime-guard"], "0");
    assert_eq!(parsed["global-default-wait"], "30");
    let text = env.dokku(["checks:report", "web"]).success().stdout;
    assert!(
        text.contains("Checks computed default mode:") && text.contains("Checks uptime guard:"),
        "{text}"
    );
    let global = env
        .dokku(["checks:report", "--global", "--format", "json"])
        .success()
        .stdout;
    let parsed: serde_json::Value = serde_json::from_str(&global).expect("json");
    assert_eq!(parsed["computed-default-mode"], "uptime");
    assert!(parsed.get("default-mode").is_none(), "{global}");

    // Bad values: one line naming the value, a hint, nothing written.
    let props = env.lib_root().join("config/checks");
    let before = listing(&props);
    for (args, line, hint) in [
        (
            ["checks:set", "web", "default-mode", "fast"],
            " !     Invalid value for default-mode: 'fast'\n",
            "use one of: readiness, uptime",
        ),
        (
            ["checks:set", "web", "uptime-guard", "2s"],
            " !     Invalid value for uptime-guard: '2s'\n",
            "give a whole number of seconds from 0 to 600",
        ),
        (
            ["checks:set", "web", "default-wait", "5"],
            " !     default-wait can only be set globally\n",
            "dokku checks:set --global default-wait VALUE",
        ),
        (
            ["checks:set", "--global", "default-wait", "soon"],
            " !     Invalid value for default-wait: 'soon'\n",
            "give a whole number of seconds",
        ),
    ] {
        let run = env.dokku(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with(line), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("hint: {hint}")),
            "{args:?}: {}",
            run.stderr
        );
    }
    assert_eq!(listing(&props), before);
    assert_eq!(report("--checks-computed-default-mode"), "readiness");

    let bad_key = env.dokku(["checks:set", "web", "speed", "1"]);
    assert_eq!(bad_key.code, 1);
    assert!(
        bad_key
            .stderr
            .contains("Invalid key specified, valid keys include: wait-to-retire"),
        "{}",
        bad_key.stderr
    );

    // Unsetting falls back to the global value, then to the default.
    env.dokku(["checks:set", "web", "default-mode"]).success();
    assert_eq!(report("--checks-computed-default-mode"), "uptime");
    env.dokku(["checks:set", "--global", "default-mode"])
        .success();
    assert_eq!(report("--checks-computed-default-mode"), "readiness");
}
