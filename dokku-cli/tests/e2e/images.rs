//! `copy_from_image` and `copy_dir_from_image` against a real Docker engine, through
//! the bash helper library and `dokku __core`, as a plugin uses them.
//!
//! The image is built FROM the locally made base image (`scripts/build-base-image.sh`)
//! with a WORKDIR and files, labelled `com.dokku-rs.test=<unique>`. `DOCKER_BIN` names
//! a wrapper (set in `$DOKKU_ROOT/dokkurc`, as an operator would) that logs every call
//! and, for `container cp`, the temporary container's labels as `docker container
//! inspect` reports them. Only what this test made is removed, by label or tag.

use std::path::{Path, PathBuf};
use std::process::Command;

use dokku_test_support::{write_executable, Run, TestEnv};

const BASE_IMAGE: &str = "dokku-rs/base:busybox";

fn docker(args: &[&str]) -> std::process::Output {
    Command::new("docker")
        .args(args)
        .output()
        .expect("run docker")
}

/// Everything one run made; removed on drop by label (containers, images).
struct Fixture {
    env: TestEnv,
    unique: String,
    image: String,
    app: String,
    log: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        assert!(
            docker(&["version"]).status.success(),
            "the e2e tests need a Docker engine\nhint: start dockerd (scripts/ci-prepare.sh), or set DOKKU_SKIP_E2E=1 to skip them locally"
        );
        if !docker(&["image", "inspect", BASE_IMAGE]).status.success() {
            let script = dokku_test_support::repo_root().join("scripts/build-base-image.sh");
            let status = Command::new("bash")
                .arg(script)
                .status()
                .expect("run build-base-image.sh");
            assert!(status.success(), "scripts/build-base-image.sh failed");
        }
        let env = TestEnv::install(env!("CARGO_BIN_EXE_dokku"));
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_nanos();
        let unique = format!("{}-{nanos:x}", std::process::id());

        let ctx = env.scratch("image");
        std::fs::create_dir_all(ctx.join("conf/sub")).expect("mkdir");
        std::fs::write(ctx.join("Procfile"), "  web: ./run\r\nworker: ./work  \n\n")
            .expect("write");
        std::fs::write(ctx.join("conf/one"), "a\r\nb\r\n").expect("write");
        std::fs::write(ctx.join("conf/two"), "two").expect("write");
        std::fs::write(ctx.join("conf/sub/nested"), "nested").expect("write");
        std::fs::write(ctx.join("EMPTY"), "  \n").expect("write");
        std::fs::write(
            ctx.join("Dockerfile"),
            format!(
                "FROM {BASE_IMAGE}\nLABEL com.dokku-rs.test={unique}\nWORKDIR /srv/app\nCOPY . /srv/app/\nCOPY conf/one /etc/absolute-one\n"
            ),
        )
        .expect("write Dockerfile");
        let image = format!("dokku-rs-test/images:{unique}");
        let built = docker(&[
            "image",
            "build",
            "--quiet",
            "--tag",
            &image,
            ctx.to_str().expect("utf8"),
        ]);
        assert!(
            built.status.success(),
            "docker build failed: {}",
            String::from_utf8_lossy(&built.stderr)
        );

