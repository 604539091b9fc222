//! The `apps` plugin (`apps:create`, `apps:destroy`, `apps:rename`, `apps:clone`,
//! `apps:report`, `apps:set`), `dokku report`, `--format json` on every report,
//! `dokku cleanup` and config's `install` migration, through the binary.
//!
//! A fake `docker` on `PATH` records its argv, answers `container ls ... exited` with
//! the ids in `exited-ids`, and fails `image build`, so a rebuild stops at the build
//! without touching anything real. A small legacy plugin, `aa-record` (it sorts before
//! every core plugin that acts on these triggers), records each trigger it sees with
//! its arguments and `SKIP_REBUILD`.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use dokku_test_support::{write_executable, FakeDocker, Run, TestEnv};

use crate::install;

/// A prefix install with the fake docker and the trigger recorder.
struct Fixture {
    env: TestEnv,
    docker_log: PathBuf,
    exited_ids: PathBuf,
    triggers: PathBuf,
}

const RECORDED: &[&str] = &[
    "post-create",
    "pre-delete",
    "post-delete",
    "post-app-clone-setup",
    "post-app-clone",
    "post-app-rename-setup",
    "post-app-rename",
    "receive-app",
];

impl Fixture {
    fn new() -> Fixture {
        let env = install();
        let fake = env.scratch("fake");
        let exited_ids = fake.join("exited-ids");
        let docker_log = env.fake_docker(FakeDocker {
            failing_builds: true,
            missing_images: &["gliderlabs/"],
            exited_ids: Some(&exited_ids),
            ..FakeDocker::default()
        });
        let triggers = fake.join("triggers.log");
        let plugin = env.scratch("plugins").join("aa-record");
        std::fs::create_dir_all(&plugin).expect("mkdir plugin");
        std::fs::write(
            plugin.join("plugin.toml"),
            "[plugin]\ndescription = \"records triggers\"\nversion = \"0.1.0\"\n[plugin.config]\n",
        )
        .expect("write plugin.toml");
        for trigger in RECORDED {
            write_executable(
                &plugin.join(trigger),
                &format!(
                    "#!/bin/sh\necho \"{trigger} $* SKIP_REBUILD=$SKIP_REBUILD\" >> '{}'\n",
                    triggers.display()
                ),
            );
        }
        env.dokku(["plugin:install", plugin.to_str().expect("utf8 path")])
            .success();
        Fixture {
            env,
            docker_log,
            exited_ids,
            triggers,
        }
    }

    fn dokku(&self, args: &[&str]) -> Run {
        self.env.dokku(args)
    }

    /// The recorded trigger calls, then forgets them.
    fn take_triggers(&self) -> String {
        let text = std::fs::read_to_string(&self.triggers).unwrap_or_default();
        let _ = std::fs::remove_file(&self.triggers);
        text
    }

    /// The recorded docker calls, then forgets them.
    fn take_docker(&self) -> String {
        let text = std::fs::read_to_string(&self.docker_log).unwrap_or_default();
        let _ = std::fs::remove_file(&self.docker_log);
        text
    }

    fn app_root(&self, app: &str) -> PathBuf {
        self.env.dokku_root().join(app)
    }

    fn prop(&self, plugin: &str, app: &str, key: &str) -> Option<String> {
        std::fs::read_to_string(
            self.env
                .lib_root()
                .join("config")
                .join(plugin)
                .join(app)
                .join(key),
        )
        .ok()
    }

    /// Every file under DOKKU_ROOT and DOKKU_LIB_ROOT's `config` and `data`, with
    /// its contents: what "nothing changed" is checked against.
    fn snapshot(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for root in [
            self.env.dokku_root(),
            self.env.lib_root().join("config"),
            self.env.lib_root().join("data"),
        ] {
            walk(&root, &root, &mut out);
        }
        out.sort();
        out
    }

    /// Puts one commit on `master` in the app's bare repo without running its hook.
    fn add_code(&self, app: &str) {
        let src = self.env.scratch("src").join(app);
        std::fs::create_dir_all(&src).expect("mkdir src");
        std::fs::write(src.join("Dockerfile"), "FROM scratch\n").expect("write");
        dokku_test_support::git_commit_all(&src);
        let fetched = self.env.run(
            self.env
                .command("git")
                .arg("--git-dir")
                .arg(self.app_root(app))
                .args(["fetch", "--quiet"])
                .arg(&src)
                .arg("main:refs/heads/master"),
        );
        assert_eq!(fetched.code, 0, "{}", fetched.stderr);
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("entry").path();
        let name = path
            .strip_prefix(root)
            .expect("prefix")
            .display()
            .to_string();
        if name.contains("/.") || name.starts_with('.') && name.ends_with(".lock") {
            continue;
        }
        if path.is_dir() {
            out.push((format!("{}/{name}/", root.display()), String::new()));
            walk(root, &path, out);
        } else {
            let text = std::fs::read(&path).map(|b| String::from_utf8_lossy(&b).into_owned());
            out.push((
                format!("{}/{name}", root.display()),
                text.unwrap_or_default(),
            ));
        }
    }
}

