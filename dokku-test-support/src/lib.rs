//! Test helpers shared by the integration and end-to-end suites.
//!
//! [`TestEnv`] installs dokku into a temp prefix with the project's own
//! `install.sh --prefix`, exactly as an operator would, and runs the real binary there
//! with the environment `DIR/env` exports. Each test gets its own prefix, so tests run
//! in parallel without sharing state.
//!
//! install.sh runs once per test binary (and dokku binary), into a template prefix;
//! each test gets a copy of that tree with the template's path rewritten to its own
//! (see [`TestEnv::install`]).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};

use tempfile::TempDir;

/// The repository root (two levels above this crate's manifest).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("dokku-test-support lives one level below the repo root")
        .to_path_buf()
}

/// A prefix install of dokku in a temp dir.
pub struct TestEnv {
    dir: TempDir,
    env: BTreeMap<String, String>,
}

/// What the fake `docker` of [`TestEnv::fake_docker`] answers. Every call appends its
/// argv (`$*`) to the log and exits 0 unless told otherwise here.
#[derive(Debug, Default, Clone, Copy)]
pub struct FakeDocker<'a> {
    /// The names `docker network ls` prints, one a line.
    pub networks: &'a [&'a str],
    /// `docker image build ...` fails (exit 1), so a build stops there.
    pub failing_builds: bool,
    /// `docker image inspect IMAGE` fails (exit 1) for images starting with one of
    /// these, as for an image that was never pulled.
    pub missing_images: &'a [&'a str],
    /// `docker container ls ...status=exited...` prints this file, when it exists.
    pub exited_ids: Option<&'a Path>,
}

impl FakeDocker<'_> {
    /// The shell script, logging to `log`.
    fn script(&self, log: &Path) -> String {
        let mut script = format!(
            "#!/bin/sh\necho \"$*\" >> {}\ncase \"$*\" in\n",
            sh_quote(&log.to_string_lossy())
        );
        if self.failing_builds {
            script.push_str("  'image build'*) exit 1 ;;\n");
        }
        for image in self.missing_images {
            script.push_str(&format!(
                "  {}*) exit 1 ;;\n",
                sh_quote(&format!("image inspect {image}"))
            ));
        }
        if let Some(ids) = self.exited_ids {
            let ids = sh_quote(&ids.to_string_lossy());
            script.push_str(&format!(
                "  'container ls'*status=exited*) [ -f {ids} ] && cat {ids} ;;\n"
            ));
        }
        if !self.networks.is_empty() {
            let names: Vec<String> = self.networks.iter().map(|n| sh_quote(n)).collect();
            script.push_str(&format!(
                "  'network ls' | 'network ls '*) printf '%s\\n' {} ;;\n",
                names.join(" ")
            ));
        }
        script.push_str("esac\nexit 0\n");
        script
    }
}