        let log = env.scratch("docker").join("calls.log");
        let wrapper = env.scratch("docker").join("docker-wrapper");
        write_executable(
            &wrapper,
            &format!(
                "#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >>{log:?}\n\
                 if [[ \"$1 $2\" == \"container cp\" ]]; then\n\
                 \x20 for a in \"$@\"; do case \"$a\" in *:/*) cid=\"${{a%%:*}}\";; esac; done\n\
                 \x20 printf 'labels %s\\n' \"$(docker container inspect --format '{{{{json .Config.Labels}}}}' \"$cid\")\" >>{log:?}\n\
                 fi\nexec docker \"$@\"\n"
            ),
        );
        std::fs::write(
            env.dokku_root().join("dokkurc"),
            format!("export DOCKER_BIN={}\n", wrapper.display()),
        )
        .expect("write dokkurc");
        let app = format!("images-{unique}");
        std::fs::create_dir_all(env.dokku_root().join(&app)).expect("create app");
        Fixture {
            env,
            unique,
            image,
            app,
            log,
        }
    }

    /// Runs `script` in bash with the helper library sourced and `APP` set, as a
    /// plugin's trigger would.
    fn plugin(&self, script: &str) -> Run {
        let lib = self.env.lib_root();
        let full = format!(
            "set -eo pipefail\nsource \"$PLUGIN_CORE_AVAILABLE_PATH/common/functions\"\n{script}"
        );
        self.env.run(
            self.env
                .command("bash")
                .args(["-c", &full])
                .env(
                    "PLUGIN_CORE_AVAILABLE_PATH",
                    lib.join("core-plugins/available"),
                )
                .env("APP", &self.app)
                .env("IMAGE", &self.image),
        )
    }

    fn out(&self, name: &str) -> PathBuf {
        self.env.scratch("out").join(name)
    }

    /// Containers of this test's app that still exist.
    fn leftovers(&self) -> String {
        let out = docker(&[
            "ps",
            "-a",
            "-q",
            "--filter",
            &format!("label=com.dokku.app-name={}", self.app),
        ]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        for id in self.leftovers().split_whitespace() {
            let _ = docker(&["container", "remove", "--force", id]);
        }
        let out = docker(&[
            "image",
            "ls",
            "-q",
            "--filter",
            &format!("label=com.dokku-rs.test={}", self.unique),
        ]);
        for id in String::from_utf8_lossy(&out.stdout).split_whitespace() {
            let _ = docker(&["image", "remove", "--force", id]);
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

#[test]
fn copy_from_image_through_docker_bin_leaves_no_container() {
    if crate::harness::skipped() {
        return;
    }
    let fx = Fixture::new();

    // A relative file comes from the WORKDIR: trimmed, CRLF → LF, one final newline.
    let dst = fx.out("Procfile");
    fx.plugin(&format!("copy_from_image \"$IMAGE\" Procfile {dst:?}"))
        .success();
    assert_eq!(read(&dst), "web: ./run\nworker: ./work\n");
    assert_eq!(fx.leftovers(), "", "no container after a successful copy");

    // An absolute path is taken as is.
    let dst = fx.out("abs");
    fx.plugin(&format!(
        "copy_from_image \"$IMAGE\" /etc/absolute-one {dst:?}"
    ))
    .success();
    assert_eq!(read(&dst), "a\nb\n");

    // A directory: its top-level regular files only, line ends converted.
    let dir = fx.out("conf");
    fx.plugin(&format!("copy_dir_from_image \"$IMAGE\" conf {dir:?}"))
        .success();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["one", "two"]);
    assert_eq!(read(&dir.join("one")), "a\nb\n");
    assert_eq!(read(&dir.join("two")), "two");
    assert_eq!(fx.leftovers(), "", "no container after a directory copy");

    // Failures, each with Dokku's message: a missing file, an empty one, a file
    // where a directory is expected, a missing directory. The container still goes.
    for (helper, src) in [
        ("copy_from_image", "missing"),
        ("copy_from_image", "EMPTY"),
        ("copy_dir_from_image", "Procfile"),
        ("copy_dir_from_image", "missing-dir"),
    ] {
        let dst = fx.out(&format!("failed-{src}"));
        let run = fx.plugin(&format!("{helper} \"$IMAGE\" {src} {dst:?}"));
        assert_eq!(
            (run.code, run.stderr.as_str()),
            (
                1,
                format!(" !     Unable to copy file {src} from image\n").as_str()
            ),
            "{helper} {src}"
        );
        assert!(!dst.exists(), "{src}: nothing written");
        assert_eq!(
            fx.leftovers(),
            "",
            "{helper} {src}: no container after a failing copy"
        );
    }

    // A missing image is refused before any container exists.
    let run = fx.plugin(&format!(
        "copy_from_image dokku-rs-test/images:missing-{} Procfile /tmp/never",
        fx.unique
    ));
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (1, " !     Invalid docker image for copying content\n")
    );

    // Every docker call went through $DOCKER_BIN; each temporary container was labelled
    // for the app (and with Dokku's global labels), and removed.
    let calls = fx.calls();
    let creates: Vec<&String> = calls
        .iter()
        .filter(|c| c.starts_with("container create "))
        .collect();
    let removes = calls
        .iter()
        .filter(|c| c.starts_with("container remove --force "))
        .count();
    assert_eq!(creates.len(), 7, "{calls:#?}");
    assert_eq!(removes, creates.len(), "{calls:#?}");
    for create in &creates {
        assert!(
            create.starts_with(&format!(
                "container create --label=com.dokku.app-name={} ",
                fx.app
            )),
            "{create}"
        );
    }
    let labels: Vec<&String> = calls.iter().filter(|c| c.starts_with("labels ")).collect();
    assert_eq!(labels.len(), 7, "{calls:#?}");
    for line in labels {
        let json: serde_json::Value =
            serde_json::from_str(line.trim_start_matches("labels ")).expect("labels json");
        assert_eq!(json["com.dokku.app-name"], fx.app.as_str(), "{line}");
        assert_eq!(json["dokku"], "", "{line}");
        assert_eq!(json["org.label-schema.vendor"], "dokku", "{line}");
        assert_eq!(json["org.label-schema.schema-version"], "1.0", "{line}");
        assert_eq!(
            json["com.dokku-rs.test"],
            fx.unique.as_str(),
            "image label inherited: {line}"
        );
    }
    assert!(calls
        .iter()
        .any(|c| c
            .starts_with("image inspect --format {{json .Config}} dokku-rs-test/images:missing-")));
}
