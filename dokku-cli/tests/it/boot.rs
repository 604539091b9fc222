//! What brings dokku-rs back after a reboot (issue 17): the systemd units in
//! dist/systemd, as install.sh writes them, and `ps:restore` as the boot entry point
//! (without Docker: a fake `docker` on `PATH`; tests/e2e/boot.rs reboots for real).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use dokku_test_support::{repo_root, TestEnv};

use crate::install;

/// One unit file: `section -> key -> values` (a key may repeat).
type Unit = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn parse_unit(path: &Path) -> Unit {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut unit = Unit::new();
    let mut section = String::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("{}:{}: not key=value: {line}", path.display(), n + 1));
        assert!(
            !section.is_empty(),
            "{}: key outside a section",
            path.display()
        );
        unit.entry(section.clone())
            .or_default()
            .entry(key.trim().to_string())
            .or_default()
            .push(value.trim().to_string());
    }
    unit
}

fn one<'a>(unit: &'a Unit, section: &str, key: &str) -> &'a str {
    let values = unit
        .get(section)
        .and_then(|s| s.get(key))
        .unwrap_or_else(|| panic!("no {key}= in [{section}]"));
    assert_eq!(values.len(), 1, "{key}= given more than once");
    &values[0]
}

fn all<'a>(unit: &'a Unit, section: &str, key: &str) -> Vec<&'a str> {
    unit.get(section)
        .and_then(|s| s.get(key))
        .map(|v| v.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

fn words(value: &str) -> Vec<&str> {
    value.split_whitespace().collect()
}

fn units_dir() -> PathBuf {
    repo_root().join("dist/systemd")
}

/// The default `VAR="${VAR:-default}"` of a repo script.
fn script_default(script: &str, var: &str) -> String {
    let text = std::fs::read_to_string(repo_root().join(script)).expect("script");
    let start = format!("{var}=\"${{{var}:-");
    let line = text
        .lines()
        .find(|l| l.starts_with(&start))
        .unwrap_or_else(|| panic!("no default for {var} in {script}"));
    line[start.len()..].trim_end_matches("}\"").to_string()
}

#[test]
fn the_units_start_what_the_scripts_start_and_restore_after_docker() {
    let mut names: Vec<String> = std::fs::read_dir(units_dir())
        .expect("dist/systemd")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "dokku-builder-prune.service",
            "dokku-builder-prune.timer",
            "dokku-nginx.service",
            "dokku-restore.service",
            "dokku-sshd.service"
        ]
    );

    // The daily build-cache prune: the service has no [Install] (its timer starts it);
    // the timer is what install.sh enables.
    let prune = parse_unit(&units_dir().join("dokku-builder-prune.service"));
    assert_eq!(one(&prune, "Service", "Type"), "oneshot");
    assert_eq!(one(&prune, "Service", "User"), "dokku");
    assert_eq!(
        words(one(&prune, "Service", "ExecStart")),
        ["/usr/bin/env", "docker", "builder", "prune", "--force"]
    );
    assert!(!prune.contains_key("Install"));
    let timer = parse_unit(&units_dir().join("dokku-builder-prune.timer"));
    assert_eq!(one(&timer, "Timer", "OnCalendar"), "*-*-* 04:05:00");
    assert_eq!(one(&timer, "Timer", "Persistent"), "true");
    assert_eq!(one(&timer, "Install", "WantedBy"), "timers.target");

    // The boot-time restore: once, after Docker and the network, as dokku.
    let restore = parse_unit(&units_dir().join("dokku-restore.service"));
    assert_eq!(one(&restore, "Service", "Type"), "oneshot");
    assert_eq!(one(&restore, "Service", "User"), "dokku");
    assert_eq!(
        one(&restore, "Service", "ExecStart"),
        "/usr/bin/dokku ps:restore"
    );
    let after = words(one(&restore, "Unit", "After"));
    for dep in [
        "docker.service",
        "network-online.target",
        "dokku-nginx.service",
    ] {
        assert!(after.contains(&dep), "After= lacks {dep}");
    }
    assert_eq!(one(&restore, "Unit", "Requires"), "docker.service");
    assert!(words(one(&restore, "Unit", "Wants")).contains(&"network-online.target"));
    assert_eq!(one(&restore, "Install", "WantedBy"), "docker.service");

    // nginx: the directory, config, pid file and log scripts/nginx.sh and install.sh
    // use, run as dokku with only the right to bind low ports.
    let nginx_dir = script_default("scripts/nginx.sh", "NGINX_DIR");
    assert_eq!(nginx_dir, "/var/lib/dokku-rs/nginx");
    let install = std::fs::read_to_string(repo_root().join("install.sh")).expect("install.sh");
    assert!(install.contains(&format!("local nginx_dir={nginx_dir}\n")));
    let nginx = parse_unit(&units_dir().join("dokku-nginx.service"));
    assert_eq!(one(&nginx, "Service", "Type"), "forking");
    assert_eq!(one(&nginx, "Service", "User"), "dokku");
    assert_eq!(
        one(&nginx, "Service", "AmbientCapabilities"),
        "CAP_NET_BIND_SERVICE"
    );
    assert_eq!(
        one(&nginx, "Service", "PIDFile"),
        format!("{nginx_dir}/nginx.pid")
    );
    assert_eq!(
        one(&nginx, "Unit", "ConditionPathExists"),
        format!("{nginx_dir}/nginx.conf")
    );
    let base = format!(
        "/usr/sbin/nginx -e {nginx_dir}/logs/error.log -p {nginx_dir} -c {nginx_dir}/nginx.conf"
    );
    assert_eq!(one(&nginx, "Service", "ExecStart"), base);
    assert_eq!(
        one(&nginx, "Service", "ExecReload"),
        format!("{base} -s reload")
    );
    assert_eq!(
        all(&nginx, "Service", "ExecStartPre"),
        [
            "-/usr/bin/dokku proxy:build-config --all".to_string(),
            base.replacen(" -e ", " -q -t -e ", 1)
        ]
    );
    assert_eq!(one(&nginx, "Service", "KillSignal"), "SIGQUIT");
    assert_eq!(one(&nginx, "Install", "WantedBy"), "multi-user.target");

    // sshd: scripts/sshd.sh's config and pid file.
    let sshd_dir = script_default("scripts/sshd.sh", "SSHD_DIR");
    let sshd = parse_unit(&units_dir().join("dokku-sshd.service"));
    assert_eq!(
        one(&sshd, "Service", "PIDFile"),
        format!("{sshd_dir}/sshd.pid")
    );
    assert_eq!(
        one(&sshd, "Unit", "ConditionPathExists"),
        format!("{sshd_dir}/sshd_config")
    );
    assert_eq!(
        one(&sshd, "Service", "ExecStart"),
        format!("/usr/sbin/sshd -f {sshd_dir}/sshd_config -E {sshd_dir}/sshd.log")
    );

    // Every program a unit runs is the installed dokku or exists here.
    assert!(install.contains("install_file \"$BIN_SOURCE\" /usr/bin/dokku\n"));
    for unit in [&restore, &nginx, &sshd, &prune] {
        for key in ["ExecStartPre", "ExecStart", "ExecReload", "ExecStop"] {
            for value in all(unit, "Service", key) {
                let program = words(value)[0].trim_start_matches(['-', '@', '+', '!']);
                assert!(
                    program == "/usr/bin/dokku" || Path::new(program).is_file(),
                    "{key}={value}: {program} does not exist"
                );
            }
        }
    }
}