/// `text` as one single-quoted shell word.
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// The captured result of one command.
#[derive(Debug)]
pub struct Run {
    /// Exit code (128 + signal when killed).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    fn from_output(out: Output) -> Run {
        use std::os::unix::process::ExitStatusExt;
        let code = out
            .status
            .code()
            .unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
        Run {
            code,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts exit code 0 and returns self, printing both streams on failure.
    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl TestEnv {
    /// Installs `dokku_bin` (usually `env!("CARGO_BIN_EXE_dokku")`) into a new prefix.
    ///
    /// The first call of a test binary runs `install.sh --prefix` into a template
    /// prefix; every call copies that template into a prefix of its own, so each test
    /// still gets an independent install. The copy keeps modes and symlinks, and the
    /// template's path, wherever install.sh wrote it (`env`, `bin/dokku-login`,
    /// `home/.sshcommand`, `nginx/nginx.conf`, the links under `lib/plugins`), becomes
    /// the copy's. The dokku binary itself is hard-linked, not copied.
    ///
    /// The install has no Rust plugin SDK (`install.sh --no-sdk`): copying it into every
    /// test's prefix would cost more than the tests that use it; those ask for
    /// [`TestEnv::install_with_sdk`].
    pub fn install(dokku_bin: &str) -> TestEnv {
        TestEnv::install_from(template_prefix(dokku_bin, false))
    }

    /// [`TestEnv::install`] with the Rust plugin SDK under `lib/sdk/rust`, as a default
    /// `install.sh` run leaves it: what native plugins build against.
    pub fn install_with_sdk(dokku_bin: &str) -> TestEnv {
        TestEnv::install_from(template_prefix(dokku_bin, true))
    }

    fn install_from(template: PathBuf) -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("dokku-it-")
            .tempdir()
            .expect("create temp prefix");
        let prefix = dir.path().join("prefix");
        copy_install(&template, &prefix);
        let env = read_env_file(&prefix.join("env"));
        let test_env = TestEnv { dir, env };
        assert_eq!(
            test_env.prefix(),
            test_env.dokku_root().parent().unwrap_or(Path::new("")),
            "the copied env file points at the copy"
        );
        test_env.assert_core_plugins_installed();
        test_env
    }

    /// Every core plugin of the repo is installed and enabled, with all its files.
    ///
    /// Checked right after install so that a file found missing later in a test is known
    /// to have been removed afterwards, not left out by install.sh (a SIGPIPE under
    /// pipefail once deleted a live core plugin there).
    fn assert_core_plugins_installed(&self) {
        let lib = self.lib_root();
        let entries =
            std::fs::read_dir(repo_root().join("plugins")).expect("read the repo's plugins/");
        for entry in entries.flatten() {
            let source = entry.path();
            if !source.join("plugin.toml").is_file() {
                continue;
            }
            let name = entry.file_name();
            for file in std::fs::read_dir(&source)
                .expect("read a plugin dir")
                .flatten()
            {
                // install.sh leaves the Rust build inputs out.
                let skipped =
                    matches!(file.file_name().to_str(), Some("Cargo.toml" | "Cargo.lock"));
                if file.path().is_file() && !skipped {
                    let installed = lib
                        .join("core-plugins/available")
                        .join(&name)
                        .join(file.file_name());
                    assert!(
                        installed.is_file(),
                        "install.sh left out {}",
                        installed.display()
                    );
                }
            }
            let enabled = lib.join("plugins/enabled").join(&name).join("plugin.toml");
            assert!(
                enabled.is_file(),
                "install.sh did not enable {}",
                enabled.display()
            );
        }
    }

    /// The install prefix.
    pub fn prefix(&self) -> PathBuf {
        self.dir.path().join("prefix")
    }

    /// A scratch directory next to the prefix, for fixtures.
    pub fn scratch(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(&path).expect("create scratch dir");
        path
    }

    /// Puts a fake `docker` first on the install's `PATH` (`PREFIX/bin/docker`) that
    /// answers as `fake` says, and returns the log its calls are appended to
    /// (`SCRATCH/fake/docker.log`, absent until the first call).
    pub fn fake_docker(&self, fake: FakeDocker<'_>) -> PathBuf {
        let log = self.scratch("fake").join("docker.log");
        self.fake_docker_script(&fake.script(&log));
        log
    }

    /// Puts `script` first on the install's `PATH` as `docker` (`PREFIX/bin/docker`).
    ///
    /// The fake is reached as the default client `docker`, so image builds and the
    /// common container/image calls would go straight to the real engine over its
    /// socket instead of reaching it; the install's settings get `DOCKER_BUILDKIT=0`
    /// and `DOKKU_DOCKER_API=0` (`DOKKU_ROOT/.dokkurc/fake-docker`, read like
    /// `dokkurc`), which keep every call on the client, as operators opt out.
    pub fn fake_docker_script(&self, script: &str) {
        write_executable(&self.prefix().join("bin/docker"), script);
        let rc = self.dokku_root().join(".dokkurc");
        std::fs::create_dir_all(&rc).expect("create .dokkurc");
        std::fs::write(
            rc.join("fake-docker"),
            "export DOCKER_BUILDKIT=0\nexport DOKKU_DOCKER_API=0\n",
        )
        .expect("write .dokkurc/fake-docker");
    }

    /// The value `DIR/env` gave `key`.
    pub fn var(&self, key: &str) -> &str {
        self.env.get(key).map(String::as_str).unwrap_or("")
    }

    /// `DOKKU_ROOT`.
    pub fn dokku_root(&self) -> PathBuf {
        PathBuf::from(self.var("DOKKU_ROOT"))
    }

    /// `DOKKU_LIB_ROOT` (the install's `DOKKU_LIB_PATH`).
    pub fn lib_root(&self) -> PathBuf {
        PathBuf::from(self.var("DOKKU_LIB_PATH"))
    }

    /// A command running `program` with the install's environment (and no tty on
    /// stdin, like CI). Add `DOKKU_FORCE_TTY=true` to see tty-only output.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear().envs(&self.env).stdin(Stdio::null());
        cmd
    }