/// Asserts that `lines` appear in `text` as whole lines, in this order (other plugins'
/// handlers may print lines of their own in between, as `domains` does on create).
#[track_caller]
fn lines_in_order(text: &str, lines: &[&str]) {
    let mut rest = text.lines();
    for want in lines {
        assert!(
            rest.any(|l| l == *want),
            "`{want}` missing or out of order in\n{text}"
        );
    }
}

#[track_caller]
fn refused(run: &Run, code: i32, stderr: &str) {
    assert_eq!(
        (run.code, run.stderr.as_str(), run.stdout.as_str()),
        (code, stderr, ""),
        "stdout: {}",
        run.stdout
    );
}

#[test]
fn create_of_an_existing_app_is_refused_and_changes_nothing() {
    let f = Fixture::new();
    let created = f.dokku(&["apps:create", "web"]).success();
    assert!(
        created.stdout.starts_with("-----> Creating web...\n"),
        "{}",
        created.stdout
    );
    assert_eq!(f.take_triggers(), "post-create web SKIP_REBUILD=\n");
    let before = f.snapshot();
    refused(
        &f.dokku(&["apps:create", "web"]),
        1,
        " !     Name is already taken\n",
    );
    refused(
        &f.dokku(&["apps:create", "Bad_Name"]),
        1,
        " !     App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens\n",
    );
    refused(
        &f.dokku(&["apps:create"]),
        1,
        " !     Please specify an app to run the command on\n",
    );
    assert_eq!(f.snapshot(), before);
    assert_eq!(f.take_triggers(), "");
    // `--quiet` silences the `_quiet` line, as in Dokku.
    let quiet = f.dokku(&["--quiet", "apps:create", "api"]).success();
    assert!(!quiet.stdout.contains("Creating api"), "{}", quiet.stdout);
}

#[test]
fn report_has_dokkus_keys_in_every_format() {
    let f = Fixture::new();
    let none = f.dokku(&["apps:report"]).success();
    assert_eq!(
        (none.stdout.as_str(), none.stderr.as_str()),
        ("", " !     You haven't deployed any applications yet\n")
    );
    f.dokku(&["apps:create", "web"]).success();
    let created = f.prop("apps", "web", "created-at").expect("created-at");
    let dir = f.app_root("web").display().to_string();
    assert_eq!(
        f.dokku(&["apps:report", "web"]).success().stdout,
        format!(
            "=====> web app information\n\
             \x20      App created at:                  {created}\n\
             \x20      App deploy source:               \n\
             \x20      App deploy source metadata:      \n\
             \x20      App dir:                         {dir}\n\
             \x20      App global disable autocreation: \n\
             \x20      App locked:                      false\n"
        )
    );
    // Dokku 0.38's JSON: each key stripped of its prefix and under its legacy name.
    let json: serde_json::Value = serde_json::from_str(
        &f.dokku(&["apps:report", "web", "--format", "json"])
            .success()
            .stdout,
    )
    .expect("json");
    for (key, value) in [
        ("created-at", created.as_str()),
        ("deploy-source", ""),
        ("deploy-source-metadata", ""),
        ("dir", dir.as_str()),
        ("global-disable-autocreation", ""),
        ("locked", "false"),
    ] {
        assert_eq!(json[key], value, "{key}");
        assert_eq!(json[format!("app-{key}")], value, "app-{key}");
    }
    assert_eq!(json.as_object().map(|o| o.len()), Some(12));
    assert_eq!(
        f.dokku(&["apps:report", "web", "--app-dir"])
            .success()
            .stdout,
        format!("{dir}\n")
    );
    f.dokku(&["apps:lock", "web"]).success();
    assert_eq!(
        f.dokku(&["apps:report", "web", "--app-locked"])
            .success()
            .stdout,
        "true\n"
    );
    // Every app when none is named.
    f.dokku(&["apps:create", "api"]).success();
    assert_eq!(
        f.dokku(&["apps:report", "--app-locked"]).success().stdout,
        "false\ntrue\n"
    );
    assert_eq!(
        f.dokku(&["apps:report", "--global", "--format", "json"])
            .success()
            .stdout,
        "{\"app-global-disable-autocreation\":\"\",\"global-disable-autocreation\":\"\"}\n"
    );

    refused(
        &f.dokku(&["apps:report", "web", "--app-dir", "--app-locked"]),
        1,
        " !     apps:report command allows only a single flag\n",
    );
    refused(
        &f.dokku(&["apps:report", "web", "--nope"]),
        1,
        " !     Invalid flag passed, valid flags: --app-created-at, --app-deploy-source, --app-deploy-source-metadata, --app-dir, --app-global-disable-autocreation, --app-locked\n",
    );
    refused(
        &f.dokku(&["apps:report", "web", "--format", "xml"]),
        1,
        " !     Format must be \"stdout\" or \"json\": \"xml\"\n",
    );
    refused(
        &f.dokku(&["apps:report", "web", "--format", "json", "--app-dir"]),
        1,
        " !     --format flag cannot be specified when specifying an info flag\n",
    );
    refused(
        &f.dokku(&["apps:report", "nope"]),
        20,
        " !     App nope does not exist\n",
    );
}

