//! The deploy path's commands that need no Docker engine: `apps:*`, `ssh-keys:*`, the
//! git repository and hook, and the deploy-branch rules of `git-hook` (driven by a
//! local `git push`, which runs the real pre-receive hook). A fake `docker` on `PATH`
//! records what would have been run.

use std::path::Path;
use std::process::{Command, Stdio};

use dokku_test_support::{FakeDocker, TestEnv};

use crate::install;

/// Installs a fake `docker` that appends its argv to `docker.log` and succeeds.
fn fake_docker(env: &TestEnv) -> std::path::PathBuf {
    env.fake_docker(FakeDocker::default())
}

fn keygen(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let out = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            &format!("{name}@test"),
            "-f",
        ])
        .arg(&path)
        .output()
        .expect("ssh-keygen");
    assert!(out.status.success());
    path.with_extension("pub")
}

#[test]
fn apps_create_list_exists_and_destroy() {
    let env = install();
    let log = fake_docker(&env);
    let run = env.dokku(["apps:create", "web"]).success();
    assert!(
        run.stdout.starts_with("-----> Creating web...\n"),
        "{}",
        run.stdout
    );
    let root = env.dokku_root().join("web");
    // post-create: the git plugin made the bare repo and its hook, ps set web=1.
    assert!(root.join("refs").is_dir());
    let hook = std::fs::read_to_string(root.join("hooks/pre-receive")).expect("hook");
    assert_eq!(hook, format!("#!/usr/bin/env bash\nset -e\nset -o pipefail\n\ncat | DOKKU_ROOT=\"{}\" dokku git-hook web\n", env.dokku_root().display()));
    assert_eq!(
        std::fs::read_to_string(env.lib_root().join("config/ps/web/scale")).expect("scale"),
        "web=1\n"
    );
    assert!(env.lib_root().join("config/apps/web/created-at").is_file());

    let again = env.dokku(["apps:create", "web"]);
    assert_eq!(
        (again.code, again.stderr.as_str()),
        (1, " !     Name is already taken\n")
    );
    let bad = env.dokku(["apps:create", "Bad_App"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .contains("App name must begin with lowercase alphanumeric character"),
        "{}",
        bad.stderr
    );

    env.dokku(["apps:create", "api"]).success();
    assert_eq!(
        env.dokku_tty(["apps:list"]).success().stdout,
        "=====> My Apps\napi\nweb\n"
    );
    assert_eq!(
        env.dokku(["apps:list", "--format", "json"])
            .success()
            .stdout,
        "[\"api\",\"web\"]\n"
    );
    env.dokku(["apps:exists", "web"]).success();
    let missing = env.dokku(["apps:exists", "nope"]);
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (20, " !     App nope does not exist\n")
    );

    // Without --force the name must be typed.
    let refused = env.run(
        env.command("dokku")
            .args(["apps:destroy", "web"])
            .stdin(Stdio::piped()),
    );
    assert_eq!(refused.code, 1);
    assert!(
        refused
            .stderr
            .contains(" !     This command will destroy app web."),
        "{}",
        refused.stderr
    );
    // Nothing typed: Go's `fmt.Scanln` fails with `EOF` (tests/it/apps.rs has the rest).
    assert!(
        refused.stderr.ends_with(" !     EOF\n"),
        "{}",
        refused.stderr
    );
    assert!(root.is_dir());

    let gone = env.dokku(["--force", "apps:destroy", "web"]).success();
    assert!(
        gone.stdout
            .contains("-----> Destroying web (including all add-ons)"),
        "{}",
        gone.stdout
    );
    assert!(!root.exists());
    assert!(!env.lib_root().join("config/ps/web").exists());
    let calls = std::fs::read_to_string(&log).expect("docker calls");
    assert!(
        calls.contains("image prune --all --force --filter label=com.dokku.app-name=web"),
        "{calls}"
    );
    assert!(
        calls.contains(
            "container ls --quiet --no-trunc --all --filter label=com.dokku.app-name=web"
        ),
        "{calls}"
    );
    assert_eq!(
        env.dokku(["apps:list", "--format", "json"])
            .success()
            .stdout,
        "[\"api\"]\n"
    );
}