    /// Runs `dokku ARGS` and captures the result.
    pub fn dokku<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run(self.command("dokku").args(args))
    }

    /// Runs the installed `dokku` with the cargo that builds this test on `PATH` and
    /// `CARGO_NET_OFFLINE=true`: what a native plugin's install trigger needs to build
    /// against the SDK the install put under `LIB/sdk/rust` (its registry copies come
    /// from this toolchain's cache).
    pub fn dokku_with_cargo(&self, args: &[&str]) -> Run {
        let toolchain = Path::new(env!("CARGO"))
            .parent()
            .expect("cargo's directory")
            .display()
            .to_string();
        let mut cmd = self.command("dokku");
        cmd.env("PATH", format!("{toolchain}:{}", self.var("PATH")))
            .env("CARGO_NET_OFFLINE", "true")
            .args(args);
        self.run(&mut cmd)
    }

    /// Runs `dokku ARGS` as if on a terminal (`DOKKU_FORCE_TTY=true`).
    pub fn dokku_tty<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run(
            self.command("dokku")
                .env("DOKKU_FORCE_TTY", "true")
                .args(args),
        )
    }

    /// Runs a prepared command and captures the result.
    pub fn run(&self, cmd: &mut Command) -> Run {
        Run::from_output(cmd.output().expect("spawn command"))
    }
}

/// The template installs of this process, by dokku binary: the template's temp root
/// (holding `prefix/`). Removed at exit (see [`remove_templates`]).
static TEMPLATES: OnceLock<Mutex<BTreeMap<String, PathBuf>>> = OnceLock::new();

fn templates() -> &'static Mutex<BTreeMap<String, PathBuf>> {
    TEMPLATES.get_or_init(|| {
        register_template_cleanup();
        Mutex::new(BTreeMap::new())
    })
}

/// The template prefix for `dokku_bin` (with the plugin SDK or without), installed by
/// install.sh on first use.
fn template_prefix(dokku_bin: &str, sdk: bool) -> PathBuf {
    let mut templates = templates()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let key = format!("{dokku_bin}\n{sdk}");
    if let Some(root) = templates.get(&key) {
        return root.join("prefix");
    }
    // Kept past the TempDir: removed at exit, once no test can be copying it.
    let root = tempfile::Builder::new()
        .prefix("dokku-it-template-")
        .tempdir()
        .expect("create template prefix")
        .keep();
    let prefix = root.join("prefix");
    let mut install = Command::new("bash");
    install
        .arg(repo_root().join("install.sh"))
        .arg("--prefix")
        .arg(&prefix)
        .arg("--no-build");
    if !sdk {
        install.arg("--no-sdk");
    }
    let out = install
        .env("DOKKU_BIN_SOURCE", dokku_bin)
        .stdin(Stdio::null())
        .output()
        .expect("run install.sh");
    let run = Run::from_output(out);
    if run.code != 0 {
        let _ = std::fs::remove_dir_all(&root);
        panic!("install.sh failed\n{}\n{}", run.stdout, run.stderr);
    }
    templates.insert(key, root);
    prefix
}

/// Removes every template install when the test binary exits (statics are never
/// dropped, so a `TempDir` kept in one would be left behind).
#[allow(unsafe_code)]
fn register_template_cleanup() {
    extern "C" fn remove_templates() {
        if let Some(templates) = TEMPLATES.get() {
            let templates = templates
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for root in templates.values() {
                let _ = std::fs::remove_dir_all(root);
            }
        }
    }
    // SAFETY: `remove_templates` is a plain `extern "C" fn()` that neither unwinds
    // (it ignores every error) nor needs anything torn down before it.
    unsafe {
        libc::atexit(remove_templates);
    }
}

/// Copies the install at `from` to `to` (which must not exist), rewriting `from`'s
/// path to `to`'s in small files and absolute symlinks.
fn copy_install(from: &Path, to: &Path) {
    let old = from.to_str().expect("utf-8 template path");
    let new = to.to_str().expect("utf-8 prefix path");
    copy_rewriting(from, to, old, new);
}

/// Files larger than this (the dokku binary) are hard-linked, not scanned and copied.
const LINK_ABOVE: u64 = 1 << 20;

fn copy_rewriting(from: &Path, to: &Path, old: &str, new: &str) {
    use std::os::unix::fs::symlink;
    let meta = std::fs::symlink_metadata(from).expect("stat template entry");
    let kind = meta.file_type();
    if kind.is_symlink() {
        let target = std::fs::read_link(from).expect("read template symlink");
        let target = match target.strip_prefix(old) {
            Ok(rest) => Path::new(new).join(rest),
            Err(_) => target,
        };
        symlink(&target, to).expect("copy symlink");
    } else if kind.is_dir() {
        std::fs::create_dir(to).expect("copy dir");
        for entry in std::fs::read_dir(from).expect("read template dir") {
            let entry = entry.expect("read template dir entry");
            copy_rewriting(&entry.path(), &to.join(entry.file_name()), old, new);
        }
        std::fs::set_permissions(to, meta.permissions()).expect("copy dir mode");
    } else if kind.is_file() {
        if meta.len() > LINK_ABOVE && std::fs::hard_link(from, to).is_ok() {
            return;
        }
        if meta.len() > LINK_ABOVE {
            std::fs::copy(from, to).expect("copy file");
            return;
        }
        let bytes = std::fs::read(from).expect("read template file");
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) if text.contains(old) => text.replace(old, new).into_bytes(),
            _ => bytes,
        };
        std::fs::write(to, text).expect("copy file");
        std::fs::set_permissions(to, meta.permissions()).expect("copy file mode");
    } else {
        panic!("unexpected file type in the template: {}", from.display());
    }
}