#[test]
fn set_disable_autocreation_is_global_only() {
    let f = Fixture::new();
    f.dokku(&["apps:create", "web"]).success();
    assert_eq!(
        f.dokku(&["apps:set", "--global", "disable-autocreation", "true"])
            .success()
            .stdout,
        "=====> Setting disable-autocreation to true\n"
    );
    assert_eq!(
        f.dokku(&["apps:report", "web", "--app-global-disable-autocreation"])
            .success()
            .stdout,
        "true\n"
    );
    let before = f.snapshot();
    refused(
        &f.dokku(&["apps:set", "web", "disable-autocreation", "false"]),
        1,
        " !     Property can only be specified globally\n",
    );
    // Dokku's order: the global check comes first.
    refused(
        &f.dokku(&["apps:set", "--global", "nope", "1"]),
        1,
        " !     Property cannot be specified globally\n",
    );
    refused(
        &f.dokku(&["apps:set", "--global", "deploy-source", "git"]),
        1,
        " !     Property cannot be specified globally\n",
    );
    refused(
        &f.dokku(&["apps:set", "web", "nope", "1"]),
        1,
        " !     Invalid property specified, valid properties include: deploy-source, deploy-source-metadata, disable-autocreation\n",
    );
    refused(
        &f.dokku(&["apps:set", "web"]),
        1,
        " !     No property specified\n",
    );
    let bad = f.dokku(&["apps:set", "--global", "disable-autocreation", "yes"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .starts_with(" !     Invalid value specified for disable-autocreation: yes\n"),
        "{}",
        bad.stderr
    );
    refused(
        &f.dokku(&["apps:set", "nope", "disable-autocreation", "true"]),
        20,
        " !     App nope does not exist\n",
    );
    assert_eq!(f.snapshot(), before);
    assert_eq!(
        f.dokku(&["apps:set", "--global", "disable-autocreation"])
            .success()
            .stdout,
        "=====> Unsetting disable-autocreation\n"
    );
    assert_eq!(f.prop("apps", "--global", "disable-autocreation"), None);
}

/// An app with state in every place a rename or clone must carry over.
fn furnished_app(f: &Fixture, app: &str) {
    f.dokku(&["apps:create", app]).success();
    f.dokku(&["config:set", "--no-restart", app, "GREETING=hello world"])
        .success();
    f.dokku(&["docker-options:add", app, "deploy", "-v /data:/data"])
        .success();
    f.dokku(&["__core", "prop", "set", "community", app, "colour", "blue"])
        .success();
    f.dokku(&["__core", "prop", "set", "common", app, "deployed", "true"])
        .success();
    std::fs::create_dir_all(f.app_root(app).join("extra")).expect("extra");
    std::fs::write(
        f.app_root(app).join("extra/notes"),
        format!("{app} notes\n"),
    )
    .expect("notes");
    std::fs::write(f.app_root(app).join("CONTAINER.web.1"), "0123456789ab\n").expect("cid");
    std::fs::create_dir_all(f.app_root(app).join("cache")).expect("cache");
    let data = f.env.lib_root().join("data/ps").join(app);
    std::fs::create_dir_all(&data).expect("data");
    std::fs::write(data.join("note"), "kept").expect("note");
    f.take_triggers();
}

#[test]
fn rename_moves_everything_and_fires_dokkus_triggers() {
    let f = Fixture::new();
    furnished_app(&f, "web");
    let created = f.prop("apps", "web", "created-at");
    let run = f
        .dokku(&["apps:rename", "--skip-deploy", "web", "api"])
        .success();
    assert!(
        run.stdout.starts_with("-----> Renaming web to api\n"),
        "{}",
        run.stdout
    );
    lines_in_order(
        &run.stdout,
        &[
            "-----> Renaming web to api",
            "-----> Creating api...",
            "-----> Destroying web (including all add-ons)",
            "-----> Cleaning up...",
            "-----> Retiring old containers and images",
        ],
    );
    assert_eq!(
        f.take_triggers(),
        "post-create api SKIP_REBUILD=true\n\
         post-app-rename-setup web api SKIP_REBUILD=true\n\
         pre-delete web latest SKIP_REBUILD=true\n\
         post-delete web latest SKIP_REBUILD=true\n\
         post-app-rename web api SKIP_REBUILD=true\n"
    );

    // The old app is gone everywhere.
    assert!(!f.app_root("web").exists());
    assert_eq!(
        f.dokku(&["apps:list", "--format", "json"]).success().stdout,
        "[\"api\"]\n"
    );
    for dir in [
        "config/web",
        "config/apps/web",
        "config/community/web",
        "config/docker-options/web",
        "data/ps/web",
    ] {
        assert!(!f.env.lib_root().join(dir).exists(), "{dir} is left behind");
    }
    // The new one has all of it.
    assert_eq!(
        f.dokku(&["config:get", "api", "GREETING"]).success().stdout,
        "hello world\n"
    );
    assert_eq!(
        f.dokku(&["docker-options:report", "api", "--docker-options-deploy"])
            .success()
            .stdout,
        "-v /data:/data\n"
    );
    assert_eq!(
        f.prop("community", "api", "colour").as_deref(),
        Some("blue")
    );
    assert_eq!(f.prop("common", "api", "deployed").as_deref(), Some("true"));
    assert_eq!(f.prop("apps", "api", "created-at"), created);
    assert_eq!(
        std::fs::read_to_string(f.env.lib_root().join("data/ps/api/note")).expect("data"),
        "kept"
    );
    let root = f.app_root("api");
    // The app directory is copied as is (`domains` rewrites its own VHOST).
    assert_eq!(
        std::fs::read_to_string(root.join("extra/notes")).expect("notes"),
        "web notes\n"
    );
    assert!(root.join("refs").is_dir());
    assert!(!root.join("CONTAINER.web.1").exists());
    assert!(!root.join("cache").exists());
    let hook = std::fs::read_to_string(root.join("hooks/pre-receive")).expect("hook");
    assert!(hook.ends_with("dokku git-hook api\n"), "{hook}");
    // No code on the deploy branch: nothing was built, with or without --skip-deploy.
    f.dokku(&["apps:rename", "api", "web"]).success();
    assert!(!f.take_triggers().contains("receive-app"));
}

#[test]
fn rename_and_clone_rebuild_an_app_with_code_unless_skipped() {
    let f = Fixture::new();
    f.dokku(&["apps:create", "web"]).success();
    f.add_code("web");
    f.take_triggers();

    f.dokku(&["apps:clone", "--skip-deploy", "web", "quiet"])
        .success();
    assert!(!f.take_triggers().contains("receive-app"));

    // The fake docker fails every build: the rebuild is attempted, then fails as a
    // build does, and the command reports it.
    let cloned = f.dokku(&["apps:clone", "web", "copy"]);
    assert_eq!(cloned.code, 1, "{}{}", cloned.stdout, cloned.stderr);
    assert!(
        cloned.stderr.contains(" !     App build failed\n"),
        "{}",
        cloned.stderr
    );
    let fired = f.take_triggers();
    assert!(
        fired.ends_with("post-app-clone web copy SKIP_REBUILD=\nreceive-app copy SKIP_REBUILD=\n"),
        "{fired}"
    );
    assert!(f.take_docker().contains("image build"));

    let renamed = f.dokku(&["apps:rename", "web", "api"]);
    assert_eq!(renamed.code, 1);
    let fired = f.take_triggers();
    assert!(
        fired.ends_with("post-app-rename web api SKIP_REBUILD=\nreceive-app api SKIP_REBUILD=\n"),
        "{fired}"
    );
    assert!(!f.app_root("web").exists() && f.app_root("api").is_dir());
}

#[test]
fn rename_bad_input_is_refused_with_nothing_changed() {
    let f = Fixture::new();
    furnished_app(&f, "web");
    f.dokku(&["apps:create", "api"]).success();
    f.take_triggers();
    let before = f.snapshot();
    refused(
        &f.dokku(&["apps:rename", "nope", "new"]),
        20,
        " !     App nope does not exist\n",
    );
    refused(
        &f.dokku(&["apps:rename", "web", "Bad_Name"]),
        1,
        " !     App name must begin with lowercase alphanumeric character, and may only contain lowercase alphanumerics, dots, and hyphens\n",
    );
    refused(
        &f.dokku(&["apps:rename", "web", "api"]),
        1,
        " !     Name is already taken\n",
    );
    refused(
        &f.dokku(&["apps:rename", "web"]),
        1,
        " !     Please specify an new app name\n",
    );
    refused(
        &f.dokku(&["apps:rename"]),
        1,
        " !     Please specify an app to run the command on\n",
    );
    refused(
        &f.dokku(&["apps:clone", "web", "api"]),
        1,
        " !     Name is already taken\n",
    );
    refused(
        &f.dokku(&["apps:clone", "nope", "new"]),
        20,
        " !     App nope does not exist\n",
    );
    let ignored = f
        .dokku(&["apps:clone", "--ignore-existing", "web", "api"])
        .success();
    assert_eq!(
        (ignored.stdout.as_str(), ignored.stderr.as_str()),
        ("", " !     Name is already taken\n")
    );
    assert_eq!(f.snapshot(), before);

    f.dokku(&["apps:lock", "web"]).success();
    let before = f.snapshot();
    refused(
        &f.dokku(&["apps:rename", "web", "other"]),
        1,
        " !     App web is locked: a deploy may be in progress\n       hint: wait for the deploy to finish, or remove a stale lock with 'dokku apps:unlock web'\n",
    );
    assert_eq!(f.snapshot(), before);
    assert_eq!(f.take_triggers(), "");
}

#[test]
fn clone_copies_state_leaves_the_original_and_is_not_deployed() {
    let f = Fixture::new();
    furnished_app(&f, "web");
    f.dokku(&["apps:lock", "web"]).success();
    let run = f
        .dokku(&["apps:clone", "--skip-deploy", "web", "copy"])
        .success();
    assert!(
        run.stdout.starts_with("-----> Cloning web to copy\n"),
        "{}",
        run.stdout
    );
    lines_in_order(
        &run.stdout,
        &["-----> Cloning web to copy", "-----> Creating copy..."],
    );
    assert_eq!(
        f.take_triggers(),
        "post-create copy SKIP_REBUILD=true\n\
         post-app-clone-setup web copy SKIP_REBUILD=true\n\
         post-app-clone web copy SKIP_REBUILD=true\n"
    );
    // The original is untouched.
    assert_eq!(
        f.dokku(&["config:get", "web", "GREETING"]).success().stdout,
        "hello world\n"
    );
    assert_eq!(f.prop("common", "web", "deployed").as_deref(), Some("true"));
    assert!(f.app_root("web").join("CONTAINER.web.1").is_file());
    // The clone has its state, is not deployed and not locked.
    assert_eq!(
        f.dokku(&["config:get", "copy", "GREETING"])
            .success()
            .stdout,
        "hello world\n"
    );
    assert_eq!(
        f.prop("community", "copy", "colour").as_deref(),
        Some("blue")
    );
    assert_eq!(f.prop("common", "copy", "deployed"), None);
    assert_eq!(f.dokku(&["apps:locked", "copy"]).code, 1);
    assert!(!f.app_root("copy").join("CONTAINER.web.1").exists());
    assert_eq!(
        std::fs::read_to_string(f.env.lib_root().join("data/ps/copy/note")).expect("data"),
        "kept"
    );
}

#[test]
fn destroy_asks_like_dokku_and_refuses_a_locked_app_unless_forced() {
    let f = Fixture::new();
    f.dokku(&["apps:create", "web"]).success();
    let ask = |input: Option<&str>| {
        let mut cmd = f.env.command("dokku");
        cmd.args(["apps:destroy", "web"]).stdin(Stdio::piped());
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        if let Some(text) = input {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .expect("write");
        } else {
            drop(child.stdin.take());
        }
        let out = child.wait_with_output().expect("wait");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let warnings = " !     WARNING: Potentially Destructive Action\n !     This command will destroy app web.\n !     To proceed, type \"web\"\n";
    let before = f.snapshot();
    for (input, last) in [
        (Some("api\n"), "Confirmation did not match test. Aborted.\n"),
        (None, " !     EOF\n"),
        (Some("\n"), " !     unexpected newline\n"),
        (Some("web extra\n"), " !     expected newline\n"),
    ] {
        assert_eq!(
            ask(input),
            (1, "> ".to_string(), format!("{warnings}{last}")),
            "{input:?}"
        );
    }
    assert_eq!(f.snapshot(), before);

    // Locked: refused before the question, unless forced (as in Dokku, which never
    // looks at the lock).
    f.dokku(&["apps:lock", "web"]).success();
    let before = f.snapshot();
    let locked = " !     App web is locked: a deploy may be in progress\n       hint: wait for the deploy to finish, or destroy it anyway with 'dokku apps:destroy web --force'\n";
    assert_eq!(ask(Some("web\n")), (1, String::new(), locked.to_string()));
    assert_eq!(f.snapshot(), before);
    refused(
        &f.dokku(&["--force", "apps:destroy", "nope"]),
        20,
        " !     App nope does not exist\n",
    );
    let forced = f.dokku(&["apps:destroy", "web", "--force"]).success();
    assert!(
        forced
            .stdout
            .starts_with("-----> Destroying web (including all add-ons)\n"),
        "{}",
        forced.stdout
    );
    assert!(!f.app_root("web").exists());
    assert!(!f.env.lib_root().join("data/apps/web/.deploy.lock").exists());
    f.dokku(&["apps:create", "web"]).success();
    f.dokku(&["apps:lock", "web"]).success();
    f.dokku(&["--force", "apps:destroy", "web"]).success();
    assert!(!f.app_root("web").exists());
    f.dokku(&["apps:create", "web"]).success();

    let (code, stdout, _) = ask(Some(" web \n"));
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("> -----> Destroying web (including all add-ons)\n"),
        "{stdout}"
    );
    assert!(!f.app_root("web").exists());
}

#[test]
fn dokku_report_prints_vitals_then_every_plugin_report() {
    let f = Fixture::new();
    refused(
        &f.dokku(&["report", "--format", "json"]),
        1,
        " !     --format flag not supported on global report\n",
    );
    refused(
        &f.dokku(&["report", "--all"]),
        1,
        " !     You haven't deployed any applications yet\n",
    );
    refused(
        &f.dokku(&["report", "nope"]),
        20,
        " !     App nope does not exist\n",
    );
    f.dokku(&["apps:create", "web"]).success();
    let run = f.dokku(&["report", "web"]).success();
    let headers: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("-----> ") || l.starts_with("=====> "))
        .map(|l| l.split(':').next().unwrap_or(l))
        .collect();
    for expected in [
        "-----> uname",
        "-----> memory",
        "-----> docker version",
        "-----> docker daemon info",
        "-----> git version",
        "-----> dokku version",
        "-----> dokku plugins",
        "=====> web app information",
        "=====> web checks information",
        "=====> web docker-options information",
        "=====> web ps information",
    ] {
        assert!(
            headers.contains(&expected),
            "{expected} missing from\n{}",
            run.stdout
        );
    }
    let version = f.dokku(&["version"]).success().stdout;
    assert!(
        run.stdout
            .contains(&format!("-----> dokku version: {version}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\n         apps "), "{}", run.stdout);
    // Nothing was pulled or run: the herokuish probe only runs on a local image.
    assert!(!f.take_docker().contains("container run"));
    let all = f.dokku(&["report", "--all"]).success();
    assert!(all.stdout.contains("=====> web app information\n"));
    assert!(!f.dokku(&["report"]).success().stdout.contains("=====> web"));
}

#[test]
fn every_report_speaks_json() {
    let f = Fixture::new();
    f.dokku(&["apps:create", "web"]).success();
    for (command, key) in [
        ("apps:report", "\"app-dir\":"),
        ("checks:report", "\"computed-wait-to-retire\":\"60\""),
        ("docker-options:report", "\"deploy-list\":[]"),
        ("ps:report", "\"deployed\":\"false\""),
    ] {
        let out = f
            .dokku(&[command, "web", "--format", "json"])
            .success()
            .stdout;
        assert!(
            out.starts_with('{') && out.ends_with("}\n") && out.lines().count() == 1,
            "{command}: {out}"
        );
        assert!(out.contains(key), "{command}: {out}");
        refused(
            &f.dokku(&[command, "web", "--format", "yaml"]),
            1,
            " !     Format must be \"stdout\" or \"json\": \"yaml\"\n",
        );
        let plugin = command.trim_end_matches(":report");
        refused(
            &f.dokku(&[command, "web", "--a", "--b"]),
            1,
            &format!(" !     {plugin}:report command allows only a single flag\n"),
        );
    }
    assert_eq!(
        f.dokku(&["ps:report", "web", "--ps-can-scale"])
            .success()
            .stdout,
        "true\n"
    );
    // The global checks report: each key twice (with and without the plugin
    // prefix); the wait-to-retire keys as Dokku's (other keys are ours, see
    // checks_settings.rs).
    let global = f
        .dokku(&["checks:report", "--global", "--format", "json"])
        .success()
        .stdout;
    let parsed: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&global).expect("json");
    let retire: Vec<(&str, &str)> = parsed
        .iter()
        .filter(|(k, _)| k.ends_with("wait-to-retire"))
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("?")))
        .collect();
    assert_eq!(
        retire,
        [
            ("checks-computed-wait-to-retire", "60"),
            ("checks-global-wait-to-retire", ""),
            ("computed-wait-to-retire", "60"),
            ("global-wait-to-retire", ""),
        ],
        "{global}"
    );
    for key in parsed.keys().filter(|k| !k.starts_with("checks-")) {
        assert_eq!(
            parsed.get(&format!("checks-{key}")),
            parsed.get(key),
            "{global}"
        );
    }
}