#[test]
fn apps_lock_refuses_deploys_until_unlocked() {
    let env = install();
    env.dokku(["apps:create", "web"]).success();
    assert_eq!(env.dokku(["apps:locked", "web"]).code, 1);
    assert_eq!(
        env.dokku(["apps:lock", "web"]).success().stdout,
        "-----> Deploy lock created\n"
    );
    assert_eq!(
        env.dokku(["apps:locked", "web"]).success().stdout,
        "Deploy lock exists\n"
    );
    // A deploy refuses the manual lock with Dokku's two lines.
    let refused = env.dokku(["plugin:trigger", "receive-app", "web"]);
    assert_ne!(refused.code, 0);
    assert!(
        refused
            .stderr
            .contains(" !     web currently has a deploy lock in place. Exiting...\n"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains(" !     Run 'apps:unlock' to release the existing deploy lock\n"),
        "{}",
        refused.stderr
    );
    let unlocked = env.dokku(["apps:unlock", "web"]).success();
    assert_eq!(unlocked.stdout, "-----> Deploy lock removed\n");
    assert!(
        unlocked
            .stderr
            .contains(" !     A deploy may be in progress."),
        "{}",
        unlocked.stderr
    );
    assert_eq!(
        env.dokku(["apps:unlock", "web"]).stderr,
        " !     Unable to remove deploy lock\n"
    );
}

#[test]
fn ssh_keys_add_list_and_remove_in_sshcommand_format() {
    let env = install();
    let keys = env.scratch("keys");
    let alice = keygen(&keys, "alice");
    let bob = keygen(&keys, "bob");
    let fp = env
        .dokku(["ssh-keys:add", "alice", alice.to_str().expect("utf8")])
        .success()
        .stdout;
    assert!(fp.starts_with("SHA256:"), "{fp}");
    let fp = fp.trim().to_string();
    // From a pipe, too.
    let piped = env.run(
        env.command("dokku")
            .args(["ssh-keys:add", "bob"])
            .stdin(std::fs::File::open(&bob).expect("open key")),
    );
    assert_eq!(piped.code, 0, "{}", piped.stderr);

    let file = std::fs::read_to_string(env.dokku_root().join(".ssh/authorized_keys"))
        .expect("authorized_keys");
    let first = file.lines().next().expect("a line");
    let key = std::fs::read_to_string(&alice).expect("key");
    assert_eq!(
        first,
        format!(
            "command=\"FINGERPRINT={fp} NAME=\\\"alice\\\" `cat {}/.sshcommand` $SSH_ORIGINAL_COMMAND\",no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding {}",
            env.dokku_root().display(),
            key.trim()
        )
    );
    let list = env.dokku(["ssh-keys:list"]).success().stdout;
    assert_eq!(list.lines().count(), 2);
    assert_eq!(
        list.lines().next(),
        Some(format!("{fp} NAME=\"alice\" SSHCOMMAND_ALLOWED_KEYS=\"no-agent-forwarding,no-user-rc,no-X11-forwarding,no-port-forwarding\"").as_str())
    );
    let json: serde_json::Value = serde_json::from_str(
        &env.dokku(["ssh-keys:list", "--format", "json", "bob"])
            .success()
            .stdout,
    )
    .expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(1));
    assert_eq!(json[0]["name"], "bob");
    assert_eq!(env.dokku(["ssh-keys:list", "carol"]).code, 1);

    // Refused: duplicates, a non-key, two keys at once.
    let dup = env.dokku(["ssh-keys:add", "alice", bob.to_str().expect("utf8")]);
    assert_eq!(
        (dup.code, dup.stderr.as_str()),
        (
            1,
            "Duplicate ssh key name\n !     sshcommand returned an error: 1\n"
        )
    );
    let dup = env.dokku(["ssh-keys:add", "carol", alice.to_str().expect("utf8")]);
    assert_eq!(
        dup.stderr,
        "Duplicate ssh public key specified\n !     sshcommand returned an error: 1\n"
    );
    let junk = keys.join("junk.pub");
    std::fs::write(&junk, "ssh-ed25519 not-base64 x\n").expect("write");
    let bad = env.dokku(["ssh-keys:add", "junk", junk.to_str().expect("utf8")]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (1, " !     Key specified in is not a valid ssh public key\n")
    );
    let two = keys.join("two.pub");
    std::fs::write(
        &two,
        format!("{}{}", key, std::fs::read_to_string(&bob).expect("bob")),
    )
    .expect("write");
    let bad = env.dokku(["ssh-keys:add", "two", two.to_str().expect("utf8")]);
    assert_eq!(bad.stderr, " !     Too many keys provided, set one per invocation of dokku ssh-keys:add <NAME> <KEY_FILE>\n");
    assert_eq!(
        env.dokku(["ssh-keys:add", "none"]).stderr,
        " !     Empty key was specified\n"
    );

    env.dokku(["ssh-keys:remove", "bob"]).success();
    env.dokku(["ssh-keys:remove", "--fingerprint", &fp])
        .success();
    let file = std::fs::read_to_string(env.dokku_root().join(".ssh/authorized_keys"))
        .expect("authorized_keys");
    assert_eq!(file, "");
    assert_eq!(
        env.dokku(["ssh-keys:remove"]).stderr,
        " !     A name is required to remove a key, ie: dokku ssh-keys:remove <name>\n"
    );
}