#[test]
fn the_dokku_commands_the_units_run_exist() {
    let env = install();
    let help = env.dokku(["help", "--all"]).success();
    for command in ["ps:restore", "proxy:build-config"] {
        assert!(help.stdout.contains(command), "{}", help.stdout);
    }
}

#[test]
fn install_writes_the_units_and_systemd_analyze_accepts_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new("bash")
        .arg(repo_root().join("install.sh"))
        .arg("--systemd-units")
        .arg(dir.path())
        .output()
        .expect("install.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for entry in std::fs::read_dir(units_dir()).expect("dist/systemd") {
        let name = entry.expect("entry").file_name();
        let written = std::fs::read_to_string(dir.path().join(&name)).expect("written unit");
        let nginx = which("nginx").unwrap_or_else(|| PathBuf::from("/usr/sbin/nginx"));
        let source = std::fs::read_to_string(units_dir().join(&name))
            .expect("unit")
            .replace("/usr/sbin/nginx ", &format!("{} ", nginx.display()));
        assert_eq!(written, source, "{name:?}");
    }

    let Some(analyze) = which("systemd-analyze") else {
        // scripts/ci-prepare.sh installs it: in CI the check must not be skipped.
        assert!(
            std::env::var("CI").is_err(),
            "systemd-analyze is missing in CI (scripts/ci-prepare.sh installs the systemd package)"
        );
        eprintln!("systemd-analyze is not installed: the units were only parsed");
        return;
    };
    // /usr/bin/dokku is where a system install puts the binary; here it is the one
    // under test.
    let check = tempfile::tempdir().expect("tempdir");
    let mut units = Vec::new();
    for entry in std::fs::read_dir(dir.path()).expect("units") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path)
            .expect("unit")
            .replace("/usr/bin/dokku", env!("CARGO_BIN_EXE_dokku"));
        let dest = check.path().join(path.file_name().expect("name"));
        std::fs::write(&dest, text).expect("write");
        units.push(dest);
    }
    units.sort();
    let out = Command::new(analyze)
        .args(["verify", "--man=no"])
        .args(&units)
        .output()
        .expect("systemd-analyze");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "systemd-analyze verify: {stderr}");
    assert!(stderr.trim().is_empty(), "systemd-analyze verify: {stderr}");
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// A `docker` on the install's `PATH` that exits with `code`.
fn fake_docker(env: &TestEnv, code: i32) {
    env.fake_docker_script(&format!("#!/bin/sh\nexit {code}\n"));
}