/// Every `<plugin>:report` an installed core plugin declares answers `--format json`
/// with one JSON object on one line, and refuses an unknown format.
#[test]
fn every_declared_report_speaks_json() {
    let f = Fixture::new();
    f.dokku(&["apps:create", "web"]).success();
    // storage:annotations:report and storage:labels:report name a storage entry.
    f.dokku(&["storage:create", "web", "/srv/web"]).success();
    let mut reports = Vec::new();
    let available = f.env.lib_root().join("core-plugins/available");
    for plugin in std::fs::read_dir(&available).expect("core plugins") {
        let manifest = plugin.expect("entry").path().join("plugin.toml");
        let text = std::fs::read_to_string(&manifest).unwrap_or_default();
        for line in text.lines() {
            if let Some(name) = line
                .strip_prefix("name = \"")
                .and_then(|rest| rest.strip_suffix('"'))
                .filter(|name| name.ends_with(":report"))
            {
                reports.push(name.to_string());
            }
        }
    }
    reports.sort();
    assert!(reports.len() >= 4, "{reports:?}");
    for command in &reports {
        let run = f.dokku(&[command, "web", "--format", "json"]);
        assert_eq!(run.code, 0, "{command}: {}", run.stderr);
        let out = run.stdout;
        assert!(
            out.starts_with('{') && out.ends_with("}\n") && out.lines().count() == 1,
            "{command}: {out}"
        );
        let bad = f.dokku(&[command, "web", "--format", "yaml"]);
        assert_eq!(
            (bad.code, bad.stderr.as_str()),
            (
                1,
                " !     Format must be \"stdout\" or \"json\": \"yaml\"\n"
            ),
            "{command}"
        );
    }
}