/// A local `git push` to the app's bare repo runs the real pre-receive hook.
fn push_local(env: &TestEnv, src: &Path, app: &str, refspec: &str) -> dokku_test_support::Run {
    let repo = env.dokku_root().join(app);
    env.run(
        env.command("git")
            .args(["push", repo.to_str().expect("utf8"), refspec])
            .current_dir(src),
    )
}

#[test]
fn git_hook_accepts_other_branches_without_deploying() {
    let env = install();
    let log = fake_docker(&env);
    env.dokku(["apps:create", "web"]).success();
    env.dokku(["git:set", "web", "deploy-branch", "release"])
        .success();
    let src = env.scratch("src").join("web");
    std::fs::create_dir_all(&src).expect("mkdir");
    std::fs::write(src.join("README"), "x").expect("write");
    dokku_test_support::git_commit_all(&src);
    let push = push_local(&env, &src, "web", "main");
    assert_eq!(push.code, 0, "{}", push.stderr);
    assert!(
        push.stderr
            .contains("-----> WARNING: deploy did not complete, you must push to release."),
        "{}",
        push.stderr
    );
    assert!(
        push.stderr
            .contains("-----> for example, try 'git push <dokku> main:release'"),
        "{}",
        push.stderr
    );
    assert!(!log.exists(), "nothing was built");
    // The hook's output is also kept as a build log (data/builds/APP/<id>.log).
    let builds: Vec<_> = std::fs::read_dir(env.lib_root().join("data/builds/web"))
        .expect("builds dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
        .collect();
    assert_eq!(builds.len(), 1, "one build log per hook run");
    // ... beside its record, finalised when the hook ended.
    let record = builds[0].path().with_extension("json");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record).expect("record")).expect("json");
    assert_eq!(record["source"], "git-hook");
    assert_eq!(record["status"], "succeeded");
    assert!(builds[0].file_name().to_string_lossy().ends_with(".log"));
    let captured = std::fs::read_to_string(builds[0].path()).expect("build log");
    assert!(
        captured.contains("-----> WARNING: deploy did not complete, you must push to release."),
        "{captured}"
    );

    // An invalid deploy branch is reported and the push still accepted.
    env.dokku(["git:set", "web", "deploy-branch", "bad..name"])
        .success();
    let push = push_local(&env, &src, "web", "main:other");
    assert_eq!(push.code, 0, "{}", push.stderr);
    assert!(
        push.stderr.contains(
            "-----> WARNING: Invalid branch name 'bad..name' specified via deploy-branch setting."
        ),
        "{}",
        push.stderr
    );

    let bad_key = env.dokku(["git:set", "web", "nope", "x"]);
    assert!(
        bad_key
            .stderr
            .starts_with(" !     Invalid key specified, valid keys include: archive-max-files"),
        "{}",
        bad_key.stderr
    );
}