#[test]
fn ps_restore_without_an_app_restores_them_all() {
    let env = install();
    fake_docker(&env, 0);
    env.dokku(["apps:create", "web"]).success();
    env.dokku(["apps:create", "api"]).success();

    // Dokku's behaviour, not "Please specify an app": every app, with a warning.
    let run = env.dokku(["ps:restore"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains(" !     Restore specified without app, assuming --all\n"),
        "{}",
        run.stderr
    );
    for app in ["api", "web"] {
        assert!(
            run.stderr
                .contains(&format!(" !     App {app} has not been deployed\n")),
            "{}",
            run.stderr
        );
    }
    assert!(
        run.stdout
            .contains("-----> ps:restore: 0 restored, 2 skipped, 0 failed, in "),
        "{}",
        run.stdout
    );
    let run = env.dokku(["ps:restore", "--all", "--parallel", "3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("assuming --all"), "{}", run.stderr);

    // One app, as before.
    let run = env.dokku(["ps:restore", "web"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(" !     App web has not been deployed\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("ps:restore:"), "{}", run.stdout);

    // The parallelism knobs are checked.
    let run = env.dokku(["ps:restore", "--parallel", "-2"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains(" !     Invalid value -2 for --parallel flag\n"),
        "{}",
        run.stderr
    );
    let run = env.run(
        env.command("dokku")
            .env("DOKKU_RESTORE_PARALLEL", "lots")
            .arg("ps:restore"),
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains(" !     Invalid value lots for DOKKU_RESTORE_PARALLEL\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn ps_restore_waits_for_docker_and_says_so_when_it_never_answers() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    fake_docker(&env, 1);
    let run = env.run(
        env.command("dokku")
            .env("DOKKU_RESTORE_DOCKER_WAIT", "1")
            .arg("ps:restore"),
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("-----> Waiting for the Docker daemon (up to 1 seconds)\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains(
            " !     the Docker daemon did not answer within 1 seconds; no app was restored\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn ps_set_restore_takes_true_or_false() {
    let env = install();
    fake_docker(&env, 0);
    env.dokku(["apps:create", "web"]).success();
    env.dokku(["ps:set", "web", "restore", "false"]).success();
    let report = env.dokku(["ps:report", "web", "--restore"]).success();
    assert_eq!(report.stdout, "false\n");
    let run = env.dokku(["ps:set", "web", "restore", "maybe"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("Invalid restore value specified, use true or false"),
        "{}",
        run.stderr
    );
    env.dokku(["ps:set", "web", "restore"]).success();
    let report = env.dokku(["ps:report", "web", "--restore"]).success();
    assert_eq!(report.stdout, "true\n");
}