/// The environment after `source FILE`: what an operator's shell would have.
fn read_env_file(path: &Path) -> BTreeMap<String, String> {
    let out = Command::new("bash")
        .args(["-c", "source \"$1\" && env -0", "env-file"])
        .arg(path)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::var("HOME").unwrap_or_default())
        .env(
            "USER",
            std::env::var("USER").unwrap_or_else(|_| "root".into()),
        )
        .output()
        .expect("source the prefix env file");
    assert!(out.status.success(), "sourcing {} failed", path.display());
    out.stdout
        .split(|b| *b == 0)
        .filter_map(|entry| {
            let entry = String::from_utf8_lossy(entry);
            let (k, v) = entry.split_once('=')?;
            Some((k.to_string(), v.to_string()))
        })
        .filter(|(k, _)| !matches!(k.as_str(), "SHLVL" | "_" | "PWD" | "OLDPWD"))
        .collect()
}

/// Replaces the first `anchor` in `path` with `with` (the anchor must be there): an
/// author's edit to a plugin repository in a test.
pub fn replace_once(path: &Path, anchor: &str, with: &str) {
    let text = std::fs::read_to_string(path).expect("read the file to edit");
    assert!(
        text.contains(anchor),
        "{} has no {anchor:?}",
        path.display()
    );
    std::fs::write(path, text.replacen(anchor, with, 1)).expect("write the edited file");
}

/// Commits every change to tracked files of the repository `dir`.
pub fn git_commit_changes(dir: &Path, message: &str) {
    let status = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@localhost"])
        .args(["commit", "--quiet", "--all", "-m", message])
        .current_dir(dir)
        .status()
        .expect("run git commit");
    assert!(status.success(), "git commit failed in {}", dir.display());
}

/// Makes a directory into a git repository with one commit of everything in it.
pub fn git_commit_all(dir: &Path) {
    for args in [
        vec!["init", "--quiet", "--initial-branch", "main"],
        vec!["add", "--all"],
        vec![
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@localhost",
            "commit",
            "--quiet",
            "-m",
            "initial",
        ],
    ] {
        let status = Command::new("git")
            .args(&args)
            .current_dir(dir)
            .status()
            .expect("run git");
        assert!(status.success(), "git {args:?} failed in {}", dir.display());
    }
}

/// Copies a directory tree (`cp -a`).
pub fn copy_tree(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .expect("run cp");
    assert!(
        status.success(),
        "cp -a {} {} failed",
        from.display(),
        to.display()
    );
}

/// Writes an executable file.
pub fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create parent dir");
    }
    std::fs::write(path, text).expect("write executable");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod +x");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docker(bin: &Path, args: &str) -> (i32, String) {
        let out = Command::new(bin)
            .args(args.split(' '))
            .output()
            .expect("run the fake docker");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }

    #[test]
    fn the_fake_docker_logs_every_call_and_answers_as_configured() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ids = dir.path().join("it's ids");
        let log = dir.path().join("docker.log");
        let bin = dir.path().join("docker");
        let fake = FakeDocker {
            networks: &["bridge", "o'brien"],
            failing_builds: true,
            missing_images: &["gliderlabs/"],
            exited_ids: Some(&ids),
        };
        write_executable(&bin, &fake.script(&log));

        assert_eq!(docker(&bin, "network ls"), (0, "bridge\no'brien\n".into()));
        assert_eq!(docker(&bin, "image build -t x ."), (1, String::new()));
        assert_eq!(
            docker(&bin, "image inspect gliderlabs/herokuish"),
            (1, String::new())
        );
        assert_eq!(docker(&bin, "image inspect other"), (0, String::new()));
        let exited = "container ls --all --filter status=exited --quiet";
        assert_eq!(docker(&bin, exited), (0, String::new()));
        std::fs::write(&ids, "abc\n").expect("write ids");
        assert_eq!(docker(&bin, exited), (0, "abc\n".into()));
        assert_eq!(
            std::fs::read_to_string(&log).expect("log").lines().count(),
            6
        );

        write_executable(&bin, &FakeDocker::default().script(&log));
        assert_eq!(docker(&bin, "network ls"), (0, String::new()));
        assert_eq!(docker(&bin, "image build ."), (0, String::new()));
    }
}