#[test]
fn cleanup_uses_labels_and_honours_skip_cleanup() {
    let f = Fixture::new();
    f.dokku(&["apps:create", "web"]).success();
    std::fs::write(&f.exited_ids, "c1\nc2\n").expect("ids");
    f.take_docker();
    assert_eq!(
        f.dokku(&["cleanup", "web"]).success().stdout,
        "-----> Cleaning up...\n"
    );
    assert_eq!(
        f.take_docker(),
        "container ls --quiet --no-trunc --all --filter label=dokku --filter label=com.dokku.app-name=web --filter status=exited --filter status=dead\n\
         container rm c1 c2\n\
         container ls --quiet --no-trunc --all --filter label=com.dokku.app-name=web --filter label=com.dokku.container-type=deploy --filter name=upcoming\n\
         image ls --quiet --all --filter dangling=true --filter label=com.dokku.app-name=web\n\
         image prune --all --force --filter label=com.dokku.app-name=web\n"
    );
    f.dokku(&["cleanup"]).success();
    assert_eq!(
        f.take_docker(),
        "container ls --quiet --no-trunc --all --filter label=dokku --filter status=exited --filter status=dead\n\
         container rm c1 c2\n\
         container ls --quiet --no-trunc --all --filter label=com.dokku.container-type=deploy --filter name=upcoming\n\
         image ls --quiet --all --filter dangling=true\n"
    );
    refused(
        &f.dokku(&["cleanup", "nope"]),
        20,
        " !     App nope does not exist\n",
    );
    assert_eq!(f.take_docker(), "");

    let skipped = "-----> DOKKU_SKIP_CLEANUP set. Skipping dokku cleanup\n";
    f.dokku(&[
        "__core",
        "prop",
        "set",
        "builder",
        "web",
        "skip-cleanup",
        "true",
    ])
    .success();
    assert_eq!(f.dokku(&["cleanup", "web"]).success().stdout, skipped);
    f.dokku(&[
        "__core",
        "prop",
        "set",
        "builder",
        "--global",
        "skip-cleanup",
        "true",
    ])
    .success();
    assert_eq!(f.dokku(&["cleanup"]).success().stdout, skipped);
    f.dokku(&[
        "__core",
        "prop",
        "del",
        "builder",
        "--global",
        "skip-cleanup",
    ])
    .success();
    let env_skip = f.env.run(
        f.env
            .command("dokku")
            .env("DOKKU_SKIP_CLEANUP", "true")
            .arg("cleanup"),
    );
    assert_eq!(env_skip.stdout, skipped);
    assert_eq!(f.take_docker(), "");
}