#[test]
fn git_receive_pack_refuses_names_that_are_paths() {
    let env = install();
    let outside = env.scratch("outside");
    for raw in ["'../outside'", "'/../outside'", "'Bad_Name'", "'.hidden'"] {
        let run = env.run(
            env.command("dokku")
                .env("SSH_ORIGINAL_COMMAND", format!("git-receive-pack {raw}"))
                .arg("git-receive-pack"),
        );
        assert_eq!(run.code, 1, "{raw}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("App name must begin with lowercase alphanumeric character"),
            "{raw}: {}",
            run.stderr
        );
    }
    assert!(
        !outside.join("refs").exists(),
        "no repository was created outside DOKKU_ROOT"
    );
    assert_eq!(
        std::fs::read_dir(env.dokku_root())
            .expect("ls")
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .count(),
        0
    );
}

/// Security issue #9: a Procfile or app.json that cannot be used is refused when the
/// source is extracted, before anything is built: one ` !` line naming the problem,
/// a hint, a rejected push, and no docker call. A valid pair (comments, blank lines,
/// CRLF, unknown app.json keys) still goes on to the build.
#[test]
fn a_malformed_procfile_or_app_json_is_refused_before_the_build() {
    let env = install();
    let log = fake_docker(&env);
    env.dokku(["apps:create", "web"]).success();
    let src = env.scratch("src").join("web");
    std::fs::create_dir_all(&src).expect("mkdir");
    std::fs::write(src.join("Dockerfile"), "FROM scratch\n").expect("write");
    let cases: [(&str, &[u8], &str); 8] = [
        (
            "Procfile",
            b"web: a\n# two webs\nweb: b\n",
            "Invalid Procfile: line 3: process type `web` is defined twice",
        ),
        (
            "Procfile",
            b"web: a\nworker b\n",
            "Invalid Procfile: line 2: expected `<process type>: <command>`, got `worker b`",
        ),
        (
            "Procfile",
            b"web: a\0b\n",
            "Invalid Procfile: line 1: contains a NUL byte",
        ),
        (
            "Procfile",
            b"web: a\nworker: caf\xe9\n",
            "Invalid Procfile: line 2: not UTF-8 text",
        ),
        (
            "app.json",
            br#"{"healthchecks":"nope"}"#,
            "Invalid app.json file (app.json): `healthchecks` must be an object, not a string",
        ),
        (
            "app.json",
            br#"{"scripts":5}"#,
            "Invalid app.json file (app.json): `scripts` must be an object, not the number 5",
        ),
        (
            "app.json",
            br#"{"healthchecks":{"web":[{"attempts":"3"}]}}"#,
            "Invalid app.json file (app.json): `healthchecks.web[0].attempts` must be a whole number",
        ),
        (
            "app.json",
            b"{\"name\": \"\xff\"}",
            "Invalid app.json file (app.json): not UTF-8 text (line 1)",
        ),
    ];
    for (file, bytes, expected) in cases {
        let _ = std::fs::remove_file(src.join("Procfile"));
        let _ = std::fs::remove_file(src.join("app.json"));
        std::fs::write(src.join(file), bytes).expect("write");
        dokku_test_support::git_commit_all(&src);
        let push = push_local(&env, &src, "web", "main");
        assert_ne!(push.code, 0, "{file} {expected}: accepted\n{}", push.stderr);
        assert!(
            push.stderr.contains(&format!("remote:  !     {expected}")),
            "{}",
            push.stderr
        );
        assert!(
            push.stderr.contains("remote:        hint: "),
            "{}",
            push.stderr
        );
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            !calls.contains("build"),
            "{file} {expected}: built anyway\n{calls}"
        );
    }

    std::fs::write(
        src.join("Procfile"),
        "# processes\r\n\r\nweb: httpd -p $PORT\r\nworker:  sh -c 'x'\r\n",
    )
    .expect("write");
    std::fs::write(
        src.join("app.json"),
        r#"{"name":"web","healthchecks":{"web":[{"path":"/","attempts":2}]},"x-custom":[1]}"#,
    )
    .expect("write");
    dokku_test_support::git_commit_all(&src);
    let push = push_local(&env, &src, "web", "main");
    assert!(!push.stderr.contains("Invalid"), "{}", push.stderr);
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(calls.contains("image build"), "{}\n{calls}", push.stderr);
}