#[test]
fn install_drains_pre_038_env_files_with_dokkus_messages() {
    // No recorder plugin here: installing it would run the `install` triggers, and
    // the migration, before the legacy files below exist.
    let env = install();
    let f = Fixture {
        docker_log: env.scratch("fake").join("docker.log"),
        exited_ids: env.scratch("fake").join("exited-ids"),
        triggers: env.scratch("fake").join("triggers.log"),
        env,
    };
    f.dokku(&["apps:create", "web"]).success();
    f.dokku(&["config:set", "--no-restart", "web", "KEEP=1", "PORT=1"])
        .success();
    let root = f.env.dokku_root();
    std::fs::write(
        root.join("ENV"),
        "export TZ='UTC'\nexport DOKKU_DISABLE_APP_AUTOCREATION='true'\n",
    )
    .expect("write");
    std::fs::write(
        root.join("web/ENV"),
        "export PORT='5000'\nexport NEW=\"it's\"\n",
    )
    .expect("write");
    let run = f.dokku(&["plugin:install"]).success();
    assert!(
        run.stdout.contains("-----> Migrating deprecated global DOKKU_DISABLE_APP_AUTOCREATION to apps disable-autocreation property. Use 'dokku apps:set --global disable-autocreation true' to manage this going forward.\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
    for (key, value) in [("KEEP", "1"), ("NEW", "it's"), ("PORT", "5000")] {
        assert_eq!(
            f.dokku(&["config:get", "web", key]).success().stdout,
            format!("{value}\n")
        );
    }
    assert_eq!(
        f.dokku(&["config:export", "--global", "--format", "shell"])
            .success()
            .stdout,
        "TZ='UTC' "
    );
    assert!(!root.join("ENV").exists() && !root.join("web/ENV").exists());
    assert_eq!(
        f.prop("config", "web", "env-migrated").as_deref(),
        Some("true")
    );
    assert_eq!(
        f.prop("apps", "--global", "disable-autocreation")
            .as_deref(),
        Some("true")
    );

    // A file that reappears after the migration is never imported.
    std::fs::write(root.join("web/ENV"), "export PORT='5000'\n").expect("write");
    assert_eq!(f.dokku(&["plugin:install"]).success().stderr, "");
    assert!(!root.join("web/ENV").exists());
    std::fs::write(root.join("web/ENV"), "export PORT='1'\nexport GONE='x'\n").expect("write");
    let stale = f.dokku(&["plugin:install"]).success();
    let file = root.join("web/ENV");
    assert_eq!(
        stale.stderr,
        format!(
            " !     Not importing already-migrated ENV file {f}: the current config takes precedence for GONE PORT\n \
             !     Preserved at {f}.migrated: re-apply anything still needed with dokku config:set, then delete it - dokku does not read it and it may hold values that were unset on purpose\n",
            f = file.display()
        )
    );
    assert!(root.join("web/ENV.migrated").is_file());
    assert_eq!(
        f.dokku(&["config:get", "web", "PORT"]).success().stdout,
        "5000\n"
    );

    // A file godotenv cannot read stops the migration with Dokku's words.
    std::fs::create_dir_all(root.join("api")).expect("mkdir");
    std::fs::write(root.join("api/ENV"), "not a pair\n").expect("write");
    let bad = f.dokku(&["plugin:install"]);
    assert_ne!(bad.code, 0);
    assert!(
        bad.stderr.contains(
            " !     Unable to migrate environment for api: Unable to load old environment: "
        ),
        "{}",
        bad.stderr
    );
    assert!(root.join("api/ENV").is_file());
}
